"""Read endpoints for records, documented items with their trace candidates and chain of custody,
trace requests (overdue first) and screening flags. Restricted items, and everything about them, are
hidden from viewers; so are flags on incidents a viewer may not see."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from armtrace.analysis.models import ScreeningFlag
from armtrace.records.importer import KINDS
from armtrace.records.models import Item, MatchDecision, Record, TraceRequest
from armtrace.store.models import Base, Incident
from armtrace.tracing.requests import effective_status
from armtrace.tracing.service import chain_of_custody, trace_items
from armtrace.web.api import Country, Limit, Offset, hidden, page, paginate
from armtrace.web.deps import DB, CurrentUser, get_store
from armtrace.web.models import User
from armtrace.web.visibility import incident_visible, restricted_ids, sees_restricted

router = APIRouter(prefix="/api", tags=["records"])


def columns(row: Base) -> dict:
    """Every column of a row, dates as ISO text."""
    out = {}
    for attr in inspect(row).mapper.column_attrs:
        value = getattr(row, attr.key)
        out[attr.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


@router.get("/records")
def list_records(
    session: DB,
    user: CurrentUser,
    kind: Literal[KINDS] | None = None,  # type: ignore[valid-type]
    country: Country = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    query = select(Record).order_by(Record.source_file, Record.row_number, Record.id)
    if kind:
        query = query.where(Record.kind == kind)
    if country:
        query = query.where(Record.country == country.upper())
    total, rows = paginate(session, query, limit, offset)
    return page(total, limit, offset, [columns(r) for r in rows])


@router.get("/records/{record_id}")
def get_record(record_id: str, session: DB, user: CurrentUser) -> dict:
    record = session.get(Record, record_id)
    if record is None:
        raise HTTPException(404, "no such record")
    return columns(record)


def _visible_item(session: DB, user: User, item_id: str) -> Item:
    item = session.get(Item, item_id)
    if item is None or hidden(session, user, "item", item_id):
        raise HTTPException(404, "no such item")
    return item


def item_json(item: Item) -> dict:
    return {**columns(item), "photos": [columns(p) for p in item.photos]}


@router.get("/items")
def list_items(
    session: DB, user: CurrentUser, country: Country = None, limit: Limit = 50, offset: Offset = 0
) -> dict:
    query = select(Item).options(selectinload(Item.photos)).order_by(Item.created_at, Item.id)
    if not sees_restricted(user):
        query = query.where(Item.id.not_in(restricted_ids("item")))
    if country:
        query = query.where(Item.country == country.upper())
    total, rows = paginate(session, query, limit, offset)
    return page(total, limit, offset, [item_json(i) for i in rows])


@router.get("/items/{item_id}")
def get_item(item_id: str, session: DB, user: CurrentUser) -> dict:
    item = _visible_item(session, user, item_id)
    decisions = session.scalars(
        select(MatchDecision).where(MatchDecision.item_id == item_id).order_by(MatchDecision.id)
    )
    return {**item_json(item), "decisions": [columns(d) for d in decisions]}


@router.get("/items/{item_id}/trace")
def trace_item(item_id: str, request: Request, session: DB, user: CurrentUser) -> dict:
    """Candidate records with the agreements and disagreements that explain each score."""
    _visible_item(session, user, item_id)
    for result, verdicts in trace_items(get_store(request), [item_id]):
        return {**result.as_dict(), "decisions": verdicts}
    raise HTTPException(404, "no such item")


@router.get("/items/{item_id}/custody")
def custody(item_id: str, request: Request, session: DB, user: CurrentUser) -> dict:
    _visible_item(session, user, item_id)
    return asdict(chain_of_custody(get_store(request), item_id))


def request_json(row: TraceRequest, today: datetime) -> dict:
    return {
        **columns(row),
        "effective_status": effective_status(row, today.date()),
        "events": [columns(e) for e in row.events],
    }


@router.get("/trace-requests")
def list_trace_requests(
    session: DB,
    user: CurrentUser,
    status: Literal["draft", "sent", "acknowledged", "answered", "overdue"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    """Trace requests, overdue ones first, then by id."""
    query = select(TraceRequest).options(selectinload(TraceRequest.events))
    if not sees_restricted(user):
        query = query.where(TraceRequest.item_id.not_in(restricted_ids("item")))
    today = datetime.now(UTC)
    rows = [request_json(r, today) for r in session.scalars(query.order_by(TraceRequest.id))]
    if status:
        rows = [r for r in rows if r["effective_status"] == status]
    rows.sort(key=lambda r: r["effective_status"] != "overdue")  # stable: ids stay in order
    return page(len(rows), limit, offset, rows[offset : offset + limit])


@router.get("/trace-requests/{request_id}")
def get_trace_request(
    request_id: Annotated[int, Path(ge=0, le=2**31 - 1)], session: DB, user: CurrentUser
) -> dict:
    row = session.get(TraceRequest, request_id)
    if row is None or hidden(session, user, "item", row.item_id):
        raise HTTPException(404, "no such trace request")
    return request_json(row, datetime.now(UTC))


@router.get("/screening-flags")
def list_flags(
    session: DB,
    user: CurrentUser,
    status: Literal["open", "exempted"] | None = None,
    embargo: Annotated[str | None, Query(max_length=32)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict:
    query = select(ScreeningFlag).order_by(ScreeningFlag.incident_date, ScreeningFlag.id)
    if not sees_restricted(user):
        visible = select(Incident.id).where(incident_visible())
        query = query.where(ScreeningFlag.incident_id.in_(visible))
    if status:
        query = query.where(ScreeningFlag.status == status)
    if embargo:
        query = query.where(ScreeningFlag.embargo_id == embargo)
    total, rows = paginate(session, query, limit, offset)
    items = [{**columns(f), "evidence": json.loads(f.evidence or "[]")} for f in rows]
    return page(total, limit, offset, items)
