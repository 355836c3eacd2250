"""Ingestion: reports → incidents and statements in the store, one transaction per report.

A report already in the store (same text, same id) is skipped, so ingesting twice changes nothing; a
report whose extraction or write fails is rolled back alone and named in the result.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from armtrace.reports.clustering import Candidate, EventIndex, Key, anchor_of, family, interned
from armtrace.reports.document import Report, page_at
from armtrace.reports.extraction import Claim, ExtractedIncident
from armtrace.reports.grading import CONFIRMED, Voice, Voices, shingles, voice_of
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
    store: Store,
    items: Iterable[Report | ReadError],
    progress: Callable[[str], None] | None = None,
    writer: Writer | None = None,
) -> IngestResult:
    result = IngestResult()
    nlp = default_pipeline()
    writer = writer or Writer()
    for item in items:
        if isinstance(item, ReadError):
            result.errors.append(item)
        else:
            _ingest_one(store, item, result, nlp, writer)
        if progress:
            progress(item.path if isinstance(item, ReadError) else (item.path or item.key))
    return result


def _ingest_one(store: Store, report: Report, result: IngestResult, nlp, writer: Writer) -> None:  # type: ignore[no-untyped-def]
    try:
        with store.transaction() as session:
            if session.get(Source, report.source_id) is not None:
                result.skipped += 1
                return
            incidents = extract(report, nlp)
            write_report(session, report, incidents, writer)
    except (
        Exception
    ) as exc:  # one bad report must not stop the batch; its transaction is rolled back
        writer.rolled_back()
        result.errors.append(ReadError(report.path or report.key, f"{type(exc).__name__}: {exc}"))
        return
    writer.committed()
    count_added(result, report, incidents)


def count_added(result: IngestResult, report: Report, incidents: list[ExtractedIncident]) -> None:
    """Tally a report once its transaction has committed."""
    tally(result, report, len(incidents), sum(i.modality == "asserted" for i in incidents))


def tally(result: IngestResult, report: Report, incidents: int, asserted: int) -> None:
    result.added += 1
    if report.published is None:
        result.warnings.append(undated(report))
    result.incidents += incidents
    result.asserted += asserted


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
    writer: Writer | None = None,
) -> None:
    """Write a report, its new incidents and their statements in the session's transaction."""
    connection = session.connection()
    rows = Rows()
    (writer or Writer()).add(connection, prepare(report, incidents), rows)
    rows.insert(connection)


# ---- what a worker computes: everything that needs no database --------------------------------


@dataclass(slots=True)
class PreparedIncident:
    """One extracted incident as rows, and what same-event clustering and grading read of it."""

    id: str  # its id if it is a new incident
    row: dict
    weapons: list[dict]
    vias: list[dict]
    actors: list[dict]
    statements: list[dict]
    key: Key | None  # blocking key: asserted and located incidents only
    anchor: date | None
    # read by clustering.why_same (the Event protocol)
    type: str
    location: str | None
    lat: float | None
    lon: float | None
    geo_precision: str | None
    categories: frozenset[str]
    grade: str
    hedged: bool | None  # its evidence is all hedged (None: it has no evidence)
    span: tuple[int, int]  # its first piece of evidence, where cluster and grade statements point


@dataclass(slots=True)
class Prepared:
    """A report ready to write: rows, the voice and shingles grading needs, counts to tally."""

    source_id: str
    source: dict
    voice: Voice
    shingles: Any  # array('I') of word 5-gram CRCs
    incidents: list[PreparedIncident]
    asserted: int


def prepare(report: Report, incidents: list[ExtractedIncident]) -> Prepared:
    """Pure: runs where the report was extracted, so the writer only inserts and clusters."""
    now = datetime.now(UTC).replace(tzinfo=None)
    sid = report.source_id  # a hash of the text: computed once
    prepared = [_prepare_one(report, sid, i, x, now) for i, x in enumerate(incidents)]
    return Prepared(
        sid,
        _source_row(report, sid, now),
        voice_of(report, sid),
        shingles(report.text),
        prepared,
        sum(x.modality == "asserted" for x in incidents),
    )


