"""Ingestion: reports → incidents and statements in the store, one transaction per report.

A report already in the store (same text, same id) is skipped, so ingesting twice changes nothing; a
report whose extraction or write fails is rolled back alone and named in the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from armtrace.reports.clustering import family, find_same_event
from armtrace.reports.document import Report, page_at
from armtrace.reports.extraction import Claim, ExtractedIncident
from armtrace.reports.grading import grade_incident
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

CLUSTERING = "armtrace-cluster/1"
# incident fields a later report may fill where the first left them empty
_FILLABLE = (
    "date",
    "date_precision",
    "place",
    "lat",
    "lon",
    "geo_precision",
    "origin",
    "destination",
)
GRADING = "armtrace-grade/1"


@dataclass
class IngestResult:
    added: int = 0
    skipped: int = 0
    incidents: int = 0  # every claim extracted, asserted or not
    asserted: int = 0  # those that count: not negated, hypothetical or historical
    errors: list[ReadError] = field(default_factory=list)
    warnings: list[ReadError] = field(default_factory=list)  # ingested, but something is missing

    @property
    def ok(self) -> bool:
        return not self.errors and not self.warnings


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
    count_added(result, report, incidents)


def count_added(result: IngestResult, report: Report, incidents: list[ExtractedIncident]) -> None:
    """Tally a report once its transaction has committed."""
    result.added += 1
    if report.published is None:
        result.warnings.append(undated(report))
    result.incidents += len(incidents)
    result.asserted += sum(i.modality == "asserted" for i in incidents)


def undated(report: Report) -> ReadError:
    return ReadError(
        report.path or report.key,
        "no publication date: relative dates ('last week') are left unresolved; give one in the "
        "front matter, the JSONL 'published' field or with --published",
    )


def write_report(
    session: Session,
    report: Report,
    incidents: list[ExtractedIncident],
    rows: Rows | None = None,
) -> None:
    """Write a report, its new incidents and their statements in the session's transaction.

    New rows go in by Core executemany (one ORM object per row was most of the write cost); with
    `rows`, they wait there to be inserted with other reports' (the caller calls `rows.insert`
    before its transaction commits). An incident that joins a stored event goes through the
    ORM: that is rare, and it needs the stored incident's statements and sources to grade it."""
    now = datetime.now(UTC).replace(tzinfo=None)
    sid = report.source_id  # a hash of the text: computed once
    pending = rows if rows is not None else Rows()
    pending.add(Source, [_source_row(report, sid, now)])
    for position, extracted in enumerate(incidents):
        if pending.may_hold_candidate_for(extracted):
            pending.insert(session)  # same-event candidates are looked for in the database
        match = find_same_event(session, sid, report.published, extracted)
        if match is None:
            pending.add_incident(report, sid, position, extracted, now)
        else:
            pending.insert(session)  # first what came before, so statement ids keep their order
            _join(session, match[0], match[1], session.get_one(Source, sid), extracted, now)
            session.flush()  # the next candidate query reads the database, not the session
    if rows is None:
        pending.insert(session)


class Rows:
    """Rows waiting to be inserted, one list per table, in insertion order."""

    def __init__(self) -> None:
        self.tables: dict[type, list[dict]] = {}
        # (country, kind) of the waiting incidents that clustering may join: its blocking key
        self.blocks: set[tuple[str, str]] = set()

    def may_hold_candidate_for(self, x: ExtractedIncident) -> bool:
        return x.modality == "asserted" and (x.location, family(x.type)) in self.blocks

    def add(self, model: type, rows: list[dict]) -> None:
        if rows:
            self.tables.setdefault(model, []).extend(rows)

    def add_incident(
        self, report: Report, sid: str, position: int, x: ExtractedIncident, now: datetime
    ) -> None:
        incident_id = f"{sid[:16]}-{position}"
        if x.modality == "asserted" and x.location:
            self.blocks.add((x.location, family(x.type)))
        self.add(Incident, [_incident_row(incident_id, sid, position, x, now)])
        self.add(IncidentWeapon, _weapon_rows(incident_id, x))
        self.add(
            IncidentVia,
            [dict(incident_id=incident_id, position=i, country=c) for i, c in enumerate(x.via)],
        )
        self.add(
            IncidentActor,
            [
                dict(
                    incident_id=incident_id,
                    position=i,
                    name=a.name,
                    actor_id=a.actor_id,
                    role=a.role,
                )
                for i, a in enumerate(x.actors)
            ],
        )
        self.add(
            Statement,
            [dict(incident_id=incident_id, **row) for row in _statement_rows(report, sid, x, now)],
        )

    def insert(self, session: Session) -> None:
        connection = session.connection()
        # parents first: the foreign keys are checked row by row
        for model in (Source, Incident, IncidentWeapon, IncidentVia, IncidentActor, Statement):
            rows = self.tables.pop(model, None)
            if rows:
                connection.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
        self.blocks.clear()


