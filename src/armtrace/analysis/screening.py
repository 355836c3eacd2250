"""Embargo screening: transfer and trafficking incidents whose destination (or, for Libya, origin) or
recipient was under a UN arms embargo at the incident's date.

A flag says which embargo, on what basis, the resolutions in force at the date, how sure the date match is
(a year-only date straddling an embargo's start is "possible"), the incident's grade and the statements
(source, span, text) it rests on. Flags are never decisions: an analyst can mark one exempted, with a
reason, and the exemption survives re-screening.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from armtrace.analysis.embargoes import Embargo, load_embargoes, overlap, period
from armtrace.analysis.models import SanctionsListing, ScreeningFlag
from armtrace.reference.actors import load_actors
from armtrace.store.models import Incident, IncidentActor, Source, Statement

SCREENED_TYPES = ("transfer", "trafficking")
EVIDENCE_FIELDS = ("type", "origin", "destination", "actor", "place", "date", "evidence")
STATE_KINDS = ("state", "state_force")


@dataclass(frozen=True)
class Hit:
    incident_id: str
    embargo: Embargo
    basis: str  # destination | origin | recipient
    target: str
    when: date  # the date the resolutions in force are read at
    date_basis: str  # incident | published
    certainty: str
    grade: str
    incident_date: str | None

    @functools.cached_property
    def flag_id(self) -> str:
        key = f"{self.incident_id}|{self.embargo.id}|{self.basis}|{self.target}"
        return hashlib.sha1(key.encode()).hexdigest()[:40]


def listed_actors(session: Session) -> dict[str, list[tuple[str, date, str]]]:
    """actor id -> [(embargo id, listed since, reference)], from the shipped table and imported lists."""
    listed: dict[str, list[tuple[str, date, str]]] = defaultdict(list)
    regimes = {e.id: e for e in load_embargoes()}
    for embargo in regimes.values():
        for entry in embargo.listed:
            listed[entry.actor].append((embargo.id, entry.listed, entry.reference))
    rows = session.connection().execute(
        select(
            SanctionsListing.actor_id,
            SanctionsListing.embargo_id,
            SanctionsListing.listed_on,
            SanctionsListing.reference,
        ).where(SanctionsListing.actor_id.is_not(None), SanctionsListing.embargo_id.is_not(None))
    )
    for actor_id, embargo_id, listed_on, reference in rows:
        if embargo_id in regimes and listed_on is not None:
            listed[actor_id].append((embargo_id, listed_on, reference or ""))
    return listed


def _window(incident_date: str | None, published: date | None) -> tuple[date, date, str] | None:
    """The days the incident may have happened on: its own date, else 'on or before publication'."""
    if incident_date:
        first, last = period(incident_date)
        return first, last, "incident"
    if published:
        return date(1900, 1, 1), published, "published"
    return None


def _candidates(session: Session, listed_ids: list[str]) -> Select:
    embargoes = load_embargoes()
    to = [e.country for e in embargoes if e.country and e.scope != "listed"]
    frm = [e.country for e in embargoes if e.country and e.from_country]
    recipients = select(IncidentActor.incident_id).where(
        IncidentActor.role == "recipient", IncidentActor.actor_id.in_(listed_ids)
    )
    return (
        select(
            Incident.id,
            Incident.date,
            Incident.grade,
            Incident.origin,
            Incident.destination,
            Incident.place,
            Source.published,
        )
        .join(Source, Source.id == Incident.source_id)
        .where(
            Incident.modality == "asserted",
            Incident.type.in_(SCREENED_TYPES),
            or_(
                Incident.destination.in_(to),
                Incident.origin.in_(frm),
                Incident.id.in_(recipients),
            ),
        )
    )


def _recipients(session: Session, ids: list[str]) -> dict[str, list[tuple[str | None, str]]]:
    found: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    for chunk in _chunks(ids, 5000):
        rows = (
            session.connection()
            .execute(
                select(IncidentActor.incident_id, IncidentActor.actor_id, IncidentActor.name).where(
                    IncidentActor.incident_id.in_(chunk), IncidentActor.role == "recipient"
                )
            )
            .fetchall()
        )
        for incident_id, actor_id, name in rows:
            found[incident_id].append((actor_id, name))
    return found


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _non_state(recipient: tuple[str | None, str], country: str | None) -> bool:
    """A recipient that is not a state or its forces; unnamed groups ("rebels") count as non-state."""
    actors = load_actors()
    actor_id, name = recipient
    actor = actors.get(actor_id) if actor_id else actors.lookup(name)
    if actor is None:
        return True
    return actor.kind not in STATE_KINDS and (country is None or actor.country in (None, country))


def _country_hits(row, recipients, embargo: Embargo) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(basis, target) pairs by which a country or non-state embargo applies to the row."""
    if embargo.scope == "country":
        if row.destination == embargo.country:
            yield "destination", embargo.country
        if embargo.from_country and row.origin == embargo.country and row.destination != row.origin:
            yield "origin", embargo.country
    elif embargo.scope == "non_state" and row.destination == embargo.country:
        in_region = bool(embargo.region and row.place and embargo.region in row.place)
        if in_region or any(_non_state(r, embargo.country) for r in recipients):
            yield "destination", embargo.country


