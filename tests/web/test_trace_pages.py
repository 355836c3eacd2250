"""Items, trace requests and screening flags pages: candidates explained, confirm/reject by form (CSRF
checked, audited, the chain of custody then built), overdue requests first, and nothing restricted
shown to a viewer."""

from __future__ import annotations

from sqlalchemy import select

from armtrace.web.models import AuditEntry
from tests.web.conftest import World, _incident
from tests.web.test_pages import _login
from tests.web.test_trace_actions import _record


def test_item_page_confirm_by_form_then_custody(world: World) -> None:
    _record(world)
    csrf = _login(world.client, "analyst")
    page = world.client.get("/items/item-pub")
    assert page.status_code == 200 and "rec-1" in page.text and "Confirm" in page.text
    assert "(rec-1)</li>" not in page.text  # the chain holds no record before a confirmation
    form = {"record_id": "rec-1", "decision": "confirmed"}
    refused = world.client.post("/items/item-pub/decide", data=form, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    r = world.client.post(
        "/items/item-pub/decide", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/items/item-pub"
    after = world.client.get("/items/item-pub").text
    assert '<td class="decision">confirmed</td>' in after
    assert "(rec-1)</li>" in after  # now a step of the chain of custody
    with world.store.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry))]
    assert "trace.confirmed" in actions


def test_viewer_sees_no_buttons_and_nothing_restricted(world: World) -> None:
    _record(world)
    csrf = _login(world.client, "viewer")
    items = world.client.get("/items").text
    assert "item-pub" in items and "item-sec" not in items
    assert world.client.get("/items/item-sec").status_code == 404
    page = world.client.get("/items/item-pub").text
    assert "rec-1" in page and "Confirm" not in page
    form = {"record_id": "rec-1", "decision": "confirmed", "csrf_token": csrf}
    assert world.client.post("/items/item-pub/decide", data=form).status_code == 403
    assert "item-sec" not in world.client.get("/trace-requests").text
    flags = world.client.get("/flags").text
    assert "inc-sec" not in flags and "0 in all" in flags


def test_trace_requests_overdue_first_and_flags_for_analysts(world: World) -> None:
    _login(world.client, "analyst")
    requests = world.client.get("/trace-requests").text
    assert 'class="overdue"' in requests and "item-sec" in requests  # sent in 2020, no answer
    flags = world.client.get("/flags").text
    assert 'href="/incidents/inc-sec"' in flags and "libya" in flags
    for path in ("/items", "/trace-requests", "/flags"):
        assert world.client.get(path).headers["content-security-policy"].startswith("default-src")
    world.client.cookies.clear()
    assert world.client.get("/flags", follow_redirects=False).status_code == 303


def test_stock_page_accounts_a_holders_stocks_and_hides_restricted_figures(world: World) -> None:
    with world.store.transaction() as s:
        held = _incident("inc-stock-sec", "sec-src", (0, 45), type="stockpile", country="LY")
        held.weapons[0].quantity = 1000
        s.add(held)
    _login(world.client, "analyst")
    page = world.client.get("/stock?holder=ly&category=assault_rifle")
    assert page.status_code == 200 and 'id="stock"' in page.text
    row = page.text.split("<td>assault_rifle</td>", 1)[1].split("</tr>", 1)[0]
    assert "<td>1,000</td>" in row  # declared, from the restricted report
    assert "<td>24</td>" in row  # 12 + 12 of Libya's rifles seized in Egypt
    assert "<strong>976</strong>" in row
    world.client.cookies.clear()
    _login(world.client, "viewer")
    row = world.client.get("/stock?holder=LY").text.split("<td>assault_rifle</td>", 1)[1]
    assert "inc-stock-sec" not in row and "1,000" not in row and "<td>24</td>" in row
