"""Capture–recapture against textbook answers, and stock accounting with ranges."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from armtrace.analysis.capture import chapman, estimate, loglinear
from armtrace.analysis.stock import Range, accounts, quantity_range
from armtrace.store.models import IncidentWeapon
from tests.analysis.conftest import add_incident


def test_chapman_textbook() -> None:
    # 10 marked, 15 caught, 5 recaptured: Chapman 11*16/6 - 1 = 28.33 (Lincoln–Petersen gives 30)
    e = chapman(10, 15, 5)
    assert e.total == pytest.approx(28.333, abs=1e-3)
    var = 11 * 16 * 5 * 10 / (36 * 7)  # Seber (1982): (n1+1)(n2+1)(n1-m)(n2-m)/((m+1)^2(m+2))
    assert e.high == pytest.approx(e.total + 1.96 * math.sqrt(var), abs=0.01)
    assert e.low == 20  # never below what was seen
    with pytest.raises(ValueError):
        chapman(3, 5, 4)


def test_loglinear_two_lists_is_lincoln_petersen() -> None:
    # independence model on a 2x2 table: unseen = n10 * n01 / n11 = 5 * 10 / 5
    e = loglinear(Counter({(1, 0): 5, (0, 1): 10, (1, 1): 5}))
    assert e.total == pytest.approx(30.0, rel=1e-6) and e.low < 30 < e.high


def test_loglinear_three_lists_with_interactions_closed_form() -> None:
    # all two-way interactions: unseen = n111 n100 n010 n001 / (n110 n101 n011) (Bishop, Fienberg & Holland)
    cells = {(1, 0, 0): 30, (0, 1, 0): 25, (0, 0, 1): 20, (1, 1, 0): 10, (1, 0, 1): 8, (0, 1, 1): 6,
             (1, 1, 1): 4}  # fmt: skip
    e = loglinear(Counter(cells), interactions=True)
    assert e.total - e.observed == pytest.approx(4 * 30 * 25 * 20 / (10 * 8 * 6), rel=1e-6)
    assert e.observed == 103


def test_independent_lists_recover_the_population_and_dependence_is_reported() -> None:
    # expected counts for N = 1000 and capture probabilities 0.3, 0.4, 0.5 (independent sources)
    p = (0.3, 0.4, 0.5)
    cells = Counter()
    for h in [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1) if a or b or c]:
        cells[h] = round(1000 * math.prod(pi if x else 1 - pi for pi, x in zip(p, h, strict=True)))
    e = loglinear(cells)
    assert e.total == pytest.approx(1000, rel=0.01) and not e.notes
    # sources that copy each other: the overlap of lists 1 and 2 is far too large
    cells[(1, 1, 0)] *= 4
    cells[(1, 1, 1)] *= 4
    assert any("dependent" in n for n in loglinear(cells).notes)


def test_estimate_from_sightings() -> None:
    sightings = {f"s{i}": {"A"} for i in range(5)} | {f"t{i}": {"B"} for i in range(10)}
    sightings |= {f"u{i}": {"A", "B"} for i in range(5)}
    assert estimate(sightings).method == "chapman"
    with pytest.raises(ValueError):
        estimate({"x": {"A"}})


def test_quantity_ranges() -> None:
    assert quantity_range(20000, "around 20,000 surface-to-air missiles") == Range(18000, 22000)
    assert quantity_range(80, "at least 80 missiles").high == math.inf
    assert quantity_range(5000, "5,000") == Range(5000, 5000)


def test_unaccounted_range_rests_on_incidents(session) -> None:  # type: ignore[no-untyped-def]
    add_incident(session, "decl", "stockpile", country="LY", date="2011-09",
                 weapons=(("manpads", 20000),))  # fmt: skip
    session.flush()
    session.get(IncidentWeapon, ("decl", 0)).quantity_text = "around 20,000 MANPADS"
    add_incident(session, "loc", "stockpile", country="LY", date="2012-02",
                 weapons=(("manpads", 5000),))  # fmt: skip
    session.flush()
    session.get(IncidentWeapon, ("loc", 0)).quantity_text = "5,000 located"
    add_incident(session, "gone", "seizure", origin="LY", country="EG", date="2012-06",
                 weapons=(("manpads", 69),))  # fmt: skip
    add_incident(session, "neg", "destruction", country="LY", weapons=(("manpads", 900),),
                 modality="negated")  # fmt: skip
    session.commit()
    (account,) = accounts(session, "LY", "manpads")
    assert account.declared == Range(18000, 22000)
    assert account.accounted == {"located": Range(5000, 5000), "elsewhere": Range(69, 69)}
    assert account.unaccounted == Range(18000 - 5069, 22000 - 5069)
    assert dict(account.incidents) == {
        "declared": ["decl"],
        "located": ["loc"],
        "elsewhere": ["gone"],
    }