def screen_rows(session: Session) -> Iterator[Hit]:
    listed = listed_actors(session)
    embargoes = {e.id: e for e in load_embargoes()}
    # country and non-state embargoes by their country: a row can only meet those of its destination
    # or origin (listed-entity regimes are met through recipients below)
    order = {eid: i for i, eid in enumerate(embargoes)}
    by_country: dict[str | None, list[Embargo]] = defaultdict(list)
    for embargo in embargoes.values():
        if embargo.country and embargo.scope != "listed":
            by_country[embargo.country].append(embargo)
    rows = session.connection().execute(_candidates(session, sorted(listed))).fetchall()
    recipients = _recipients(session, [r.id for r in rows])
    for row in rows:
        window = _window(row.date, row.published)
        if window is None:
            continue
        first, last, basis_of_date = window
        pairs: list[tuple[Embargo, str, str, date]] = []
        near = by_country.get(row.destination, []) + by_country.get(row.origin, [])
        for eid in sorted({e.id for e in near}, key=order.__getitem__):  # once each, table order
            embargo = embargoes[eid]
            for basis, target in _country_hits(row, recipients.get(row.id, []), embargo):
                pairs.append((embargo, basis, target, embargo.start))
        for actor_id, _name in recipients.get(row.id, []):
            for embargo_id, since, _ref in listed.get(actor_id or "", []):
                start = max(since, embargoes[embargo_id].start)
                pairs.append((embargoes[embargo_id], "recipient", actor_id or "", start))
        for embargo, basis, target, start in pairs:
            certainty = overlap(first, last, start, embargo.end)
            if certainty is None:
                continue
            if basis_of_date == "published":
                certainty = "possible"  # undated: it happened on or before publication
            when = min(last, embargo.end) if embargo.end else last
            yield Hit(
                row.id, embargo, basis, target, when, basis_of_date, certainty, row.grade, row.date
            )


def evidence_for(session: Session, incident_ids: list[str]) -> dict[str, list[dict]]:
    """The statements behind each incident, with the text of the span they point to (cut in SQL: the
    source texts themselves are never read)."""
    found: dict[str, list[dict]] = defaultdict(list)
    span = func.substr(Source.text, Statement.start + 1, Statement.end - Statement.start)
    for chunk in _chunks(incident_ids, 2000):
        rows = (
            session.connection()
            .execute(
                select(
                    Statement.incident_id,
                    Statement.field,
                    Statement.value,
                    Statement.source_id,
                    Statement.start,
                    Statement.end,
                    Statement.grade,
                    span,
                )
                .join(Source, Source.id == Statement.source_id)
                .where(Statement.incident_id.in_(chunk), Statement.field.in_(EVIDENCE_FIELDS))
                .order_by(Statement.id)
            )
            .fetchall()
        )
        for incident_id, field_, value, source_id, start, end, grade, text in rows:
            found[incident_id].append(
                {
                    "field": field_,
                    "value": value,
                    "source": source_id,
                    "start": start,
                    "end": end,
                    "grade": grade,
                    "text": (text or "") if end > start else "",
                }
            )
    return found


def _flag_values(hit: Hit, evidence: list[dict], now: datetime) -> dict:
    return {
        "id": hit.flag_id,
        "incident_id": hit.incident_id,
        "embargo_id": hit.embargo.id,
        "basis": hit.basis,
        "target": hit.target,
        "incident_date": hit.incident_date,
        "date_basis": hit.date_basis,
        "certainty": hit.certainty,
        "resolutions": "; ".join(r.label for r in hit.embargo.in_force(hit.when)),
        "grade": hit.grade,
        "evidence": json.dumps(evidence, ensure_ascii=False),
        "updated_at": now,
    }


