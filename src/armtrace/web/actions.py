"""Write endpoints (review actions, restrictions), login and tokens, exports and the audit log.

Every change is made and audited in one transaction: either both are stored or neither.
"""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.exports import write_export
from armtrace.records.models import Item
from armtrace.store.models import Incident, Source
from armtrace.store.queries import incident_record
from armtrace.web import review
from armtrace.web.accounts import authenticate, close_session, issue_token, open_session
from armtrace.web.api import (
    CategoryQ,
    Country,
    DateQ,
    GradeQ,
    TypeQ,
    incident_filter,
    incident_json,
    incident_query,
    visible_incident,
)
from armtrace.web.audit import entry_dict, verify
from armtrace.web.deps import (
    CSRF_COOKIE,
    DB,
    SESSION_COOKIE,
    Admin,
    Analyst,
    CurrentUser,
)
from armtrace.web.models import AuditEntry

router = APIRouter(prefix="/api")
Text255 = Annotated[str, Field(max_length=255)]


class Login(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class Decision(BaseModel):
    note: Annotated[str | None, Field(max_length=2000)] = None


class FieldEdit(BaseModel):
    field: Literal[tuple(review.EDITABLE)]  # type: ignore[valid-type]
    value: Text255 | None = None


class Merge(BaseModel):
    other: Annotated[str, Field(min_length=1, max_length=48, description="incident merged in")]


class RestrictionIn(BaseModel):
    kind: Literal["source", "item"]
    target_id: Annotated[str, Field(min_length=1, max_length=48)]
    reason: Annotated[str | None, Field(max_length=2000)] = None


class TokenIn(BaseModel):
    label: Annotated[str | None, Field(max_length=128)] = None


def _commit(session: Session) -> None:
    session.commit()


# --- login ---------------------------------------------------------------------------------------


@router.post("/login", tags=["auth"])
def login(body: Login, response: Response, session: DB) -> dict:
    """Open a browser session: sets the session cookie (HttpOnly) and the CSRF cookie, whose value
    the client sends back in X-CSRF-Token on every write."""
    user = authenticate(session, body.name, body.password)
    if user is None:
        raise HTTPException(401, "wrong name or password")
    token, csrf = open_session(session, user)
    _commit(session)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/")
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, samesite="strict", path="/")
    return {"name": user.name, "role": user.role, "csrf_token": csrf}


@router.post("/logout", tags=["auth"])
def logout(request: Request, response: Response, session: DB, user: CurrentUser) -> dict:
    close_session(session, request.cookies.get(SESSION_COOKIE, ""))
    _commit(session)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return {"ok": True}


@router.get("/me", tags=["auth"])
def me(user: CurrentUser) -> dict:
    return {"name": user.name, "role": user.role}


@router.post("/tokens", tags=["auth"])
def new_token(body: TokenIn, session: DB, user: CurrentUser) -> dict:
    """A new API token for the current user, shown once."""
    token = issue_token(session, user, body.label)
    _commit(session)
    return {"token": token}


# --- review actions ------------------------------------------------------------------------------


def _incident_for_write(session: Session, user: CurrentUser, incident_id: str) -> Incident:
    return visible_incident(session, user, incident_id)


def _apply(session: Session, action) -> None:  # type: ignore[no-untyped-def]
    try:
        action()
    except ValueError as exc:
        session.rollback()
        raise HTTPException(422, str(exc)) from exc
    _commit(session)


@router.post("/incidents/{incident_id}/accept", tags=["review"])
def accept(incident_id: str, body: Decision, session: DB, user: Analyst) -> dict:
    incident = _incident_for_write(session, user, incident_id)
    _apply(session, lambda: review.decide(session, incident, "accepted", user.name, body.note))
    return incident_json(visible_incident(session, user, incident_id))


@router.post("/incidents/{incident_id}/reject", tags=["review"])
def reject(incident_id: str, body: Decision, session: DB, user: Analyst) -> dict:
    incident = _incident_for_write(session, user, incident_id)
    _apply(session, lambda: review.decide(session, incident, "rejected", user.name, body.note))
    return incident_json(visible_incident(session, user, incident_id))


@router.patch("/incidents/{incident_id}", tags=["review"])
def edit_field(incident_id: str, body: FieldEdit, session: DB, user: Analyst) -> dict:
    """Set one field; the new value is also a statement by the user, the old one stays in history."""
    incident = _incident_for_write(session, user, incident_id)
    _apply(session, lambda: review.edit(session, incident, body.field, body.value, user.name))
    return incident_json(visible_incident(session, user, incident_id))


@router.post("/incidents/{incident_id}/merge", tags=["review"])
def merge(incident_id: str, body: Merge, session: DB, user: Analyst) -> dict:
    """Fold incident `other` into this one (a duplicate of the same event)."""
    keep = _incident_for_write(session, user, incident_id)
    drop = _incident_for_write(session, user, body.other)
    _apply(session, lambda: review.merge(session, keep, drop, user.name))
    session.expire_all()
    return incident_json(visible_incident(session, user, incident_id))


# --- restrictions --------------------------------------------------------------------------------


@router.post("/restrictions", tags=["access"])
def restrict(body: RestrictionIn, session: DB, user: Analyst) -> dict:
    """Hide a source (report) or item from viewers, with everything derived from it."""
    model = Source if body.kind == "source" else Item
    if session.get(model, body.target_id) is None:
        raise HTTPException(404, f"no such {body.kind}")
    added = review.restrict(session, body.kind, body.target_id, user.name, body.reason)
    _commit(session)
    return {"kind": body.kind, "target_id": body.target_id, "restricted": True, "changed": added}


@router.delete("/restrictions/{kind}/{target_id}", tags=["access"])
def unrestrict(kind: Literal["source", "item"], target_id: str, session: DB, user: Analyst) -> dict:
    removed = review.unrestrict(session, kind, target_id, user.name)
    _commit(session)
    return {"kind": kind, "target_id": target_id, "restricted": False, "changed": removed}


# --- export and audit ----------------------------------------------------------------------------

MEDIA = {"jsonl": "application/x-ndjson", "csv": "text/csv", "geojson": "application/geo+json"}


@router.get("/export", tags=["read"], response_class=PlainTextResponse)
def export(
    session: DB,
    user: CurrentUser,
    format: Literal["jsonl", "csv", "geojson"] = "jsonl",
    type: TypeQ = None,
    country: Country = None,
    category: CategoryQ = None,
    grade: GradeQ = None,
    since: DateQ = None,
    until: DateQ = None,
    include_unasserted: bool = False,
) -> Response:
    """The CLI's export, through the same writers, of what this user may see."""
    flt = incident_filter(user, type, country, category, grade, since, until, include_unasserted)
    buffer = io.StringIO()
    rows = session.scalars(incident_query(flt, None))
    write_export((incident_record(i) for i in rows), format, buffer)
    return Response(buffer.getvalue(), media_type=MEDIA[format])


@router.get("/audit", tags=["audit"])
def audit_log(
    session: DB,
    user: Analyst,
    target_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict:
    """Newest entries first. Analysts and admins only: entries may name restricted data."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    return {"items": [entry_dict(e) for e in session.scalars(query)]}


@router.get("/audit/verify", tags=["audit"])
def audit_verify(session: DB, user: Admin) -> dict:
    result = verify(session)
    return {
        "ok": result.ok,
        "count": result.count,
        "head": result.head,
        "bad_seq": result.bad_seq,
        "problem": result.problem,
    }
