"""One incident per event: an incident read in a new report joins the stored incident that tells the
same event — same kind, same country, dates within a window, weapons in common, places close — and
brings its statements along, so the incident keeps every source span.

Like a linkage rule it is blocking (country and kind, in SQL) then comparisons (in Python), and every
decision can be explained: `why_same` lists what agreed.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from armtrace.reports.extraction import ExtractedIncident
from armtrace.store.models import Incident, Source

WINDOW_DAYS = 31  # reports of one event: its date, or their publication, within a month
NEAR_KM = 50  # two towns further apart than this are two events

# kinds that reports tell of one event in different words
_FAMILY = {"trafficking": "seizure", "seizure": "seizure"}


def family(event_type: str) -> str:
    return _FAMILY.get(event_type, event_type)


def find_same_event(
    session: Session, source: Source, x: ExtractedIncident
) -> tuple[Incident, list[str]] | None:
    """The stored incident from another report that tells the same event as `x`, and why."""
    if x.modality != "asserted" or x.location is None:
        return None
    anchor = _day(x.date) or source.published
    if anchor is None:
        return None
    best: tuple[int, Incident, list[str]] | None = None
    for candidate, published in _candidates(session, source, x, anchor):
        reasons = why_same(candidate, x, anchor, published)
        if reasons is not None:
            score = len(reasons)
            if best is None or score > best[0]:
                best = (score, candidate, reasons)
    return (best[1], best[2]) if best else None


def _candidates(session: Session, source: Source, x: ExtractedIncident, anchor: date):
    lo, hi = anchor - timedelta(days=WINDOW_DAYS), anchor + timedelta(days=WINDOW_DAYS)
    types = [t for t in ("seizure", "trafficking") if family(t) == family(x.type)] or [x.type]
    query = (
        # the source's publication date only: loading whole source texts made ingest slow down
        # as the database grew
        select(Incident, Source.published)
        .join(Source, Incident.source_id == Source.id)
        .where(
            Incident.country == x.location,
            Incident.type.in_(types),
            Incident.modality == "asserted",
            Incident.source_id != source.id,
            or_(
                and_(
                    Incident.date.is_not(None),
                    Incident.date >= lo.isoformat()[:7],
                    Incident.date <= hi.isoformat(),
                ),
                and_(Incident.date.is_(None), Source.published >= lo, Source.published <= hi),
            ),
        )
        .options(selectinload(Incident.weapons))
    )
    return session.execute(query).tuples()


def why_same(
    incident: Incident, x: ExtractedIncident, anchor: date, published: date | None = None
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
