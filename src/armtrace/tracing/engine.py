"""The matching engine: blocking, then scored comparisons, then a decision per item.

It follows the Fellegi–Sunter model that Splink implements: every comparison lands on a level, every
level carries a weight (log2 of how much likelier that level is among true matches than among
non-matches), the weights add up with a prior, and the sum is turned into a probability. Unlike a
black-box score, every weight is reported back as an agreement or a disagreement, so an analyst can
see why a record was put forward.

Blocking keeps the work per item small on a national-size registry:
  * folded serial and every one-character deletion of it (one misread or illegible character still
    meets its record: SymSpell's trick);
  * for a partial reading with `?`: the reading without its `?` (and the other `?` spelled out);
  * for a reading with `*` (cut off, defaced): the known leading or trailing characters;
  * for records of ranges (lots, transfers): the prefix, then the numbers by binary search.
"""

from __future__ import annotations

import bisect
import math
import multiprocessing as mp
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import token_set_ratio

from armtrace.reference.weapons import load_taxonomy
from armtrace.tracing.fields import Marks
from armtrace.tracing.serials import (
    WILDCARD_ANY,
    WILDCARD_ONE,
    SerialRange,
    fold,
    is_pattern,
    known_chars,
    pattern_matches,
    split_serial,
)

# Characters a folded serial can hold: digits and the letters that do not fold onto a digit.
FOLDED_ALPHABET = "0123456789ACDEFGHJKMNPQRTUVWXY"
MAX_EXPANDED_WILDCARDS = 3  # beyond that a partial reading is searched by its ends only
END_KEY = 4  # characters of the known end used to block readings with `*`
BITS_PER_CHAR = math.log2(10)  # a read character narrows the field about tenfold (mostly digits)


@dataclass(frozen=True, slots=True)
class Thresholds:
    match: float = 0.99
    possible: float = 0.5
    prior: float = -8.0  # log2 odds that a blocked pair is a match before comparing anything


@dataclass(slots=True)
class Candidate:
    record: str
    score: float
    weight: float
    agreements: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    serial_level: str = "none"  # identical, folded, pattern, range, near, different, missing
    # The folded serials of the weapons this record may be the item's: one for a ledger row, those
    # of a lot that fit a partial reading; none where the serial disagrees.
    identities: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "record": self.record,
            "score": round(self.score, 4),
            "agreements": self.agreements,
            "disagreements": self.disagreements,
        }


@dataclass(slots=True)
class TraceResult:
    item: str
    decision: str  # match, possible, none
    candidates: list[Candidate]

    def as_dict(self) -> dict:
        return {
            "item": self.item,
            "decision": self.decision,
            "candidates": [c.as_dict() for c in self.candidates],
        }


# Levels that identify one weapon; a near serial (one character off) never makes a match alone,
# because lots are numbered consecutively and the neighbour agrees on every other mark.
STRONG_LEVELS = frozenset({"identical", "folded", "pattern", "range"})
RANGE_FILLINGS = 1000  # serials of a lot named as fitting a partial reading, at most


