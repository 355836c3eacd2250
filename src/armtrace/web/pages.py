"""Server-rendered pages: log in, incidents with filters, an incident with its sources' text and the
evidence spans highlighted, and the review queue with accept/reject buttons.

Everything is escaped by Jinja2's autoescape (a report's own HTML or script shows as text), the pages
load nothing from elsewhere and run no script, and a Content-Security-Policy forbids scripts anyway.
Forms carry the session's CSRF token, checked like the API's header: equal to the CSRF cookie and to
the token stored with the session.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.store.models import Source
from armtrace.vocabulary import GRADES, INCIDENT_TYPES
from armtrace.web import review
from armtrace.web.accounts import authenticate, close_session, open_session, session_user
from armtrace.web.api import (
    incident_filter,
    incident_json,
    incident_query,
    paginate,
    source_summary,
    visible_incident,
)
from armtrace.web.deps import CSRF_COOKIE, DB, SESSION_COOKIE
from armtrace.web.models import User, WebSession
from armtrace.web.visibility import ROLE_RANK

router = APIRouter(include_in_schema=False)
_env = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(default=True),
)
# img-src 'self': the map's basemap, an SVG file of this server (SVG as an image runs no script).
CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The review queue alone also runs one script, its keyboard shortcuts, a file of this server; no
# inline script runs there either, so a report's own <script>, were it not escaped, still would not.
CSP_REVIEW = CSP + "; script-src 'self'"
FIELDS = ("date", "place", "location", "origin", "destination", "grade", "modality", "sources")
PAGE_SIZE = 50


def render(name: str, status: int = 200, csp: str = CSP, **context: object) -> HTMLResponse:
    response = HTMLResponse(_env.get_template(name).render(**context), status_code=status)
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _login_of(request: Request, session: Session) -> tuple[User, WebSession] | None:
    token = request.cookies.get(SESSION_COOKIE)
    return session_user(session, token) if token else None


def signed_in(request: Request, session: Session) -> tuple[User, WebSession]:
    """The page's user and session; a visitor who is not logged in is sent to the login page."""
    found = _login_of(request, session)
    if found is None:
        raise HTTPException(303, "log in first", headers={"Location": "/login"})
    return found


async def form_writer(request: Request, session: Session) -> User:
    """The user behind a form post: logged in (else 401), CSRF token checked (else 403), and an
    analyst or admin (else 403)."""
    found = _login_of(request, session)
    if found is None:
        raise HTTPException(401, "not logged in")
    user, row = found
    await _form_checked(request, row)
    if ROLE_RANK[user.role] < ROLE_RANK["analyst"]:
        raise HTTPException(403, "needs the analyst role")
    return user


async def _form_checked(request: Request, row: WebSession) -> None:
    form = await request.form()
    sent = str(form.get("csrf_token") or "")
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    if not (
        sent and secrets.compare_digest(sent, cookie) and secrets.compare_digest(sent, row.csrf)
    ):
        raise HTTPException(403, "missing or wrong CSRF token")


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut into (chunk, inside an evidence span) pieces; overlapping spans merge."""
    marks = [False] * len(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(text), end)):
            marks[i] = True
    pieces: list[tuple[str, bool]] = []
    for i, ch in enumerate(text):
        if pieces and pieces[-1][1] == marks[i]:
            pieces[-1] = (pieces[-1][0] + ch, marks[i])
        else:
            pieces.append((ch, marks[i]))
    return pieces


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/incidents", status_code=303)


@router.get("/login")
def login_page() -> HTMLResponse:
    return render("login.html", user=None)


@router.post("/login")
async def login(request: Request, session: DB) -> Response:
    form = await request.form()
    user = authenticate(session, str(form.get("name") or ""), str(form.get("password") or ""))
    if user is None:
        return render("login.html", status=401, user=None, error="Wrong name or password.")
    token, csrf = open_session(session, user)
    session.commit()
    response = RedirectResponse("/incidents", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/")
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, samesite="strict", path="/")
    return response


@router.post("/logout")
async def logout(request: Request, session: DB) -> Response:
    found = _login_of(request, session)
    if found is not None:
        await _form_checked(request, found[1])
        close_session(session, request.cookies.get(SESSION_COOKIE, ""))
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def _clean(value: str | None, allowed: tuple[str, ...] | None = None) -> str | None:
    if not value or (allowed is not None and value not in allowed):
        return None
    return value


@router.get("/incidents")
def incidents_page(request: Request, session: DB) -> Response:
    user, row = signed_in(request, session)
    q = request.query_params
    filters = {
        "type": _clean(q.get("type"), INCIDENT_TYPES),
        "country": _clean(q.get("country")) if len(q.get("country") or "") == 2 else None,
        "grade": _clean(q.get("grade"), GRADES),
        "since": _clean(q.get("since")),
        "until": _clean(q.get("until")),
    }
    offset = int(q.get("offset")) if (q.get("offset") or "").isdigit() else 0
    flt = incident_filter(
        user,
        filters["type"],
        filters["country"],
        None,
        filters["grade"],
        filters["since"],
        filters["until"],
    )
    total, rows = paginate(session, incident_query(flt, None), PAGE_SIZE, offset)
    following = {k: v for k, v in filters.items() if v} | {"offset": offset + PAGE_SIZE}
    return render(
        "incidents.html",
        user=user,
        csrf=row.csrf,
        filters=filters,
        types=INCIDENT_TYPES,
        grades=GRADES,
        total=total,
        offset=offset,
        items=[incident_json(i) for i in rows],
        next_url="/incidents?" + urlencode(following),
    )


@router.get("/incidents/{incident_id}")
def incident_page(incident_id: str, request: Request, session: DB) -> Response:
    user, row = signed_in(request, session)
    incident = visible_incident(session, user, incident_id)
    record = incident_json(incident)
    ids = sorted({s.source_id for s in incident.statements} | {incident.source_id})
    sources = []
    for source in session.scalars(select(Source).where(Source.id.in_(ids))):
        spans = [(s.start, s.end) for s in incident.statements if s.source_id == source.id]
        sources.append({**source_summary(source), "segments": segments(source.text, spans)})
    return render(
        "incident.html",
        user=user,
        csrf=row.csrf,
        incident=record,
        fields=FIELDS,
        sources=sources,
        can_review=ROLE_RANK[user.role] >= ROLE_RANK["analyst"],
    )


@router.get("/review")
def review_page(request: Request, session: DB) -> Response:
    user, row = signed_in(request, session)
    if ROLE_RANK[user.role] < ROLE_RANK["analyst"]:
        raise HTTPException(403, "needs the analyst role")
    flt = incident_filter(user)
    total, rows = paginate(session, incident_query(flt, "pending"), PAGE_SIZE, 0)
    items = [incident_json(i) for i in rows]
    return render("review.html", csp=CSP_REVIEW, user=user, csrf=row.csrf, total=total, items=items)


@router.post("/incidents/{incident_id}/{decision}")
async def decide(incident_id: str, decision: str, request: Request, session: DB) -> Response:
    user = await form_writer(request, session)
    if decision not in ("accept", "reject"):
        raise HTTPException(404, "no such action")
    incident = visible_incident(session, user, incident_id)
    review.decide(session, incident, decision + "ed", user.name)
    session.commit()
    return RedirectResponse("/review", status_code=303)  # never a client-given address
