"""Cue words (triggers, hedges, negations, direction cues…) from reports/data/cues.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from armtrace.reports.pipeline.analysis import analysis, tokenizer_words
from armtrace.reports.pipeline.lexicon import Lexicon
from armtrace.reports.pipeline.mentions import Analysis

# cue kinds whose entries are plain lists in cues.yaml
_LIST_KINDS = (
    "policy",
    "violation",
    "trend",
    "illicit",
    "new_event",
    "hedges",
    "negations",
    "hypotheticals",
    "historical",
    "origin",
    "destination",
    "via",
    "location",
    "border",
    "reference",
    "vicinity",
    "agent",
    "weak_triggers",
    "not_triggers",
    "attributive_nouns",
    "origin_nouns",
    "generic_actors",
    "vague_quantities",
    "approximators",
)


@dataclass(frozen=True)
class CueBook:
    raw: dict
    lexicon: Lexicon[frozenset[str]]
    word_sets: dict[str, frozenset[str]]

    @property
    def type_priority(self) -> list[str]:
        return list(self.raw["type_priority"])

    @property
    def cue_window(self) -> int:
        return int(self.raw["cue_window"])

    @property
    def number_words(self) -> dict[str, int]:
        return dict(self.raw["number_words"])

    @property
    def scale_words(self) -> dict[str, int]:
        return dict(self.raw["scale_words"])

    def words(self, name: str) -> frozenset[str]:
        """One of the word sets under `word_sets` in cues.yaml."""
        return self.word_sets[name]

    def said(self, name: str, tokens: list[str]) -> bool:
        """Whether the tokens hold a word or a phrase of a word set ("took over" as well as
        "overran")."""
        words = self.word_sets[name]
        if not words.isdisjoint(tokens):
            return True
        text = f" {' '.join(tokens)} "
        return any(f" {w} " in text for w in words if " " in w)


def _labelled_phrases(raw: dict) -> dict[str, set[str]]:
    phrases: dict[str, set[str]] = {}

    def put(phrase: str, label: str) -> None:
        phrases.setdefault(str(phrase).lower(), set()).add(label)

    for event_type, words in raw["triggers"].items():
        for word in words:
            put(word, f"trigger:{event_type}")
    for kind in _LIST_KINDS:
        for word in raw.get(kind, []):
            put(word, kind)
    for role, words in raw["force_nouns"].items():
        for word in words:
            put(word, f"force:{role}")
    return phrases


@cache
def load_cues() -> CueBook:
    raw = yaml.safe_load(
        resources.files("armtrace.reports").joinpath("data/cues.yaml").read_text(encoding="utf-8")
    )
    lexicon: Lexicon[frozenset[str]] = Lexicon(tokenizer_words(lower=True))
    # One lexicon for every kind: a phrase listed under several kinds carries all their labels, and the
    # longest phrase wins ("fear that" is hypothetical, "fear" alone a hedge).
    for phrase, labels in _labelled_phrases(raw).items():
        lexicon.add(phrase, frozenset(labels))
    word_sets = {k: frozenset(str(w) for w in v) for k, v in raw["word_sets"].items()}
    return CueBook(raw, lexicon, word_sets)


@Language.factory("armtrace_cues")
def make_cues(nlp: Language, name: str) -> CueFinder:
    return CueFinder()


class CueFinder:
    """Marks cue phrases: doc._.armtrace.cues[label] = [(start, end, text), …]."""

    def __init__(self) -> None:
        self.book = load_cues()

    def __call__(self, doc: Doc) -> Doc:
        found = analysis(doc)
        for start, end, labels in self.book.lexicon.find(found.lower):
            if _in_compound(found, start, end):
                continue  # "shoulder-fired", "bombed-out": part of a compound word, not a verb
            for label in labels:
                found.cues.setdefault(label, []).append((start, end, label))
        return doc


_VERB_PREFIXES = {"re", "pre", "co"}


def _in_compound(found: Analysis, start: int, end: int) -> bool:
    """A hyphen written against the phrase on either side joins it to another word."""
    lower, idx = found.lower, found.idx
    before = start > 0 and lower[start - 1] == "-" and idx[start - 1] + 1 == idx[start]
    if before and start > 1 and lower[start - 2] in _VERB_PREFIXES:
        before = False  # "re-transferred", "re-exported": the verb itself, done again
    after = (
        end < len(lower) and lower[end] == "-" and idx[end] == idx[end - 1] + len(lower[end - 1])
    )
    return before or after