def _prepare_one(
    report: Report, sid: str, position: int, x: ExtractedIncident, now: datetime
) -> PreparedIncident:
    incident_id = f"{sid[:16]}-{position}"
    asserted = x.modality == "asserted" and x.location is not None
    first = x.evidence[0] if x.evidence else None
    return PreparedIncident(
        id=incident_id,
        row=_incident_row(incident_id, sid, position, x, now),
        weapons=_weapon_rows(incident_id, x),
        vias=[dict(incident_id=incident_id, position=i, country=c) for i, c in enumerate(x.via)],
        actors=[
            dict(incident_id=incident_id, position=i, name=a.name, actor_id=a.actor_id, role=a.role)
            for i, a in enumerate(x.actors)
        ],
        statements=[
            dict(incident_id=incident_id, **row) for row in _statement_rows(report, sid, x, now)
        ],
        key=(x.location, family(x.type)) if asserted else None,  # type: ignore[arg-type]
        anchor=anchor_of(x.date, report.published) if asserted else None,
        type=x.type,
        location=x.location,
        lat=x.lat,
        lon=x.lon,
        geo_precision=x.geo_precision,
        categories=frozenset(w.category for w in x.weapons),
        grade=x.grade,
        hedged=(x.grade == "alleged") if x.evidence else None,
        span=(first.start, first.end) if first else (0, 0),
    )


# ---- what the writer does: insert, cluster, grade ---------------------------------------------


@dataclass(slots=True)
class Detail:
    """What a join needs of a stored incident beyond its comparison values."""

    fill: list[Any]  # the current values of the fields a later report may fill (_FILLABLE)
    weapons: tuple[tuple[str, str | None], ...]  # (category, model) of its weapons, in order
    hedged: bool  # all its evidence is hedged
    grade: str
    voices: Voices


