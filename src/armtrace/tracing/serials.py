"""Serial numbers as read in the field: normalisation, look-alike folding, wildcards and ranges.

Two forms are kept for every serial. The *normal* form is what was stamped, written in one script
(Latin capitals, ASCII digits, no spaces or separators). The *folded* form also merges the characters
that photographs and tired eyes confuse (0/O, 1/I/L, 5/S, 8/B, 2/Z), so that a misreading still meets
its record; agreement on the normal form is worth more than agreement on the folded form only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

WILDCARD_ONE = "?"  # one illegible character
WILDCARD_ANY = "*"  # an illegible or missing run (defaced, cut off)

# Cyrillic letters that look like Latin ones (stamped on Soviet-pattern weapons and often typed as
# Cyrillic by Russian-speaking clerks). З is read as the digit 3 because that is how it looks.
_CYRILLIC = dict(
    zip(
        "АВЕКМНОРСТХУЗІЈЅаеорсхукмтнвіјѕ",
        "ABEKMHOPCTXY3IJSAEOPCXYKMTHBIJS",
        strict=True,
    )
)
# Greek capitals that look like Latin ones (typed serials sometimes carry them).
_GREEK = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True))
# Arabic-Indic (U+0660…) and Eastern Arabic-Indic / Persian (U+06F0…) digits.
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {
    chr(0x06F0 + i): str(i) for i in range(10)
}
_SCRIPT = str.maketrans(_CYRILLIC | _GREEK | _DIGITS)

# Photo misreadings, folded onto the digit: serials are mostly digits, so the digit is the likelier truth.
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"})

# Separators and marks that carry no identity: spaces, dashes of every kind, dots, slashes, "No."…
_DROP = re.compile(r"[\s\-‐‑‒–—―_./\\·,:;'\"#№()\[\]]+")
_KEEP = re.compile(r"[^0-9A-Z?*]")


def normalise(raw: str | None) -> str:
    """The normal form: one script, capitals, no separators; `?` and `*` kept as wildcards.

    >>> normalise("№ 1-4?72 м")
    '14?72M'
    """
    if not raw:
        return ""
    # "№" first: NFKC would spell it "No", which would then read as part of the serial.
    text = unicodedata.normalize("NFKC", raw.replace("№", " ")).translate(_SCRIPT).upper()
    text = text.replace("…", WILDCARD_ANY).replace("...", WILDCARD_ANY).replace("�", WILDCARD_ONE)
    text = re.sub(
        r"^\s*(?:NO\.|NR\.|NO\s+(?=\d))\s*", "", text
    )  # a leading "No." labels the serial
    text = _DROP.sub("", text)
    text = _KEEP.sub("", text)
    return re.sub(r"\*+", WILDCARD_ANY, text)


def fold(serial: str) -> str:
    """Fold a normal-form serial so that photo look-alikes compare equal (0/O, 1/I/L, 5/S, 8/B, 2/Z)."""
    return serial.translate(_FOLD)


def is_pattern(serial: str) -> bool:
    return WILDCARD_ONE in serial or WILDCARD_ANY in serial


def known_chars(serial: str) -> int:
    """How many characters of a serial were actually read (wildcards excluded)."""
    return sum(1 for c in serial if c not in "?*")


@lru_cache(maxsize=65536)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    for c in pattern:
        parts.append("." if c == WILDCARD_ONE else ".*" if c == WILDCARD_ANY else re.escape(c))
    return re.compile("".join(parts))


def pattern_matches(pattern: str, serial: str) -> bool:
    """Does a (folded) pattern with `?`/`*` fit a (folded) serial in full?"""
    # The two shapes readings take are compared directly: a partial reading is mostly unique, so a
    # regular expression would be compiled for a handful of comparisons.
    if WILDCARD_ANY not in pattern:
        return fits_each(pattern, serial)
    if pattern[0] == WILDCARD_ANY and WILDCARD_ANY not in pattern[1:]:
        tail = pattern[1:]
        return len(serial) >= len(tail) and fits_each(tail, serial[len(serial) - len(tail) :])
    return _pattern_regex(pattern).fullmatch(serial) is not None


def fits_each(pattern: str, serial: str) -> bool:
    """Same length, and each character read equals the serial's (`?` fits any): a reading
    without `*` against a serial, or a part of one against a prefix."""
    return len(pattern) == len(serial) and all(
        p == c or p == WILDCARD_ONE for p, c in zip(pattern, serial, strict=True)
    )


@dataclass(frozen=True, slots=True)
class SerialRange:
    """A run of serials sharing a prefix: AK1000–AK1999 is prefix "AK", numbers 1000 to 1999."""

    prefix: str  # folded
    low: int
    high: int
    width: int  # digits in the numeric part (leading zeros count)
    text: str = field(default="", compare=False)  # as written (normal form), for explanations

    def __contains__(self, serial: object) -> bool:
        if not isinstance(serial, str):
            return False
        split = split_serial(serial)
        return split is not None and split[0] == self.prefix and self.low <= split[1] <= self.high

    def overlaps_pattern(self, pattern: str) -> bool:
        """Does some serial fitting the pattern (`?` in the number only, at most three) lie in the range?"""
        return bool(self.fillings(pattern))

    def fillings(self, pattern: str, limit: int = 1000) -> list[str] | None:
        """The serials of the range that fit a folded partial reading, at most `limit` of them.

        Two shapes are spelled out: `?` in the number (at most three), and a start cut off (`*`
        then the end of the serial). None for any other shape: it may fit, but no serial can be named.
        """
        if pattern.startswith(WILDCARD_ANY) and WILDCARD_ANY not in pattern[1:]:
            return self._tail_fillings(pattern[1:], limit)
        m = re.fullmatch(r"([0-9A-Z]*?)([0-9?]+)", pattern)
        if m is None or m.group(2).count(WILDCARD_ONE) > 3:
            return None
        if m.group(1) != self.prefix:
            return []
        digits = m.group(2)
        found = []
        for number in _spelled_out(digits):
            if self.low <= int(number) <= self.high:
                found.append(self.prefix + number)
                if len(found) >= limit:
                    break
        return found

    def _tail_fillings(self, tail: str, limit: int) -> list[str] | None:
        # The tail may run back into the prefix ("*K001234" of "AK001234"): that part must fit it.
        if tail.count(WILDCARD_ONE) > 3:
            return None
        head, number = tail[: -self.width] if len(tail) > self.width else "", tail[-self.width :]
        if head and not _pattern_regex(WILDCARD_ANY + head).fullmatch(self.prefix):
            return []
        if not re.fullmatch(r"[0-9?]+", number):
            return []
        step = 10 ** len(number)
        found = []
        for end in _spelled_out(number):
            # Numbers of the range ending in `end`: an arithmetic run from the first one >= low.
            n = self.low + (int(end) - self.low) % step
            while n <= self.high and len(found) < limit:
                found.append(f"{self.prefix}{n:0{self.width}d}")
                n += step
        return sorted(found)

    def __str__(self) -> str:
        if self.text:
            return self.text
        return f"{self.prefix}{self.low:0{self.width}d}-{self.prefix}{self.high:0{self.width}d}"


def _spelled_out(digits: str) -> list[str]:
    """Every way to fill the `?` of a run of digits: "1?3" gives "103" … "193"."""
    runs = [digits]
    while WILDCARD_ONE in runs[0]:
        runs = [r.replace(WILDCARD_ONE, d, 1) for r in runs for d in "0123456789"]
    return runs


_RANGE_TEXT = re.compile(r"\s*(.+?)\s*(?:–|—|-{1,2}|\bto\b|\.\.)\s*(\S+)\s*", re.I)


def range_ends(text: str) -> tuple[str, str] | None:
    """The two ends of a range as written: "AK-1000 - AK-1999" → ("AK-1000", "AK-1999")."""
    m = _RANGE_TEXT.fullmatch(text)
    return (m.group(1), m.group(2)) if m else None


_SPLIT = re.compile(r"(.*?)(\d+)")


def split_serial(folded: str) -> tuple[str, int] | None:
    """A folded serial as (prefix, trailing number), or None where it does not end in digits."""
    m = _SPLIT.fullmatch(folded)
    if m is None or is_pattern(folded):
        return None
    return m.group(1), int(m.group(2))


def parse_range(start: str | None, end: str | None = None) -> SerialRange | None:
    """A serial range from two ends ("AK1000", "AK1999") or one text ("AK1000-1999", "1000 to 1999").

    The end may omit the prefix it shares with the start. Returns None where no range can be read.
    """
    if end is None and start:
        ends = range_ends(start)
        if ends is None:
            return None
        start, end = ends
    if not start or not end:
        return None
    first, last = fold(normalise(start)), fold(normalise(end))
    text = f"{normalise(start)}-{normalise(end)}"
    a, b = split_serial(first), split_serial(last)
    if a is None or b is None:
        return None
    prefix = a[0]
    if b[0] not in ("", prefix):
        return None
    digits = len(first) - len(prefix)
    low, high = sorted((a[1], b[1]))
    return SerialRange(prefix, low, high, digits, text)
