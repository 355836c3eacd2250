"""Weapon mentions: taxonomy models (case as written) and generic phrases (any case)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from armtrace.reference.weapons import WeaponTerm, load_taxonomy
from armtrace.reports.pipeline.analysis import analysis, tokenizer_words
from armtrace.reports.pipeline.lexicon import Lexicon
from armtrace.reports.pipeline.mentions import Analysis, WeaponMention

_UPPER_GENERIC = {"MANPADS", "MANPAD", "ATGM", "ATGMs", "IEDs"}
_ANAPHORS = {"missile", "missiles"}
_DETERMINERS = {"these", "those", "such", "the", "its", "their", "this", "that"}
_MISSILES = {"manpads", "atgm", "artillery_rocket"}


@Language.factory("armtrace_weapons")
def make_weapons(nlp: Language, name: str) -> WeaponFinder:
    return WeaponFinder()


class WeaponFinder:
    def __init__(self) -> None:
        taxonomy = load_taxonomy()
        # Model aliases are matched as written: "LAW", "TOW" or "Milan" in lower case are other words.
        self.models: Lexicon[WeaponTerm | None] = Lexicon(tokenizer_words(lower=False))
        self.generic: Lexicon[WeaponTerm | None] = Lexicon(tokenizer_words(lower=True))
        for term in taxonomy.terms():
            if term.model is not None or term.surface in _UPPER_GENERIC:
                self.models.add(term.surface, term)
            else:
                self.generic.add(term.surface, term)
        for phrase in taxonomy.not_weapons:
            self.generic.add(phrase, None)

    def __call__(self, doc: Doc) -> Doc:
        found = analysis(doc)
        text, lower, idx = found.text, found.lower, found.idx
        mentions: list[WeaponMention] = []
        i, n = 0, len(text)
        while i < n:
            hit = (
                self.models.match_at(text, i)
                or self._plural_model(text, i)
                or self.generic.match_at(lower, i)
            )
            if hit is None:
                mention = self._anaphor(found, mentions, i)
                if mention is not None:
                    mentions.append(mention)
                i += 1
                continue
            end, term = hit
            if term is None:
                term = self._ellipsis(lower, end)  # "anti-aircraft and anti-tank missiles"
            if term is not None:
                end, term = self._extend(lower, end, term)
                mention = WeaponMention(
                    i, end, idx[i], found.end_char(end), term.category, term.model
                )
                mention.anaphoric = (
                    term.category == "unspecified" and i > 0 and lower[i - 1] in _DETERMINERS
                )
                mentions.append(mention)
            i = end
        _rockets_of_launchers(found.lower, mentions)
        found.weapons = mentions
        return doc

    @staticmethod
    def _anaphor(found: Analysis, mentions: list[WeaponMention], i: int) -> WeaponMention | None:
        """A bare 'missiles' means the kind of missile the report last named ('SA-7 missiles …
        at least 80 missiles were taken'); with none named before, it is left out."""
        if found.lower[i] not in _ANAPHORS:
            return None
        for earlier in reversed(mentions):
            if earlier.category in _MISSILES:
                end_char = found.idx[i] + len(found.text[i])
                return WeaponMention(i, i + 1, found.idx[i], end_char, earlier.category, None)
        return None

    def _ellipsis(self, lower: list[str], end: int) -> WeaponTerm | None:
        """'anti-aircraft and anti-tank missiles': the first modifier takes the shared head noun."""
        if end + 1 >= len(lower) or lower[end] not in {"and", "or"}:
            return None
        nxt = self.generic.match_at(lower, end + 1)
        if nxt is None or nxt[1] is None:
            return None
        start = end - 1
        while start > 0 and lower[start - 1] in {
            "-",
            "anti",
            "air",
            "aircraft",
            "tank",
            "personnel",
        }:
            start -= 1
        hit = self.generic.match_at([*lower[start:end], lower[nxt[0] - 1]], 0)
        return hit[1] if hit is not None else None

    def _plural_model(self, text: list[str], i: int) -> tuple[int, WeaponTerm | None] | None:
        """'SA-7s', 'PKMs': a model name written as a plural."""
        word = text[i]
        if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
            hit = self.models.match_at([word[:-1]], 0)
            if hit is not None and hit[0] == 1:
                return i + 1, hit[1]
        return None

    def _extend(self, lower: list[str], end: int, term: WeaponTerm) -> tuple[int, WeaponTerm]:
        """'Grad rockets', 'SA-7 surface-to-air missiles': a model followed by its generic noun is one
        mention, named by the model."""
        if term.model is None or end >= len(lower):
            return end, term
        nxt = self.generic.match_at(lower, end)
        if nxt is not None and nxt[1] is not None:
            return nxt[0], term
        if lower[end] in {
            "missile",
            "missiles",
            "launcher",
            "launchers",
            "rifle",
            "rifles",
            "system",
            "systems",
            "rounds",
            "rockets",
        }:
            return end + 1, term
        return end, term


def _rockets_of_launchers(lower: list[str], mentions: list[WeaponMention]) -> None:
    """'four RPG-7 launchers with about 30 rockets': the rockets are the launchers' ammunition,
    counted as rocket launchers (annotation guidelines), not artillery rockets."""
    for before, after in zip(mentions, mentions[1:], strict=False):
        if (
            before.category == "rocket_launcher"
            and after.category == "artillery_rocket"
            and after.model is None
            and 0 < after.start - before.end <= 4
            and lower[before.end] in {"with", "and", "plus"}
        ):
            after.category = "rocket_launcher"
