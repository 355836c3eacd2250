"""Read endpoints. Filters are the shared ones (store.queries, analysis.flows) extended by visibility;
every list is paginated with limit/offset and says its total."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlalchemy import Select, false, func, literal, select, tuple_
from sqlalchemy.orm import Session, selectinload

from armtrace.analysis.flows import Aggregate, actor_flows, country_flows, transit_routes
from armtrace.store.models import Incident, IncidentActor, Source, Statement
from armtrace.store.queries import incident_record
from armtrace.vocabulary import GRADES, INCIDENT_TYPES, WEAPON_CATEGORIES
from armtrace.web.cache import cached_json, cached_total
from armtrace.web.deps import DB, CurrentUser
from armtrace.web.models import Restriction, User
from armtrace.web.review import review_status
from armtrace.web.visibility import (
    VisibleFlowFilter,
    VisibleIncidentFilter,
    restricted_ids,
    sees_restricted,
)

router = APIRouter(prefix="/api", tags=["read"])

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
CURSOR_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?\|[^|\x00]{1,48}$"
Limit = Annotated[int, Query(ge=1, le=500, description="at most this many rows")]
Offset = Annotated[int, Query(ge=0, le=100_000_000, description="rows to skip")]
Country = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO2")]
DateQ = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY[-MM[-DD]]")]
TypeQ = Literal[INCIDENT_TYPES] | None  # type: ignore[valid-type]
CategoryQ = Literal[WEAPON_CATEGORIES] | None  # type: ignore[valid-type]
GradeQ = Literal[GRADES] | None  # type: ignore[valid-type]
ReviewQ = Literal["pending", "accepted", "rejected"] | None


def count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def paginate(session: Session, query: Select, limit: int, offset: int) -> tuple[int, list[Any]]:
    return count(session, query), list(session.scalars(query.limit(limit).offset(offset)))


def page(total: int, limit: int, offset: int, items: list[dict]) -> dict:
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def is_restricted(session: Session, kind: str, target_id: str) -> bool:
    return session.get(Restriction, (kind, target_id)) is not None


def hidden(session: Session, user: User, kind: str, target_id: str) -> bool:
    return not sees_restricted(user) and is_restricted(session, kind, target_id)


# --- sources -------------------------------------------------------------------------------------


def source_summary(source: Source) -> dict:
    return {
        "id": source.id,
        "key": source.key,
        "title": source.title,
        "url": source.url,
        "publisher": source.publisher,
        "published": source.published.isoformat() if source.published else None,
        "format": source.format,
    }


@router.get("/sources")
def list_sources(session: DB, user: CurrentUser, limit: Limit = 50, offset: Offset = 0) -> dict:
    query = select(Source).order_by(Source.published.is_(None), Source.published, Source.id)
    if not sees_restricted(user):
        query = query.where(Source.id.not_in(restricted_ids("source")))
    total, rows = paginate(session, query, limit, offset)
    return page(total, limit, offset, [source_summary(s) for s in rows])


@router.get("/sources/{source_id}")
def get_source(source_id: str, session: DB, user: CurrentUser) -> dict:
    source = session.get(Source, source_id)
    if source is None or hidden(session, user, "source", source_id):
        raise HTTPException(404, "no such source")
    return {
        **source_summary(source),
        "text": source.text,
        "restricted": is_restricted(session, "source", source_id),
        "incidents": [i.id for i in source.incidents],
    }


# --- incidents -----------------------------------------------------------------------------------


def incident_query(flt: VisibleIncidentFilter, review: str | None) -> Select:
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
    return _review_filter(flt.apply(query), review)


def _review_filter(query: Select, review: str | None) -> Select:
    if review is None:
        return query
    reviewed = select(Statement.incident_id).where(Statement.field == "review")
    if review == "pending":
        return query.where(Incident.id.not_in(reviewed))
    # the latest review statement decides; "rejected: note" starts with its decision
    latest = (
        select(func.max(Statement.id))
        .where(Statement.field == "review")
        .group_by(Statement.incident_id)
    )
    decided = select(Statement.incident_id).where(
        Statement.id.in_(latest), Statement.value.like(f"{review}%")
    )
    return query.where(Incident.id.in_(decided))


def incident_filter(
    user: User,
    type: TypeQ = None,
    country: Country = None,
    category: CategoryQ = None,
    grade: GradeQ = None,
    since: DateQ = None,
    until: DateQ = None,
    include_unasserted: bool = False,
) -> VisibleIncidentFilter:
    return VisibleIncidentFilter(
        type=type,
        country=country,
        category=category,
        grade_at_least=grade,
        since=since,
        until=until,
        include_unasserted=include_unasserted,
        hide_restricted=not sees_restricted(user),
    )


def incident_json(incident: Incident) -> dict:
    return {**incident_record(incident), "review": review_status(incident)}


@router.get("/incidents", response_model=None)
def list_incidents(
    request: Request,
    session: DB,
    user: CurrentUser,
    type: TypeQ = None,
    country: Country = None,
    category: CategoryQ = None,
    grade: GradeQ = None,
    since: DateQ = None,
    until: DateQ = None,
    include_unasserted: bool = False,
    review: ReviewQ = None,
    limit: Limit = 50,
    offset: Offset = 0,
    after: Annotated[
        str | None,
        Query(
            pattern=CURSOR_PATTERN,
            description="the `next` of the previous page: the rows after it (keyset paging)",
        ),
    ] = None,
) -> Response:
    """Incidents with their statements (field, value, source, span, grade, author). Page with
    `after=<next>` (each page an index walk) or `offset`; `total` counts all matching rows."""
    flt = incident_filter(user, type, country, category, grade, since, until, include_unasserted)
    query = incident_query(flt, review)

    def compute() -> dict:
        total = cached_total(request, session, user, lambda: count(session, query))
        shown = query if after is None else after_cursor(query, after)
        rows = list(session.scalars(shown.limit(limit).offset(offset)))
        body = page(total, limit, offset, [incident_json(i) for i in rows])
        return {**body, "next": cursor_of(rows[-1]) if len(rows) == limit else None}

    return cached_json(request, session, user, compute)


def cursor_of(incident: Incident) -> str:
    return f"{incident.date or ''}|{incident.id}"


def after_cursor(query: Select, cursor: str) -> Select:
    """The rows after `cursor` in the list's order (dated by date then id, then undated by id), as
    a range on ix_incidents_list_order."""
    date, _, incident_id = cursor.partition("|")
    if not date:
        return query.where(Incident.date.is_(None), Incident.id > incident_id)
    key = tuple_(Incident.date.is_(None), Incident.date, Incident.id)
    return query.where(key > tuple_(false(), literal(date), literal(incident_id)))


def visible_incident(session: Session, user: User, incident_id: str) -> Incident:
    flt = VisibleIncidentFilter(include_unasserted=True, hide_restricted=not sees_restricted(user))
    query = incident_query(flt, None).where(Incident.id == incident_id)
    incident = session.scalars(query).first()
    if incident is None:
        raise HTTPException(404, "no such incident")
    return incident


@router.get("/incidents/{incident_id}")
def get_incident(incident_id: str, session: DB, user: CurrentUser) -> dict:
    """One incident, its sources, and the text of each evidence span."""
    incident = visible_incident(session, user, incident_id)
    ids = sorted({s.source_id for s in incident.statements} | {incident.source_id})
    sources = {s.id: s for s in session.scalars(select(Source).where(Source.id.in_(ids)))}
    evidence = [
        {
            "field": s.field,
            "source": s.source_id,
            "start": s.start,
            "end": s.end,
            "text": sources[s.source_id].text[s.start : s.end],
        }
        for s in incident.statements
        if s.end > s.start and s.source_id in sources
    ]
    return {
        **incident_json(incident),
        "evidence": evidence,
        "source_details": [source_summary(sources[i]) for i in ids if i in sources],
    }


# --- flows, actors, places -----------------------------------------------------------------------

FLOW_KINDS = {"countries": country_flows, "routes": transit_routes, "actors": actor_flows}


@router.get("/flows", response_model=None)
def flows(
    request: Request,
    session: DB,
    user: CurrentUser,
    kind: Literal["countries", "routes", "actors"] = "countries",
    since: DateQ = None,
    until: DateQ = None,
    category: CategoryQ = None,
    grade: GradeQ = None,
    country: Country = None,
    actor: Annotated[str | None, Query(max_length=255)] = None,
    type: Annotated[list[Literal[INCIDENT_TYPES]] | None, Query()] = None,  # type: ignore[valid-type]
    ids: Annotated[bool, Query(description="with the incident and source ids behind each")] = True,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Country flows, transit routes or actor chains (asserted incidents only), as analysis/flows.
    `ids=false` leaves out the ids behind each figure: at a million incidents they are megabytes."""
    flt = VisibleFlowFilter(
        since=since,
        until=until,
        category=category,
        grade_at_least=grade,
        country=country,
        actor=actor,
        types=tuple(type or ()),
        hide_restricted=not sees_restricted(user),
    )

    def compute() -> dict:
        rows = FLOW_KINDS[kind](session, flt)
        shown = rows[offset : offset + limit]
        return page(len(rows), limit, offset, [_flow_json(a, ids) for a in shown])

    return cached_json(request, session, user, compute)


