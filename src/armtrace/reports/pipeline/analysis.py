"""Per-document state shared by the components, and the tokenisation that phrase lists use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

import spacy
from spacy.attrs import IDX, LOWER, ORTH, SENT_START
from spacy.tokens import Doc

from armtrace.reference.places import fold
from armtrace.reports.pipeline.mentions import Analysis

if not Doc.has_extension("armtrace"):
    Doc.set_extension("armtrace", default=None)


def analysis(doc: Doc) -> Analysis:
    """The document's findings so far, created on first use by whichever component runs first."""
    found = doc._.armtrace
    if found is None:
        # Read the token attributes as arrays: making a Token object per word costs more than the
        # rest of the pipeline together.
        rows = doc.to_array([LOWER, ORTH, IDX, SENT_START]).tolist() if len(doc) else []
        strings = doc.vocab.strings
        found = Analysis(
            source=doc.text,
            lower=[strings[r[0]] for r in rows],
            text=[strings[r[1]] for r in rows],
            idx=[r[2] for r in rows],
            sent_starts=[i for i, r in enumerate(rows) if r[3] == 1 or i == 0] or [0],
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
