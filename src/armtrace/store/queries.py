"""Reading incidents back: filters shared by the CLI, exports and (later) the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from armtrace.store.models import Incident, IncidentWeapon
from armtrace.vocabulary import GRADES


@dataclass(frozen=True)
class IncidentFilter:
    type: str | None = None
    country: str | None = None  # where it happened, or its origin or destination
    category: str | None = None
    grade_at_least: str | None = None
    since: str | None = None  # YYYY[-MM[-DD]], compared on the incident's date
    until: str | None = None
    include_unasserted: bool = False  # negated, hypothetical and historical claims

    def apply(self, query: Select) -> Select:
        if self.type:
            query = query.where(Incident.type == self.type)
        if self.country:
            c = self.country.upper()
            query = query.where(
                (Incident.country == c) | (Incident.origin == c) | (Incident.destination == c)
            )
        if self.category:
            query = query.where(
                Incident.id.in_(
                    select(IncidentWeapon.incident_id).where(
                        IncidentWeapon.category == self.category
                    )
                )
            )
        if self.grade_at_least:
            allowed = GRADES[GRADES.index(self.grade_at_least) :]
            query = query.where(Incident.grade.in_(allowed))
        if self.since:
            query = query.where(Incident.date >= self.since)
        if self.until:
            query = query.where(Incident.date <= self.until + "\uffff")
        if not self.include_unasserted:
            query = query.where(Incident.modality == "asserted")
        return query


def iter_incidents(
    session: Session, where: IncidentFilter | None = None, limit: int | None = None
) -> Iterator[Incident]:
    query = (
        select(Incident)
        .options(
            selectinload(Incident.weapons),
            selectinload(Incident.vias),
            selectinload(Incident.actors),
            selectinload(Incident.statements),
            selectinload(Incident.source),
        )
        .order_by(Incident.date.is_(None), Incident.date, Incident.id)
    )
    query = (where or IncidentFilter()).apply(query)
    if limit:
        query = query.limit(limit)
    yield from session.scalars(query)


def incident_record(incident: Incident) -> dict:
    """An incident as exports write it: the extract shape plus its id, precision and provenance."""
    sources = sorted({s.source_id for s in incident.statements})
    return {
        "id": incident.id,
        "type": incident.type,
        "weapons": [
            {
                "category": w.category,
                "model": w.model,
                "quantity": w.quantity,
                "quantity_text": w.quantity_text,
            }
            for w in incident.weapons
        ],
        "origin": incident.origin,
        "via": incident.via,
        "destination": incident.destination,
        "location": incident.country,
        "place": incident.place,
        "lat": incident.lat,
        "lon": incident.lon,
        "geo_precision": incident.geo_precision,
        "actors": [{"name": a.name, "role": a.role} for a in incident.actors],
        "date": incident.date,
        "date_precision": incident.date_precision,
        "grade": incident.grade,
        "grade_reason": grade_reason(incident),
        "modality": incident.modality,
        "sources": sources,
        "statements": [
            {
                "field": s.field,
                "value": s.value,
                "source": s.source_id,
                "start": s.start,
                "end": s.end,
                "grade": s.grade,
                "author": s.author,
            }
            for s in incident.statements
        ],
    }


def grade_reason(incident: Incident) -> str:
    """The one-line explanation of the grade: the last one computed, or the single source's."""
    computed = [s.value for s in incident.statements if s.field == "grade" and s.value]
    if computed:
        return computed[-1].split(": ", 1)[-1]
    from armtrace.reports.grading import grade_incident  # reports depends on the store, not back

    return grade_incident(incident, [incident.source]).reason
