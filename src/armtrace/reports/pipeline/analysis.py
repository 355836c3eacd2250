"""Per-document state shared by the components, and the tokenisation that phrase lists use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

import spacy
from spacy.tokens import Doc

from armtrace.reference.places import fold
from armtrace.reports.pipeline.mentions import Analysis

if not Doc.has_extension("armtrace"):
    Doc.set_extension("armtrace", default=None)


def analysis(doc: Doc) -> Analysis:
    """The document's findings so far, created on first use by whichever component runs first."""
    found = doc._.armtrace
    if found is None:
        tokens = [
            (t.lower_, t.text, t.idx, t.is_sent_start) for t in doc
        ]  # one pass: Token objects are costly
        found = Analysis(
            source=doc.text,
            lower=[t[0] for t in tokens],
            text=[t[1] for t in tokens],
            idx=[t[2] for t in tokens],
            sent_starts=[i for i, t in enumerate(tokens) if t[3] or i == 0],
        )
        doc._.armtrace = found
    return found


@cache
def _tokenizer() -> spacy.language.Language:
    return spacy.blank("en")


def tokenizer_words(lower: bool) -> Callable[[str], list[str]]:
    """Split a phrase exactly as the pipeline splits text, so phrases and text compare token by token."""
    nlp = _tokenizer()
    if lower:
        return lambda phrase: [t.lower_ for t in nlp.make_doc(phrase)]
    return lambda phrase: [t.text for t in nlp.make_doc(phrase)]


def first_words(names: Iterable[str]) -> frozenset[str]:
    """The first word of every name, folded and case-free: a token that is none of these cannot
    start a name, so the components skip the n-gram look-ups there (most capitalised words)."""
    out = {"the"}
    for name in names:
        words = fold(name).replace("-", " ").split()
        if words:
            out.add(words[0].casefold())
    return frozenset(out)


def word_key(token: str) -> str:
    return fold(token).replace("-", " ").split(" ")[0].casefold()
