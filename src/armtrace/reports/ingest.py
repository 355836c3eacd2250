"""Ingestion: reports → incidents and statements in the store, one transaction per report.

A report already in the store (same text, same id) is skipped, so ingesting twice changes nothing; a
report whose extraction or write fails is rolled back alone and named in the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.reports.document import Report
from armtrace.reports.extraction import ExtractedIncident
from armtrace.reports.pipeline import EXTRACTOR_NAME, default_pipeline, extract
from armtrace.reports.readers import ReadError, read_paths
from armtrace.store import Store
from armtrace.store.models import (
    Incident,
    IncidentActor,
    IncidentVia,
    IncidentWeapon,
    Source,
    Statement,
)


@dataclass
class IngestResult:
    added: int = 0
    skipped: int = 0
    incidents: int = 0  # every claim extracted, asserted or not
    asserted: int = 0  # those that count: not negated, hypothetical or historical
    errors: list[ReadError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def ingest_paths(
    store: Store, paths: Iterable[str | Path], progress: Callable[[str], None] | None = None
) -> IngestResult:
    return ingest_items(store, read_paths(paths), progress)


def ingest_items(
    store: Store, items: Iterable[Report | ReadError], progress: Callable[[str], None] | None = None
) -> IngestResult:
    result = IngestResult()
    nlp = default_pipeline()
    for item in items:
        if isinstance(item, ReadError):
            result.errors.append(item)
        else:
            _ingest_one(store, item, result, nlp)
        if progress:
            progress(item.path if isinstance(item, ReadError) else (item.path or item.key))
    return result


def _ingest_one(store: Store, report: Report, result: IngestResult, nlp) -> None:  # type: ignore[no-untyped-def]
    try:
        with store.transaction() as session:
            if session.get(Source, report.source_id) is not None:
                result.skipped += 1
                return
            incidents = extract(report, nlp)
            write_report(session, report, incidents)
    except (
        Exception
    ) as exc:  # one bad report must not stop the batch; its transaction is rolled back
        result.errors.append(ReadError(report.path or report.key, f"{type(exc).__name__}: {exc}"))
        return
    result.added += 1
    result.incidents += len(incidents)
    result.asserted += sum(i.modality == "asserted" for i in incidents)


def write_report(session: Session, report: Report, incidents: list[ExtractedIncident]) -> Source:
    now = datetime.now(UTC).replace(tzinfo=None)
    source = Source(
        id=report.source_id,
        key=report.key,
        title=report.title,
        url=report.url,
        publisher=report.publisher,
        published=report.published,
        format=report.format,
        path=report.path,
        text=report.text,
        ingested_at=now,
    )
    session.add(source)
    for position, extracted in enumerate(incidents):
        session.add(_incident_row(source, position, extracted, now))
    session.flush()
    return source


def _incident_row(source: Source, position: int, x: ExtractedIncident, now: datetime) -> Incident:
    incident = Incident(
        id=f"{source.id[:16]}-{position}",
        source_id=source.id,
        position=position,
        type=x.type,
        date=x.date,
        date_precision=x.date_precision,
        place=x.place,
        country=x.location,
        lat=x.lat,
        lon=x.lon,
        geo_precision=x.geo_precision,
        origin=x.origin,
        destination=x.destination,
        grade=x.grade,
        modality=x.modality,
        created_at=now,
    )
    incident.weapons = [
        IncidentWeapon(
            position=i,
            category=w.category,
            model=w.model,
            quantity=w.quantity,
            quantity_text=w.quantity_text,
        )
        for i, w in enumerate(x.weapons)
    ]
    incident.vias = [IncidentVia(position=i, country=c) for i, c in enumerate(x.via)]
    incident.actors = [
        IncidentActor(position=i, name=a.name, actor_id=a.actor_id, role=a.role)
        for i, a in enumerate(x.actors)
    ]
    claims = list(x.claims) + [_evidence_claim(e) for e in x.evidence]
    incident.statements = [
        Statement(
            field=c.field,
            value=c.value,
            source_id=source.id,
            start=c.start,
            end=c.end,
            grade=x.grade,
            author=EXTRACTOR_NAME,
            created_at=now,
        )
        for c in claims
    ]
    return incident


def _evidence_claim(evidence):  # type: ignore[no-untyped-def]
    from armtrace.reports.extraction import Claim

    return Claim("evidence", None, evidence.start, evidence.end)


def known_source_ids(session: Session) -> set[str]:
    return set(session.scalars(select(Source.id)))
