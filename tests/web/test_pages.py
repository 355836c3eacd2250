"""Server-rendered pages: login, incident list, incident page with escaped, highlighted source text,
review queue whose buttons need the form's CSRF token; viewers see nothing restricted."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, World


def _login(client: TestClient, name: str) -> str:
    r = client.post("/login", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.cookies.get("armtrace_csrf")


def test_pages_need_login_and_wrong_password_is_refused(world: World) -> None:
    r = world.client.get("/incidents", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    bad = world.client.post("/login", data={"name": "analyst", "password": "nope-nope"})
    assert bad.status_code == 401 and "Wrong name or password" in bad.text


def test_incident_page_escapes_the_report_and_marks_spans(world: World) -> None:
    _login(world.client, "viewer")
    r = world.client.get("/incidents/inc-pub")
    assert r.status_code == 200
    assert "<script>" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<mark>Egyptian border guards seized 40 Grad rockets near Sollum.</mark>" in r.text
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'none' covers it
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "Accept</button>" not in r.text  # viewers get no review buttons


def test_incident_list_filters_and_hides_restricted_from_viewers(world: World) -> None:
    _login(world.client, "viewer")
    page = world.client.get("/incidents").text
    assert "inc-pub" in page and "inc-sec" not in page and "inc-mixed" not in page
    assert world.client.get("/incidents/inc-sec").status_code == 404
    seizures = world.client.get("/incidents", params={"type": "trafficking"}).text
    assert "0 incidents" in seizures
    assert world.client.get("/review").status_code == 403


def test_review_queue_buttons_need_the_csrf_token(world: World) -> None:
    csrf = _login(world.client, "analyst")
    queue = world.client.get("/review").text
    assert re.search(r'name="csrf_token" value="[^"]+"', queue)
    assert "inc-sec" in queue  # analysts see restricted incidents
    no_token = world.client.post("/incidents/inc-pub/accept", data={}, follow_redirects=False)
    assert no_token.status_code == 403
    ok = world.client.post(
        "/incidents/inc-pub/accept", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert "accepted" in world.client.get("/incidents/inc-pub").text
    assert "inc-pub" not in world.client.get("/review").text
    entry = world.client.get("/api/audit", headers={"X-CSRF-Token": csrf}).json()["items"][0]
    assert (entry["actor"], entry["action"], entry["target_id"]) == (
        "analyst",
        "incident.accept",
        "inc-pub",
    )


def test_review_queue_alone_runs_its_shortcuts_script_from_this_server(world: World) -> None:
    _login(world.client, "analyst")
    r = world.client.get("/review")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline'" not in csp.split("script-src")[1]
    assert '<script src="/static/review-keys.js"></script>' in r.text
    assert 'table id="queue"' in r.text and "data-incident=" in r.text
    js = world.client.get("/static/review-keys.js")
    assert js.status_code == 200 and "keydown" in js.text and "http" not in js.text
    assert "script-src" not in world.client.get("/incidents").headers["content-security-policy"]
