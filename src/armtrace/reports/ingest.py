"""Ingestion: reports → incidents and statements in the store, one transaction per report.

A report already in the store (same text, same id) is skipped, so ingesting twice changes nothing; a
report whose extraction or write fails is rolled back alone and named in the result.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

from armtrace.reports.clustering import (
    Candidate,
    EventIndex,
    Key,
    anchor_of,
    family,
    interned,
    interned_text,
)
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


# The rows a worker builds are tuples in these column orders, dates and times already as text in
# SQLAlchemy's SQLite formats: the client's event loop spent ~0.35 ms a report unpickling batches
# of dicts, dates and dataclasses, and the driver binds tuples positionally.
SOURCE_COLUMNS = (
    "id", "key", "title", "url", "publisher", "published", "format", "path", "text", "ingested_at"
)  # fmt: skip
INCIDENT_COLUMNS = (
    "id", "source_id", "position", "type", "date", "date_precision", "place", "country", "lat",
    "lon", "geo_precision", "origin", "destination", "grade", "modality", "created_at",
)  # fmt: skip
WEAPON_COLUMNS = ("incident_id", "position", "category", "model", "quantity", "quantity_text")
VIA_COLUMNS = ("incident_id", "position", "country")
ACTOR_COLUMNS = ("incident_id", "position", "name", "actor_id", "role")
STATEMENT_COLUMNS = (
    "incident_id", "field", "value", "source_id", "start", "end", "grade", "author", "created_at"
)  # fmt: skip
_FILL_AT = tuple(INCIDENT_COLUMNS.index(name) for name in _FILLABLE)
_DATE_AT = INCIDENT_COLUMNS.index("date")
_CATEGORY_AT, _MODEL_AT = WEAPON_COLUMNS.index("category"), WEAPON_COLUMNS.index("model")


@dataclass(slots=True)
class PreparedIncident:
    """One extracted incident as rows, and what same-event clustering and grading read of it."""

    id: str  # its id if it is a new incident
    row: tuple  # INCIDENT_COLUMNS
    weapons: list[tuple]  # WEAPON_COLUMNS
    vias: list[tuple]
    actors: list[tuple]
    statements: list[tuple]  # STATEMENT_COLUMNS
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

    def __reduce__(self) -> tuple:
        return _fields_reduce(self)


@dataclass(slots=True)
class Prepared:
    """A report ready to write: rows, the voice and shingles grading needs, counts to tally."""

    source_id: str
    source: tuple  # SOURCE_COLUMNS
    voice: Voice
    shingles: Any  # array('I') of word 5-gram CRCs
    incidents: list[PreparedIncident]
    asserted: int

    def __reduce__(self) -> tuple:
        return _fields_reduce(self)


def _fields_reduce(obj: Any) -> tuple:
    # pickled as the constructor's arguments: the default protocol for a slots dataclass (state
    # set attribute by attribute) cost more to unpickle than the rows themselves
    return type(obj), tuple(getattr(obj, name) for name in obj.__slots__)


def prepare(report: Report, incidents: list[ExtractedIncident]) -> Prepared:
    """Pure: runs where the report was extracted, so the writer only inserts and clusters."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
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
    report: Report, sid: str, position: int, x: ExtractedIncident, now: str
) -> PreparedIncident:
    incident_id = f"{sid[:16]}-{position}"
    asserted = x.modality == "asserted" and x.location is not None
    first = x.evidence[0] if x.evidence else None
    return PreparedIncident(
        id=incident_id,
        row=_incident_row(incident_id, sid, position, x, now),
        weapons=_weapon_rows(incident_id, x),
        vias=[(incident_id, i, c) for i, c in enumerate(x.via)],
        actors=[(incident_id, i, a.name, a.actor_id, a.role) for i, a in enumerate(x.actors)],
        statements=_statement_rows(report, sid, incident_id, x, now),
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

    def __init__(self, keep: int = 10_000) -> None:
        self.index = EventIndex()
        self.keep = keep
        self._details: OrderedDict[str, Candidate] = OrderedDict()
        self._shingles: OrderedDict[str, Any] = OrderedDict()
        self.text_of: dict[str, str] = {}  # texts read back with an incident's sources
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
            row[_DATE_AT],
            x.lat,
            x.lon,
            interned_text(x.geo_precision),
            report.voice.published,
            interned(x.categories),
        )
        voices = Voices()
        if x.statements:  # a source is the incident's through its statements
            voices.add(report.voice, self.shingles_of)
        candidate.detail = Detail(
            fill=[row[i] for i in _FILL_AT],
            weapons=tuple((w[_CATEGORY_AT], w[_MODEL_AT]) for w in x.weapons),
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
            if (w[_CATEGORY_AT], w[_MODEL_AT]) not in known:
                rows.add(IncidentWeapon, [(candidate.id, len(detail.weapons), *w[2:])])
                detail.weapons += ((w[_CATEGORY_AT], w[_MODEL_AT]),)
        rows.add(Statement, [(candidate.id, *s[1:]) for s in x.statements])
        if x.hedged is False:
            detail.hedged = False
        detail.voices.add(report.voice, self.shingles_of)
        graded = CONFIRMED if detail.grade == "confirmed" else detail.voices.grade(detail.hedged)
        detail.grade = graded.grade
        now, (start, end) = report.source[-1], x.span  # ingested_at
        rows.add(
            Statement,
            [
                (candidate.id, "same_event", "; ".join(reasons), report.source_id, start, end,
                 x.grade, CLUSTERING, now),
                (candidate.id, "grade", f"{graded.grade}: {graded.reason}", report.source_id,
                 start, end, graded.grade, GRADING, now),
            ],
        )  # fmt: skip
        rows.updates[candidate.id] = detail

    def _fill(self, candidate: Candidate, detail: Detail, x: PreparedIncident) -> None:
        before_date, before_day = candidate.date, candidate.day
        for i, at in enumerate(_FILL_AT):
            if detail.fill[i] is None:
                detail.fill[i] = x.row[at]
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
            candidate.detail = _stored_detail(connection, candidate.id, self)
        self._touch(candidate)
        return candidate.detail

    def _remember(self, source_id: str, found: Any) -> None:
        self._shingles[source_id] = found
        self._shingles.move_to_end(source_id)

    def shingles_of(self, source_id: str) -> Any:
        """A source's shingles: kept, or computed from its text (read back if not at hand)."""
        found = self._shingles.get(source_id)
        if found is None:  # an older source
            text = self.text_of.get(source_id)
            if text is None:
                [(text,)] = _read(self._connection, "text", source_id)  # type: ignore[arg-type]
            self._remember(source_id, found := shingles(text))
        return found


# Read-backs run as the driver's SQL: at 100,000 reports most joins read an incident back (details
# are kept for the last `keep` only), and SQLAlchemy's compiled statements cost more per execution
# than these small queries themselves.
_READ_BACK = {
    "text": "SELECT text FROM sources WHERE id = ?",
    "incident": "SELECT {} FROM incidents WHERE id = ?".format(", ".join((*_FILLABLE, "grade"))),
    "weapons": "SELECT category, model FROM incident_weapons WHERE incident_id = ? ORDER BY position",
    "statements": "SELECT source_id, field, grade FROM statements WHERE incident_id = ?",
    "sources": "SELECT id, publisher, published, title, key, text FROM sources WHERE id IN ({}) "
    "ORDER BY id",
}
_UPDATE = (
    update(Incident.__table__)  # type: ignore[arg-type]
    .where(Incident.__table__.c.id == bindparam("b_id"))
    .values({n: bindparam(n) for n in (*_FILLABLE, "grade")})
)


def _read(connection: Connection, name: str, *params: Any) -> list[Any]:
    sql = _READ_BACK[name]
    if name == "sources":
        sql = sql.format(", ".join("?" * len(params)))
    if connection.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    return connection.exec_driver_sql(sql, params).all()  # type: ignore[arg-type]


@dataclass(slots=True)
class _StoredSource:  # what voice_of reads of a source row
    publisher: str | None
    published: date | None
    title: str | None
    key: str


def _stored_detail(connection: Connection, incident_id: str, writer: Writer) -> Detail:
    """A stored incident's Detail, read back from the database (its voices built again once)."""
    [row] = _read(connection, "incident", incident_id)
    weapons = _read(connection, "weapons", incident_id)
    statements = _read(connection, "statements", incident_id)
    voices = Voices()
    ids = sorted({source_id for source_id, _, _ in statements})
    for source_id, publisher, published, title, key, text in _read(connection, "sources", *ids):
        if isinstance(published, str):  # SQLite's text
            published = date.fromisoformat(published)
        writer.text_of[source_id] = (
            text  # its shingles are computed only if a comparison needs them
        )
        voices.add(
            voice_of(_StoredSource(publisher, published, title, key), source_id), writer.shingles_of
        )
    writer.text_of.clear()
    return Detail(
        fill=list(row[: len(_FILLABLE)]),
        weapons=tuple((category, model) for category, model in weapons),
        hedged=all(grade == "alleged" for _, field, grade in statements if field == "evidence"),
        grade=row[-1],
        voices=voices,
    )


class Rows:
    """Rows waiting to be inserted, one list of tuples per table, in insertion order, and the
    incidents whose values a join changed."""

    def __init__(self) -> None:
        self.tables: dict[type, list[tuple]] = {}
        self.updates: dict[str, Detail] = {}

    def add(self, model: type, rows: list[tuple]) -> None:
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
        for model in _COLUMNS:
            rows = self.tables.pop(model, None)
            if rows:
                connection.exec_driver_sql(_insert_sql(connection.dialect, model), rows)  # type: ignore[arg-type]
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


_COLUMNS: dict[type, tuple[str, ...]] = {
    Source: SOURCE_COLUMNS,
    Incident: INCIDENT_COLUMNS,
    IncidentWeapon: WEAPON_COLUMNS,
    IncidentVia: VIA_COLUMNS,
    IncidentActor: ACTOR_COLUMNS,
    Statement: STATEMENT_COLUMNS,
}


@cache
def _insert_sql(dialect: Dialect, model: type) -> str:
    """executemany through the driver: SQLAlchemy's per-row parameter processing was half the
    writer's time. The rows are tuples, bound by position."""
    columns = _COLUMNS[model]
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO {quote(model.__tablename__)} ({', '.join(quote(c) for c in columns)}) "  # type: ignore[attr-defined]
        f"VALUES ({', '.join([mark] * len(columns))})"
    )


