"""`armtrace demo`: the bundled sample reports into a fresh database, and what was found."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from armtrace.analysis.flows import FlowFilter
from armtrace.analysis.report import write_report
from armtrace.cli.common import console, store_for
from armtrace.cli.incidents import print_summary
from armtrace.cli.reports import report_result, run_ingest
from armtrace.reports.readers import iter_files
from armtrace.store.db import database_url

DEMO_DB = "armtrace-demo.db"
REPORT = "armtrace-demo.html"


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def sample_reports() -> Path:
    return Path(str(resources.files("armtrace.reports").joinpath("devset")))


def demo(
    db: Annotated[
        str, typer.Option("--db", help="Where to write (replaced if it exists)")
    ] = DEMO_DB,
) -> None:
    """Ingest the bundled sample reports into a fresh database and summarise them."""
    url = database_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = store_for(url)
    files = list(iter_files([sample_reports()]))
    files = [f for f in files if not str(f).endswith(".jsonl")]  # gold annotations, not reports
    result = run_ingest(store, files)
    report_result(result)
    print_summary(store)
    console.print(f"\nwrote {store.url} — try: armtrace incidents --db {db}")
    # the printable report beside the database (or in the working folder for a server URL)
    sqlite = url.startswith("sqlite:///")
    html = Path(url.removeprefix("sqlite:///")).with_suffix(".html") if sqlite else Path(REPORT)
    with store.session() as session:
        write_report(session, FlowFilter(), html, "armtrace demo: arms flows in the sample reports")
    console.print(f"report: {html.resolve()} (self-contained HTML; print it to PDF from a browser)")
    if not result.ok:
        raise typer.Exit(1)
