"""records / items / trace / trace-requests commands, driven as a user drives them (SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from armtrace.cli import app

FIXTURES = Path(__file__).with_name("fixtures")
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_import_trace_confirm_request(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = run(
        "records",
        "import",
        str(FIXTURES / "stockpile_broken.csv"),
        "--kind",
        "stockpile",
        "--db",
        db,
    )
    assert result.exit_code == 1
    assert "row 4: year 'nineteen' is not a whole number" in result.output
    assert "3 imported, 0 already present, 8 rejected" in result.output
    again = run(
        "records",
        "import",
        str(FIXTURES / "stockpile_broken.csv"),
        "--kind",
        "stockpile",
        "--db",
        db,
    )
    assert "0 imported, 3 already present" in again.output

    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"jpeg")
    added = run("items", "add", "--id", "gao-1", "--serial", "AK 1-4?72", "--model", "AKM",
                "--photo", str(photo), "--country", "Mali", "--db", db)  # fmt: skip
    assert added.exit_code == 0 and "gao-1" in added.output
    assert "gao-1" in run("items", "list", "--db", db).output

    lines = run("trace", "--format", "jsonl", "--db", db).output.strip().splitlines()
    (line,) = [json.loads(x) for x in lines]
    assert line["item"] == "gao-1" and line["decision"] == "match"
    best = line["candidates"][0]
    assert set(best) == {"record", "score", "agreements", "disagreements"}
    assert "model: AKM" in best["agreements"]

    confirmed = run("trace", "confirm", "gao-1", best["record"], "--analyst", "J. Doe", "--db", db)
    assert confirmed.exit_code == 0
    line = json.loads(run("trace", "--item", "gao-1", "--db", db).output)
    assert line["candidates"][0]["analyst"] == "confirmed"
    assert "J. Doe" in run("trace", "history", "gao-1", "--db", db).output
    custody = run("trace", "custody", "gao-1", "--db", db).output
    assert "point of diversion: held by Ministry of Defence at Depot 7" in custody

    created = run("trace-requests", "create", "gao-1", "--state", "RU", "--reason", "embargo",
                  "--intended-use", "report", "--requester", "Panel", "--db", db)  # fmt: skip
    rid = created.output.strip()
    assert (
        run(
            "trace-requests", "status", rid, "sent", "--by", "jd", "--on", "2024-01-01", "--db", db
        ).exit_code
        == 0
    )
    assert "overdue" in run("trace-requests", "list", "--db", db).output
    assert "RU" in run("trace-requests", "stats", "--db", db).output
    assert "# Trace request" in run("trace-requests", "show", rid, "--db", db).output
    assert (
        "<!DOCTYPE html>"
        in run("trace-requests", "show", rid, "--format", "html", "--db", db).output
    )


def test_items_import_reports_missing_photo(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    sheet = tmp_path / "items.csv"
    sheet.write_text("id,serial,model,photos\na,AK1,AKM,\nb,AK2,AKM,missing.jpg\n")
    result = run("items", "import", str(sheet), "--db", db)
    assert result.exit_code == 1
    assert "row 3: photo" in result.output and "1 imported" in result.output
