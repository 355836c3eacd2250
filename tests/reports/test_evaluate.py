"""Scoring: facts per kind, and how often found incidents are placed in the right country."""

from armtrace.reports.evaluate import place_countries


def _incident(kind: str, location: str | None, category: str = "assault_rifle") -> dict:
    return {"type": kind, "location": location, "weapons": [{"category": category}]}


def test_place_countries_pairs_incidents_by_type_and_weapon_group() -> None:
    gold = {
        "r1": {"incidents": [_incident("seizure", "DZ"), _incident("use", "ML", "mortar")]},
        "r2": {"incidents": [_incident("looting", "LY")]},
    }
    pred = {
        # right country; wrong country; a looting found as a seizure is not paired
        "r1": {"incidents": [_incident("seizure", "DZ", "pistol"), _incident("use", "NE", "mortar")]},
        "r2": {"incidents": [_incident("seizure", "LY")]},
    }
    places = place_countries(gold, pred)
    assert (places.tp, places.fp, places.precision) == (1, 1, 0.5)
