"""Commands for reports: init, ingest, extract, eval."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from armtrace.cli.common import DbOption, console, out, store_for
from armtrace.reports.document import Report
from armtrace.reports.evaluate import KINDS, LEVELS, load_jsonl, place_countries, score
from armtrace.reports.ingest import IngestResult, ingest_items, undated
from armtrace.reports.pipeline import default_pipeline, extract
from armtrace.reports.readers import (
    DEFAULT_MAX_BYTES,
    ReadError,
    iter_files,
    read_file,
    read_paths,
)
from armtrace.scale import DEFAULT_BATCH


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(ingest)
    app.command("extract")(extract_cmd)
    app.command("eval")(eval_cmd)


def init(db: DbOption = None) -> None:
    """Create the database (or bring its schema up to date)."""
    store = store_for(db)
    console.print(f"database ready: {store.url}")


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (.txt .md .html .pdf .jsonl)")
    ],
    db: DbOption = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Extract in parallel on a local Dask cluster of N worker processes"),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Extract on an existing Dask cluster (e.g. tcp://host:8786)"),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Reports per batch (one task, one transaction)")
    ] = DEFAULT_BATCH,
    max_size: Annotated[
        float, typer.Option(min=0.001, help="Refuse files (and JSONL lines) above this many MiB")
    ] = DEFAULT_MAX_BYTES / 2**20,
    published: Annotated[
        str | None,
        typer.Option(help="Publication date YYYY-MM-DD for reports that carry none"),
    ] = None,
) -> None:
    """Read reports, extract incidents and store them with their provenance."""
    store = store_for(db)
    files = list(iter_files(paths))
    limit = int(max_size * 2**20)
    default_date = _date_option(published)
    if workers is None and scheduler is None:
        result = run_ingest(store, files, max_bytes=limit, published=default_date)
    else:
        result = _ingest_parallel(store, files, workers, scheduler, batch_size, limit, default_date)
    report_result(result)
    if not result.ok:
        raise typer.Exit(1)


def _ingest_parallel(  # type: ignore[no-untyped-def]
    store,
    files: list,
    workers: int | None,
    scheduler: str | None,
    batch_size: int,
    limit: int,
    published: date | None = None,
) -> IngestResult:
    from armtrace.scale import ingest_on_cluster, open_client  # dask is slow to import

    try:
        with open_client(workers=workers, scheduler=scheduler) as client:

            def run(items):  # type: ignore[no-untyped-def]
                return ingest_on_cluster(store, items, client, batch_size=batch_size)

            return run_ingest(store, files, max_bytes=limit, runner=run, published=published)
    except OSError as exc:  # no scheduler at that address
        console.print(f"[red]error:[/] cannot reach the Dask scheduler {scheduler}: {exc}")
        raise typer.Exit(2) from exc


def run_ingest(  # type: ignore[no-untyped-def]
    store,
    files: list,
    max_bytes: int = DEFAULT_MAX_BYTES,
    runner=None,
    published: date | None = None,
) -> IngestResult:
    def items():  # type: ignore[no-untyped-def]
        for f in files:
            for item in [f] if isinstance(f, ReadError) else read_file(f, max_bytes):
                if published is not None and isinstance(item, Report) and item.published is None:
                    item.published = published  # the date the user gave for undated reports
                yield item
            progress.advance(task)

    with Progress(
        TextColumn("[bold]ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=len(files))
        if runner is not None:
            return runner(items())
        return ingest_items(store, items())


def report_result(result: IngestResult) -> None:
    console.print(
        f"{result.added} reports added ({result.asserted} incidents, and "
        f"{result.incidents - result.asserted} negated, hypothetical or historical claims kept apart), "
        f"{result.skipped} already present, {len(result.errors)} failed"
    )
    for error in result.errors:
        console.print(f"[red]error:[/] {error}", highlight=False)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)


def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="Report files (.txt .md .html .jsonl)")],
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD for reports that carry none")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Output format (jsonl)")] = "jsonl",
) -> None:
    """Extract incidents without a database: one JSON line per report on stdout."""
    if fmt != "jsonl":
        console.print(f"[red]error:[/] unknown format {fmt!r}; only jsonl")
        raise typer.Exit(2)
    default_date = _date_option(published)
    nlp = default_pipeline()
    failed = False
    for item in read_paths(files):
        if isinstance(item, ReadError):
            console.print(f"[red]error:[/] {item}", highlight=False)
            failed = True
            continue
        item.published = item.published or default_date
        if item.published is None:
            console.print(f"[yellow]warning:[/] {undated(item)}", highlight=False)
            failed = True
        incidents = [i for i in extract(item, nlp) if i.modality == "asserted"]
        line = {
            "id": item.key,
            "published": item.published.isoformat() if item.published else None,
            "incidents": [i.to_dict() for i in incidents],
        }
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    if failed:
        raise typer.Exit(1)


def _date_option(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        console.print(f"[red]error:[/] --published {value!r} is not YYYY-MM-DD")
        raise typer.Exit(2) from exc


def eval_cmd(
    gold: Annotated[Path, typer.Argument(help="Gold annotations (JSONL, extract shape)")],
    pred: Annotated[Path, typer.Argument(help="Predictions (JSONL from `armtrace extract`)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON")] = False,
) -> None:
    """Precision, recall and F1 per kind of fact, at fine and coarse category level."""
    try:
        gold_lines, pred_lines = load_jsonl(gold), load_jsonl(pred)
        scores = score(gold_lines, pred_lines)
        places = place_countries(gold_lines, pred_lines)
    except (OSError, ValueError, KeyError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        out.print_json(
            data={
                f"{k}/{lv}": {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                }
                for (k, lv), s in scores.items()
            }
            | {"place_country": {"right": places.tp, "wrong": places.fp, "share": places.precision}}
        )
        return
    table = Table(title=f"{gold.name} vs {pred.name}")
    table.add_column("fact")
    for level in LEVELS:
        for col in ("P", "R", "F1"):
            table.add_column(f"{level} {col}", justify="right")
    for kind in (*KINDS, "all"):
        cells = []
        for level in LEVELS:
            s = scores[(kind, level)]
            cells += [f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}"]
        table.add_row(kind, *cells)
    out.print(table)
    out.print(
        f"places: {places.tp} of {places.tp + places.fp} found incidents in the right country "
        f"({places.precision:.0%})"
    )
