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
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import token_set_ratio

from armtrace.reference.weapons import load_taxonomy
from armtrace.tracing.fields import Marks
from armtrace.tracing.keyindex import ALPHABET as FOLDED_ALPHABET
from armtrace.tracing.keyindex import KeyIndex, deletions, symbols
from armtrace.tracing.numbering import Beside, Numbering
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

MAX_EXPANDED_WILDCARDS = 3  # beyond that a partial reading is searched by its ends only
END_KEY = 4  # characters of the known end used to block readings with `*`
BITS_PER_CHAR = math.log2(10)  # a read character narrows the field about tenfold (mostly digits)


@dataclass(frozen=True, slots=True)
class Thresholds:
    match: float = 0.99
    possible: float = 0.5
    prior: float = -8.0  # log2 odds that a blocked pair is a match before comparing anything
    # The "unregistered weapon" hypothesis for partial readings (see `Matcher._unregistered`): the
    # prior probability that a documented weapon is registered here, and how far beside a registered
    # run (serials) the same line's unregistered weapons are looked for.
    registered: float = 0.9
    margin: int = 10

    def __post_init__(self) -> None:
        if not 0.0 < self.registered <= 1.0:
            raise ValueError(f"registered is a probability above 0, not {self.registered}")


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
    # Odds, in the posterior's terms, that a partial reading is an unregistered weapon beside
    # registered numbering (kept for deciding again once an analyst rejects a candidate).
    unregistered: float = 0.0

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
# Candidates shown beyond `limit` where they name a weapon that fits the reading: an illegible digit
# among lot-mates makes ten equally good candidates, and the analyst must see them all.
MAX_SHOWN = 20


