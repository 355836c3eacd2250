"""The matching engine: blocking, scored and explained comparisons, decisions."""

from __future__ import annotations

import pytest

from armtrace.tracing.engine import Matcher, Thresholds
from armtrace.tracing.fields import calibre_of, country_of, manufacturer_of, marks, model_of

RECORDS = [
    marks(
        "ledger-1", serial="AK 1-4172", model="AKM", manufacturer="Izhmash", country="RU", year=1978
    ),
    marks(
        "ledger-2", serial="1-4872", model="AKM", manufacturer="Izhmash", country="RU", year=1978
    ),
    marks("ledger-3", serial="7733561", model="FN FAL", manufacturer="FN Herstal", country="BE"),
    marks("lot-1", serial_range="BG20000-BG20999", model="AKM", country="BG", year=1985),
    marks("ledger-4", serial="55501", model="Makarov"),
    marks("ledger-5", serial="55502", model="Makarov"),
    marks("ledger-6", serial="PM213685", model="Makarov", manufacturer="Baikal", year=1962),
    marks("ledger-7", serial="PM193685", model="Makarov", manufacturer="Baikal", year=2008),
    marks("lot-2", serial_range="TU126699-TU127198", model="AK-74", manufacturer="Tula"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(RECORDS)


def item(serial: str, **kw: object) -> object:
    return marks("item", serial=serial, **kw)  # type: ignore[arg-type]


def test_exact_serial_is_a_match_with_its_explanation(matcher: Matcher) -> None:
    result = matcher.trace(item("AK14172", model="Kalashnikov AKM", manufacturer="Izhmash plant"))
    assert result.decision == "match"
    best = result.candidates[0]
    assert best.record == "ledger-1" and best.score > 0.99
    assert "serial: identical (AK14172)" in best.agreements
    assert "model: AKM" in best.agreements
    assert "manufacturer: izhmash" in best.agreements
    assert best.disagreements == []


def test_photo_misreadings_and_scripts_still_match(matcher: Matcher) -> None:
    for read in ("ak l4I72", "АК 14172", "AK ١٤١٧٢"):
        result = matcher.trace(item(read, model="AKM"))
        assert result.decision == "match", read
        assert result.candidates[0].record == "ledger-1"


def test_partial_serial_unique_is_a_match(matcher: Matcher) -> None:
    result = matcher.trace(item("AK1-4?72", model="AKM", year=1978))
    assert result.decision == "match"
    assert result.candidates[0].record == "ledger-1"
    assert any("partial reading" in a for a in result.candidates[0].agreements)


def test_partial_serial_fitting_two_weapons_is_only_possible(matcher: Matcher) -> None:
    result = matcher.trace(item("5550?", model="Makarov"))
    assert result.decision == "possible"
    assert {c.record for c in result.candidates} == {"ledger-4", "ledger-5"}


def test_cut_off_serial_with_star(matcher: Matcher) -> None:
    result = matcher.trace(item("*733561", model="FAL"))
    assert result.candidates[0].record == "ledger-3"
    assert result.decision == "match"


def test_serial_in_a_range_meets_the_lot(matcher: Matcher) -> None:
    result = matcher.trace(item("BG-20517", model="AKM", country="Bulgaria"))
    assert result.decision == "match"
    best = result.candidates[0]
    assert best.record == "lot-1"
    assert "serial: BG20517 within range BG20000-BG20999" in best.agreements
    assert "country: BG" in best.agreements


def test_one_character_off_is_never_more_than_possible(matcher: Matcher) -> None:
    result = matcher.trace(item("AK14173", model="AKM", manufacturer="Izhmash", year=1978))
    assert result.decision == "possible"
    assert any("one character off" in a for a in result.candidates[0].agreements)


def test_disagreements_are_explained_and_lower_the_score(matcher: Matcher) -> None:
    agreeing = matcher.trace(item("7733561", model="FN FAL", country="BE")).candidates[0]
    clashing = matcher.trace(item("7733561", model="AKM", country="RU")).candidates[0]
    assert clashing.score < agreeing.score
    assert "model: AKM vs FN FAL (both rifle)" in clashing.disagreements or any(
        d.startswith("model: AKM vs FN FAL") for d in clashing.disagreements
    )
    assert "country: RU vs BE" in clashing.disagreements


def test_unknown_serial_gives_none(matcher: Matcher) -> None:
    assert matcher.trace(item("ZZ99999")).decision == "none"
    assert matcher.trace(item("")).decision == "none"
    assert matcher.trace(item("1?")).candidates == []  # too little read to search


def test_thresholds_are_configurable() -> None:
    strict = Matcher(RECORDS, Thresholds(match=0.999999, possible=0.5))
    assert strict.trace(item("*733561")).decision == "possible"


def test_as_dict_shape(matcher: Matcher) -> None:
    out = matcher.trace(item("AK14172")).as_dict()
    assert set(out) == {"item", "decision", "candidates"}
    assert set(out["candidates"][0]) == {"record", "score", "agreements", "disagreements"}


def test_field_normalisers() -> None:
    assert model_of("ak47") == ("AK-47", "assault_rifle")
    assert model_of("Kalashnikov AKM") == ("AKM", "assault_rifle")
    assert country_of("Bulgarian") == country_of("bg") == "BG"
    assert manufacturer_of("Izhmash Plant") == manufacturer_of("IZHMASH") == "izhmash"
    assert calibre_of("7.62 x 39mm") == calibre_of("7.62×39") == "7.62x39"


def test_other_marks_tell_apart_two_weapons_a_reading_fits(matcher: Matcher) -> None:
    # PM??3685 fits PM213685 and PM193685: the year mark names one of them.
    result = matcher.trace(item("PM??3685", model="Makarov", year=1962))
    assert result.decision == "match"
    assert result.candidates[0].record == "ledger-6"
    other = next(r for r in RECORDS if r.id == "ledger-7")
    clash = matcher.compare(item("PM??3685", model="Makarov", year=1962), other)
    assert "year: 1962 vs 2008 (another decade)" in clash.disagreements
    # with no year read, nothing tells them apart
    assert matcher.trace(item("PM??3685", model="Makarov")).decision == "possible"


def test_partial_reading_fitting_one_serial_of_a_lot_matches(matcher: Matcher) -> None:
    result = matcher.trace(item("TU12?082", model="AK74"))
    assert result.decision == "match"
    assert result.candidates[0].record == "lot-2"
    assert "(as TU127082)" in result.candidates[0].agreements[0]


def test_partial_reading_fitting_a_lot_in_several_places_is_only_possible(
    matcher: Matcher,
) -> None:
    result = matcher.trace(item("TU12708?", model="AK74"))
    assert result.decision == "possible"
    assert "(10 serials of it fit)" in result.candidates[0].agreements[0]


def test_cut_off_reading_meets_its_lot(matcher: Matcher) -> None:
    result = matcher.trace(item("*127082", model="AK74"))
    assert result.candidates[0].record == "lot-2"
    assert result.decision == "match"
    assert matcher.trace(item("*127999", model="AK74")).decision == "none"  # past the lot's end


def test_cut_off_reading_meets_an_all_digit_lot() -> None:
    # FN FAL serials such as 77190971 have no letter prefix: a cut-off start leaves more than two
    # digits to spell out, so the lot is checked directly.
    lot = marks("lot-77", serial_range="77190971-77191970", model="FN FAL", manufacturer="FN Herstal",
                country="BE")  # fmt: skip
    lots = Matcher([lot])
    result = lots.trace(item("*91098", model="FAL", manufacturer="FN", country="Belgium"))
    assert [c.record for c in result.candidates] == ["lot-77"]
    assert result.decision == "match"
    assert lots.trace(item("*92098", model="FAL")).candidates == []


def test_models_of_different_calibres_clash_harder() -> None:
    # Type 56 and AKM are look-alikes (both 7.62x39); a G3 (7.62x51) is not mistaken for either.
    record = marks("r", serial="56153799", model="Type 56")
    lookalike = Matcher([record]).compare(item("56153799", model="AKM"), record)
    other = Matcher([record]).compare(item("56153799", model="G3"), record)
    assert lookalike.weight - other.weight == 4.0
    assert "model: G3 vs Type 56 (both assault_rifle, different calibres)" in other.disagreements


def test_year_clash_weighs_by_the_digits_it_takes_to_misread() -> None:
    record = marks("r", serial="PM213685", year=1978)
    m = Matcher([record])
    weights = {
        y: m.compare(item("PM213685", year=y), record).weight for y in (1978, 1979, 1973, 1961)
    }
    # one year apart is a New Year effect; 1973 is one misread digit; 1961 takes two
    assert weights[1978] - weights[1979] == 2.0
    assert weights[1979] - weights[1973] == 6.0
    assert weights[1973] - weights[1961] == 4.0


def test_trace_many_in_worker_processes_gives_the_same_results(matcher: Matcher) -> None:
    readings = ["AK14172", "AK1-4?72", "5550?", "*733561", "BG-20517", "ZZ99999", "TU12?082"]
    items = [item(readings[i % len(readings)]) for i in range(2100)]
    alone = [r.as_dict() for r in matcher.trace_many(items)]
    assert [r.as_dict() for r in matcher.trace_many(items, processes=2)] == alone
    assert {r["decision"] for r in alone} == {"match", "possible", "none"}


def test_every_weapon_a_partial_reading_fits_is_shown() -> None:
    # Ten rifles of one lot agree on every mark: an illegible last digit fits them all, so the
    # analyst must see all ten (beyond the first five), and no more than the ones that fit.
    lot = [marks(f"row-{n}", serial=f"AK1000{n}", model="AKM", year=1978) for n in range(10)]
    other = marks("other", serial="AK10011", model="AKM", year=1978)
    result = Matcher([*lot, other]).trace(item("AK1000?", model="AKM"), limit=5)
    assert result.decision == "possible"
    assert {c.record for c in result.candidates} >= {r.id for r in lot}
    assert len(result.candidates) <= 10 + 5
    assert (
        Matcher([*lot, other]).trace(item("AK10003", model="AKM"), limit=5).candidates[0].record
        == "row-3"
    )
