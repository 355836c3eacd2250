"""Security: restricted data never reaches a viewer, cookie writes need the CSRF token, secrets are
stored hashed, and a changed or deleted audit row is detected (library and CLI)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from armtrace.cli import app as cli
from armtrace.web.audit import verify
from armtrace.web.models import ApiToken, User
from tests.web.conftest import PASSWORD, SECRET_WORDS, World, login

# Every read a viewer might try, restricted targets included by name.
READS = [
    "/api/sources",
    "/api/sources/sec-src",
    "/api/incidents",
    "/api/incidents?include_unasserted=true&limit=500",
    "/api/incidents/inc-sec",
    "/api/incidents/inc-mixed",
    "/api/flows?kind=countries",
    "/api/flows?kind=routes",
    "/api/flows?kind=actors",
    "/api/flows?country=NE",
    "/api/actors",
    "/api/places",
    "/api/records",
    "/api/items",
    "/api/items/item-sec",
    "/api/items/item-sec/trace",
    "/api/items/item-sec/custody",
    "/api/trace-requests",
    "/api/trace-requests/1",
    "/api/screening-flags",
    "/api/export?format=jsonl&include_unasserted=true",
    "/api/export?format=csv&include_unasserted=true",
    "/api/export?format=geojson&include_unasserted=true",
    "/api/audit",
]


def _leaks(body: str) -> list[str]:
    return [w for w in SECRET_WORDS if (f'"{w}"' if w == "NE" else w) in body]


def test_viewer_sees_nothing_restricted_anywhere(world: World) -> None:
    for path in READS:
        r = world.client.get(path, headers=world.as_("viewer"))
        assert r.status_code in (200, 403, 404), (path, r.status_code)
        assert _leaks(r.text) == [], path


def test_every_get_endpoint_is_covered(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    gets = {p for p, ops in spec["paths"].items() if "get" in ops and p.startswith("/api/")}
    covered = {p.split("?")[0] for p in READS}
    templated = {
        "/api/sources/{source_id}": "/api/sources/sec-src",
        "/api/incidents/{incident_id}": "/api/incidents/inc-sec",
        "/api/items/{item_id}": "/api/items/item-sec",
        "/api/items/{item_id}/trace": "/api/items/item-sec/trace",
        "/api/items/{item_id}/custody": "/api/items/item-sec/custody",
        "/api/trace-requests/{request_id}": "/api/trace-requests/1",
        "/api/records/{record_id}": "/api/records",  # records are never restricted
    }
    missing = {p for p in gets if p not in covered and templated.get(p) not in covered}
    assert missing <= {"/api/me", "/api/audit/verify"}  # no data, or admin only


def test_analyst_does_see_restricted_data(world: World) -> None:
    r = world.client.get("/api/export?include_unasserted=true", headers=world.as_("analyst"))
    assert "inc-sec" in r.text and "inc-mixed" in r.text
    assert "Jane Doe" in world.client.get("/api/sources/sec-src", headers=world.as_("analyst")).text


def test_restricting_hides_at_once_and_lifting_shows_again(world: World) -> None:
    h, viewer = world.as_("analyst"), world.as_("viewer")
    body = {"kind": "source", "target_id": "pub-src", "reason": "protect a witness"}
    assert world.client.post("/api/restrictions", json=body, headers=h).status_code == 200
    assert world.client.get("/api/incidents", headers=viewer).json()["total"] == 0
    assert world.client.delete("/api/restrictions/source/pub-src", headers=h).status_code == 200
    assert world.client.get("/api/incidents", headers=viewer).json()["total"] == 2
    blocked = world.client.post("/api/restrictions", json=body, headers=viewer)
    assert blocked.status_code == 403


def test_viewer_cannot_write_to_restricted_incident_even_by_id(world: World) -> None:
    r = world.client.post("/api/incidents/inc-sec/accept", json={}, headers=world.as_("viewer"))
    assert r.status_code == 403


def test_cookie_writes_need_the_csrf_token(world: World) -> None:
    csrf = login(world.client, "analyst")
    url = "/api/incidents/inc-pub/accept"
    assert world.client.get("/api/incidents").status_code == 200  # reads need no token
    assert world.client.post(url, json={}).status_code == 403
    assert world.client.post(url, json={}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert world.client.post(url, json={}, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_csrf_token_must_be_the_sessions_own(world: World) -> None:
    # an attacker who can plant cookies still cannot make one match the token stored server-side
    login(world.client, "analyst")
    world.client.cookies.set("armtrace_csrf", "planted")
    r = world.client.post(
        "/api/incidents/inc-pub/accept", json={}, headers={"X-CSRF-Token": "planted"}
    )
    assert r.status_code == 403


def test_login_logout_and_wrong_password(world: World) -> None:
    bad = world.client.post("/api/login", json={"name": "analyst", "password": "wrong-password"})
    assert bad.status_code == 401
    ghost = world.client.post("/api/login", json={"name": "nobody", "password": PASSWORD})
    assert ghost.status_code == 401
    csrf = login(world.client, "viewer")
    assert world.client.get("/api/me").json() == {"name": "viewer", "role": "viewer"}
    session_cookie = world.client.cookies.get("armtrace_session")
    assert world.client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    world.client.cookies.set("armtrace_session", session_cookie)
    assert world.client.get("/api/me").status_code == 401  # the session is gone server-side


def test_secrets_are_stored_hashed(world: World) -> None:
    with world.store.session() as s:
        users = s.scalars(select(User)).all()
        assert all(u.password_hash.startswith("$argon2id$") for u in users)
        hashes = {t.token_hash for t in s.scalars(select(ApiToken))}
    assert not {world.tokens[r] for r in world.tokens} & hashes


def _tamper(world: World, sql: str) -> None:
    with world.store.engine.begin() as conn:
        conn.execute(text(sql))


def _three_changes(world: World) -> None:
    h = world.as_("analyst")
    for iid in ("inc-pub", "inc-dup", "inc-mixed"):
        assert world.client.post(f"/api/incidents/{iid}/accept", json={}, headers=h).is_success


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET after = '\"rejected\"' WHERE seq = 7",
        "DELETE FROM audit_log WHERE seq = 7",
        "UPDATE audit_log SET actor = 'someone else' WHERE seq = 7",
    ],
)
def test_audit_tampering_is_detected(world: World, sql: str) -> None:
    _three_changes(
        world
    )  # seed wrote 2 restrictions and 3 users with 3 tokens: rows 1..8, then 9..11
    with world.store.session() as s:
        assert verify(s).ok and verify(s).count == 11
    _tamper(world, sql)
    with world.store.session() as s:
        result = verify(s)
    assert not result.ok and result.bad_seq in (7, 8)
    r = CliRunner().invoke(cli, ["audit", "verify", "--db", world.store.url])
    assert r.exit_code == 1 and f"row {result.bad_seq}" in r.output


def test_audit_entries_say_who_what_before_after(world: World) -> None:
    _three_changes(world)
    entries = world.client.get("/api/audit", headers=world.as_("admin")).json()["items"]
    assert entries[0]["actor"] == "analyst" and entries[0]["action"] == "incident.accept"
    assert (entries[0]["before"], entries[0]["after"]) == (None, "accepted")
    verified = world.client.get("/api/audit/verify", headers=world.as_("admin")).json()
    assert verified["ok"] and verified["count"] == 11
    assert world.client.get("/api/audit/verify", headers=world.as_("analyst")).status_code == 403
    ok = CliRunner().invoke(cli, ["audit", "verify", "--db", world.store.url])
    assert ok.exit_code == 0 and "11 rows" in ok.output


def test_cli_users_add_and_token(world: World) -> None:
    runner = CliRunner()
    r = runner.invoke(
        cli,
        ["users", "add", "dana", "--role", "analyst", "--password-stdin", "--db", world.store.url],
        input="a long enough password\n",
    )
    assert r.exit_code == 0, r.output
    token = runner.invoke(cli, ["users", "token", "dana", "--db", world.store.url]).stdout.strip()
    me = world.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {"name": "dana", "role": "analyst"}
    dup = runner.invoke(
        cli,
        ["users", "add", "dana", "--password-stdin", "--db", world.store.url],
        input="another password\n",
    )
    assert dup.exit_code == 2
    bad_role = runner.invoke(cli, ["users", "add", "x", "--role", "root", "--db", world.store.url])
    assert bad_role.exit_code == 2
