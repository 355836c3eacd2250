"""Trace decisions through the API: confirm and reject add rows (never overwrite), upgrade the item's
incident on confirmation, and each is audited with what stood before; viewers and CSRF-less cookie
writes are refused, and a failed decision leaves no audit entry."""

from __future__ import annotations

from httpx import Response
from sqlalchemy import func, select

from armtrace.records.models import MatchDecision, Record
from armtrace.web.audit import verify
from armtrace.web.models import AuditEntry
from tests.web.conftest import NOW, World, login


def _record(world: World) -> None:
    with world.store.transaction() as s:
        s.add(
            Record(
                id="rec-1",
                kind="stockpile",
                source_file="ledger.csv",
                row_number=1,
                category="assault_rifle",
                model="AK-47",
                serial="AB123",
                country="LY",
                imported_at=NOW,
            )
        )


def _audit(world: World) -> list[AuditEntry]:
    with world.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action.like("trace.%"))))


def _post(world: World, role: str, item: str, **body: str) -> Response:
    return world.client.post(f"/api/items/{item}/decisions", json=body, headers=world.as_(role))


def test_confirm_then_reject_audited_with_before_and_after(world: World) -> None:
    _record(world)
    r = _post(world, "analyst", "item-pub", record_id="rec-1", decision="confirmed", note="same")
    assert r.status_code == 200, r.text
    assert r.json()["decision"] == "confirmed" and r.json()["analyst"] == "analyst"
    incident = world.client.get("/api/incidents/inc-pub", headers=world.as_("viewer")).json()
    assert incident["grade"] == "confirmed"  # the item was documented in inc-pub
    r = _post(world, "admin", "item-pub", record_id="rec-1", decision="rejected")
    assert r.status_code == 200
    first, second = _audit(world)
    assert (first.action, first.target_kind, first.target_id) == (
        "trace.confirmed",
        "item",
        "item-pub",
    )
    assert first.before == "null" and '"record":"rec-1"' in first.after
    assert second.actor == "admin" and '"decision":"confirmed"' in second.before
    with world.store.session() as s:
        assert s.scalar(select(func.count()).select_from(MatchDecision)) == 2  # never overwritten
        assert verify(s).ok


def test_who_may_decide_and_what_fails_cleanly(world: World) -> None:
    _record(world)
    assert (
        _post(world, "viewer", "item-pub", record_id="rec-1", decision="confirmed").status_code
        == 403
    )
    assert (
        _post(world, "analyst", "item-pub", record_id="nope", decision="confirmed").status_code
        == 404
    )
    assert (
        _post(world, "analyst", "nope", record_id="rec-1", decision="confirmed").status_code == 404
    )
    assert (
        _post(world, "analyst", "item-pub", record_id="rec-1", decision="maybe").status_code == 422
    )
    login(world.client, "analyst")
    body = {"record_id": "rec-1", "decision": "confirmed"}
    assert world.client.post("/api/items/item-pub/decisions", json=body).status_code == 403
    assert _audit(world) == []
    with world.store.session() as s:
        assert s.scalar(select(func.count()).select_from(MatchDecision)) == 0