def _source_row(report: Report, sid: str, now: datetime) -> dict:
    return dict(
        id=sid,
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


def _incident_row(
    incident_id: str, sid: str, position: int, x: ExtractedIncident, now: datetime
) -> dict:
    return dict(
        id=incident_id,
        source_id=sid,
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


def _weapon_rows(incident_id: str, x: ExtractedIncident) -> list[dict]:
    return [
        dict(
            incident_id=incident_id,
            position=i,
            category=w.category,
            model=w.model,
            quantity=w.quantity,
            quantity_text=w.quantity_text,
        )
        for i, w in enumerate(x.weapons)
    ]


def _join(
    session: Session,
    incident_id: str,
    reasons: list[str],
    source: Source,
    x: ExtractedIncident,
    now: datetime,
) -> None:
    """A second report of a stored event: its statements join the incident, gaps are filled, and
    the grade is computed again from all the sources."""
    incident = session.get_one(Incident, incident_id)
    for name in _FILLABLE:
        if getattr(incident, name) is None:
            setattr(incident, name, getattr(x, name))
    known = {(w.category, w.model) for w in incident.weapons}
    for w in x.weapons:
        if (w.category, w.model) not in known:
            incident.weapons.append(
                IncidentWeapon(
                    position=len(incident.weapons),
                    category=w.category,
                    model=w.model,
                    quantity=w.quantity,
                    quantity_text=w.quantity_text,
                )
            )
    incident.statements.extend(
        Statement(**row) for row in _statement_rows(source, source.id, x, now)
    )
    first = x.evidence[0] if x.evidence else None
    span = (first.start, first.end) if first else (0, 0)
    incident.statements.append(
        Statement(
            field="same_event",
            value="; ".join(reasons),
            source_id=source.id,
            start=span[0],
            end=span[1],
            grade=x.grade,
            author=CLUSTERING,
            created_at=now,
        )
    )
    ids = {s.source_id for s in incident.statements}
    # in id order: which syndicated copy names the source must not depend on the backend
    sources = list(session.scalars(select(Source).where(Source.id.in_(ids)).order_by(Source.id)))
    if source not in sources:
        sources.append(source)
    graded = grade_incident(incident, sources)
    incident.grade = graded.grade
    incident.statements.append(
        Statement(
            field="grade",
            value=f"{graded.grade}: {graded.reason}",
            source_id=source.id,
            start=span[0],
            end=span[1],
            grade=graded.grade,
            author=GRADING,
            created_at=now,
        )
    )


def _pages(text: str, start: int, end: int) -> str:
    """'4', or '4-5' for a sentence that runs over a page break."""
    span = text[start:end]
    # a span may open on the page break itself (whitespace before a sentence): cite its words
    start, end = start + len(span) - len(span.lstrip()), start + len(span.rstrip())
    first, last = page_at(text, start), page_at(text, max(start, end - 1))
    return str(first) if first == last else f"{first}-{last}"


def _statement_rows(
    report: Report | Source, sid: str, x: ExtractedIncident, now: datetime
) -> list[dict]:
    claims = list(x.claims) + [Claim("evidence", None, e.start, e.end) for e in x.evidence]
    if report.format == "pdf":  # the page(s) each piece of evidence stands on, for citing it
        claims += [
            Claim("page", _pages(report.text, e.start, e.end), e.start, e.end) for e in x.evidence
        ]
    return [
        dict(
            field=c.field,
            value=c.value,
            source_id=sid,
            start=c.start,
            end=c.end,
            grade=x.grade,
            author=EXTRACTOR_NAME,
            created_at=now,
        )
        for c in claims
    ]
