"""One incident per event: an incident read in a new report joins the stored incident that tells the
same event — same kind, same country, dates within a window, weapons in common, places close — and
brings its statements along, so the incident keeps every source span.

Like a linkage rule it is blocking (country and kind, in SQL) then comparisons (in Python), and every
decision can be explained: `why_same` lists what agreed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from armtrace.reports.extraction import ExtractedIncident
from armtrace.store.models import Incident, IncidentWeapon, Source

WINDOW_DAYS = 31  # reports of one event: its date, or their publication, within a month
NEAR_KM = 50  # two towns further apart than this are two events

# kinds that reports tell of one event in different words
_FAMILY = {"trafficking": "seizure", "seizure": "seizure"}


def family(event_type: str) -> str:
    return _FAMILY.get(event_type, event_type)


@dataclass(slots=True)
class _Weapon:
    category: str


@dataclass(slots=True)
class Candidate:
    """What the comparison reads of a stored incident: plain columns, no ORM object to build."""

    id: str
    date: str | None
    lat: float | None
    lon: float | None
    geo_precision: str | None
    published: date | None  # its report's, for an undated incident
    weapons: list[_Weapon] = field(default_factory=list)


def find_same_event(
    session: Session, source_id: str, published: date | None, x: ExtractedIncident
) -> tuple[str, list[str]] | None:
    """The id of the stored incident from another report that tells the same event as `x`, and
    why. `source_id` and `published` are the new report's."""
    if x.modality != "asserted" or x.location is None:
        return None
    anchor = _day(x.date) or published
    if anchor is None:
        return None
    best: tuple[int, Candidate, list[str]] | None = None
    for candidate in _candidates(session, source_id, x, anchor):
        reasons = why_same(candidate, x, anchor, candidate.published)
        if reasons is not None:
            score = len(reasons)
            if best is None or score > best[0]:
                best = (score, candidate, reasons)
    return (best[1].id, best[2]) if best else None


# built once with bound parameters: building and cache-keying the expression for each of
# the many incidents ingested cost more than running it
_CANDIDATES = (
    select(
        Incident.id,
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
        Incident.source_id != bindparam("source_id"),
        or_(
            and_(
                Incident.date.is_not(None),
                Incident.date >= bindparam("lo_month"),
                Incident.date <= bindparam("hi_day"),
            ),
            and_(
                Incident.date.is_(None),
                Source.published >= bindparam("lo", type_=Date),
                Source.published <= bindparam("hi", type_=Date),
            ),
        ),
    )
)
_WEAPONS = select(IncidentWeapon.incident_id, IncidentWeapon.category).where(
    IncidentWeapon.incident_id.in_(bindparam("ids", expanding=True))
)


def _candidates(
    session: Session, source_id: str, x: ExtractedIncident, anchor: date
) -> list[Candidate]:
    lo, hi = anchor - timedelta(days=WINDOW_DAYS), anchor + timedelta(days=WINDOW_DAYS)
    types = [t for t in ("seizure", "trafficking") if family(t) == family(x.type)] or [x.type]
    # plain rows through the session's connection: building ORM objects for every candidate of
    # every incident ingested was most of the write cost
    connection = session.connection()
    params = dict(country=x.location, types=types, source_id=source_id, lo=lo, hi=hi)
    params.update(lo_month=lo.isoformat()[:7], hi_day=hi.isoformat())
    found = [Candidate(*row) for row in connection.execute(_CANDIDATES, params)]
    if found:
        by_id = {c.id: c for c in found}
        for incident_id, category in connection.execute(_WEAPONS, {"ids": list(by_id)}):
            by_id[incident_id].weapons.append(_Weapon(category))
    return found


def why_same(
    incident: Incident | Candidate,
    x: ExtractedIncident,
    anchor: date,
    published: date | None = None,
) -> list[str] | None:
    """What agrees between a stored incident and a new one, or None if something rules it out.
    `published` is the stored incident's report's publication date, for an undated incident."""
    reasons = [f"{family(x.type)} in {x.location}"]
    theirs = _day(incident.date) or published
    if theirs is not None:
        if abs((theirs - anchor).days) > WINDOW_DAYS:
            return None
        reasons.append(f"dates within {WINDOW_DAYS} days")
    cats_a = {w.category for w in incident.weapons} - {"unspecified"}
    cats_b = {w.category for w in x.weapons} - {"unspecified"}
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
