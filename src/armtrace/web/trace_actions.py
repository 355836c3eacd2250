"""Trace decisions through the API: an analyst confirms or rejects a candidate record for an item.

The decision is tracing.service.decide's (a new row, never an overwrite; confirming upgrades the item's
incident to "confirmed" with a statement naming the analyst and the record) and is audited in the same
transaction: both are stored or neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal, cast

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.records.models import MatchDecision
from armtrace.store import Store
from armtrace.tracing.service import decide
from armtrace.web.api_records import _visible_item, columns
from armtrace.web.audit import append
from armtrace.web.deps import DB, Analyst

router = APIRouter(prefix="/api", tags=["tracing"])


class TraceDecision(BaseModel):
    record_id: Annotated[str, Field(min_length=1, max_length=64)]
    decision: Literal["confirmed", "rejected"]
    note: Annotated[str | None, Field(max_length=2000)] = None


class _InRequest:
    """What decide() needs of a Store — a transaction — given as the request's own session, so the
    decision and its audit entry commit together."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        yield self.session


def _latest(session: Session, item_id: str, record_id: str) -> dict | None:
    row = session.scalar(
        select(MatchDecision)
        .where(MatchDecision.item_id == item_id, MatchDecision.record_id == record_id)
        .order_by(MatchDecision.id.desc())
        .limit(1)
    )
    return None if row is None else {"decision": row.decision, "by": row.analyst}


def record_decision(
    session: Session, analyst: str, item_id: str, record_id: str, decision: str, note: str | None
) -> MatchDecision:
    """The decision and its audit entry, in `session` (the caller commits); LookupError when the
    item or record does not exist."""
    before = _latest(session, item_id, record_id)
    row = decide(cast(Store, _InRequest(session)), item_id, record_id, decision, analyst, note)
    after = {"decision": decision, "record": record_id, "note": note}
    append(session, analyst, f"trace.{decision}", ("item", item_id), before, after)
    session.flush()
    return row


@router.post("/items/{item_id}/decisions")
def decide_trace(item_id: str, body: TraceDecision, session: DB, user: Analyst) -> dict:
    """Confirm or reject `record_id` as the record `item_id` came from (analysts and admins)."""
    _visible_item(session, user, item_id)
    try:
        row = record_decision(session, user.name, item_id, body.record_id, body.decision, body.note)
    except LookupError as exc:
        session.rollback()
        raise HTTPException(404, str(exc)) from exc
    result = columns(row)
    session.commit()
    return result
