"""FastAPI dependencies: a database session per request, the user behind it, roles, and CSRF.

Browsers authenticate with a session cookie; every unsafe request made with it must carry the CSRF token
in the X-CSRF-Token header, equal both to the `armtrace_csrf` cookie (double submit) and to the token
stored with the session, so a page on another site, which can make the browser send the cookie but can
read neither cookie nor token, cannot write. Scripts send `Authorization: Bearer <token>`: no cookie
is involved, so no CSRF check is needed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from armtrace.store import Store
from armtrace.web.accounts import session_user, token_user
from armtrace.web.models import User
from armtrace.web.visibility import ROLE_RANK

SESSION_COOKIE = "armtrace_session"
CSRF_COOKIE = "armtrace_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_bearer = HTTPBearer(auto_error=False, description="API token from `armtrace users token`")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="browser session")


def get_store(request: Request) -> Store:
    return request.app.state.store


def db(request: Request) -> Iterator[Session]:
    with get_store(request).session() as session:
        yield session


DB = Annotated[Session, Depends(db)]


def _csrf_ok(request: Request, stored: str) -> bool:
    sent = request.headers.get(CSRF_HEADER) or request.state.__dict__.get("form_csrf") or ""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    return (
        bool(sent) and secrets.compare_digest(sent, cookie) and secrets.compare_digest(sent, stored)
    )


def current_user(
    request: Request,
    session: DB,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    cookie: Annotated[str | None, Security(_cookie)] = None,
) -> User:
    if bearer is not None:
        user = token_user(session, bearer.credentials)
        if user is None:
            raise HTTPException(401, "invalid or revoked API token")
        return user
    found = session_user(session, cookie) if cookie else None
    if found is None:
        raise HTTPException(401, "not logged in", headers={"WWW-Authenticate": "Bearer"})
    user, row = found
    if request.method not in SAFE_METHODS and not _csrf_ok(request, row.csrf):
        raise HTTPException(403, "missing or wrong CSRF token")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(role: str):  # type: ignore[no-untyped-def]
    """A dependency that lets through users of `role` or above."""

    def check(user: CurrentUser) -> User:
        if ROLE_RANK.get(user.role, -1) < ROLE_RANK[role]:
            raise HTTPException(403, f"needs the {role} role")
        return user

    return check


Analyst = Annotated[User, Depends(require("analyst"))]
Admin = Annotated[User, Depends(require("admin"))]
