"""Results cached by data version (web/cache.py): repeated reads are served from the cache, and no
change — a review decision, a restriction, an incident written by another process — is ever hidden by
it; viewers and analysts never share an entry."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from armtrace.web.cache import ResultCache
from tests.web.conftest import World, _incident, login


def _cache(world: World) -> ResultCache:
    return world.client.app.state.cache  # type: ignore[attr-defined]


def _ids(world: World, role: str, **params: str) -> set[str]:
    r = world.client.get("/api/incidents", params=params, headers=world.as_(role))
    assert r.status_code == 200, r.text
    return {i["id"] for i in r.json()["items"]}


def test_a_repeated_read_is_a_hit_and_gives_the_same_answer(world: World) -> None:
    h = world.as_("analyst")
    first = world.client.get("/api/incidents?limit=3", headers=h)
    hits = _cache(world).hits
    again = world.client.get("/api/incidents?limit=3", headers=h)
    assert again.content == first.content and again.json()["total"] == 4
    assert _cache(world).hits == hits + 1
    other = world.client.get("/api/incidents?limit=2", headers=h)  # other parameters: other entry
    assert len(other.json()["items"]) == 2


def test_a_decision_shows_at_once(world: World) -> None:
    h = world.as_("analyst")
    assert _ids(world, "analyst", review="accepted") == set()
    r = world.client.post("/api/incidents/inc-pub/accept", json={"note": "ok"}, headers=h)
    assert r.status_code == 200, r.text
    assert _ids(world, "analyst", review="accepted") == {"inc-pub"}
    items = world.client.get("/api/incidents", headers=h).json()["items"]
    assert {i["id"]: i["review"] for i in items}["inc-pub"].startswith("accepted")


def test_viewers_never_get_an_analysts_entry(world: World) -> None:
    assert "inc-sec" in _ids(world, "analyst")  # cached for analysts first
    assert "inc-sec" not in _ids(world, "viewer")
    body = world.client.get("/api/flows", headers=world.as_("viewer")).text
    world.client.get("/api/flows", headers=world.as_("analyst"))
    assert (
        "NE" not in body
        and "NE" not in world.client.get("/api/flows", headers=world.as_("viewer")).text
    )


def test_restricting_and_lifting_change_a_cached_list_and_map(world: World) -> None:
    assert "inc-pub" in _ids(world, "viewer")
    login(world.client, "viewer")
    assert "inc-pub" in world.client.get("/map").text
    body = {"kind": "source", "target_id": "pub-src", "reason": "protect a witness"}
    h = world.as_("analyst")
    assert world.client.post("/api/restrictions", json=body, headers=h).status_code == 200
    assert _ids(world, "viewer") == set()
    assert "inc-pub" not in world.client.get("/map").text
    assert world.client.delete("/api/restrictions/source/pub-src", headers=h).status_code == 200
    assert "inc-pub" in _ids(world, "viewer")
    assert "inc-pub" in world.client.get("/map").text


def test_an_incident_written_by_another_process_shows_next_request(world: World) -> None:
    assert "inc-new" not in _ids(world, "analyst")
    with world.store.transaction() as s:  # as `armtrace ingest` would, outside the server
        s.add(_incident("inc-new", "pub-src", (0, 10), type="seizure", country="EG"))
    assert "inc-new" in _ids(world, "analyst")
    login(world.client, "analyst")
    assert "inc-new" in world.client.get("/map?country=EG").text


def test_one_computation_per_key_when_many_ask_at_once() -> None:
    cache = ResultCache()
    calls = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)  # long enough that the other threads arrive while it runs
        return "value"

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["value"] * 8 and len(calls) == 1
    assert cache.misses == 1 and cache.hits == 7


def test_a_failed_computation_is_not_cached() -> None:
    cache = ResultCache()

    def boom() -> str:
        raise RuntimeError("database gone")

    for _ in range(2):
        try:
            cache.get("k", boom)
        except RuntimeError:
            pass
    assert cache.get("k", lambda: "ok") == "ok" and cache.misses == 1


def test_a_hit_is_answered_before_routing(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    h = world.as_("analyst")
    first = world.client.get("/api/incidents?limit=3", headers=h)

    def unreachable(*args: object, **kwargs: object) -> None:
        raise AssertionError("the endpoint ran for a cached read")

    monkeypatch.setattr("armtrace.web.api.incident_filter", unreachable)
    again = world.client.get("/api/incidents?limit=3", headers=h)
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["content-type"] == "application/json"
    assert again.headers["content-encoding"] == "gzip"  # compressed once, the client decodes it
    plain = world.client.get("/api/incidents?limit=3", headers={**h, "Accept-Encoding": "identity"})
    assert plain.content == first.content and "content-encoding" not in plain.headers


def _edit(world: World, model: type, **values: object) -> None:
    from sqlalchemy import update

    with world.store.transaction() as s:
        s.execute(update(model).values(**values))


def test_a_cached_read_still_checks_the_caller(world: World) -> None:
    from armtrace.web.models import ApiToken, User, WebSession

    h = world.as_("viewer")
    assert world.client.get("/api/flows", headers=h).status_code == 200
    _edit(world, ApiToken, revoked=True)
    assert world.client.get("/api/flows", headers=h).status_code == 401
    assert world.client.get("/api/flows", headers={"Authorization": "Bearer x"}).status_code == 401
    login(world.client, "analyst")
    assert world.client.get("/api/flows").status_code == 200  # by cookie now
    _edit(world, WebSession, expires_at=datetime(2000, 1, 1))
    assert world.client.get("/api/flows").status_code == 401
    login(world.client, "analyst")
    assert world.client.get("/api/flows").status_code == 200
    _edit(world, User, active=False)
    assert world.client.get("/api/flows").status_code == 401


def test_a_cached_map_is_served_in_the_callers_own_page(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    analyst_csrf = login(world.client, "analyst")
    first = world.client.get("/map?country=LY").text
    assert "inc-sec" in first and analyst_csrf in first

    def unreachable(*args: object, **kwargs: object) -> None:
        raise AssertionError("the map page ran for a cached map")

    monkeypatch.setattr("armtrace.web.mapview.data_version", unreachable)
    again = world.client.get("/map?country=LY")
    assert again.status_code == 200 and again.text == first
    assert again.headers["content-encoding"] == "gzip"
    assert "default-src 'none'" in again.headers["content-security-policy"]
    monkeypatch.undo()
    viewer_csrf = login(world.client, "viewer")
    page = world.client.get("/map?country=LY").text
    assert "inc-sec" not in page and viewer_csrf in page and analyst_csrf not in page
    assert "viewer (viewer)" in page
