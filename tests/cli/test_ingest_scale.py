"""`armtrace ingest --workers/--scheduler`, and bad input that never stops a batch."""

from __future__ import annotations

import json
from pathlib import Path

import dask
from distributed import LocalCluster
from typer.testing import CliRunner

from armtrace.cli import app
from tests.reports.pdfs import make_pdf

FIXTURES = Path(__file__).parents[1] / "reports" / "fixtures"
runner = CliRunner()


def _bad_inputs(folder: Path) -> Path:
    folder.mkdir()
    with (folder / "huge.txt").open("wb") as handle:  # sparse: 200 MB on paper, no disk used
        handle.truncate(200 * 1024 * 1024)
    (folder / "scan.pdf").write_bytes(make_pdf([[], []]))
    (folder / "app.html").write_bytes((FIXTURES / "html" / "scripts.html").read_bytes())
    (folder / "panel.pdf").write_bytes(
        make_pdf([["Annex."], ["Police seized 40 Grad rockets near Sollum on 12 March 2013."]])
    )
    return folder


def _ingest(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["ingest", *args], catch_exceptions=False)


def test_local_workers_ingest_and_name_every_bad_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    bad = _bad_inputs(tmp_path / "in")
    result = _ingest(str(FIXTURES / "sollum.txt"), str(bad), "--db", db, "--workers", "2")
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "2 reports added" in out and "3 failed" in out
    assert "huge.txt: too large (200.0 MiB > limit 64.0 MiB)" in out
    assert "scan.pdf: no text layer (scanned?)" in out
    assert "app.html: no main text" in out
    export = runner.invoke(app, ["export", "--format", "jsonl", "--db", db]).stdout
    records = [json.loads(line) for line in export.splitlines() if line.startswith("{")]
    pages = [s["value"] for r in records for s in r["statements"] if s["field"] == "page"]
    assert pages == ["2"]


def test_existing_scheduler_and_resume(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        first = _ingest(str(FIXTURES / "same_event"), "--db", db, "--scheduler", address)
        assert first.exit_code == 0 and "5 reports added" in first.output
        again = _ingest(str(FIXTURES / "same_event"), "--db", db, "--scheduler", address)
        assert "0 reports added" in again.output and "5 already present" in again.output


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = _ingest(
            str(FIXTURES / "sollum.txt"), "--db", db, "--scheduler", "tcp://127.0.0.1:9"
        )
    assert result.exit_code == 2 and "cannot reach the Dask scheduler" in result.output
