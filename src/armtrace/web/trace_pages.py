"""Pages for tracing and screening: items with their trace candidates (each explained, with confirm
and reject buttons) and chain of custody, trace requests (overdue first), screening flags and
stockpile accounting.

They show what the API returns (the same functions, so the same visibility rules: a viewer never sees a
restricted item, nor the requests or flags that rest on one) and write through the same audited
decision as `POST /api/items/{id}/decisions`; forms carry the session's CSRF token.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from armtrace.analysis.stock import accounts
from armtrace.web import api_records
from armtrace.web.deps import DB
from armtrace.web.models import User
from armtrace.web.pages import PAGE_SIZE, form_writer, render, signed_in
from armtrace.web.trace_actions import record_decision
from armtrace.web.visibility import ROLE_RANK, incident_visible, sees_restricted

router = APIRouter(include_in_schema=False)


def _listing(
    request: Request, session: Session, template: str, fetch: Callable[[User, int], dict]
) -> Response:
    """A page of rows from an API listing, with a link to the next page."""
    user, row = signed_in(request, session)
    raw = request.query_params.get("offset") or ""
    offset = int(raw) if raw.isdigit() and len(raw) < 9 else 0
    listing = fetch(user, offset)
    return render(template, user=user, csrf=row.csrf, listing=listing, page_size=PAGE_SIZE)


@router.get("/items")
def items_page(request: Request, session: DB) -> Response:
    def fetch(user: User, offset: int) -> dict:
        return api_records.list_items(session, user, None, PAGE_SIZE, offset)

    return _listing(request, session, "items.html", fetch)


@router.get("/trace-requests")
def trace_requests_page(request: Request, session: DB) -> Response:
    def fetch(user: User, offset: int) -> dict:
        return api_records.list_trace_requests(session, user, None, PAGE_SIZE, offset)

    return _listing(request, session, "trace_requests.html", fetch)


@router.get("/flags")
def flags_page(request: Request, session: DB) -> Response:
    def fetch(user: User, offset: int) -> dict:
        return api_records.list_flags(session, user, None, None, PAGE_SIZE, offset)

    return _listing(request, session, "flags.html", fetch)


@router.get("/stock")
def stock_page(request: Request, session: DB) -> Response:
    """A holder's declared stocks against what was located, collected, destroyed or documented
    elsewhere, per category, each figure linked to the incidents it rests on."""
    user, row = signed_in(request, session)
    holder = (request.query_params.get("holder") or "").strip().upper()[:2]
    category = (request.query_params.get("category") or "").strip()[:40] or None
    rows = []
    if len(holder) == 2 and holder.isalpha():
        where = None if sees_restricted(user) else incident_visible()
        rows = accounts(session, holder, category, where)
    return render(
        "stock.html",
        user=user,
        csrf=row.csrf,
        holder=holder,
        category=category,
        accounts=rows,
        inf=math.inf,
    )


@router.get("/items/{item_id}")
def item_page(item_id: str, request: Request, session: DB) -> Response:
    user, row = signed_in(request, session)
    item = api_records.get_item(item_id, session, user)  # 404 for a viewer on a restricted item
    return render(
        "item.html",
        user=user,
        csrf=row.csrf,
        item=item,
        trace=api_records.trace_item(item_id, request, session, user),
        custody=api_records.custody(item_id, request, session, user),
        can_decide=ROLE_RANK[user.role] >= ROLE_RANK["analyst"],
    )


@router.post("/items/{item_id}/decide")
async def decide_page(item_id: str, request: Request, session: DB) -> Response:
    user = await form_writer(request, session)
    form = await request.form()
    decision, record_id = str(form.get("decision") or ""), str(form.get("record_id") or "")
    if decision not in ("confirmed", "rejected") or not record_id:
        raise HTTPException(422, "decision must be confirmed or rejected, for a record")
    api_records._visible_item(session, user, item_id)
    try:
        record_decision(session, user.name, item_id, record_id, decision, None)
    except LookupError as exc:
        session.rollback()
        raise HTTPException(404, str(exc)) from exc
    session.commit()
    # the item's own page, by the id the database knows: never a client-given address
    return RedirectResponse(f"/items/{quote(item_id, safe='')}", status_code=303)
