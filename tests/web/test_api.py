"""The REST API over both backends: reads with filters and pagination, and review actions that add
statements and audit entries rather than overwrite."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import TimeoutError as PoolTimeout

from armtrace.store.models import Incident, Statement
from armtrace.web.audit import verify
from armtrace.web.models import AuditEntry
from tests.web.conftest import World


def test_health_and_openapi(world: World) -> None:
    assert world.client.get("/health").json()["status"] == "ok"
    spec = world.client.get("/openapi.json").json()
    assert {"/api/incidents", "/api/flows", "/api/export", "/api/items/{item_id}/trace"} <= set(
        spec["paths"]
    )


def test_reads_need_a_user(world: World) -> None:
    assert world.client.get("/api/incidents").status_code == 401
    bad = {"Authorization": "Bearer at_nope"}
    assert world.client.get("/api/incidents", headers=bad).status_code == 401


def test_incident_filters_and_pagination(world: World) -> None:
    get = lambda **q: world.client.get("/api/incidents", params=q, headers=world.as_("analyst"))  # noqa: E731
    everything = get().json()
    assert everything["total"] == 4
    assert {i["id"] for i in get(type="seizure").json()["items"]} == {"inc-pub", "inc-dup"}
    assert {i["id"] for i in get(country="ne").json()["items"]} == {"inc-sec"}
    first, second = get(limit=2).json(), get(limit=2, offset=2).json()
    assert first["total"] == 4 and len(first["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert get(type="not-a-type").status_code == 422
    assert get(limit=0).status_code == 422


def test_incident_page_has_evidence_text(world: World) -> None:
    r = world.client.get("/api/incidents/inc-pub", headers=world.as_("viewer")).json()
    assert r["statements"][0]["start"] == 0
    assert r["evidence"][0]["text"].startswith("Egyptian border guards seized 40 Grad")
    assert r["source_details"][0]["id"] == "pub-src"
    assert world.client.get("/api/incidents/nope", headers=world.as_("viewer")).status_code == 404


def test_sources_flows_actors_places(world: World) -> None:
    h = world.as_("analyst")
    src = world.client.get("/api/sources/pub-src", headers=h).json()
    assert "<script>" in src["text"]  # the API returns the text as stored; pages escape it
    flows = world.client.get("/api/flows", headers=h).json()["items"]
    assert ["LY", "EG"] in [f["path"] for f in flows]
    assert world.client.get("/api/flows", params={"kind": "actors"}, headers=h).status_code == 200
    actors = world.client.get("/api/actors", headers=h).json()
    assert actors["total"] == 4
    places = world.client.get("/api/places", params={"country": "EG"}, headers=h).json()
    assert places["items"][0]["place"] in {"Sollum", None}


def test_records_items_traces_requests_flags(world: World) -> None:
    h = world.as_("analyst")
    assert world.client.get("/api/records", headers=h).json()["total"] == 0
    items = world.client.get("/api/items", headers=h).json()
    assert items["total"] == 2
    trace = world.client.get("/api/items/item-pub/trace", headers=h).json()
    assert trace["decision"] == "none" and trace["candidates"] == []
    custody = world.client.get("/api/items/item-pub/custody", headers=h).json()
    assert custody["steps"][-1]["stage"] == "documented"
    requests = world.client.get("/api/trace-requests", headers=h).json()["items"]
    assert requests[0]["effective_status"] == "overdue"
    assert world.client.get("/api/trace-requests/1", headers=h).json()["item_id"] == "item-sec"
    flags = world.client.get("/api/screening-flags", headers=h).json()
    assert flags["items"][0]["id"] == "flag-sec"


def test_viewer_cannot_write(world: World) -> None:
    r = world.client.post("/api/incidents/inc-pub/accept", json={}, headers=world.as_("viewer"))
    assert r.status_code == 403


def test_accept_reject_and_review_queue(world: World) -> None:
    h = world.as_("analyst")
    r = world.client.post("/api/incidents/inc-pub/accept", json={"note": "checked"}, headers=h)
    assert r.status_code == 200 and r.json()["review"] == "accepted"
    world.client.post("/api/incidents/inc-dup/reject", json={}, headers=h)
    pending = world.client.get("/api/incidents", params={"review": "pending"}, headers=h).json()
    assert {i["id"] for i in pending["items"]} == {"inc-sec", "inc-mixed"}
    rejected = world.client.get("/api/incidents", params={"review": "rejected"}, headers=h).json()
    assert [i["id"] for i in rejected["items"]] == ["inc-dup"]
    # a later decision stands
    world.client.post("/api/incidents/inc-pub/reject", json={}, headers=h)
    accepted = world.client.get("/api/incidents", params={"review": "accepted"}, headers=h).json()
    assert accepted["total"] == 0


def test_edit_adds_a_statement_by_the_user(world: World) -> None:
    h = world.as_("analyst")
    r = world.client.patch(
        "/api/incidents/inc-pub", json={"field": "destination", "value": "ps"}, headers=h
    )
    assert r.status_code == 200 and r.json()["destination"] == "PS"
    with world.store.session() as s:
        stmts = s.scalars(select(Statement).where(Statement.incident_id == "inc-pub")).all()
        assert [(x.field, x.value, x.author) for x in stmts][-1] == (
            "destination",
            "PS",
            "analyst:analyst",
        )
        assert stmts[0].author == "extractor"  # the extracted statement is kept
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert (entry.action, entry.actor, entry.before, entry.after) == (
            "incident.edit",
            "analyst",
            '{"destination":null}',
            '{"destination":"PS"}',
        )
    bad = world.client.patch(
        "/api/incidents/inc-pub", json={"field": "grade", "value": "certain"}, headers=h
    )
    assert bad.status_code == 422


def test_merge_moves_statements_and_removes_the_duplicate(world: World) -> None:
    h = world.as_("analyst")
    r = world.client.post("/api/incidents/inc-pub/merge", json={"other": "inc-dup"}, headers=h)
    assert r.status_code == 200, r.text
    fields = [s["field"] for s in r.json()["statements"]]
    assert fields.count("type") == 2 and fields[-1] == "merged"
    assert world.client.get("/api/incidents/inc-dup", headers=h).status_code == 404
    with world.store.session() as s:
        assert s.get(Incident, "inc-dup") is None
        assert verify(s).ok
    same = world.client.post("/api/incidents/inc-pub/merge", json={"other": "inc-pub"}, headers=h)
    assert same.status_code == 422


def test_export_formats(world: World) -> None:
    h = world.as_("analyst")
    for fmt in ("jsonl", "csv", "geojson"):
        r = world.client.get("/api/export", params={"format": fmt}, headers=h)
        assert r.status_code == 200 and "inc-pub" in r.text


def test_a_full_connection_pool_is_503_busy_not_500(world: World) -> None:
    app = world.client.app

    def busy() -> None:
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    app.add_api_route("/busy-for-test", busy)
    r = world.client.get("/busy-for-test")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"


def test_flows_without_ids_keep_the_figures(world: World) -> None:
    h = world.as_("analyst")
    full = world.client.get("/api/flows", headers=h).json()["items"]
    lean = world.client.get("/api/flows", params={"ids": "false"}, headers=h).json()["items"]
    assert full and "incident_ids" in full[0] and "incident_ids" not in lean[0]
    for f in full:
        del f["incident_ids"], f["source_ids"]
    assert lean == full


def test_keyset_pages_walk_the_whole_list_in_order(world: World) -> None:
    from tests.web.conftest import _incident

    with world.store.transaction() as s:
        for iid, date in (("inc-u1", None), ("inc-u2", None), ("inc-2016", "2016-01-01")):
            inc = _incident(iid, "pub-src", (0, 58), country="EG")
            inc.date = date
            s.add(inc)
    h = world.as_("analyst")
    everything = world.client.get("/api/incidents", headers=h).json()
    order = [i["id"] for i in everything["items"]]
    assert order[-3:] == ["inc-2016", "inc-u1", "inc-u2"]  # undated last
    walked, after = [], None
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        body = world.client.get("/api/incidents", params=params, headers=h).json()
        assert body["total"] == everything["total"] == 7
        walked += [i["id"] for i in body["items"]]
        after = body["next"]
        if after is None:
            break
    assert walked == order
    for bad in ("2013", "x|y", "2013-01-01|" + "z" * 60):
        r = world.client.get("/api/incidents", params={"after": bad}, headers=h)
        assert r.status_code == 422
