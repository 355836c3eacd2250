"""The "unregistered weapon" hypothesis for partial readings: a reading that fits one registered
serial is weaker evidence where its other completions are unregistered serials right beside a
registered lot (the same line stamped them; nobody registered them here)."""

from __future__ import annotations

from armtrace.tracing.engine import Matcher, Thresholds
from armtrace.tracing.fields import marks
from armtrace.tracing.numbering import Numbering
from armtrace.tracing.serials import parse_range

IZHMASH = {"model": "AKM", "manufacturer": "Izhmash", "country": "RU"}
LOT_A = marks("lot-a", serial_range="AK100100-AK100599", **IZHMASH)
# Two more lots of the same line, ending two and three serials before AK101599 and AK102599.
LOT_B = marks("lot-b", serial_range="AK101000-AK101597", **IZHMASH)
LOT_C = marks("lot-c", serial_range="AK102000-AK102596", **IZHMASH)


def item(serial: str, **kw: object) -> object:
    return marks("item", serial=serial, **kw)  # type: ignore[arg-type]


def test_other_completions_far_from_any_lot_leave_a_match() -> None:
    # AK10?599 fits AK100599 of lot A; AK101599 … AK109599 lie far from any registered run.
    result = Matcher([LOT_A]).trace(item("AK10?599", **IZHMASH))
    assert result.decision == "match"
    assert result.candidates[0].record == "lot-a"
    assert result.unregistered == 0.0
    assert not any("unregistered" in d for d in result.candidates[0].disagreements)


def test_unregistered_completions_beside_lots_make_it_only_possible() -> None:
    result = Matcher([LOT_A, LOT_B, LOT_C]).trace(item("AK10?599", **IZHMASH))
    assert result.decision == "possible"
    best = result.candidates[0]
    assert best.record == "lot-a"  # still the registered weapon put forward
    assert (
        "serial: 2 other completions of AK10?599 are unregistered serials beside registered"
        " numbering (AK101599 beside AK101597, AK102599 beside AK102596): the weapon may be"
        " unregistered"
    ) in best.disagreements
    assert result.unregistered > 0


def test_the_prior_that_a_weapon_is_registered_is_stated_and_configurable() -> None:
    # Nearly every documented weapon registered: two unregistered look-alikes no longer outweigh
    # the one registered fit (they still show as a caveat).
    trusting = Matcher([LOT_A, LOT_B, LOT_C], Thresholds(registered=0.9999))
    result = trusting.trace(item("AK10?599", **IZHMASH))
    assert result.decision == "match"
    assert any("unregistered serials" in d for d in result.candidates[0].disagreements)


def test_a_cut_off_reading_is_weighed_the_same_way() -> None:
    lot = marks("lot-e", serial_range="AK200100-AK200597", **IZHMASH)  # AK200599: two past its end
    assert Matcher([LOT_A]).trace(item("*00599", **IZHMASH)).decision == "match"
    result = Matcher([LOT_A, lot]).trace(item("*00599", **IZHMASH))
    assert result.decision == "possible"
    assert "AK200599 beside AK200597" in result.candidates[0].disagreements[-1]


def test_a_rejected_candidate_does_not_drop_the_unregistered_evidence() -> None:
    matcher = Matcher([LOT_A, LOT_B, LOT_C])
    result = matcher.trace(item("AK10?599", **IZHMASH))
    assert matcher._decide(result.candidates, result.unregistered) == "possible"
    assert matcher._decide(result.candidates) == "match"


def test_margins_share_a_short_gap_and_count_the_serials() -> None:
    ledger = [f"AK{n:06d}" for n in range(100, 200)]  # runs 100-199 and (a lot) 205-300
    lot = parse_range("AK000205", "AK000300")
    assert lot is not None
    numbering = Numbering(ledger, [(len(ledger), lot)], margin=10)
    assert numbering.registered == 100 + 96
    # 90-99 and 301-310, and the gap 200-204 shared out: 200-202 to the first run, 203-204 after.
    assert numbering.unregistered == 10 + 10 + 5
    found = {b.serial: (b.record, b.neighbour) for b in numbering.beside("AK0002?2")}
    assert found == {"AK000202": (99, "AK000199")}  # AK000212 lies inside the lot
    assert {b.serial for b in numbering.beside("AK00020?")} == {
        "AK000200",
        "AK000201",
        "AK000202",
        "AK000203",
        "AK000204",
    }
    assert {b.record for b in numbering.beside("AK00020?") if b.serial > "AK000202"} == {100}
    assert {b.serial for b in numbering.beside("*0309")} == {"AK000309"}


def test_an_empty_registry_or_serials_without_numbers_have_no_margins() -> None:
    for numbering in (Numbering([], [], 10), Numbering(["ABCDEF", ""], [], 10)):
        assert (numbering.registered, numbering.unregistered) == (0, 0)
        assert numbering.beside("AK1?3") == numbering.beside("*123") == []
    assert Matcher([]).trace(item("AK1?34")).decision == "none"