class Matcher:
    """An index over records; `trace(item)` gives the scored candidates and a decision."""

    def __init__(self, records: Iterable[Marks], thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self.records: list[Marks] = []
        self._folded: list[str] = []
        self._ranges: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        self._ends: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None
        for record in records:
            self._add(record)
        coded = symbols(self._folded)  # for the key index and the numbering alike
        self._keys = KeyIndex(self._folded, coded)
        self._range_lows: dict[str, list[int]] = {}
        for prefix, runs in self._ranges.items():
            runs.sort()
            self._range_lows[prefix] = [low for low, _, _ in runs]
        self._widest = {p: max(h - lo for lo, h, _ in runs) for p, runs in self._ranges.items()}
        self._range_widths = sorted(
            {(r.range.prefix, r.range.width) for r in self.records if r.range is not None}
        )
        ranges = [(i, r.range) for i, r in enumerate(self.records) if r.range is not None]
        self._numbering = Numbering(self._folded, ranges, self.thresholds.margin, coded)
        self._unregistered_odds = _unregistered_odds(self.thresholds, self._numbering)

    def _add(self, record: Marks) -> None:
        idx = len(self.records)
        self.records.append(record)
        self._folded.append(fold(record.serial))
        if record.range is not None:
            self._ranges[record.range.prefix].append((record.range.low, record.range.high, idx))

    # -- blocking ---------------------------------------------------------------------------------

    def block(self, item: Marks) -> set[int]:
        """Indices of the records worth comparing with the item."""
        by_serial, by_range = self._block(fold(item.serial))
        return by_serial | by_range

    def _block(self, folded: str) -> tuple[set[int], set[int]]:
        """Records met through their own serial, and records of ranges (less those of the first)."""
        if not folded or known_chars(folded) < 3:
            return set(), set()
        if WILDCARD_ANY in folded:
            by_serial = set(self._by_ends(folded))
        elif WILDCARD_ONE in folded:
            by_serial = set(self._keys.get(_expand(folded)))
        else:
            by_serial = set(self._keys.get([folded, *deletions(folded)]))
        return by_serial, set(self._in_ranges(folded)) - by_serial

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
        self,
        item: Marks,
        fgot: str,
        record: Marks,
        fwant: str,
        level: str,
        marks: list[Evidence] | None = None,
    ) -> Candidate:
        serial, level, identities = _serial_evidence(item.serial, fgot, record, fwant, level)
        cand = Candidate(record.id, 0.0, self.thresholds.prior, [], [], level, identities)
        # Added in this order everywhere, so that a weight is the same float however it is reached.
        for ev in ([serial] if serial else []) + (marks or _marks_evidence(item, record)):
            (cand.agreements if ev.agrees else cand.disagreements).append(ev.text)
            cand.weight += ev.bits
        cand.score = _probability(cand.weight)
        return cand

    def trace(self, item: Marks, limit: int = 5) -> TraceResult:
        """The item's decision and its best candidates: the first `limit` of those scoring at least
        `possible`, then any further ones whose serial fits the reading (up to MAX_SHOWN in all);
        the best candidate alone where none scores that high."""
        return self._trace(item, limit)

    def _trace(self, item: Marks, limit: int, near: list[int] | None = None) -> TraceResult:
        fgot = item.folded
        # Only the candidates shown are built in full; the others need their weight and the
        # weapons they name, for the decision. The other marks are compared once per kind of
        # record (the rows of one lot agree on model, maker, country, calibre and year).
        marks_of: dict[tuple, list[Evidence]] = {}
        weight_of: dict[tuple, float] = {}  # by kind of record and serial bits
        scored: list[tuple[float, str, int, str, str, tuple[str, ...], tuple, Evidence | None]] = []
        records, folded = self.records, self._folded
        pattern_bits = _partial_bits(item.serial) if is_pattern(fgot) else None
        for i, level in self._levels(item, fgot, near):
            record = records[i]
            bits = LEVEL_BITS.get(level)
            if bits is not None:  # the common levels, without writing their explanation
                refined, identities, serial = level, (folded[i],) if bits > 0 else (), None
            elif level == "pattern":  # the bits depend on the reading alone
                bits, refined, identities, serial = pattern_bits, level, (folded[i],), None
            else:
                serial, refined, identities = _serial_evidence(
                    item.serial, fgot, record, folded[i], level
                )
                bits = serial.bits if serial else None
            kind = _kind(record)
            weight = weight_of.get((kind, bits))
            if weight is None:
                if kind not in marks_of:
                    marks_of[kind] = _marks_evidence(item, record)
                weight = weight_of[kind, bits] = self._weight(bits, marks_of[kind])
            scored.append((weight, record.id, i, level, refined, identities, kind, serial))
        scored.sort(key=lambda s: (-s[0], s[1]))
        shown = []
        for entry in scored:
            if len(shown) >= MAX_SHOWN or _probability(entry[0]) < self.thresholds.possible:
                break  # sorted by weight: the rest score lower still
            if len(shown) < limit or entry[4] in STRONG_LEVELS:
                shown.append(entry)
        texts: dict[tuple, tuple[list[str], list[str]]] = {}
        cands = [self._shown(item, fgot, entry, marks_of, texts) for entry in (shown or scored[:1])]
        evidence = [(w, lv, ids) for w, _, _, _, lv, ids, _, _ in scored]
        decision, unregistered = self._decision(evidence), 0.0
        if decision == "match" and is_pattern(fgot):
            besides = self._numbering.beside(fgot)
            if besides:
                unregistered = self._unregistered(item, besides, marks_of)
                decision = self._decision(evidence, unregistered)
                cands[0].disagreements.append(self._beside_text(item.serial, besides))
        return TraceResult(item.id, decision, cands, unregistered)

    def _unregistered(
        self, item: Marks, besides: list[Beside], marks_of: dict[tuple, list[Evidence]]
    ) -> float:
        """Odds that a partial reading is one of the unregistered weapons beside registered runs.

        A documented weapon is registered with prior probability `registered` (π); a registered
        one is any of the R registered serials alike, an unregistered one any of the U serials in
        the margins alike. One unregistered completion is therefore (1 − π)/U against π/R for one
        registered serial, and it weighs as the registered serial would with the marks of the run
        it adjoins (the same line stamped it): the reading fits both the same way."""
        bits = _partial_bits(item.serial)
        odds = 0.0
        for beside in besides:
            record = self.records[beside.record]
            kind = _kind(record)
            if kind not in marks_of:
                marks_of[kind] = _marks_evidence(item, record)
            odds += 2.0 ** self._weight(bits, marks_of[kind])
        return odds * self._unregistered_odds

    def _shown(
        self,
        item: Marks,
        fgot: str,
        entry: tuple,
        marks_of: dict[tuple, list[Evidence]],
        texts: dict[tuple, tuple[list[str], list[str]]],
    ) -> Candidate:
        """A candidate shown, with its explanation: what `_candidate` gives, from the weight and
        the serial's evidence the scoring worked out already (the same float, the same texts)."""
        weight, rid, i, level, refined, identities, kind, serial = entry
        if serial is None:  # not written out while scoring
            serial = _serial_evidence(item.serial, fgot, self.records[i], self._folded[i], level)[0]
        if kind not in texts:
            texts[kind] = ([e.text for e in marks_of[kind] if e.agrees],
                           [e.text for e in marks_of[kind] if not e.agrees])  # fmt: skip
        agreements, disagreements = texts[kind]
        if serial is not None:
            if serial.agrees:
                agreements = [serial.text, *agreements]
            else:
                disagreements = [serial.text, *disagreements]
        cand = Candidate(rid, _probability(weight), weight, [*agreements], [*disagreements])
        cand.serial_level, cand.identities = refined, identities
        return cand

    def _beside_text(self, got: str, besides: list[Beside]) -> str:
        """The caveat, the serials written with their records' prefix (RO, not the folded R0)."""
        named = []
        for beside in besides[:3]:
            record = self.records[beside.record]
            written = record.serial or (str(record.range) if record.range else "")
            cut = len(beside.serial) - beside.digits
            named.append(
                (written[:cut] + beside.serial[cut:], written[:cut] + beside.neighbour[cut:])
            )
        return _unregistered_caveat(got, named, len(besides))

    def _weight(self, serial_bits: float | None, marks: list[Evidence]) -> float:
        # Added in the order `_candidate` adds them: the same float whichever way.
        weight = self.thresholds.prior
        if serial_bits is not None:
            weight += serial_bits
        for ev in marks:
            weight += ev.bits
        return weight

    def _levels(
        self, item: Marks, fgot: str, near: list[int] | None = None
    ) -> list[tuple[int, str]]:
        """The blocked records, each with how its serial meets the reading. Blocking on deletions
        brings many records whose serial differs: they can be neither a match nor 'possible', so
        they are left out unless nothing else was found. `near`: the records within one edit of a
        full reading, where a batch looked them up already."""
        if not is_pattern(fgot) and known_chars(fgot) >= 3:
            return self._full_levels(item, fgot, near)
        by_serial, by_range = self._block(fgot)
        found = [(i, _serial_level(item.serial, fgot, self.records[i], self._folded[i]))
                 for i in (*by_serial, *by_range)]  # fmt: skip
        return [(i, lv) for i, lv in found if lv != "different"] or found

    def _full_levels(self, item: Marks, fgot: str, near: list[int] | None) -> list[tuple[int, str]]:
        """`_levels` for a reading without wildcards: the key index gives exactly the serials
        within one edit; the others that share a key are looked up only if nothing else fits."""
        close = near if near is not None else self._keys.near(fgot)
        found = [(i, _serial_level(item.serial, fgot, self.records[i], self._folded[i], 1))
                 for i in close]  # fmt: skip
        found += [(i, _serial_level(item.serial, fgot, self.records[i], self._folded[i]))
                  for i in set(self._in_ranges(fgot)).difference(close)]  # fmt: skip
        kept = [(i, lv) for i, lv in found if lv != "different"]
        if kept:
            return kept
        others = set(self._keys.get([fgot, *deletions(fgot)])).difference(i for i, _ in found)
        return found + [(i, "different") for i in others]

    def trace_many(
        self, items: Sequence[Marks], processes: int = 1, limit: int = 5
    ) -> list[TraceResult]:
        """Trace many items, in order. Tracing is pure-Python CPU work, so with `processes` > 1 the
        items are shared out among forked workers that read this index copy-on-write (no pickling
        of the index); where fork is not available they are traced here."""
        if processes <= 1 or len(items) < PARALLEL_MIN or "fork" not in mp.get_all_start_methods():
            return self._trace_batch(items, limit)
        global _FORKED
        _FORKED = (self, items, limit)
        step = max(PARALLEL_MIN // 2, len(items) // (processes * 8))  # small chunks even the load
        try:
            with mp.get_context("fork").Pool(processes) as pool:
                chunks = pool.map(_trace_slice, [(i, i + step) for i in range(0, len(items), step)])
        finally:
            _FORKED = None
        return [result for chunk in chunks for result in chunk]

    def _trace_batch(self, items: Sequence[Marks], limit: int) -> list[TraceResult]:
        """`trace` for each item, in order; the full readings' neighbours are looked up at once."""
        readings = [item.folded for item in items]
        full = [i for i, f in enumerate(readings) if not is_pattern(f) and known_chars(f) >= 3]
        near = dict(zip(full, self._keys.near_many([readings[i] for i in full]), strict=True))
        return [self._trace(item, limit, near.get(i)) for i, item in enumerate(items)]

    def _decide(self, cands: list[Candidate], unregistered: float = 0.0) -> str:
        evidence = [(c.weight, c.serial_level, c.identities) for c in cands]
        return self._decision(evidence, unregistered)

    def _decision(
        self, evidence: list[tuple[float, str, tuple[str, ...]]], unregistered: float = 0.0
    ) -> str:
        """match, possible or none from each candidate's (weight, serial level, weapons named) and
        the odds that the reading is an unregistered weapon beside registered numbering."""
        t = self.thresholds
        if not evidence:
            return "none"
        if _posterior(evidence, unregistered) >= t.match:
            return "match"
        return "possible" if _probability(max(w for w, _, _ in evidence)) >= t.possible else "none"

    @staticmethod
    def posterior(cands: list[Candidate]) -> float:
        """How likely the best-supported weapon is the item (see `_posterior`)."""
        return _posterior([(c.weight, c.serial_level, c.identities) for c in cands])


def _posterior(
    evidence: list[tuple[float, str, tuple[str, ...]]], unregistered: float = 0.0
) -> float:
    """How likely the best-supported weapon is the item, against every other weapon the
    candidates name, against the unregistered weapons beside registered numbering that the reading
    fits (`unregistered`: their odds) and against none of them (odds 1: some other weapon).

    Records of one serial (ledger row, transfer, collection) are one weapon's history, so a
    weapon's odds are those of its best record. A lot fitting a partial reading in k places
    names k weapons, each as likely as one ledger row that fits. Two weapons that fit equally
    well split the odds, so only the analyst can tell them apart ("possible"). A serial one
    character off names no weapon here: it takes a second misreading to get there.
    """
    odds: dict[str, float] = {}
    for weight, level, identities in evidence:
        if level in STRONG_LEVELS:
            for ident in identities:
                odds[ident] = max(odds.get(ident, 0.0), 2.0**weight)
    return max(odds.values()) / (1.0 + unregistered + sum(odds.values())) if odds else 0.0


def _unregistered_odds(thresholds: Thresholds, numbering: Numbering) -> float:
    """Prior odds of one unregistered serial in a margin against one registered serial."""
    if not numbering.unregistered or not numbering.registered:
        return 0.0
    share = (1.0 - thresholds.registered) / thresholds.registered
    return share * numbering.registered / numbering.unregistered


def _unregistered_caveat(got: str, named: list[tuple[str, str]], n: int) -> str:
    """'serial: 2 other completions of KA19?033 are unregistered serials beside registered
    numbering (KA199033 beside KA199031, …)': `named` are the first few, `n` counts them all."""
    shown = ", ".join(f"{serial} beside {neighbour}" for serial, neighbour in named)
    more = f" and {n - len(named)} more" if n > len(named) else ""
    return (
        f"serial: {n} other completion{'s' if n > 1 else ''} of {got} {'are' if n > 1 else 'is an'}"
        f" unregistered serial{'s' if n > 1 else ''} beside registered numbering ({shown}{more}):"
        " the weapon may be unregistered"
    )


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight))


