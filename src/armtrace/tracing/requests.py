"""ITI trace requests: the request itself (Markdown and printable HTML), its status and the answer,
and response rates per requested state.

The ITI (2005, paragraphs 17–19) asks a request to state why the weapon is considered illicit, its
markings, type and calibre, and the intended use of the information; the requested state answers
"within a reasonable time". There is no fixed deadline, so "overdue" is this office's own setting.
"""

from __future__ import annotations

import html
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from armtrace.records.models import Item, TraceRequest, TraceRequestEvent
from armtrace.store import Store
from armtrace.tracing.fields import known_country

STATUSES = ("draft", "sent", "acknowledged", "answered")
DEFAULT_OVERDUE_DAYS = 90
_DATE_OF = {"sent": "sent_on", "acknowledged": "acknowledged_on", "answered": "answered_on"}


def create_request(
    store: Store, item_id: str, state: str, reason: str, intended_use: str, requester: str
) -> TraceRequest:
    code = known_country(state)
    if code is None:
        raise ValueError(f"{state!r} is not a country")
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as session:
        if session.get(Item, item_id) is None:
            raise LookupError(f"no item {item_id!r}")
        request = TraceRequest(
            item_id=item_id,
            state=code,
            reason=reason,
            intended_use=intended_use,
            requester=requester,
            status="draft",
            created_at=now,
        )
        request.events.append(_event("draft", now.date(), requester, None, now))
        session.add(request)
    return request


def _event(status: str, on: date, by: str, note: str | None, now: datetime) -> TraceRequestEvent:
    return TraceRequestEvent(status=status, happened_on=on, analyst=by, note=note, recorded_at=now)


def update_status(
    store: Store,
    request_id: int,
    status: str,
    on: date,
    by: str,
    note: str | None = None,
    answer: str | None = None,
) -> TraceRequest:
    """Move a request on (sent, acknowledged, answered), keeping every change as an event."""
    if status not in STATUSES[1:]:
        raise ValueError(f"status must be one of {', '.join(STATUSES[1:])}")
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as session:
        request = session.get(TraceRequest, request_id)
        if request is None:
            raise LookupError(f"no trace request {request_id}")
        if STATUSES.index(status) < STATUSES.index(request.status):
            raise ValueError(f"request {request_id} is already {request.status}")
        if status != "sent" and request.sent_on is None:
            raise ValueError(f"request {request_id} was never sent")
        request.status = status
        setattr(request, _DATE_OF[status], on)
        if answer is not None:
            request.answer = answer
        request.events.append(_event(status, on, by, note, now))
    return request


def effective_status(
    request: TraceRequest, today: date, overdue_days: int = DEFAULT_OVERDUE_DAYS
) -> str:
    """The stored status, or "overdue" when sent (or only acknowledged) more than `overdue_days` ago."""
    waiting = request.status in ("sent", "acknowledged") and request.sent_on is not None
    if waiting and today - request.sent_on > timedelta(days=overdue_days):  # type: ignore[operator]
        return "overdue"
    return request.status


def list_requests(store: Store) -> list[TraceRequest]:
    with store.session() as session:
        query = (
            select(TraceRequest)
            .options(selectinload(TraceRequest.events))
            .order_by(TraceRequest.id)
        )
        return list(session.scalars(query))


@dataclass
class StateStats:
    state: str
    sent: int
    answered: int
    overdue: int
    response_rate: float | None
    median_days: float | None


def response_stats(
    store: Store, today: date, overdue_days: int = DEFAULT_OVERDUE_DAYS
) -> list[StateStats]:
    """Per requested state: requests sent, answered, overdue; response rate; median days to answer."""
    by_state: dict[str, list[TraceRequest]] = {}
    for request in list_requests(store):
        if request.sent_on is not None:
            by_state.setdefault(request.state, []).append(request)
    stats = []
    for state, requests in sorted(by_state.items()):
        days = [(r.answered_on - r.sent_on).days for r in requests if r.answered_on and r.sent_on]
        overdue = sum(effective_status(r, today, overdue_days) == "overdue" for r in requests)
        stats.append(
            StateStats(
                state=state,
                sent=len(requests),
                answered=len(days),
                overdue=overdue,
                response_rate=len(days) / len(requests),
                median_days=statistics.median(days) if days else None,
            )
        )
    return stats


def _request_fields(store: Store, request_id: int) -> tuple[TraceRequest, Item]:
    with store.session() as session:
        request = session.get(TraceRequest, request_id)
        if request is None:
            raise LookupError(f"no trace request {request_id}")
        item = session.get(Item, request.item_id, options=[selectinload(Item.photos)])
        assert item is not None  # a foreign key
        return request, item


def _sections(request: TraceRequest, item: Item) -> list[tuple[str, list[tuple[str, str]]]]:
    marks = [
        ("Serial number (as read; ? = illegible)", item.serial or "not legible"),
        ("Markings", item.markings or "—"),
        ("Type / model", item.model or item.category or "—"),
        ("Calibre", item.calibre or "—"),
        ("Manufacturer", item.manufacturer or "—"),
        ("Country mark", item.country_mark or "—"),
        ("Year mark", item.year_mark or "—"),
        ("Import marks", item.import_marks or "—"),
    ]
    found = [
        ("Place", ", ".join(x for x in (item.place, item.country) if x) or "—"),
        ("Date", item.date or "—"),
        ("Circumstances", item.context or "—"),
        ("Documented by", item.documented_by or "—"),
    ]
    photos = [(f"Photo {p.position + 1}", f"{p.path} (SHA-256 {p.sha256})") for p in item.photos]
    return [
        ("Why the weapon is considered illicit", [("", request.reason)]),
        ("Identification and markings", marks),
        ("Where and how it was found", found + photos),
        ("Intended use of the information", [("", request.intended_use)]),
    ]


def render_markdown(store: Store, request_id: int) -> str:
    request, item = _request_fields(store, request_id)
    lines = [
        f"# Trace request {request.id} to {request.state}",
        "",
        "Under the International Tracing Instrument (UN, 2005), paragraphs 17–19.",
        "",
        f"Requesting party: {request.requester}  ",
        f"Item: {item.id}  ",
        f"Status: {request.status}",
    ]
    for title, rows in _sections(request, item):
        lines += ["", f"## {title}", ""]
        lines += [f"- **{k}:** {v}" if k else v for k, v in rows]
    return "\n".join(lines) + "\n"


def render_html(store: Store, request_id: int) -> str:
    """A self-contained, printable page (no scripts, no external resources)."""
    request, item = _request_fields(store, request_id)
    e = html.escape
    body = [
        f"<h1>Trace request {request.id} to {e(request.state)}</h1>",
        "<p>Under the International Tracing Instrument (UN, 2005), paragraphs 17–19.</p>",
        f"<p>Requesting party: {e(request.requester)}<br>Item: {e(item.id)}<br>"
        f"Status: {e(request.status)}</p>",
    ]
    for title, rows in _sections(request, item):
        body.append(f"<h2>{e(title)}</h2>")
        if len(rows) == 1 and not rows[0][0]:
            body.append(f"<p>{e(rows[0][1])}</p>")
            continue
        cells = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
        body.append(f"<table>{cells}</table>")
    style = (
        "body{font:11pt/1.4 serif;max-width:45em;margin:2em auto}th{text-align:left;"
        "padding-right:1em;vertical-align:top}@media print{body{margin:0}}"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Trace request {request.id}</title><style>{style}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
