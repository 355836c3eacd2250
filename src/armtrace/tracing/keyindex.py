"""The blocking index: every folded serial and each of its one-character deletions, mapped to the
records that hold it (SymSpell's trick: a reading one character off, or with one illegible
character, shares a key with its record).

A national registry gives ten keys per record. Held as Python strings in a dict, a million records
took 9 s and most of a gigabyte to index; here a key is a number instead and the index two sorted
numpy arrays, built with a few vectorised passes. A folded serial uses 30 symbols (digits and the
letters that do not fold onto a digit), so a key of up to 12 characters is written exactly, without
collisions, as a number in bijective base 31 (every symbol counts 1..30: "0" and "00" differ). The
rare serial longer than 12 characters or holding another character keeps its keys in a plain dict.

Each key also carries where it came from (times 16, plus the deleted position, or 15 for the serial
itself). A reading then finds exactly the serials one edit away, without the many that share a
deletion at another place (AK234567 and AK123456 both give AK23456): a substitution deletes the
same place on both sides, an extra character is a deletion of one side that gives the other whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

ALPHABET = "0123456789ACDEFGHJKMNPQRTUVWXY"  # a folded serial's characters, wildcards aside
BASE = len(ALPHABET) + 1
WIDTH = 12  # characters that fit in 64 bits with their origin: 16 * 31**12 < 2**64 < 31**13
WHOLE = 15  # the origin of a serial's own key; a deletion's origin is the place deleted (0..11)
_CODE = {c: i + 1 for i, c in enumerate(ALPHABET)}
_LUT = np.full(256, 255, dtype=np.uint8)  # byte -> symbol (0: padding, 255: not a serial character)
_LUT[0] = 0
for _c, _i in _CODE.items():
    _LUT[ord(_c)] = _i


def encode(key: str) -> int | None:
    """The number of a key, or None where it cannot be written in 64 bits."""
    if len(key) > WIDTH:
        return None
    number = 0
    for c in key:
        code = _CODE.get(c)
        if code is None:
            return None
        number = number * BASE + code
    return number


def deletions(serial: str) -> list[str]:
    return [serial[:i] + serial[i + 1 :] for i in range(len(serial))]


class KeyIndex:
    """Keys (a serial and its one-character deletions) → positions of the serials that give them."""

    def __init__(
        self, serials: Sequence[str], coded: tuple[np.ndarray, np.ndarray] | None = None
    ) -> None:
        """`coded`: `symbols(serials)` where the caller has it already."""
        self._serials = serials
        codes, rows = coded if coded is not None else symbols(serials)
        self._keys, self._rows = _sorted_keys(codes, rows)
        self._rest: dict[str, list[int]] = defaultdict(list)  # serials the arrays cannot hold
        numbered = np.zeros(len(serials), dtype=bool)
        numbered[rows] = True
        for i in np.flatnonzero(~numbered).tolist():
            for key in {serials[i], *deletions(serials[i])} if serials[i] else ():
                self._rest[key].append(i)

    def get(self, keys: Iterable[str]) -> list[int]:
        """Positions of the serials holding any of the keys (a position may come more than once)."""
        found: list[int] = []
        numbers = []
        for key in keys:
            number = encode(key)
            if number is not None:
                numbers.append(number)
            if self._rest:
                found += self._rest.get(key, ())
        if numbers:
            # A key of any origin: the run from number * 16 to number * 16 + 15.
            wanted = np.array(
                [n << 4 for n in numbers] + [(n + 1) << 4 for n in numbers], np.uint64
            )
            bounds = np.searchsorted(self._keys, wanted).tolist()
            for start, stop in zip(bounds[: len(numbers)], bounds[len(numbers) :], strict=True):
                if stop > start:
                    found += self._rows[start:stop].tolist()
        return found

    def near(self, serial: str) -> list[int]:
        """Positions of the serials at most one edit (Levenshtein) away from `serial`, each once."""
        whole = encode(serial)
        ranges = [] if whole is None else [(whole << 4, (whole + 1) << 4)]
        for place, deleted in enumerate(deletions(serial)):
            number = encode(deleted)
            if number is not None:  # see `near_many` for the keys a reading meets
                ranges += [((number << 4) + place, (number << 4) + place + 1)]
                ranges += [((number << 4) + WHOLE, (number << 4) + WHOLE + 1)]
        found: list[int] = []
        if ranges:
            wanted = np.array([a for a, _ in ranges] + [b for _, b in ranges], dtype=np.uint64)
            bounds = np.searchsorted(self._keys, wanted).tolist()
            for start, stop in zip(bounds[: len(ranges)], bounds[len(ranges) :], strict=True):
                found += self._rows[start:stop].tolist()
        return list(dict.fromkeys(found)) + self._near_rest(serial)

    def near_many(self, serials: Sequence[str]) -> list[list[int]]:
        """`near` for each serial, the arrays searched for all of them in one vectorised pass
        (most of blocking on a batch of readings)."""
        codes, rows = symbols(serials)
        if len(rows) < len(serials):
            return [self.near(s) for s in serials]
        keys, owners = _keys_of(codes, rows)
        base, origin = keys >> np.uint64(4), keys & np.uint64(15)
        whole = origin == WHOLE
        # The reading whole meets a serial whole or one of its deletions (a run of origins); a
        # reading's deletion meets the deletion at the same place, or a serial whole.
        starts = np.concatenate([keys[whole] - np.uint64(WHOLE), keys[~whole],
                                 (base[~whole] << np.uint64(4)) + np.uint64(WHOLE)])  # fmt: skip
        stops = np.concatenate([keys[whole] + np.uint64(1), keys[~whole] + np.uint64(1),
                                (base[~whole] << np.uint64(4)) + np.uint64(WHOLE + 1)])  # fmt: skip
        owners = np.concatenate([owners[whole], owners[~whole], owners[~whole]])
        starts = np.searchsorted(self._keys, starts)
        counts = np.searchsorted(self._keys, stops) - starts
        hit = counts > 0
        starts, counts, owners = starts[hit], counts[hit], owners[hit]
        # Each hit is a run of the sorted keys: spell the runs out, then gather them by serial.
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
        found = self._rows[offsets + np.arange(counts.sum())]
        owners = np.repeat(owners, counts)
        order = np.argsort(owners, kind="stable")
        found, owners = found[order].tolist(), owners[order]
        bounds = np.searchsorted(owners, np.arange(len(serials) + 1)).tolist()
        # A serial with a repeated character gives one key from two places ("AK1123"): once each.
        return [
            list(dict.fromkeys(found[bounds[i] : bounds[i + 1]])) + self._near_rest(serials[i])
            for i in range(len(serials))
        ]

    def _near_rest(self, serial: str) -> list[int]:
        """The serials the arrays cannot hold that are one edit away: their keys, then checked."""
        if not self._rest:
            return []
        found = dict.fromkeys(
            i for key in (serial, *deletions(serial)) for i in self._rest.get(key, ())
        )
        return [
            i for i in found if Levenshtein.distance(serial, self._serials[i], score_cutoff=1) <= 1
        ]


def symbols(serials: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Symbol rows of the serials the arrays can hold, and their positions."""
    fits = [i for i, s in enumerate(serials) if 0 < len(s) <= WIDTH and s.isascii()]
    codes = np.zeros((len(fits), WIDTH), dtype=np.uint8)
    if fits:
        raw = np.array([serials[i] for i in fits], dtype=f"S{WIDTH}")
        codes = _LUT[raw.view(np.uint8).reshape(len(fits), WIDTH)]
    clean = (codes != 255).all(axis=1)
    return codes[clean], np.asarray(fits, dtype=np.int64)[clean]


def _keys_of(codes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every serial's own key and its deletions' keys, each with its origin (see the module's
    docstring), and the serial's position beside."""
    lengths = (codes > 0).sum(axis=1)
    keys, owners = [(_number(codes) << np.uint64(4)) + np.uint64(WHOLE)], [rows]
    for p in range(WIDTH):
        longer = lengths > p  # a serial has a deletion at p only where it has a character there
        if longer.any():
            deleted = _number(np.delete(codes[longer], p, axis=1))
            keys.append((deleted << np.uint64(4)) + np.uint64(p))
            owners.append(rows[longer])
    return np.concatenate(keys), np.concatenate(owners)


def _sorted_keys(codes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every serial's own key and its deletions' keys, sorted, with the serial's position beside."""
    keys, owners = _keys_of(codes, rows)
    order = np.argsort(keys, kind="stable")
    return keys[order], owners[order].astype(np.int32)


def _number(codes: np.ndarray) -> np.ndarray:
    """Row-wise bijective base-31 numbers of symbol rows padded with zeros at the end."""
    number = np.zeros(len(codes), dtype=np.uint64)
    for column in codes.T:
        c = column.astype(np.uint64)
        number = np.where(c > 0, number * np.uint64(BASE) + c, number)
    return number
