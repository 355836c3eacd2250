"""Registered numbering, and the unregistered serials right beside it.

Factories stamp serials consecutively; a registry holds some of them as lots (ledger rows of one
lot, a transfer by range). The serials just past a lot's end or just before its start were stamped
by the same line and are real weapons too, but nobody registered them here: a weapon documented in
the field may well be one of them. A partial reading (`KA19?033`) that fits one registered serial
(KA198033) is therefore only as good as the reading's other completions are unlikely: if KA199033
lies two serials past a registered lot of the same factory, the reading may just as well be that
unregistered rifle.

`Numbering` holds the registered serials of each numbering (a prefix and a count of digits) as
merged runs, and the *margins* beside them: the unregistered serials within `margin` of a run,
each attributed to the nearer run (whose record gives the marks such a weapon would carry). It
names the completions of a partial reading that fall in a margin.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from armtrace.tracing.keyindex import WIDTH, _number, encode, symbols
from armtrace.tracing.serials import WILDCARD_ANY, WILDCARD_ONE, SerialRange, fits_each

MAX_HOLES = 3  # `?` spelled out in a number, at most (as for ranges' fillings)


@dataclass(frozen=True, slots=True)
class Beside:
    """An unregistered serial that fits a reading, next to the registered run of `record`."""

    serial: str  # folded
    record: int  # index of the record at the run's near end
    neighbour: str  # that end's serial (folded)
    digits: int  # the numbering's digits (the rest is its prefix)


GROUP_SHIFT = 40  # a numbering's numbers (at most 12 digits: < 2**40) sit above its index << 40
LOCAL = (1 << GROUP_SHIFT) - 1  # the number within its numbering


class Numbering:
    """The registered runs of each numbering (prefix, digits) and the unregistered margins.

    All numberings share sorted arrays: a number is stored as (numbering << 40) + number, so that
    a numbering's runs and margins are one slice and a search never crosses into another."""

    def __init__(
        self,
        folded: Sequence[str],
        ranges: Sequence[tuple[int, SerialRange]],
        margin: int,
        coded: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """`coded`: `keyindex.symbols(folded)` where the caller has it already."""
        self.margin = margin
        columns = _split(coded if coded is not None else symbols(folded))
        kept = [(i, r) for i, r in ranges if 0 < r.width <= WIDTH and encode(r.prefix) is not None]
        lots = [(encode(r.prefix), r.width, r.low, r.high, i) for i, r in kept]
        if lots:
            more = [np.array(c, dtype=np.int64) for c in zip(*lots, strict=True)]
            columns = tuple(np.concatenate([a, b]) for a, b in zip(columns, more, strict=True))
        prefixes, widths, lows, highs, recs = columns
        keys, first, group = np.unique(
            prefixes * 16 + widths, return_index=True, return_inverse=True
        )
        base = group.astype(np.int64) << GROUP_SHIFT
        self.registered, self.unregistered, margins = _margins(
            base + lows, base + highs, recs, widths, margin
        )
        self._starts, self._ends, self._records, self._edges = margins
        self._groups: dict[tuple[str, int], int] = {}  # (prefix, digits) -> its index
        singles = len(columns[0]) - len(lots)  # rows past this one are the lots
        for g, (row, key) in enumerate(zip(first.tolist(), keys.tolist(), strict=True)):
            width = key % 16
            prefix = folded[recs[row]][:-width] if row < singles else kept[row - singles][1].prefix
            self._groups[prefix, width] = g
        self._by_length: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for prefix, width in self._groups:
            self._by_length[len(prefix) + width].append((prefix, width))
        # For cut-off readings: the margins of all numberings of one width at once, numbers local.
        self._prefix_of = [prefix for prefix, _ in self._groups]  # by numbering index
        owner = self._starts >> GROUP_SHIFT
        width_of = (keys % 16)[owner]
        self._by_width = {}
        for width in np.unique(width_of).tolist():
            at = np.flatnonzero(width_of == width)
            local = self._starts[at] & LOCAL, self._ends[at] & LOCAL
            self._by_width[width] = (*local, at, owner[at])

    def beside(self, reading: str) -> list[Beside]:
        """The completions of a folded partial reading that lie in a margin: `?` in the number (at
        most three), or a start cut off (`*` then the end of the serial)."""
        if reading.startswith(WILDCARD_ANY) and WILDCARD_ANY not in reading[1:]:
            return self._beside_tail(reading[1:])
        if WILDCARD_ANY in reading or reading.count(WILDCARD_ONE) > MAX_HOLES:
            return []
        found = []
        for prefix, width in self._by_length.get(len(reading), ()):
            head, number = reading[: len(prefix)], reading[len(prefix) :]
            if fits_each(head, prefix) and _digits(number):
                found += self._near(prefix, width, _spelled(number))
        return found

    def _near(self, prefix: str, width: int, numbers: np.ndarray) -> list[Beside]:
        shifted = numbers + (self._groups[prefix, width] << GROUP_SHIFT)
        at = np.searchsorted(self._starts, shifted, side="right") - 1
        hit = (at >= 0) & (shifted <= self._ends[np.maximum(at, 0)])
        return [self._named(prefix, width, int(n), int(j))
                for n, j in zip(numbers[hit], at[hit], strict=True)]  # fmt: skip

    def _beside_tail(self, tail: str) -> list[Beside]:
        """A cut-off reading: the margins holding a number that ends as the reading does."""
        if tail.count(WILDCARD_ONE) > MAX_HOLES:
            return []
        found = []
        for width, (starts, ends, at, owner) in self._by_width.items():
            number = tail[-width:]
            if not _digits(number):
                continue
            if len(tail) > width:
                # The reading runs back into the prefix ("*K001234" of "AK001234"): it must fit.
                head = tail[:-width]
                fits = np.array([fits_each(head, p[-len(head) :]) for p in self._prefix_of])
                keep = fits[owner]
                starts, ends, at, owner = starts[keep], ends[keep], at[keep], owner[keep]
            step = 10 ** len(number)
            for end in _spelled(number).tolist():
                # The first number of each margin ending in `end`; margins are narrower than `step`.
                first = starts + (end - starts) % step
                for h in np.flatnonzero(first <= ends).tolist():
                    prefix = self._prefix_of[owner[h]]
                    found.append(self._named(prefix, width, int(first[h]), int(at[h])))
        return found

    def _named(self, prefix: str, width: int, number: int, j: int) -> Beside:
        edge = int(self._edges[j]) & LOCAL
        serial, neighbour = f"{prefix}{number:0{width}d}", f"{prefix}{edge:0{width}d}"
        return Beside(serial, int(self._records[j]), neighbour, width)


def _split(coded: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, ...]:
    """(prefix code, digits, number, number, position) of each serial that ends in digits: the
    prefix written as the key index writes keys (bijective base 31, exact), the number as int."""
    codes, rows = coded
    if not len(rows):
        return tuple(np.zeros(0, dtype=np.int64) for _ in range(5))
    lengths = (codes > 0).sum(axis=1)
    digit = (codes >= 1) & (codes <= 10)  # "0".."9" are the alphabet's first ten symbols
    place = np.arange(WIDTH)
    letter = ~digit & (place < lengths[:, None])
    # The prefix ends at the last letter; the serial's number is the run of digits after it.
    cut = np.where(letter.any(axis=1), WIDTH - np.argmax(letter[:, ::-1], axis=1), 0)
    widths = lengths - cut
    number = np.zeros(len(rows), dtype=np.int64)
    for p in range(WIDTH):
        take = (place[p] >= cut) & (place[p] < lengths)
        number = np.where(take, number * 10 + codes[:, p].astype(np.int64) - 1, number)
    prefix = _number(np.where(place < cut[:, None], codes, 0)).astype(np.int64)
    keep = widths > 0
    return prefix[keep], widths[keep], number[keep], number[keep], rows[keep]


def _margins(
    lows: np.ndarray, highs: np.ndarray, recs: np.ndarray, widths: np.ndarray, margin: int
) -> tuple[int, int, tuple[np.ndarray, ...]]:
    """Merge rows (shifted numbers) into runs, then lay the margins beside them: (registered
    serials, unregistered serials in margins, (starts, ends, records, run ends adjoined))."""
    if not len(lows):
        return 0, 0, tuple(np.zeros(0, dtype=np.int64) for _ in range(4))
    order = np.lexsort((highs, lows))
    lows, highs, recs, widths = lows[order], highs[order], recs[order], widths[order]
    reach = np.maximum.accumulate(highs)
    new = np.r_[True, lows[1:] > reach[:-1] + 1]
    starts = np.flatnonzero(new)
    stops = np.r_[starts[1:], len(lows)] - 1
    run_lo, run_hi = lows[starts], reach[stops]
    # The record at a run's far end: the row reaching furthest (rows sorted by run, then reach).
    hi_rec = recs[np.lexsort((highs, np.cumsum(new) - 1))[stops]]
    group = run_lo >> GROUP_SHIFT
    floor = group << GROUP_SHIFT
    top = floor + 10 ** widths[starts] - 1
    same = np.r_[group[1:] == group[:-1], False]
    # A gap shorter than two margins is shared out: each unregistered serial goes to the nearer run.
    mid = np.where(same, (run_hi + np.r_[run_lo[1:], 0]) // 2, top)
    prev_mid = np.where(np.r_[False, same[:-1]], np.r_[0, mid[:-1]], floor - 1)
    before_s, before_e = np.maximum(run_lo - margin, prev_mid + 1), run_lo - 1
    after_s, after_e = run_hi + 1, np.minimum(run_hi + margin, mid)
    s = np.ravel(np.column_stack((before_s, after_s)))
    e = np.ravel(np.column_stack((before_e, after_e)))
    r = np.ravel(np.column_stack((recs[starts], hi_rec)))
    g = np.ravel(np.column_stack((run_lo, run_hi)))
    keep = s <= e
    registered = int((run_hi - run_lo + 1).sum())
    unregistered = int((e[keep] - s[keep] + 1).sum())
    return registered, unregistered, (s[keep], e[keep], r[keep], g[keep])


def _digits(number: str) -> bool:
    return bool(number) and all(c.isdigit() or c == WILDCARD_ONE for c in number)


def _spelled(number: str) -> np.ndarray:
    """Every number a run of digits with `?` may be."""
    places = [c if c != WILDCARD_ONE else "0123456789" for c in number]
    return np.array([int("".join(p)) for p in itertools.product(*places)], dtype=np.int64)
