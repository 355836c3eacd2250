"""The CLI, driven as a user drives it."""

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from armtrace.cli import app

FIXTURES = Path(__file__).parents[1] / "reports" / "fixtures"
runner = CliRunner()


def _run(*args: str) -> object:  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_ingest_reports_bad_files_and_exits_nonzero(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = _run("ingest", str(FIXTURES), "--db", db)
    assert result.exit_code == 1
    assert "latin1.txt: not UTF-8" in result.output
    assert "batch.jsonl:3: malformed JSON" in result.output
    assert "binary.txt: binary file" in result.output
    again = _run("ingest", str(FIXTURES / "sollum.txt"), "--db", db)
    assert (
        again.exit_code == 0
        and "0 reports added" in again.output
        and "1 already present" in again.output
    )


def test_incidents_export_and_summary(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    _run("ingest", str(FIXTURES / "sollum.txt"), str(FIXTURES / "page.html"), "--db", db)
    table = _run("incidents", "--db", db, "--type", "seizure")
    assert table.exit_code == 0 and "Sollum" in table.output
    export = _run("export", "--format", "jsonl", "--db", db)
    records = [json.loads(line) for line in export.stdout.splitlines() if line.startswith("{")]
    sollum = next(r for r in records if r["place"] == "Sollum")
    assert sollum["origin"] == "LY" and sollum["statements"] and sollum["sources"]
    geo = json.loads(_run("export", "--format", "geojson", "--db", db).stdout.splitlines()[0])
    assert geo["type"] == "FeatureCollection" and geo["features"]
    csv_out = _run("export", "--format", "csv", "--db", db).stdout
    assert csv_out.splitlines()[0].startswith("id,type,date")
    assert "Top flows" in _run("summary", "--db", db).output
    bad = _run("incidents", "--db", db, "--type", "robbery")
    assert bad.exit_code == 2 and "is not one of" in bad.output


def test_extract_prints_one_line_per_report_in_the_shared_vocabulary() -> None:
    result = _run("extract", str(FIXTURES / "sollum.txt"), str(FIXTURES / "mali.md"))
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["sollum", "mali"]
    incident = lines[0]["incidents"][0]
    assert set(incident) == {
        "type",
        "weapons",
        "origin",
        "via",
        "destination",
        "location",
        "place",
        "actors",
        "date",
        "grade",
        "evidence",
    }
    assert incident["type"] == "seizure" and incident["location"] == "EG"
    mali = lines[1]["incidents"]
    assert mali and all(i["grade"] == "alleged" for i in mali)


def test_extract_reads_jsonl_and_takes_a_default_publication_date(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "x1", "text": "Police seized 10 pistols in Gao on Monday."}) + "\n"
    )
    [line] = [
        json.loads(x)
        for x in _run("extract", str(src), "--published", "2013-03-14").stdout.splitlines()
    ]
    assert line["id"] == "x1" and line["published"] == "2013-03-14"
    assert line["incidents"][0]["date"] == "2013-03-11"


def test_eval_scores_gold_against_itself_perfectly(tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    pred.write_text(_run("extract", str(FIXTURES / "sollum.txt")).stdout)
    result = _run("eval", str(pred), str(pred), "--json")
    scores = json.loads(result.stdout)
    assert scores["all/coarse"]["f1"] == 1.0 and scores["event/fine"]["tp"] >= 1


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("armtrace")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    assert "ingest" in result.stdout and "extract" in result.stdout


def test_undated_report_is_ingested_with_a_warning_and_a_failing_exit(tmp_path: Path) -> None:
    src = tmp_path / "undated.txt"
    src.write_text("Police seized 10 pistols in Gao last week.\n")
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = _run("ingest", str(src), "--db", db)
    assert result.exit_code == 1
    assert "undated.txt: no publication date" in " ".join(result.output.split())
    assert "1 reports added" in result.output
    extracted = _run("extract", str(src))
    assert extracted.exit_code == 1 and json.loads(extracted.stdout)["incidents"][0]["date"] is None


def test_ingest_takes_a_publication_date_for_undated_reports(tmp_path: Path) -> None:
    src = tmp_path / "undated.txt"
    src.write_text("Police seized 10 pistols in Gao last week.\n")
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = _run("ingest", str(src), "--db", db, "--published", "2013-03-14")
    assert result.exit_code == 0 and "warning" not in result.output
    export = [
        json.loads(x) for x in _run("export", "--db", db).stdout.splitlines() if x.startswith("{")
    ]
    assert export[0]["date"] == "2013-03-04" and export[0]["date_precision"] == "week"