class Matcher:
    """An index over records; `trace(item)` gives the scored candidates and a decision."""

    def __init__(self, records: Iterable[Marks], thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self.records: list[Marks] = []
        self._folded: list[str] = []
        self._keys: dict[str, int | list[int]] = {}
        self._ranges: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        self._ends: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None
        for record in records:
            self._add(record)
        self._range_lows: dict[str, list[int]] = {}
        for prefix, runs in self._ranges.items():
            runs.sort()
            self._range_lows[prefix] = [low for low, _, _ in runs]
        self._widest = {p: max(h - lo for lo, h, _ in runs) for p, runs in self._ranges.items()}
        self._range_widths = sorted(
            {(r.range.prefix, r.range.width) for r in self.records if r.range is not None}
        )

    def _add(self, record: Marks) -> None:
        idx = len(self.records)
        self.records.append(record)
        folded = fold(record.serial)
        self._folded.append(folded)
        if folded:
            for key in {folded, *_deletions(folded)}:
                self._put(key, idx)
        if record.range is not None:
            self._ranges[record.range.prefix].append((record.range.low, record.range.high, idx))

    def _put(self, key: str, idx: int) -> None:
        # An int for a key held by one record: most keys are, and a list each would cost gigabytes.
        held = self._keys.get(key)
        if held is None:
            self._keys[key] = idx
        elif isinstance(held, int):
            self._keys[key] = [held, idx]
        else:
            held.append(idx)

    def _get(self, key: str) -> list[int]:
        held = self._keys.get(key)
        return [] if held is None else [held] if isinstance(held, int) else held

    # -- blocking ---------------------------------------------------------------------------------

    def block(self, item: Marks) -> set[int]:
        """Indices of the records worth comparing with the item."""
        folded = fold(item.serial)
        if not folded or known_chars(folded) < 3:
            return set()
        found: set[int] = set()
        if WILDCARD_ANY in folded:
            found.update(self._by_ends(folded))
        elif WILDCARD_ONE in folded:
            for key in _expand(folded):
                found.update(self._get(key))
        else:
            for key in (folded, *_deletions(folded)):
                found.update(self._get(key))
        found.update(self._in_ranges(folded))
        return found

    def _by_ends(self, folded: str) -> list[int]:
        if self._ends is None:  # built on first use: most runs have no cut-off readings
            self._ends = (defaultdict(list), defaultdict(list))
            for idx, serial in enumerate(self._folded):
                if len(serial) >= END_KEY:
                    self._ends[0][serial[:END_KEY]].append(idx)
                    self._ends[1][serial[-END_KEY:]].append(idx)
        head, tail = folded.split(WILDCARD_ANY, 1)[0], folded.rsplit(WILDCARD_ANY, 1)[1]
        if len(head) >= END_KEY and WILDCARD_ONE not in head[:END_KEY]:
            hits = self._ends[0].get(head[:END_KEY], [])
        elif len(tail) >= END_KEY and WILDCARD_ONE not in tail[-END_KEY:]:
            hits = self._ends[1].get(tail[-END_KEY:], [])
        else:
            return []
        return [i for i in hits if pattern_matches(folded, self._folded[i])]

    def _in_ranges(self, folded: str) -> list[int]:
        if not self._ranges:
            return []
        if folded.startswith(WILDCARD_ANY) and WILDCARD_ANY not in folded[1:]:
            return self._tail_in_ranges(folded[1:])
        probe = folded.replace(WILDCARD_ONE, "0")
        split = split_serial(probe) if WILDCARD_ANY not in folded else None
        if split is None or split[0] not in self._ranges:
            return []
        prefix, _ = split
        digits = len(probe) - len(prefix)
        low = int(folded[len(prefix) :].replace(WILDCARD_ONE, "0")[:digits] or 0)
        high = int(folded[len(prefix) :].replace(WILDCARD_ONE, "9")[:digits] or 0)
        runs, lows = self._ranges[prefix], self._range_lows[prefix]
        # Runs starting after `high` cannot hold it; runs starting before `low - widest` end before it.
        start = bisect.bisect_left(lows, low - self._widest[prefix])
        stop = bisect.bisect_right(lows, high)
        return [idx for lo, hi, idx in runs[start:stop] if lo <= high and hi >= low]

    def _tail_in_ranges(self, tail: str) -> list[int]:
        """Ranges that may hold a serial whose start was cut off. Per prefix, the missing leading
        digits are spelled out and looked up where that takes fewer look-ups than the prefix has
        ranges; otherwise (all-digit serials miss many digits) each range is checked."""
        if not tail.isdigit() or len(tail) < 4:
            return []
        found: list[int] = []
        for prefix, width in self._range_widths:
            missing = width - len(tail)
            runs = self._ranges[prefix]
            if missing < 0:
                continue
            if 10**missing <= len(runs):
                for lead in range(10**missing):
                    found += self._in_ranges(
                        f"{prefix}{lead:0{missing}d}{tail}" if missing else prefix + tail
                    )
                continue
            found += [
                idx
                for _, _, idx in runs
                if self._range_of(idx).width == width
                and self._range_of(idx).fillings(WILDCARD_ANY + tail, 1)
            ]
        return found

    def _range_of(self, idx: int) -> SerialRange:
        rng = self.records[idx].range
        assert rng is not None  # only records with a range are indexed as runs
        return rng

    # -- comparing and deciding -------------------------------------------------------------------

    def compare(self, item: Marks, record: Marks) -> Candidate:
        """Score one pair and explain it."""
        level = _serial_level(item.serial, item.folded, record, record.folded)
        return self._candidate(item, item.folded, record, record.folded, level)

    def _candidate(
        self, item: Marks, fgot: str, record: Marks, fwant: str, level: str
    ) -> Candidate:
        cand = Candidate(record=record.id, score=0.0, weight=self.thresholds.prior)
        _compare_serial(cand, item.serial, fgot, record, fwant, level)
        _compare_model(cand, item, record)
        _compare_text(cand, "manufacturer", item.manufacturer, record.manufacturer, 3.0, -3.0)
        _compare_exact(cand, "country", item.country, record.country, 2.0, -5.0)
        _compare_exact(cand, "calibre", item.calibre, record.calibre, 1.0, -5.0)
        _compare_year(cand, item.year, record.year)
        cand.score = 1.0 / (1.0 + 2.0 ** (-cand.weight))
        return cand

    def trace(self, item: Marks, limit: int = 5) -> TraceResult:
        fgot = item.folded
        found = [
            (i, _serial_level(item.serial, fgot, self.records[i], self._folded[i]))
            for i in self.block(item)
        ]
        # Blocking on deletions brings many records whose serial differs: they can be neither a
        # match nor 'possible', so they are scored only when nothing else was found.
        kept = [(i, level) for i, level in found if level != "different"] or found
        cands = [
            self._candidate(item, fgot, self.records[i], self._folded[i], level)
            for i, level in kept
        ]
        cands.sort(key=lambda c: (-c.weight, c.record))
        shown = [c for c in cands if c.score >= self.thresholds.possible][:limit] or cands[:1]
        return TraceResult(item.id, self._decide(cands), shown)

    def trace_many(
        self, items: Sequence[Marks], processes: int = 1, limit: int = 5
    ) -> list[TraceResult]:
        """Trace many items, in order. Tracing is pure-Python CPU work, so with `processes` > 1 the
        items are shared out among forked workers that read this index copy-on-write (no pickling
        of the index); where fork is not available they are traced here."""
        if processes <= 1 or len(items) < PARALLEL_MIN or "fork" not in mp.get_all_start_methods():
            return [self.trace(item, limit) for item in items]
        global _FORKED
        _FORKED = (self, items, limit)
        step = max(PARALLEL_MIN // 2, len(items) // (processes * 8))  # small chunks even the load
        try:
            with mp.get_context("fork").Pool(processes) as pool:
                chunks = pool.map(_trace_slice, [(i, i + step) for i in range(0, len(items), step)])
        finally:
            _FORKED = None
        return [result for chunk in chunks for result in chunk]

    def _decide(self, cands: list[Candidate]) -> str:
        t = self.thresholds
        if not cands:
            return "none"
        if self.posterior(cands) >= t.match:
            return "match"
        return "possible" if max(c.score for c in cands) >= t.possible else "none"

    @staticmethod
    def posterior(cands: list[Candidate]) -> float:
        """How likely the best-supported weapon is the item, against every other weapon the
        candidates name and against none of them (odds 1: the item may be unregistered).

        Records of one serial (ledger row, transfer, collection) are one weapon's history, so a
        weapon's odds are those of its best record. A lot fitting a partial reading in k places
        names k weapons, each as likely as one ledger row that fits. Two weapons that fit equally
        well split the odds, so only the analyst can tell them apart ("possible"). A serial one
        character off names no weapon here: it takes a second misreading to get there.
        """
        odds: dict[str, float] = {}
        for c in cands:
            if c.serial_level in STRONG_LEVELS:
                for ident in c.identities:
                    odds[ident] = max(odds.get(ident, 0.0), 2.0**c.weight)
        return max(odds.values()) / (1.0 + sum(odds.values())) if odds else 0.0


PARALLEL_MIN = 2000  # fewer items are traced faster than workers start
_FORKED: tuple[Matcher, Sequence[Marks], int] | None = None  # what forked workers read


def _trace_slice(bounds: tuple[int, int]) -> list[TraceResult]:
    assert _FORKED is not None  # set by trace_many before the workers fork
    matcher, items, limit = _FORKED
    return [matcher.trace(item, limit) for item in items[bounds[0] : bounds[1]]]


def _deletions(serial: str) -> list[str]:
    return [serial[:i] + serial[i + 1 :] for i in range(len(serial))]


def _expand(folded: str) -> list[str]:
    """Keys for a reading with `?`: all but the last `?` spelled out, the last one deleted."""
    holes = folded.count(WILDCARD_ONE)
    if holes > MAX_EXPANDED_WILDCARDS:
        return []
    keys = [folded]
    for _ in range(holes - 1):
        keys = [k.replace(WILDCARD_ONE, c, 1) for k in keys for c in FOLDED_ALPHABET]
    return [k.replace(WILDCARD_ONE, "", 1) for k in keys]


def _serial_level(got: str, fgot: str, record: Marks, fwant: str) -> str:
    """How a reading meets a record's own serial; "range" for a lot, refined by `_compare_range`."""
    want = record.serial
    if not want:
        return "range" if record.range is not None else "missing"
    if got == want:
        return "identical"
    if fgot == fwant:
        return "folded"
    if (WILDCARD_ONE in got or WILDCARD_ANY in got) and pattern_matches(fgot, fwant):
        return "pattern"
    if len(fwant) >= 5 and Levenshtein.distance(fgot, fwant, score_cutoff=1) <= 1:
        return "near"
    return "different"


def _compare_serial(
    cand: Candidate, got: str, fgot: str, record: Marks, fwant: str, level: str
) -> None:
    want = record.serial
    if level == "identical":
        _agree(cand, "serial", f"identical ({want})", 18.0, level, (fwant,))
    elif level == "folded":
        text = f"equal allowing photo misreadings ({got} ~ {want})"
        _agree(cand, "serial", text, 15.0, level, (fwant,))
    elif level == "pattern":
        text = f"partial reading {got} fits {want}"
        _agree(cand, "serial", text, _partial_bits(got), level, (fwant,))
    elif level == "near":
        _agree(cand, "serial", f"one character off ({got} vs {want})", 5.0, level, (fwant,))
    elif level == "different":
        _disagree(cand, "serial", f"{got} vs {want}", -12.0, level)
    elif record.range is not None:
        _compare_range(cand, got, fgot, record.range)
    else:
        cand.serial_level = "missing"


def _compare_range(cand: Candidate, got: str, fgot: str, rng: SerialRange) -> None:
    if fgot in rng:
        _agree(cand, "serial", f"{got} within range {rng}", 12.0, "range", (fgot,))
        return
    fits = rng.fillings(fgot, RANGE_FILLINGS) if is_pattern(fgot) else None
    if fits:
        # Each serial of the lot that fits is as likely as one ledger row that fits the reading.
        text = f"partial reading {got} may lie in range {rng}" + (
            f" (as {fits[0]})" if len(fits) == 1 else f" ({len(fits)} serials of it fit)"
        )
        _agree(cand, "serial", text, _partial_bits(got), "range", tuple(fits))
    else:
        _disagree(cand, "serial", f"{got} outside range {rng}", -12.0, "different")


def _partial_bits(got: str) -> float:
    """Each character read narrows the field about tenfold, less what an unread run may hold."""
    return min(15.0, BITS_PER_CHAR * known_chars(got) - 6.0)


def _compare_model(cand: Candidate, item: Marks, record: Marks) -> None:
    if item.model and record.model:
        if item.model == record.model:
            cand.agreements.append(f"model: {item.model}")
            cand.weight += 3.0
        elif item.category is None or record.category is None:
            # A model the taxonomy does not know ("PM md. 63", a local name) may be another name for
            # the same weapon: a difference that cannot be checked is only a weak one.
            cand.disagreements.append(
                f"model: {item.model} vs {record.model} (not in the taxonomy)"
            )
            cand.weight -= 1.0
        elif item.category == record.category and _same_calibre(item.model, record.model):
            # An AKM, a Type 56 and an AK-47 look alike; documenters do mix them up.
            cand.disagreements.append(
                f"model: {item.model} vs {record.model} (both {item.category})"
            )
            cand.weight -= 2.0
        elif item.category == record.category:
            # A G3 is not taken for a Type 56: they do not even fire the same cartridge.
            cand.disagreements.append(
                f"model: {item.model} vs {record.model} (both {item.category}, different calibres)"
            )
            cand.weight -= 6.0
        else:
            cand.disagreements.append(f"model: {item.model} vs {record.model}")
            cand.weight -= 8.0
    elif item.category and record.category:
        _compare_exact(cand, "category", item.category, record.category, 1.0, -8.0)


def _same_calibre(a: str, b: str) -> bool:
    """Do the taxonomy's calibres for two models agree (or is one of them unknown)?"""
    models = load_taxonomy().models
    first, second = models.get(a), models.get(b)
    if first is None or second is None or not first.calibre or not second.calibre:
        return True
    return first.calibre == second.calibre


def _compare_text(
    cand: Candidate, name: str, got: str | None, want: str | None, agree: float, disagree: float
) -> None:
    if not got or not want:
        return
    # Firm names come transliterated many ways (Izhmash, Izhevsk Mechanical Plant, IZH): a token-set
    # ratio forgives word order and extra words; only a clear difference counts against.
    similarity = token_set_ratio(got, want)
    if similarity >= 85:
        cand.agreements.append(f"{name}: {want}")
        cand.weight += agree
    elif similarity < 50:
        cand.disagreements.append(f"{name}: {got} vs {want}")
        cand.weight += disagree


def _compare_exact(
    cand: Candidate, name: str, got: str | None, want: str | None, agree: float, disagree: float
) -> None:
    if not got or not want:
        return
    if got == want:
        cand.agreements.append(f"{name}: {want}")
        cand.weight += agree
    else:
        cand.disagreements.append(f"{name}: {got} vs {want}")
        cand.weight += disagree


def _compare_year(cand: Candidate, got: int | None, want: int | None) -> None:
    if got is None or want is None:
        return
    if got == want:
        cand.agreements.append(f"year: {want}")
        cand.weight += 2.0
    elif abs(got - want) == 1:  # year marks and ledger years differ by one around New Year
        cand.agreements.append(f"year: {got} vs {want} (one year apart)")
    elif got // 10 == want // 10:
        # A year mark read off the receiver is reliable; a clash is strong evidence of another weapon,
        # short of one misread digit (1973 for 1978).
        cand.disagreements.append(f"year: {got} vs {want}")
        cand.weight -= 6.0
    else:
        # Another decade takes two misread digits: much stronger evidence still.
        cand.disagreements.append(f"year: {got} vs {want} (another decade)")
        cand.weight -= 10.0


def _agree(
    cand: Candidate, name: str, text: str, bits: float, level: str, idents: tuple[str, ...]
) -> None:
    cand.agreements.append(f"{name}: {text}")
    cand.weight += bits
    cand.serial_level = level
    cand.identities = idents


def _disagree(cand: Candidate, name: str, text: str, bits: float, level: str) -> None:
    cand.disagreements.append(f"{name}: {text}")
    cand.weight += bits
    cand.serial_level = level