PARALLEL_MIN = 2000  # fewer items are traced faster than workers start
_FORKED: tuple[Matcher, Sequence[Marks], int] | None = None  # what forked workers read


def _trace_slice(bounds: tuple[int, int]) -> list[TraceResult]:
    assert _FORKED is not None  # set by trace_many before the workers fork
    matcher, items, limit = _FORKED
    return matcher._trace_batch(items[bounds[0] : bounds[1]], limit)


def _expand(folded: str) -> list[str]:
    """Keys for a reading with `?`: all but the last `?` spelled out, the last one deleted."""
    holes = folded.count(WILDCARD_ONE)
    if holes > MAX_EXPANDED_WILDCARDS:
        return []
    keys = [folded]
    for _ in range(holes - 1):
        keys = [k.replace(WILDCARD_ONE, c, 1) for k in keys for c in FOLDED_ALPHABET]
    return [k.replace(WILDCARD_ONE, "", 1) for k in keys]


def _serial_level(
    got: str, fgot: str, record: Marks, fwant: str, distance: int | None = None
) -> str:
    """How a reading meets a record's own serial; "range" for a lot, refined by `_range_evidence`.
    `distance`: the edit distance of the folded forms where the caller has it already."""
    want = record.serial
    if not want:
        return "range" if record.range is not None else "missing"
    if got == want:
        return "identical"
    if fgot == fwant:
        return "folded"
    if (WILDCARD_ONE in got or WILDCARD_ANY in got) and pattern_matches(fgot, fwant):
        return "pattern"
    if len(fwant) < 5:
        return "different"
    if distance is None:
        distance = Levenshtein.distance(fgot, fwant, score_cutoff=1)
    return "near" if distance <= 1 else "different"


