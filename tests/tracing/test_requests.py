"""ITI trace requests: lifecycle, overdue, rendering, statistics; both backends."""

from __future__ import annotations

from datetime import date

import pytest

from armtrace.store import Store
from armtrace.tracing import requests as tr


def make(store: Store, state: str = "Russia") -> int:
    return tr.create_request(
        store, "gao-1", state, "seized under embargo", "panel report", "Panel"
    ).id


def test_lifecycle_with_events(world: Store) -> None:
    rid = make(world)
    tr.update_status(world, rid, "sent", date(2024, 1, 10), "jd")
    tr.update_status(world, rid, "acknowledged", date(2024, 1, 20), "jd", note="by note verbale")
    tr.update_status(
        world, rid, "answered", date(2024, 3, 1), "jd", answer="exported to LY in 1979"
    )
    (request,) = tr.list_requests(world)
    assert request.state == "RU" and request.status == "answered"
    assert request.answer == "exported to LY in 1979"
    assert [(e.status, e.happened_on) for e in request.events] == [
        ("draft", request.created_at.date()),
        ("sent", date(2024, 1, 10)),
        ("acknowledged", date(2024, 1, 20)),
        ("answered", date(2024, 3, 1)),
    ]


def test_status_rules(world: Store) -> None:
    rid = make(world)
    with pytest.raises(ValueError, match="never sent"):
        tr.update_status(world, rid, "answered", date(2024, 1, 1), "jd")
    with pytest.raises(ValueError, match="status must be"):
        tr.update_status(world, rid, "lost", date(2024, 1, 1), "jd")
    with pytest.raises(ValueError, match="not a country"):
        make(world, "Atlantis")
    with pytest.raises(LookupError):
        tr.create_request(world, "nope", "RU", "r", "u", "p")


def test_overdue_after_configured_days(world: Store) -> None:
    rid = make(world)
    tr.update_status(world, rid, "sent", date(2024, 1, 1), "jd")
    (request,) = tr.list_requests(world)
    assert tr.effective_status(request, date(2024, 3, 1), overdue_days=90) == "sent"
    assert tr.effective_status(request, date(2024, 4, 15), overdue_days=90) == "overdue"
    assert tr.effective_status(request, date(2024, 1, 20), overdue_days=10) == "overdue"


def test_response_rates_and_median_per_state(world: Store) -> None:
    for answered_after in (10, 30, None):
        rid = make(world)
        tr.update_status(world, rid, "sent", date(2024, 1, 1), "jd")
        if answered_after:
            tr.update_status(world, rid, "answered", date(2024, 1, 1 + answered_after), "jd")
    make(world, "BG")  # a draft is not counted
    (ru,) = tr.response_stats(world, date(2024, 6, 1), overdue_days=90)
    assert (ru.state, ru.sent, ru.answered, ru.overdue) == ("RU", 3, 2, 1)
    assert ru.response_rate == pytest.approx(2 / 3) and ru.median_days == 20


def test_rendered_request_holds_what_the_iti_asks(world: Store) -> None:
    rid = make(world)
    md = tr.render_markdown(world, rid)
    for part in (
        "# Trace request",
        "seized under embargo",
        "AK 1-4?72",
        "AKM",
        "panel report",
        "Gao, ML",
    ):
        assert part in md
    page = tr.render_html(world, rid)
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert "AK 1-4?72" in page and "<script" not in page