def _flow_json(aggregate: Aggregate, ids: bool) -> dict:
    if ids:
        return aggregate.as_dict()
    # without its id loader the aggregate never runs the query that reads them
    figures = replace(aggregate, ids=None).as_dict()
    del figures["incident_ids"], figures["source_ids"]
    return figures


def _visible_ids(user: User) -> Select:
    flt = VisibleIncidentFilter(hide_restricted=not sees_restricted(user))
    return flt.apply(select(Incident.id))


@router.get("/actors")
def actors(
    session: DB,
    user: CurrentUser,
    role: Annotated[str | None, Query(max_length=16)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict:
    """Actors named in asserted incidents, with their roles and how many incidents name them."""
    query = select(IncidentActor.name, IncidentActor.actor_id, IncidentActor.role).where(
        IncidentActor.incident_id.in_(_visible_ids(user))
    )
    if role:
        query = query.where(IncidentActor.role == role)
    counts: dict[tuple[str, str | None], Counter[str]] = {}
    for name, actor_id, r in session.execute(query):
        counts.setdefault((name, actor_id), Counter())[r] += 1
    rows = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0][0]))
    items = [
        {"name": n, "actor_id": a, "incidents": sum(c.values()), "roles": dict(c)}
        for (n, a), c in rows[offset : offset + limit]
    ]
    return page(len(rows), limit, offset, items)


@router.get("/places")
def places(
    session: DB, user: CurrentUser, country: Country = None, limit: Limit = 100, offset: Offset = 0
) -> dict:
    """Places of asserted incidents with their coordinates and incident counts."""
    query = (
        select(
            Incident.place,
            Incident.country,
            func.min(Incident.lat),
            func.min(Incident.lon),
            func.count(Incident.id),
        )
        .where(Incident.id.in_(_visible_ids(user)))
        .group_by(Incident.place, Incident.country)
        .order_by(func.count(Incident.id).desc(), Incident.country, Incident.place)
    )
    if country:
        query = query.where(Incident.country == country.upper())
    rows = list(session.execute(query))
    items = [
        {"place": p, "country": c, "lat": lat, "lon": lon, "incidents": n}
        for p, c, lat, lon, n in rows[offset : offset + limit]
    ]
    return page(len(rows), limit, offset, items)