class Writer:
    """Writes prepared reports. It holds the same-event index (each block read from the database
    once, then kept up to date) and, for the incidents recently created or joined, what a join
    needs (`Detail`), so that a join reads nothing back: the grade is updated from the incident's
    voices, never from all its sources' texts again.

    Memory: the index holds every asserted, located incident of the blocks touched (a few hundred
    bytes each); details and shingles are kept for the last `keep` incidents and sources and read
    back from the database when a join needs an older one."""

    def __init__(self, keep: int = 20_000) -> None:
        self.index = EventIndex()
        self.keep = keep
        self._details: OrderedDict[str, Candidate] = OrderedDict()
        self._shingles: OrderedDict[str, Any] = OrderedDict()
        self._connection: Connection | None = None

    def add(self, connection: Connection, report: Prepared, rows: Rows) -> None:
        """Add a report's rows to `rows`; its incidents join stored events or become new ones."""
        self._connection = connection  # where older sources' texts are read back
        rows.add(Source, [report.source])
        self._remember(report.source_id, report.shingles)
        for x in report.incidents:
            match = None
            if x.key is not None and x.anchor is not None:
                match = self.index.match(connection, x.key, report.source_id, x.anchor, x)
            if match is None:
                rows.add_incident(x)
                if x.key is not None:
                    self._new_candidate(connection, report, x)
            else:
                self._join(connection, match[0], match[1], report, x, rows)

    def committed(self) -> None:
        """After a commit: forget the details and shingles used least recently."""
        # only now: what the transaction wrote can be read back from the database
        while len(self._details) > self.keep:
            self._details.popitem(last=False)[1].detail = None
        while len(self._shingles) > self.keep:
            self._shingles.popitem(last=False)

    def rolled_back(self) -> None:
        """After a rollback the index may hold incidents that were never stored: read it again."""
        for candidate in self._details.values():
            candidate.detail = None
        self._details.clear()
        self.index.clear()

    def _new_candidate(self, connection: Connection, report: Prepared, x: PreparedIncident) -> None:
        row = x.row
        candidate = Candidate(
            x.id,
            report.source_id,
            row["date"],
            x.lat,
            x.lon,
            x.geo_precision,
            report.voice.published,
            interned(x.categories),
        )
        voices = Voices()
        if x.statements:  # a source is the incident's through its statements
            voices.add(report.voice, self._shingles_of)
        candidate.detail = Detail(
            fill=[row[name] for name in _FILLABLE],
            weapons=tuple((w["category"], w["model"]) for w in x.weapons),
            hedged=x.hedged is not False,
            grade=x.grade,
            voices=voices,
        )
        self._touch(candidate)
        self.index.add(connection, x.key, candidate)  # type: ignore[arg-type]

    def _join(
        self,
        connection: Connection,
        candidate: Candidate,
        reasons: list[str],
        report: Prepared,
        x: PreparedIncident,
        rows: Rows,
    ) -> None:
        """A second report of a stored event: its statements join the incident, gaps are filled,
        and the grade is updated with the new source's voice."""
        detail = self._detail(connection, candidate)
        self._fill(candidate, detail, x)
        candidate.categories = interned(candidate.categories | x.categories)
        known = set(detail.weapons)
        for w in x.weapons:
            if (w["category"], w["model"]) not in known:
                position = len(detail.weapons)
                rows.add(IncidentWeapon, [{**w, "incident_id": candidate.id, "position": position}])
                detail.weapons += ((w["category"], w["model"]),)
        for statement in x.statements:
            statement["incident_id"] = candidate.id
        rows.add(Statement, x.statements)
        if x.hedged is False:
            detail.hedged = False
        detail.voices.add(report.voice, self._shingles_of)
        graded = CONFIRMED if detail.grade == "confirmed" else detail.voices.grade(detail.hedged)
        detail.grade = graded.grade
        now = report.source["ingested_at"]
        common = dict(
            incident_id=candidate.id, source_id=report.source_id, start=x.span[0], end=x.span[1]
        )
        rows.add(
            Statement,
            [
                dict(
                    common,
                    field="same_event",
                    value="; ".join(reasons),
                    grade=x.grade,
                    author=CLUSTERING,
                    created_at=now,
                ),
                dict(
                    common,
                    field="grade",
                    value=f"{graded.grade}: {graded.reason}",
                    grade=graded.grade,
                    author=GRADING,
                    created_at=now,
                ),
            ],
        )
        rows.updates[candidate.id] = detail

    def _fill(self, candidate: Candidate, detail: Detail, x: PreparedIncident) -> None:
        before_date, before_day = candidate.date, candidate.day
        for i, name in enumerate(_FILLABLE):
            if detail.fill[i] is None:
                detail.fill[i] = x.row[name]
        fill = dict(zip(_FILLABLE, detail.fill, strict=True))
        candidate.date, candidate.geo_precision = fill["date"], fill["geo_precision"]
        candidate.lat, candidate.lon = fill["lat"], fill["lon"]
        if candidate.date != before_date:
            self.index.update(x.key, candidate, before_day)  # type: ignore[arg-type]

    def _touch(self, candidate: Candidate) -> None:
        self._details[candidate.id] = candidate
        self._details.move_to_end(candidate.id)

    def _detail(self, connection: Connection, candidate: Candidate) -> Detail:
        if candidate.detail is None:
            candidate.detail = _stored_detail(connection, candidate.id, self._shingles_of)
        self._touch(candidate)
        return candidate.detail

    def _remember(self, source_id: str, found: Any) -> None:
        self._shingles[source_id] = found
        self._shingles.move_to_end(source_id)

    def _shingles_of(self, source_id: str) -> Any:
        found = self._shingles.get(source_id)
        if found is None:  # an older source: its text is read back once
            text = self._connection.execute(_TEXT, {"id": source_id}).scalar_one()  # type: ignore[union-attr]
            self._remember(source_id, found := shingles(text))
        return found


# Rows bypass SQLAlchemy's type processing (_insert_many): sqlite3 turns their dates into text with
# these adapters, in the formats SQLAlchemy writes and reads (sqlite3's own default adapters are
# deprecated since Python 3.12). SQLAlchemy converts its own parameters before the driver sees
# them, so nothing else changes.
_last_time: list[tuple[datetime, str]] = [(datetime.min, "")]