def _source_row(report: Report, sid: str, now: str) -> tuple:
    published = report.published.isoformat() if report.published else None
    return (
        sid, report.key, report.title, report.url, report.publisher, published, report.format,
        report.path, report.text, now,
    )  # fmt: skip


def _incident_row(
    incident_id: str, sid: str, position: int, x: ExtractedIncident, now: str
) -> tuple:
    return (
        incident_id, sid, position, x.type, x.date, x.date_precision, x.place, x.location, x.lat,
        x.lon, x.geo_precision, x.origin, x.destination, x.grade, x.modality, now,
    )  # fmt: skip


def _weapon_rows(incident_id: str, x: ExtractedIncident) -> list[tuple]:
    return [
        (incident_id, i, w.category, w.model, w.quantity, w.quantity_text)
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
    report: Report, sid: str, incident_id: str, x: ExtractedIncident, now: str
) -> list[tuple]:
    claims = list(x.claims) + [Claim("evidence", None, e.start, e.end) for e in x.evidence]
    if report.format == "pdf":  # the page(s) each piece of evidence stands on, for citing it
        claims += [
            Claim("page", _pages(report.text, e.start, e.end), e.start, e.end) for e in x.evidence
        ]
    return [
        (incident_id, c.field, c.value, sid, c.start, c.end, x.grade, EXTRACTOR_NAME, now)
        for c in claims
    ]