class Evidence(NamedTuple):
    """One comparison's verdict: its explanation, which side it counts on, its weight in bits."""

    text: str
    agrees: bool
    bits: float


# Weights of the serial levels that do not depend on the reading (partial readings and ranges do).
LEVEL_BITS = {"identical": 18.0, "folded": 15.0, "near": 5.0, "different": -12.0}


def _kind(record: Marks) -> tuple:
    """What the rows of one lot share: the marks other than the serial."""
    return (record.model, record.category, record.manufacturer, record.country, record.calibre,
            record.year)  # fmt: skip


def _serial_evidence(
    got: str, fgot: str, record: Marks, fwant: str, level: str
) -> tuple[Evidence | None, str, tuple[str, ...]]:
    """(evidence, refined level, folded serials of the weapons the record may be) for the serial."""
    want = record.serial
    if level == "identical":
        return Evidence(f"serial: identical ({want})", True, LEVEL_BITS[level]), level, (fwant,)
    if level == "folded":
        text = f"serial: equal allowing photo misreadings ({got} ~ {want})"
        return Evidence(text, True, LEVEL_BITS[level]), level, (fwant,)
    if level == "pattern":
        text = f"serial: partial reading {got} fits {want}"
        return Evidence(text, True, _partial_bits(got)), level, (fwant,)
    if level == "near":
        text = f"serial: one character off ({got} vs {want})"
        return Evidence(text, True, LEVEL_BITS[level]), level, (fwant,)
    if level == "different":
        return Evidence(f"serial: {got} vs {want}", False, LEVEL_BITS[level]), level, ()
    if record.range is not None:
        return _range_evidence(got, fgot, record.range)
    return None, "missing", ()


