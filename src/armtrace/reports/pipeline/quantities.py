"""Quantities of weapon mentions: '40 Grad rockets', 'around 20,000 MANPADS', 'hundreds of rifles'.

A vague quantity ("hundreds of") is kept as text with no number, so nothing is invented.
"""

from __future__ import annotations

import calendar
import re

from spacy.language import Language
from spacy.tokens import Doc

from armtrace.reports.pipeline.analysis import analysis
from armtrace.reports.pipeline.cues import load_cues
from armtrace.reports.pipeline.mentions import Analysis, WeaponMention

_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+(\.\d+)?$")


_CALIBRE_UNITS = {"mm", "millimetre", "millimeter", "gauge", "bore"}


@Language.factory("armtrace_quantities")
def make_quantities(nlp: Language, name: str) -> QuantityFinder:
    return QuantityFinder()


class QuantityFinder:
    def __init__(self) -> None:
        book = load_cues()
        self.words = book.number_words
        self.scales = book.scale_words
        self.vague = {tuple(v.split()) for v in book.raw["vague_quantities"]}
        self.approx = {tuple(a.split()) for a in book.raw["approximators"]}
        self.quantity_words = {w for phrase in self.vague | self.approx for w in phrase}
        self.approx_words = {w for phrase in self.approx for w in phrase}
        self.fillers = set(book.raw["quantity_fillers"])
        self.stops = set(book.raw["quantity_stops"])

    def __call__(self, doc: Doc) -> Doc:
        found = analysis(doc)
        places = {p.start for p in found.places if p.demonym}
        for mention in found.weapons:
            self._quantify(found, mention, places)
        return doc

    def _quantify(self, found: Analysis, mention: WeaponMention, demonyms: set[int]) -> None:
        lower = found.lower
        j = mention.start - 1
        skipped = 0
        while j >= 0 and skipped < 4 and self._skippable(found, j, demonyms, skipped):
            skipped += lower[j] != "-"  # "pump-action" is one word, not three
            j -= 1
        if j >= 2 and lower[j] in _CALIBRE_UNITS and _DIGITS.match(lower[j - 1]):
            j -= 2  # "twenty 60 mm mortar tubes": the calibre is no count; look before it
        if j < 0:
            return
        end = j + 1
        start, value = self._number_before(lower, end)
        if (
            value is None
            and lower[end - 1] in {"a", "an"}
            and not lower[mention.end - 1].endswith("s")
        ):
            start, value = end - 1, 1  # "a Kornet missile"
        if value is not None and start > 0 and lower[start - 1] in self.quantity_words:
            if lower[start - 1] not in self.approx_words:
                value = None  # "several hundred detonators" is vague
        if value is None:
            vague = self._phrase_ending(lower, end, self.vague)
            if vague is None and end >= 2 and lower[end - 1] == "of":
                vague = self._phrase_ending(lower, end - 1, self.vague)
            if vague is not None:
                mention.quantity_text = " ".join(found.text[vague : mention.start])
                mention.q_start_char = found.idx[vague]
            return
        if _looks_like_year(lower, start, end) or (start > 0 and lower[start - 1] == "between"):
            return  # a year, or a range ("between 3,000 and 4,000 rounds"): no single number
        if end - start == 1 and start > 0 and _is_model_number(found, start):
            return  # "a Glock 19 pistol", "Type 82 grenades": part of a name, not a count
        approx = self._phrase_ending(lower, start, self.approx)
        first = approx if approx is not None else start
        mention.quantity = value
        mention.quantity_text = " ".join(found.text[first:end])
        mention.q_start_char = found.idx[first]
        mention.start_char = min(mention.start_char, found.idx[first])

    def _skippable(self, found: Analysis, j: int, demonyms: set[int], skipped: int) -> bool:
        """Words that may stand between a number and its weapon: '138 complete Grad rockets',
        '40 Russian-made rockets'; never a verb, preposition or conjunction."""
        word = found.lower[j]
        if word in self.words or word in self.scales or word in self.quantity_words:
            return False
        if word in self.fillers or j in demonyms:
            return True
        if word in self.stops or not word.isalpha():
            return False
        if j > 0 and found.lower[j - 1] == "-":
            return True  # "shoulder-fired", "Russian-made": one compound adjective
        if found.text[j][:1].isupper():
            return skipped == 0
        return not word.endswith(("ed", "ing")) and skipped < 2

    def _number_before(self, lower: list[str], end: int) -> tuple[int, int | None]:
        """The number phrase ending just before token `end`: '20,000', 'forty', 'two hundred',
        '1.5 million'. Returns (start token, value)."""
        j = end - 1
        tokens: list[str] = []
        while j >= 0 and (
            lower[j] in self.words
            or _DIGITS.match(lower[j])
            or (lower[j] in {"-", "and"} and tokens and not tokens[0][0].isdigit())
        ):
            if lower[j] in {"a", "an"} and tokens and tokens[0] not in self.scales:
                break
            tokens.insert(0, lower[j])
            j -= 1
        while tokens and tokens[0] in {"-", "and"}:
            tokens.pop(0)
            j += 1
        if not tokens or tokens == ["a"] or tokens == ["an"]:
            return end, None
        return j + 1, self._value(tokens)

    def _value(self, tokens: list[str]) -> int | None:
        total, current = 0, 0.0
        for tok in tokens:
            if tok in {"-", "and"}:
                continue
            if _DIGITS.match(tok):
                current += float(tok.replace(",", ""))
            elif tok in self.scales:
                current = (current or 1) * self.scales[tok]
                if self.scales[tok] >= 1000:
                    total, current = total + current, 0
            elif tok in {"a", "an"}:
                current += 1
            else:
                current += self.words[tok]
        value = int(total + current)
        return value if value > 0 else None

    @staticmethod
    def _phrase_ending(lower: list[str], end: int, phrases: set[tuple[str, ...]]) -> int | None:
        for size in (3, 2, 1):
            if end - size >= 0 and tuple(lower[end - size : end]) in phrases:
                return end - size
        return None


def _looks_like_year(lower: list[str], start: int, end: int) -> bool:
    """'in 2011 rifles were…': a bare 19xx/20xx after a preposition is a year, not a count."""
    token = lower[start]
    return (
        end - start == 1
        and len(token) == 4
        and token[:2] in {"19", "20"}
        and token.isdigit()
        and start > 0
        and lower[start - 1] in {"in", "since", "of", "by", "until", "from", ","}
    )


def _is_model_number(found: Analysis, start: int) -> bool:
    before = found.text[start - 1]
    if before == "-":
        return True  # "Type 56-2": the tail of a model code
    return (
        before[:1].isupper()
        and before.isalpha()
        and before.lower() not in _MONTHS_AND_DAYS
        and found.lower[start].isdigit()
    )


_MONTHS_AND_DAYS = {
    *(m.lower() for m in calendar.month_name if m),
    *(m.lower() for m in calendar.month_abbr if m),
    *(d.lower() for d in calendar.day_name),
}
