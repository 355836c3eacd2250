"""One incident per event: an incident read in a new report joins the stored incident that tells the
same event — same kind, same country, dates within a window, weapons in common, places close — and
brings its statements along, so the incident keeps every source span.

Like a linkage rule it is blocking (country and kind) then comparisons, and every decision can be
explained: `why_same` lists what agreed. The blocks live in memory (`EventIndex`), each read from
the database once, the first time a report touches it, and kept up to date by the writer as it
writes: a query per incident was most of the writer's time.
"""

from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from armtrace.store.models import Incident, IncidentWeapon, Source

WINDOW_DAYS = 31  # reports of one event: its date, or their publication, within a month
NEAR_KM = 50  # two towns further apart than this are two events

# kinds that reports tell of one event in different words
_FAMILY = {"trafficking": "seizure", "seizure": "seizure"}

Key = tuple[str, str]  # (country, kind family): the blocking key


def family(event_type: str) -> str:
    return _FAMILY.get(event_type, event_type)


def types_of(kind: str) -> list[str]:
    """The incident types of one family."""
    return [t for t in ("seizure", "trafficking") if family(t) == kind] or [kind]


class Event(Protocol):
    """What the comparison reads of a new incident."""

    type: str
    location: str | None
    lat: float | None
    lon: float | None
    geo_precision: str | None
    categories: frozenset[str]


@dataclass(slots=True, eq=False)
class Candidate:
    """A stored incident as the index holds it: plain values, no ORM object to build."""

    id: str
    source_id: str
    date: str | None
    lat: float | None
    lon: float | None
    geo_precision: str | None
    published: date | None  # its report's, for an undated incident
    categories: frozenset[str] = frozenset()  # interned: many incidents share one
    seq: int = 0  # order of storage: the first stored wins a tie
    detail: Any = None  # what a join needs (the writer's), loaded on the first join

    @property
    def day(self) -> date | None:
        return _day(self.date) or self.published


@dataclass(slots=True)
class _Block:
    # the dated candidates sorted by (day, seq), and that order's keys, day << 32 | seq, in a
    # parallel array: 8 bytes a candidate, where a (day, seq, candidate) tuple and its two ints
    # took about 120
    keys: array = field(default_factory=lambda: array("q"))
    dated: list[Candidate] = field(default_factory=list)
    loose: list[Candidate] = field(default_factory=list)  # a date that reads as no day


def _order(day: date, seq: int) -> int:
    return day.toordinal() << 32 | seq


class EventIndex:
    """The asserted, located incidents by blocking key, each block sorted by day."""

    def __init__(self) -> None:
        self.blocks: dict[Key, _Block] = {}
        self._seq = count()

    def __len__(self) -> int:
        return sum(len(b.dated) + len(b.loose) for b in self.blocks.values())

    def clear(self) -> None:
        """Forget everything (after a rollback): blocks are read again from the database."""
        self.blocks.clear()

    def match(
        self, connection: Connection, key: Key, source_id: str, anchor: date, x: Event
    ) -> tuple[Candidate, list[str]] | None:
        """The stored incident of another report that tells the same event as `x`, and why."""
        best: tuple[int, Candidate, list[str]] | None = None
        for candidate in self._near(connection, key, anchor):
            if candidate.source_id == source_id or not _in_window(candidate, anchor):
                continue
            reasons = why_same(candidate, x, anchor)
            if reasons is not None and (best is None or len(reasons) > best[0]):
                best = (len(reasons), candidate, reasons)
        return (best[1], best[2]) if best else None

    def add(self, connection: Connection, key: Key, candidate: Candidate) -> None:
        block = self._block(connection, key)
        candidate.seq = next(self._seq)
        self._place(block, candidate)

    def update(self, key: Key, candidate: Candidate, before: date | None) -> None:
        """Re-sort a candidate whose date was filled in (its day was `before`)."""
        block = self.blocks[key]
        if before is None:
            block.loose.remove(candidate)
        else:
            at = bisect_left(block.keys, _order(before, candidate.seq))
            del block.keys[at], block.dated[at]
        self._place(block, candidate)

    @staticmethod
    def _place(block: _Block, candidate: Candidate) -> None:
        day = candidate.day
        if day is not None:
            key = _order(day, candidate.seq)
            at = bisect_left(block.keys, key)
            block.keys.insert(at, key)
            block.dated.insert(at, candidate)
        elif candidate.date is not None:
            block.loose.append(candidate)
        # no date and no publication date: never within a window, never a candidate

    def _near(self, connection: Connection, key: Key, anchor: date) -> list[Candidate]:
        block = self._block(connection, key)
        lo, hi = anchor.toordinal() - WINDOW_DAYS, anchor.toordinal() + WINDOW_DAYS
        first, end = bisect_left(block.keys, lo << 32), bisect_left(block.keys, (hi + 1) << 32)
        found = block.dated[first:end]
        if block.loose:
            found = sorted(found + block.loose, key=lambda c: c.seq)
        else:
            found.sort(key=lambda c: c.seq)
        return found

    def _block(self, connection: Connection, key: Key) -> _Block:
        block = self.blocks.get(key)
        if block is None:
            block = self.blocks[key] = _Block()
            for candidate in _stored(connection, key):
                candidate.seq = next(self._seq)
                self._place(block, candidate)
        return block


