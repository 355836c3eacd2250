"""The development set is data other code trusts: every report has one gold line in the shared words."""

import json
from pathlib import Path

import pytest

import armtrace.reports
from armtrace.reference.places import load_gazetteer
from armtrace.reports.readers import read_file
from armtrace.vocabulary import ACTOR_ROLES, GRADES, INCIDENT_TYPES, WEAPON_CATEGORIES

DEVSET = Path(armtrace.reports.__file__).parent / "devset"


@pytest.mark.parametrize("split", ["dev", "test"])
def test_every_report_has_one_gold_line_in_the_shared_vocabulary(split: str) -> None:
    lines = [json.loads(line) for line in (DEVSET / f"{split}.gold.jsonl").read_text().splitlines()]
    gold = {line["id"]: line for line in lines}
    assert len(gold) == len(lines), "one gold line per report"
    files = sorted(DEVSET.joinpath(split).glob("*.txt"))
    assert sorted(gold) == [f.stem for f in files]
    gazetteer = load_gazetteer()
    for path in files:
        [report] = list(read_file(path))
        line = gold[path.stem]
        assert line["published"] == report.published.isoformat(), path.stem
        for incident in line["incidents"]:
            assert incident["type"] in INCIDENT_TYPES, path.stem
            assert incident["grade"] in GRADES, path.stem
            assert all(w["category"] in WEAPON_CATEGORIES for w in incident["weapons"]), path.stem
            assert all(a["role"] in ACTOR_ROLES for a in incident["actors"]), path.stem
            countries = [incident[k] for k in ("origin", "destination", "location")]
            for code in [c for c in countries + incident["via"] if c]:
                assert gazetteer.country(code) is not None, (path.stem, code)