def screen(session: Session) -> tuple[int, int]:
    """Screen every asserted transfer and trafficking incident; write flags. Returns (flags, new)."""
    hits = list(screen_rows(session))
    evidence = evidence_for(session, sorted({h.incident_id for h in hits}))
    conn = session.connection()
    table = ScreeningFlag.__table__
    kept = [table.c[c] for c in _COMPARED]
    existing = {row[0]: tuple(row[1:]) for row in conn.execute(select(table.c.id, *kept))}
    now = datetime.now()
    inserts, updates, seen = [], [], set()
    for hit in hits:
        if hit.flag_id in seen:
            continue
        seen.add(hit.flag_id)
        values = _flag_values(hit, evidence.get(hit.incident_id, []), now)
        if hit.flag_id in existing:
            # status and exemption are left as the analyst set them; an unchanged flag is not rewritten
            if existing[hit.flag_id] != tuple(values[c] for c in _COMPARED):
                updates.append(values)
        else:
            inserts.append({**values, "status": "open", "created_at": now})
    _write_flags(conn, inserts, updates)
    session.commit()
    return len(seen), len(inserts)


# What screening writes into a flag (beside its id and updated_at): a flag is rewritten when one changed.
_COMPARED = (
    "incident_id",
    "embargo_id",
    "basis",
    "target",
    "incident_date",
    "date_basis",
    "certainty",
    "resolutions",
    "grade",
    "evidence",
)


def _write_flags(conn, inserts: list[dict], updates: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """Insert and update flags through the driver's executemany: at a hundred thousand flags the
    per-row parameter handling of the ORM (and of Core) is most of the time. Values are bound as the
    column types would bind them (SQLite's DateTime is stored as text)."""
    table = ScreeningFlag.__table__
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote

    def mark(c: str) -> str:
        return f":{c}" if dialect.name == "sqlite" else f"%({c})s"

    def bound(rows: list[dict]) -> list[dict]:
        procs = {c: table.c[c].type.bind_processor(dialect) for c in rows[0] if c in table.c}
        procs = {c: p for c, p in procs.items() if p is not None}
        if not procs:
            return rows
        cache: dict[tuple[str, object], object] = {}
        out = []
        for row in rows:
            row = dict(row)
            for c, proc in procs.items():
                key = (c, row[c])
                if key not in cache:
                    cache[key] = proc(row[c])
                row[c] = cache[key]
            out.append(row)
        return out

    name = quote(table.name)
    for chunk in range(0, len(inserts), 10_000):
        batch = bound(inserts[chunk : chunk + 10_000])
        cols = list(batch[0])
        sql = (
            f"INSERT INTO {name} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join(mark(c) for c in cols)})"
        )
        conn.exec_driver_sql(sql, batch)
    for chunk in range(0, len(updates), 10_000):
        batch = bound(updates[chunk : chunk + 10_000])
        cols = [c for c in batch[0] if c != "id"]
        sets = ", ".join(f"{quote(c)} = {mark(c)}" for c in cols)
        conn.exec_driver_sql(f"UPDATE {name} SET {sets} WHERE {quote('id')} = {mark('id')}", batch)


def exempt(session: Session, flag_id: str, reason: str, analyst: str) -> ScreeningFlag:
    """Mark a flag exempted (an authorised supply, a Committee approval…); the reason is required."""
    if not reason.strip():
        raise ValueError("an exemption needs a reason")
    flag = session.get(ScreeningFlag, flag_id)
    if flag is None:
        matches = list(
            session.scalars(select(ScreeningFlag).where(ScreeningFlag.id.startswith(flag_id)))
        )
        if len(matches) != 1:
            raise KeyError(f"no single flag starts with {flag_id!r}")
        flag = matches[0]
    flag.status, flag.exemption_reason, flag.analyst = "exempted", reason, analyst
    flag.decided_at = datetime.now()
    session.commit()
    return flag


def list_flags(
    session: Session, status: str | None = None, embargo: str | None = None
) -> list[ScreeningFlag]:
    query = select(ScreeningFlag).order_by(
        ScreeningFlag.embargo_id, ScreeningFlag.incident_date, ScreeningFlag.id
    )
    if status:
        query = query.where(ScreeningFlag.status == status)
    if embargo:
        query = query.where(ScreeningFlag.embargo_id == embargo)
    return list(session.scalars(query))
