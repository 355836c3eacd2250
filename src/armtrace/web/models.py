"""Tables of the web app: users, their sessions and API tokens, restrictions, and the audit log.

They live on the store's `Base` (one metadata, one migration chain: 0005). Restrictions are a table of
their own keyed by (kind, target id) rather than a column on sources and items, so marking a report or an
item restricted never rewrites rows that the ingest and records code own, and the mark has who and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from armtrace.store.models import Base

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")  # each role can do what the ones before can
RESTRICTABLE: tuple[str, ...] = ("source", "item")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, in the PHC string format
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A bearer token for scripts. Only its SHA-256 is stored: a leaked database leaks no token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A browser session: the cookie carries the token, the row its hash and the CSRF token."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class Restriction(Base):
    """A source (report) or item that viewers must never see, nor anything derived from it."""

    __tablename__ = "restrictions"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # source | item
    target_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    reason: Mapped[str | None] = mapped_column(Text)
    restricted_by: Mapped[str] = mapped_column(String(64))
    restricted_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """One change by a person. `hash` = SHA-256(prev_hash + canonical JSON of the row), so editing or
    deleting a row breaks the chain from there on. Times and payloads are stored as the exact text
    that was hashed, so both backends read back what was hashed."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601, UTC
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[str] = mapped_column(Text)  # canonical JSON
    after: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
