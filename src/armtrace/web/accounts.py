"""Users, passwords (argon2id), browser sessions and API tokens: the library behind login and the CLI.

Session and API tokens are random 256-bit strings handed to the client once; only their SHA-256 is
stored, so reading the database does not let anyone log in as a user.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.web.audit import append
from armtrace.web.models import ROLES, ApiToken, User, WebSession

SESSION_LIFETIME = timedelta(hours=12)
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_dummy_hashes: dict[int, str] = {}


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(session: Session, name: str, role: str, password: str, by: str = "cli") -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not name.strip() or len(name) > 64:
        raise ValueError("a user name is 1 to 64 characters")
    if len(password) < 8:
        raise ValueError("a password has at least 8 characters")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise ValueError(f"user {name!r} exists")
    user = User(
        name=name, role=role, password_hash=_hasher.hash(password), active=True, created_at=now()
    )
    session.add(user)
    session.flush()
    append(session, by, "user.add", ("user", name), None, {"name": name, "role": role})
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.name == name))
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):  # parameters raised since it was hashed
        user.password_hash = _hasher.hash(password)
    return user


def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so that an unknown name costs as much as a
    wrong password and response times do not tell which names exist (one per hasher in use)."""
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[key]


def open_session(session: Session, user: User) -> tuple[str, str]:
    """(session token, CSRF token) for a browser that just logged in."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=digest(token),
            user_id=user.id,
            csrf=csrf,
            created_at=now(),
            expires_at=now() + SESSION_LIFETIME,
        )
    )
    return token, csrf


def session_user(session: Session, token: str) -> tuple[User, WebSession] | None:
    row = session.get(WebSession, digest(token))
    if row is None or row.expires_at < now():
        return None
    user = session.get(User, row.user_id)
    return (user, row) if user is not None and user.active else None


def close_session(session: Session, token: str) -> None:
    row = session.get(WebSession, digest(token))
    if row is not None:
        session.delete(row)


def issue_token(session: Session, user: User, label: str | None = None) -> str:
    token = "at_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=digest(token), label=label, created_at=now()))
    append(session, user.name, "token.issue", ("user", user.name), None, {"label": label})
    return token


def token_user(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or row.revoked:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None
