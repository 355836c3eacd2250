"""Counts that `armtrace demo` and `armtrace summary` print: incidents by type and country, top flows.

Only asserted incidents count: a denied or hypothetical transfer is not a flow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from armtrace.store.models import Incident, Source


@dataclass(frozen=True)
class Flow:
    origin: str
    destination: str
    incidents: int
    sources: int


def counts_by_type(session: Session) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Incident.type, func.count())
        .where(Incident.modality == "asserted")
        .group_by(Incident.type)
        .order_by(func.count().desc(), Incident.type)
    )
    return [(t, n) for t, n in rows]


def counts_by_country(session: Session, limit: int = 15) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Incident.country, func.count())
        .where(Incident.modality == "asserted", Incident.country.is_not(None))
        .group_by(Incident.country)
        .order_by(func.count().desc(), Incident.country)
        .limit(limit)
    )
    return [(c, n) for c, n in rows]


def top_flows(session: Session, limit: int = 15) -> list[Flow]:
    rows = session.execute(
        select(
            Incident.origin,
            Incident.destination,
            func.count(),
            func.count(func.distinct(Incident.source_id)),
        )
        .where(
            Incident.modality == "asserted",
            Incident.origin.is_not(None),
            Incident.destination.is_not(None),
            Incident.origin != Incident.destination,
        )
        .group_by(Incident.origin, Incident.destination)
        .order_by(func.count().desc(), Incident.origin, Incident.destination)
        .limit(limit)
    )
    return [Flow(o, d, n, s) for o, d, n, s in rows]


def totals(session: Session) -> tuple[int, int]:
    sources = session.scalar(select(func.count()).select_from(Source)) or 0
    incidents = (
        session.scalar(
            select(func.count()).select_from(Incident).where(Incident.modality == "asserted")
        )
        or 0
    )
    return sources, incidents