def _time_text(value: datetime) -> str:
    last, text = _last_time[0]
    if value is not last:  # the rows of a report share one timestamp: format it once
        text = value.isoformat(" ", "microseconds")
        _last_time[0] = (value, text)
    return text


sqlite3.register_adapter(datetime, _time_text)
sqlite3.register_adapter(date, date.isoformat)

_TEXT = select(Source.text).where(Source.id == bindparam("id"))
_INCIDENT = select(*(Incident.__table__.c[n] for n in (*_FILLABLE, "grade"))).where(
    Incident.id == bindparam("id")
)
_WEAPON_KEYS = select(IncidentWeapon.category, IncidentWeapon.model).where(
    IncidentWeapon.incident_id == bindparam("id")
)
_STATEMENTS = select(Statement.source_id, Statement.field, Statement.grade).where(
    Statement.incident_id == bindparam("id")
)
_SOURCES = (
    select(Source.id, Source.publisher, Source.published, Source.title, Source.key)
    .where(Source.id.in_(bindparam("ids", expanding=True)))
    .order_by(Source.id)
)
_UPDATE = (
    update(Incident.__table__)  # type: ignore[arg-type]
    .where(Incident.__table__.c.id == bindparam("b_id"))
    .values({n: bindparam(n) for n in (*_FILLABLE, "grade")})
)


def _stored_detail(
    connection: Connection, incident_id: str, shingles_of: Callable[[str], Any]
) -> Detail:
    """A stored incident's Detail, read back from the database (its voices built again once)."""
    row = connection.execute(_INCIDENT, {"id": incident_id}).one()._asdict()
    weapons = connection.execute(_WEAPON_KEYS, {"id": incident_id}).all()
    statements = connection.execute(_STATEMENTS, {"id": incident_id}).all()
    voices = Voices()
    ids = sorted({s.source_id for s in statements})
    for source in connection.execute(_SOURCES, {"ids": ids}):
        voices.add(voice_of(source, source.id), shingles_of)
    return Detail(
        fill=[row[name] for name in _FILLABLE],
        weapons=tuple((w.category, w.model) for w in weapons),
        hedged=all(s.grade == "alleged" for s in statements if s.field == "evidence"),
        grade=row["grade"],
        voices=voices,
    )


class Rows:
    """Rows waiting to be inserted, one list per table, in insertion order, and the incidents whose
    values a join changed."""

    def __init__(self) -> None:
        self.tables: dict[type, list[dict]] = {}
        self.updates: dict[str, Detail] = {}

    def add(self, model: type, rows: list[dict]) -> None:
        if rows:
            self.tables.setdefault(model, []).extend(rows)

    def add_incident(self, x: PreparedIncident) -> None:
        self.add(Incident, [x.row])
        self.add(IncidentWeapon, x.weapons)
        self.add(IncidentVia, x.vias)
        self.add(IncidentActor, x.actors)
        self.add(Statement, x.statements)

    def insert(self, connection: Connection) -> None:
        # parents first: the foreign keys are checked row by row
        for model in (Source, Incident, IncidentWeapon, IncidentVia, IncidentActor, Statement):
            rows = self.tables.pop(model, None)
            if rows:
                _insert_many(connection, model.__table__, rows)  # type: ignore[attr-defined]
        if self.updates:  # after the inserts: an incident may have been created in this batch
            connection.execute(
                _UPDATE,
                [
                    {
                        "b_id": incident_id,
                        **dict(zip(_FILLABLE, detail.fill, strict=True)),
                        "grade": detail.grade,
                    }
                    for incident_id, detail in self.updates.items()
                ],
            )
            self.updates.clear()


def _insert_many(connection: Connection, table: Table, rows: list[dict]) -> None:
    """executemany through the driver: SQLAlchemy's per-row parameter processing was half the
    writer's time. Every row of one table has the same keys (built by the functions below)."""
    sqlite = connection.dialect.name == "sqlite"
    quote = connection.dialect.identifier_preparer.quote
    names = list(rows[0])
    marks = [f":{n}" if sqlite else f"%({n})s" for n in names]
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join(marks)})"
    )
    connection.exec_driver_sql(sql, rows)  # type: ignore[arg-type]


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