# built once with bound parameters: building and cache-keying an expression per query costs more
# than running it
_BLOCK = (
    select(
        Incident.id,
        Incident.source_id,
        Incident.date,
        Incident.lat,
        Incident.lon,
        Incident.geo_precision,
        Source.published,
    )
    .join(Source, Incident.source_id == Source.id)
    .where(
        Incident.country == bindparam("country"),
        Incident.type.in_(bindparam("types", expanding=True)),
        Incident.modality == "asserted",
    )
    .order_by(Incident.created_at, Incident.id)
)
_BLOCK_WEAPONS = (
    select(IncidentWeapon.incident_id, IncidentWeapon.category)
    .join(Incident, IncidentWeapon.incident_id == Incident.id)
    .where(
        Incident.country == bindparam("country"),
        Incident.type.in_(bindparam("types", expanding=True)),
        Incident.modality == "asserted",
    )
)


def _stored(connection: Connection, key: Key) -> list[Candidate]:
    params = {"country": key[0], "types": types_of(key[1])}
    found = [Candidate(*row) for row in connection.execute(_BLOCK, params)]
    for candidate in found:
        candidate.geo_precision = interned_text(candidate.geo_precision)
    categories: dict[str, set[str]] = {}
    for incident_id, category in connection.execute(_BLOCK_WEAPONS, params):
        categories.setdefault(incident_id, set()).add(category)
    for candidate in found:
        candidate.categories = interned(frozenset(categories.get(candidate.id, ())))
    return found


_CATEGORIES: dict[frozenset[str], frozenset[str]] = {}


def interned(categories: frozenset[str]) -> frozenset[str]:
    """One object for each set of weapon categories: the index holds many incidents."""
    return _CATEGORIES.setdefault(categories, categories)


def interned_text(value: str | None) -> str | None:
    """One object for each short value shared by many incidents (a geo precision)."""
    return value if value is None else sys.intern(value)


def _in_window(candidate: Candidate, anchor: date) -> bool:
    """The block query's date filter as it was in SQL: a dated incident by its date string (so a
    date of year precision, '2013', sorts before '2013-06' and is left out), an undated one by
    its report's publication date."""
    lo, hi = anchor - timedelta(days=WINDOW_DAYS), anchor + timedelta(days=WINDOW_DAYS)
    if candidate.date is not None:
        return lo.isoformat()[:7] <= candidate.date <= hi.isoformat()
    return candidate.published is not None and lo <= candidate.published <= hi


def why_same(incident: Candidate, x: Event, anchor: date) -> list[str] | None:
    """What agrees between a stored incident and a new one, or None if something rules it out."""
    reasons = [f"{family(x.type)} in {x.location}"]
    theirs = incident.day
    if theirs is not None:
        if abs((theirs - anchor).days) > WINDOW_DAYS:
            return None
        reasons.append(f"dates within {WINDOW_DAYS} days")
    cats_a = incident.categories - {"unspecified"}
    cats_b = x.categories - {"unspecified"}
    if cats_a and cats_b:
        common = cats_a & cats_b
        if not common:
            return None
        reasons.append("weapons in common: " + ", ".join(sorted(common)))
    if None not in (incident.lat, incident.lon, x.lat, x.lon) and "country" not in (
        incident.geo_precision,
        x.geo_precision,
    ):
        km = _km(incident.lat, incident.lon, x.lat, x.lon)  # type: ignore[arg-type]
        if km > NEAR_KM:
            return None
        reasons.append(f"places {km:.0f} km apart")
    return reasons


def anchor_of(incident_date: str | None, published: date | None) -> date | None:
    """The day an incident is compared by: its own date, else its report's publication date."""
    return _day(incident_date) or published


def _day(value: str | None) -> date | None:
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    try:
        return date(parts[0], parts[1] if len(parts) > 1 else 7, parts[2] if len(parts) > 2 else 15)
    except ValueError:
        return None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))
