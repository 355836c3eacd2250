"""Embargo screening: transfer and trafficking incidents whose destination (or, for Libya, origin) or
recipient was under a UN arms embargo at the incident's date (traced items: analysis.traced).

A flag says which embargo, on what basis, the resolutions in force at the date, how sure the date match is
(a year-only date straddling an embargo's start is "possible"), the incident's grade and the statements
(source, span, text) it rests on. Flags are never decisions: an analyst can mark one exempted, with a
reason, and the exemption survives re-screening.

Screening is set-based: the embargo table (a few dozen rows) goes into the query as VALUES and the
database joins it against the incidents, cuts the evidence spans and writes the flags with one INSERT …
SELECT and one UPDATE … FROM. Python never sees the hits one by one: at a million incidents a per-row
loop was most of the time (11 s in SQLite, 22 s in PostgreSQL, see docs/analysis.md).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Index,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import CTE, Subquery

from armtrace.analysis.embargoes import Embargo, load_embargoes
from armtrace.analysis.models import SanctionsListing, ScreeningFlag
from armtrace.analysis.traced import write_item_flags
from armtrace.reference.actors import load_actors
from armtrace.store.models import Incident, IncidentActor, Source, Statement

SCREENED_TYPES = ("transfer", "trafficking")
LISTED_TRAFFICKER_TYPES = ("trafficking", "seizure")
EVIDENCE_FIELDS = ("type", "origin", "destination", "actor", "place", "date", "evidence")
STATE_KINDS = ("state", "state_force")
OPEN_END = "9999-12-31"  # an embargo still in force: ISO dates compare as strings
NO_DATE = "1900-01-01"  # an undated incident happened on or before its report's publication
KEY = ("incident_id", "embargo_id", "basis", "target")
# What screening writes into a flag beside its id: a stored flag is rewritten when one of them changed.
COMPUTED = (*KEY, "incident_date", "date_basis", "certainty", "resolutions", "grade", "evidence")


def flag_id(incident_id: str, embargo_id: str, basis: str, target: str) -> str:
    """A flag's id: the md5 of its key, computed the same way in Python, SQLite and PostgreSQL.
    Stored flags are matched by key, not id, so flags written under an older id scheme keep theirs."""
    return hashlib.md5(f"{incident_id}|{embargo_id}|{basis}|{target}".encode()).hexdigest()


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


# --- the embargo table as VALUES ----------------------------------------------------------------------


def _stop(embargo: Embargo) -> str:
    return embargo.end.isoformat() if embargo.end else OPEN_END


def _values(name: str, cols: tuple[str, ...], rows: list[tuple]) -> Subquery:
    """A small constant table as SELECT … UNION ALL (SQLite cannot name the columns of a VALUES
    list); a never-matching row of NULLs keeps it valid when there is nothing to list."""
    rows = rows or [tuple(None for _ in cols)]
    selects = [
        select(*(literal(v, String).label(c) for v, c in zip(row, cols, strict=True)))
        for row in rows
    ]
    return union_all(*selects).subquery(name)


def _country_rules(kind: str) -> list[tuple]:
    """(embargo, country, start, stop, region) of the embargoes met by an incident's destination
    ("destination", "non_state") or origin ("origin": Libya's bars exports too)."""
    rows = []
    for e in load_embargoes():
        wanted = {
            "destination": e.scope == "country",
            "origin": e.scope == "country" and e.from_country,
            "non_state": e.scope == "non_state",
        }[kind]
        if wanted and e.country:
            rows.append((e.id, e.country, e.start.isoformat(), _stop(e), e.region))
    return rows


def _listing_rules(session: Session) -> list[tuple]:
    """(actor, embargo, start, stop): a listed entity is covered from its listing (at the earliest)."""
    regimes = {e.id: e for e in load_embargoes()}
    since: dict[tuple[str, str], date] = {}
    for actor_id, listings in listed_actors(session).items():
        for embargo_id, listed, _ref in listings:
            start = max(listed, regimes[embargo_id].start)
            key = (actor_id, embargo_id)
            since[key] = min(since.get(key, start), start)
    return [(a, e, s.isoformat(), _stop(regimes[e])) for (a, e), s in sorted(since.items())]


def _resolution_steps() -> list[tuple]:
    """(embargo, from, until, labels): the resolutions in force, as intervals between their dates."""
    rows = []
    for e in load_embargoes():
        dates = sorted({r.date for r in e.resolutions})
        bounds = ["0001-01-01", *(d.isoformat() for d in dates), OPEN_END]
        for i in range(len(bounds) - 1):
            on = date.fromisoformat(bounds[i]) if i else None
            labels = "; ".join(r.label for r in e.in_force(on)) if on else ""
            rows.append((e.id, bounds[i], bounds[i + 1], labels))
    return rows


# --- hits in SQL ------------------------------------------------------------------------------------


# carried by every part of the union, so the date logic needs no second read of the incident
_CARRIED = (Incident.date.label("incident_date"), Incident.grade, Incident.source_id)


def _screened() -> ColumnElement[bool]:
    return and_(Incident.modality == "asserted", Incident.type.in_(SCREENED_TYPES))


def _country_hits(kind: str) -> Select:
    rules = _values(
        f"rules_{kind}", ("embargo_id", "country", "start", "stop", "region"), _country_rules(kind)
    )
    on = Incident.origin if kind == "origin" else Incident.destination
    query = (
        select(
            Incident.id.label("incident_id"),
            rules.c.embargo_id,
            literal("origin" if kind == "origin" else "destination", String).label("basis"),
            rules.c.country.label("target"),
            rules.c.start,
            rules.c.stop,
            *_CARRIED,
        )
        .join(rules, on == rules.c.country)
        .where(_screened())
    )
    if kind == "origin":  # weapons moving inside Libya are not an export
        query = query.where(
            or_(Incident.destination.is_(None), Incident.destination != Incident.origin)
        )
    return query


def _state_like(session: Session, country: str) -> tuple[list[str], list[str]]:
    """Reference actor ids, and recipient names written without one, that are a state, its forces or
    a foreign party for `country`: a non-state embargo does not cover arms to them."""
    actors = load_actors()

    def state_like(actor) -> bool:  # type: ignore[no-untyped-def]
        return actor.kind in STATE_KINDS or actor.country not in (None, country)

    ids = [a.id for a in actors if state_like(a)]
    names = session.connection().execute(
        select(IncidentActor.name)
        .where(IncidentActor.role == "recipient", IncidentActor.actor_id.is_(None))
        .distinct()
    )
    named = [n for (n,) in names if (a := actors.lookup(n)) is not None and state_like(a)]
    return ids, named


def _non_state_hits(session: Session) -> list[Select]:
    """Non-state embargoes (Darfur, Lebanon): the destination, when the place is in the embargo's
    region or a recipient is not a state actor (unnamed groups, "rebels", count as non-state)."""
    found = []
    instr = func.strpos if session.get_bind().dialect.name == "postgresql" else func.instr
    for embargo_id, country, start, stop, region in _country_rules("non_state"):
        ids, names = _state_like(session, country)
        recipient = IncidentActor.__table__.alias("r")
        state_actor = or_(
            # both arms definite: NOT over a NULL comparison would drop unnamed recipients
            and_(recipient.c.actor_id.is_not(None), recipient.c.actor_id.in_(ids)),
            and_(recipient.c.actor_id.is_(None), recipient.c.name.in_(names)),
        )
        non_state = exists().where(
            recipient.c.incident_id == Incident.id,
            recipient.c.role == "recipient",
            not_(state_actor),
        )
        in_region = (
            and_(Incident.place.is_not(None), instr(Incident.place, region) > 0)
            if region
            else false()
        )
        found.append(
            select(
                Incident.id.label("incident_id"),
                literal(embargo_id, String).label("embargo_id"),
                literal("destination", String).label("basis"),
                literal(country, String).label("target"),
                literal(start, String).label("start"),
                literal(stop, String).label("stop"),
                *_CARRIED,
            ).where(_screened(), Incident.destination == country, or_(in_region, non_state))
        )
    return found


def _recipient_hits(session: Session) -> Select:
    """Listed groups as recipients of a transfer or trafficking, or moving the arms themselves
    (trafficker: in a trafficking or a seizure — arms seized from Boko Haram had reached it)."""
    listings = _listing_rules(session)
    rules = _values("listings", ("actor_id", "embargo_id", "start", "stop"), listings)
    # the listed actors' rows first, read once: joined directly, SQLite read every incident once per
    # listing (8 million rows at 1M incidents) for want of an index on actor_id
    named = (
        select(IncidentActor.incident_id, IncidentActor.actor_id, IncidentActor.role)
        .where(
            IncidentActor.actor_id.in_(sorted({row[0] for row in listings})),
            IncidentActor.role.in_(("recipient", "trafficker")),
        )
        .cte("named")
        .prefix_with("MATERIALIZED")
    )
    holds_arms = or_(
        and_(Incident.type.in_(SCREENED_TYPES), named.c.role == "recipient"),
        and_(Incident.type.in_(LISTED_TRAFFICKER_TYPES), named.c.role == "trafficker"),
    )
    return (
        select(
            Incident.id.label("incident_id"),
            rules.c.embargo_id,
            named.c.role.label("basis"),
            named.c.actor_id.label("target"),
            rules.c.start,
            rules.c.stop,
            *_CARRIED,
        )
        .select_from(named)
        .join(Incident, Incident.id == named.c.incident_id)
        .join(rules, rules.c.actor_id == named.c.actor_id)
        .where(Incident.modality == "asserted", holds_arms)
        .distinct()  # one actor named twice in a role is one hit; the other parts cannot repeat
    )


def _dated(session: Session) -> CTE:
    """The pairs with the first and last day the incident may have happened on (undated: on or
    before its report's publication)."""
    pairs = union_all(
        _country_hits("destination"),
        _country_hits("origin"),
        *_non_state_hits(session),
        _recipient_hits(session),
    ).subquery("pairs")
    day = pairs.c.incident_date
    first = case(
        (day.is_(None), NO_DATE),
        (func.length(day) == 4, day + "-01-01"),
        (func.length(day) == 7, day + "-01"),
        else_=day,
    )
    # only an undated incident needs its report (the publication date): one read for those alone
    published = (
        select(cast(Source.published, String))
        .where(Source.id == pairs.c.source_id)
        .scalar_subquery()
    )
    # the last day of a month as "-31": it compares with any real date as the true last day would
    last = case(
        (day.is_(None), published),
        (func.length(day) == 4, day + "-12-31"),
        (func.length(day) == 7, day + "-31"),
        else_=day,
    )
    return (
        select(pairs, first.label("first"), last.label("last"))
        .where(last.is_not(None), last >= pairs.c.start, first < pairs.c.stop)
        # computed once: inlined into the outer query, the date expressions would be evaluated again
        # for every row of the resolutions table they are joined with (5x slower at 1M incidents)
        .cte("dated")
        .prefix_with("MATERIALIZED")
    )


def hits_query(session: Session) -> Select:
    """Every hit: (incident, embargo, basis, target) with the incident's date, how the date was read,
    certainty, the resolutions in force at the date and the grade. One row per key."""
    d = _dated(session)
    certainty = case(
        (
            and_(d.c.incident_date.is_not(None), d.c.first >= d.c.start, d.c.last < d.c.stop),
            "certain",
        ),
        else_="possible",
    )
    when = case((d.c.last < d.c.stop, d.c.last), else_=d.c.stop)
    steps = _values("steps", ("embargo_id", "since", "until", "labels"), _resolution_steps())
    return select(
        d.c.incident_id,
        d.c.embargo_id,
        d.c.basis,
        d.c.target,
        d.c.incident_date,
        case((d.c.incident_date.is_(None), "published"), else_="incident").label("date_basis"),
        certainty.label("certainty"),
        steps.c.labels.label("resolutions"),
        d.c.grade,
    ).join(
        steps,
        and_(steps.c.embargo_id == d.c.embargo_id, steps.c.since <= when, when < steps.c.until),
    )


# --- evidence and writing ---------------------------------------------------------------------------


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


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _evidence_json(conn: Connection, incident_ids: Select) -> Select:
    """(incident_id, evidence): the statements of each incident as a JSON array, built in SQL in
    statement order, each with the span text it points to (the same entries as evidence_for)."""
    span = case(
        (
            Statement.end > Statement.start,
            func.coalesce(
                func.substr(Source.text, Statement.start + 1, Statement.end - Statement.start), ""
            ),
        ),
        else_="",
    )
    pairs = []
    for key, col in (
        ("field", Statement.field),
        ("value", Statement.value),
        ("source", Statement.source_id),
        ("start", Statement.start),
        ("end", Statement.end),
        ("grade", Statement.grade),
        ("text", span),
    ):
        pairs += [literal(key, String), col]
    wanted = and_(Statement.incident_id.in_(incident_ids), Statement.field.in_(EVIDENCE_FIELDS))
    if conn.dialect.name == "postgresql":
        entry = func.json_build_object(*pairs)
        return (
            select(
                Statement.incident_id,
                cast(func.json_agg(aggregate_order_by(entry, Statement.id)), Text).label(
                    "evidence"
                ),
            )
            .join(Source, Source.id == Statement.source_id)
            .where(wanted)
            .group_by(Statement.incident_id)
        )
    # SQLite before 3.44 has no ORDER BY inside an aggregate: it aggregates in the order of an ordered
    # subquery. The entries are JSON text already: joined with commas, not parsed again
    ordered = (
        select(Statement.incident_id, func.json_object(*pairs).label("entry"))
        .join(Source, Source.id == Statement.source_id)
        .where(wanted)
        .order_by(Statement.incident_id, Statement.id)
        .subquery("ordered")
    )
    array = literal("[", String) + func.group_concat(ordered.c.entry, ",") + literal("]", String)
    return select(ordered.c.incident_id, array.label("evidence")).group_by(ordered.c.incident_id)


_METADATA = MetaData()
HITS = Table(
    "screen_hits",
    _METADATA,
    *(Column(c, Text) for c in COMPUTED if c != "evidence"),
    Index("screen_hits_incident", "incident_id"),
    prefixes=["TEMPORARY"],
)
EVIDENCE = Table(
    "screen_evidence",
    _METADATA,
    Column("incident_id", Text, primary_key=True),
    Column("evidence", Text),
    prefixes=["TEMPORARY"],
)


def _drop_temp(conn: Connection) -> None:
    schema = "pg_temp" if conn.dialect.name == "postgresql" else "temp"
    for table in (HITS, EVIDENCE):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {schema}.{table.name}")


def _md5(conn: Connection) -> None:
    """PostgreSQL has md5(); SQLite gets Python's, for flag ids computed inside the INSERT."""
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        raw.create_function(
            "md5", 1, lambda s: hashlib.md5(s.encode()).hexdigest(), deterministic=True
        )


def screen(session: Session) -> tuple[int, int]:
    """Screen every asserted transfer and trafficking incident, and every traced item; write flags.
    Returns (flags, new)."""
    total, new = _screen_incidents(session)
    items, new_items = write_item_flags(session, listed_actors(session))
    session.commit()
    return total + items, new + new_items


def _screen_incidents(session: Session) -> tuple[int, int]:
    conn = session.connection()
    _md5(conn)
    _drop_temp(conn)
    HITS.create(conn)
    EVIDENCE.create(conn)
    try:
        conn.execute(insert(HITS).from_select([c.name for c in HITS.c], hits_query(session)))
        ids = select(HITS.c.incident_id).distinct()
        conn.execute(
            insert(EVIDENCE).from_select(["incident_id", "evidence"], _evidence_json(conn, ids))
        )
        if conn.dialect.name == "postgresql":  # temporary tables have no statistics until then
            conn.exec_driver_sql("ANALYZE screen_hits")
            conn.exec_driver_sql("ANALYZE screen_evidence")
        total, new = _write_flags(conn)
    finally:
        _drop_temp(conn)
    return total, new


def _write_flags(conn: Connection) -> tuple[int, int]:
    """Update stored flags whose computed values changed (status and exemption are the analyst's and
    stay), insert the new ones. Returns (hits, inserted)."""
    flags = ScreeningFlag.__table__
    now = literal(datetime.now(), DateTime)
    evidence = func.coalesce(EVIDENCE.c.evidence, "[]").label("evidence")
    found = (
        select(*(HITS.c[c] for c in COMPUTED if c != "evidence"), evidence)
        .outerjoin(EVIDENCE, EVIDENCE.c.incident_id == HITS.c.incident_id)
        .subquery("found")
    )
    same_key = and_(*(flags.c[c] == found.c[c] for c in KEY))
    changed = or_(*(flags.c[c].is_distinct_from(found.c[c]) for c in COMPUTED if c not in KEY))
    conn.execute(
        update(flags)
        .where(same_key, changed)
        .values({**{c: found.c[c] for c in COMPUTED if c not in KEY}, "updated_at": now})
    )
    # the stored ones are set aside first: an INSERT that checked each row against the table it fills
    # made PostgreSQL rescan the rows it had just written (quadratic: 7 s for 26,000 flags)
    total = conn.execute(select(func.count()).select_from(HITS)).scalar_one()
    stored = and_(*(flags.c[c] == HITS.c[c] for c in KEY))
    conn.execute(delete(HITS).where(exists().where(stored)))
    key = (
        found.c.incident_id + "|" + found.c.embargo_id + "|" + found.c.basis + "|" + found.c.target
    )
    fresh = select(
        func.md5(key), *(found.c[c] for c in COMPUTED), literal("open", String), now, now
    )
    columns = ["id", *COMPUTED, "status", "created_at", "updated_at"]
    conn.execute(insert(flags).from_select(columns, fresh))
    return total, conn.execute(select(func.count()).select_from(HITS)).scalar_one()


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