def _range_evidence(got: str, fgot: str, rng: SerialRange) -> tuple[Evidence, str, tuple[str, ...]]:
    if fgot in rng:
        return Evidence(f"serial: {got} within range {rng}", True, 12.0), "range", (fgot,)
    fits = rng.fillings(fgot, RANGE_FILLINGS) if is_pattern(fgot) else None
    if fits:
        # Each serial of the lot that fits is as likely as one ledger row that fits the reading.
        text = f"serial: partial reading {got} may lie in range {rng}" + (
            f" (as {fits[0]})" if len(fits) == 1 else f" ({len(fits)} serials of it fit)"
        )
        return Evidence(text, True, _partial_bits(got)), "range", tuple(fits)
    return Evidence(f"serial: {got} outside range {rng}", False, -12.0), "different", ()


def _partial_bits(got: str) -> float:
    """Each character read narrows the field about tenfold, less what an unread run may hold."""
    return min(15.0, BITS_PER_CHAR * known_chars(got) - 6.0)


def _marks_evidence(item: Marks, record: Marks) -> list[Evidence]:
    """The other marks compared, in a fixed order: model, maker, country, calibre, year."""
    found: list[Evidence] = []
    _compare_model(found, item, record)
    _compare_field(found, "manufacturer", item.manufacturer, record.manufacturer, (3.0, -3.0), True)
    _compare_field(found, "country", item.country, record.country, (2.0, -5.0))
    _compare_field(found, "calibre", item.calibre, record.calibre, (1.0, -5.0))
    _compare_year(found, item.year, record.year)
    return found


