"""The audit log: every change by a person, appended in the same transaction as the change, each row
chained to the one before by SHA-256 so that editing or deleting a row is detected by `verify`.

Deleting the newest rows cannot be told from a chain alone; `verify` therefore reports the head (count
and hash) so that a team can note it elsewhere and compare.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from armtrace.web.models import AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 0x61756469  # "audi": one advisory lock serialises appends on PostgreSQL


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: one text per value, whatever the dict order."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    body = canonical(
        {
            "seq": entry.seq,
            "at": entry.at,
            "actor": entry.actor,
            "action": entry.action,
            "target_kind": entry.target_kind,
            "target_id": entry.target_id,
            "before": entry.before,
            "after": entry.after,
            "prev_hash": entry.prev_hash,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _lock(session: Session) -> None:
    # Two servers appending at once would both chain to the same head; on PostgreSQL an advisory lock
    # held until commit serialises them. SQLite allows one writer at a time anyway.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


def append(
    session: Session,
    actor: str,
    action: str,
    target: tuple[str, str],
    before: Any,
    after: Any,
) -> AuditEntry:
    """Add one entry to the chain inside the caller's transaction (it commits with the change)."""
    _lock(session)
    head = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()
    entry = AuditEntry(
        seq=(head.seq + 1) if head else 1,
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        actor=actor,
        action=action,
        target_kind=target[0],
        target_id=str(target[1])[:64],
        before=canonical(before),
        after=canonical(after),
        prev_hash=head.hash if head else GENESIS,
    )
    entry.hash = entry_hash(entry.prev_hash, entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    head: str  # hash of the last good row
    bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session) -> Verification:
    """Walk the chain from the first row; stop at the first row that does not fit."""
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        problem = _check(entry, prev, expected_seq)
        if problem:
            return Verification(False, count, prev, entry.seq, problem)
        prev, expected_seq, count = entry.hash, entry.seq + 1, count + 1
    return Verification(True, count, prev)


def _check(entry: AuditEntry, prev: str, expected_seq: int) -> str | None:
    if entry.seq != expected_seq:
        return f"row {expected_seq} is missing (next is {entry.seq})"
    if entry.prev_hash != prev:
        return "its prev_hash does not match the row before (a row was changed or deleted)"
    if entry.hash != entry_hash(prev, entry):
        return "its content does not match its hash (the row was changed)"
    return None


def entry_dict(entry: AuditEntry) -> dict:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "target_kind": entry.target_kind,
        "target_id": entry.target_id,
        "before": json.loads(entry.before),
        "after": json.loads(entry.after),
        "hash": entry.hash,
    }