def _compare_model(found: list[Evidence], item: Marks, record: Marks) -> None:
    if item.model and record.model:
        if item.model == record.model:
            found.append(Evidence(f"model: {item.model}", True, 3.0))
        elif item.category is None or record.category is None:
            # A model the taxonomy does not know ("PM md. 63", a local name) may be another name for
            # the same weapon: a difference that cannot be checked is only a weak one.
            text = f"model: {item.model} vs {record.model} (not in the taxonomy)"
            found.append(Evidence(text, False, -1.0))
        elif item.category == record.category and _same_calibre(item.model, record.model):
            # An AKM, a Type 56 and an AK-47 look alike; documenters do mix them up.
            text = f"model: {item.model} vs {record.model} (both {item.category})"
            found.append(Evidence(text, False, -2.0))
        elif item.category == record.category:
            # A G3 is not taken for a Type 56: they do not even fire the same cartridge.
            text = (
                f"model: {item.model} vs {record.model} (both {item.category}, different calibres)"
            )
            found.append(Evidence(text, False, -6.0))
        else:
            found.append(Evidence(f"model: {item.model} vs {record.model}", False, -8.0))
    elif item.category and record.category:
        _compare_field(found, "category", item.category, record.category, (1.0, -8.0))


def _same_calibre(a: str, b: str) -> bool:
    """Do the taxonomy's calibres for two models agree (or is one of them unknown)?"""
    models = load_taxonomy().models
    first, second = models.get(a), models.get(b)
    if first is None or second is None or not first.calibre or not second.calibre:
        return True
    return first.calibre == second.calibre


def _compare_field(
    found: list[Evidence],
    name: str,
    got: str | None,
    want: str | None,
    bits: tuple[float, float],
    fuzzy: bool = False,
) -> None:
    """Equal values add bits[0], different ones bits[1]; a missing value adds nothing."""
    if not got or not want:
        return
    if fuzzy:
        # Firm names come transliterated many ways (Izhmash, Izhevsk Mechanical Plant, IZH): a
        # token-set ratio forgives word order and extra words; only a clear difference counts.
        similarity = token_set_ratio(got, want)
        same, different = similarity >= 85, similarity < 50
    else:
        same = got == want
        different = not same
    if same:
        found.append(Evidence(f"{name}: {want}", True, bits[0]))
    elif different:
        found.append(Evidence(f"{name}: {got} vs {want}", False, bits[1]))


def _compare_year(found: list[Evidence], got: int | None, want: int | None) -> None:
    if got is None or want is None:
        return
    if got == want:
        found.append(Evidence(f"year: {want}", True, 2.0))
    elif abs(got - want) == 1:  # year marks and ledger years differ by one around New Year
        found.append(Evidence(f"year: {got} vs {want} (one year apart)", True, 0.0))
    elif got // 10 == want // 10:
        # A year mark read off the receiver is reliable; a clash is strong evidence of another weapon,
        # short of one misread digit (1973 for 1978).
        found.append(Evidence(f"year: {got} vs {want}", False, -6.0))
    else:
        # Another decade takes two misread digits: much stronger evidence still.
        found.append(Evidence(f"year: {got} vs {want} (another decade)", False, -10.0))
