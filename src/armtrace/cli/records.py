"""Commands for records and tracing: records, items, trace, trace-requests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from armtrace.cli.common import DbOption, console, out, store_for
from armtrace.records.importer import KINDS, RowError, import_records
from armtrace.records.items import ItemInput, add_item, import_items, list_items
from armtrace.tracing import requests as tr
from armtrace.tracing.engine import Thresholds
from armtrace.tracing.service import chain_of_custody, decide, decision_history, trace_items

records_app = typer.Typer(
    help="Registers: stockpile ledgers, transfers, collections, destructions."
)
items_app = typer.Typer(help="Weapons documented in the field.")
trace_app = typer.Typer(help="Match documented items to records; confirm or reject candidates.")
requests_app = typer.Typer(help="ITI trace requests: create, follow, measure.")

AnalystOption = Annotated[str, typer.Option("--analyst", help="Who decides (recorded)")]


def register(app: typer.Typer) -> None:
    app.add_typer(records_app, name="records")
    app.add_typer(items_app, name="items")
    app.add_typer(trace_app, name="trace")
    app.add_typer(requests_app, name="trace-requests")


def _print_errors(errors: list[tuple[int, str]], path: str) -> None:
    for number, reason in errors:
        console.print(f"[red]{path}: row {number}:[/] {reason}", soft_wrap=True)


@records_app.command("import")
def records_import(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    kind: Annotated[str, typer.Option("--kind", help="|".join(KINDS))],
    db: DbOption = None,
) -> None:
    """Import registers; broken rows are reported by row number, the rest imported (exit 1 if any)."""
    if kind not in KINDS:
        console.print(f"[red]error:[/] --kind must be one of {', '.join(KINDS)}")
        raise typer.Exit(2)
    store = store_for(db)
    failed = False
    for path in files:
        report = import_records(store, path, kind)
        _print_errors(report.errors, str(path))
        if report.ignored_columns:
            console.print(
                f"{path}: ignored columns: {', '.join(report.ignored_columns)}", soft_wrap=True
            )
        console.print(
            f"{path}: {report.imported} imported, {report.already_present} already present, "
            f"{len(report.errors)} rejected",
            soft_wrap=True,
        )
        failed |= bool(report.errors)
    raise typer.Exit(1 if failed else 0)


@items_app.command("import")
def items_import(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    db: DbOption = None,
) -> None:
    """Import documentation sheets of items (photos relative to the sheet's folder)."""
    store = store_for(db)
    failed = False
    for path in files:
        report = import_items(store, path)
        _print_errors(report.errors, str(path))
        console.print(
            f"{path}: {report.imported} imported, {report.already_present} already present, "
            f"{len(report.errors)} rejected",
            soft_wrap=True,
        )
        failed |= bool(report.errors)
    raise typer.Exit(1 if failed else 0)


@items_app.command("add")
def items_add(
    serial: Annotated[
        str | None, typer.Option(help="Serial as read; ? for each illegible character")
    ] = None,
    id: Annotated[
        str | None, typer.Option("--id", help="Your own id (default: from content)")
    ] = None,
    markings: Annotated[str | None, typer.Option(help="All markings as read")] = None,
    model: Annotated[str | None, typer.Option()] = None,
    category: Annotated[str | None, typer.Option()] = None,
    manufacturer: Annotated[str | None, typer.Option()] = None,
    calibre: Annotated[str | None, typer.Option()] = None,
    country_mark: Annotated[
        str | None, typer.Option(help="Country of manufacture as marked")
    ] = None,
    year_mark: Annotated[str | None, typer.Option()] = None,
    import_marks: Annotated[str | None, typer.Option()] = None,
    photo: Annotated[list[Path] | None, typer.Option("--photo", help="Repeatable")] = None,
    place: Annotated[str | None, typer.Option()] = None,
    country: Annotated[str | None, typer.Option(help="Where documented")] = None,
    date_: Annotated[str | None, typer.Option("--date", help="YYYY[-MM[-DD]]")] = None,
    context: Annotated[
        str | None, typer.Option(help="Seized from, found in, surrendered by…")
    ] = None,
    documented_by: Annotated[str | None, typer.Option()] = None,
    incident: Annotated[str | None, typer.Option(help="Incident id it was documented in")] = None,
    db: DbOption = None,
) -> None:
    """Add one documented item; prints its id."""
    data = ItemInput(
        serial=serial, id=id, markings=markings, model=model, category=category,
        manufacturer=manufacturer, calibre=calibre, country_mark=country_mark, year_mark=year_mark,
        import_marks=import_marks, photos=list(photo or []), place=place, country=country,
        date=date_, context=context, documented_by=documented_by, incident_id=incident,
    )  # fmt: skip
    try:
        item, new = add_item(store_for(db), data)
    except RowError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print("added" if new else "already present")
    out.print(item.id)


@items_app.command("list")
def items_list(db: DbOption = None) -> None:
    """List documented items."""
    table = Table("id", "serial", "model", "place", "date", "photos")
    for item in list_items(store_for(db)):
        table.add_row(
            item.id,
            item.serial or "",
            item.model or "",
            item.place or "",
            item.date or "",
            str(len(item.photos)),
        )
    out.print(table)


@trace_app.callback(invoke_without_command=True)
def trace(
    ctx: typer.Context,
    item: Annotated[
        list[str] | None, typer.Option("--item", help="Item id (repeatable; default all)")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="jsonl or table")] = "jsonl",
    match: Annotated[float, typer.Option(help="Score at least this is a match")] = 0.99,
    possible: Annotated[float, typer.Option(help="Score at least this is possible")] = 0.5,
    registered: Annotated[
        float,
        typer.Option(
            help="Prior that a documented weapon is registered (weighs a partial reading's"
            " unregistered look-alikes beside registered lots; see docs/tracing.md)"
        ),
    ] = Thresholds().registered,
    db: DbOption = None,
) -> None:
    """Trace items against the records: one JSON line per item with its explained candidates."""
    if ctx.invoked_subcommand is not None:
        return
    thresholds = Thresholds(match=match, possible=possible, registered=registered)
    results = trace_items(store_for(db), item, thresholds)
    if format == "jsonl":
        for result, verdicts in results:
            line = result.as_dict()
            for cand in line["candidates"]:
                if cand["record"] in verdicts:
                    cand["analyst"] = verdicts[cand["record"]]
            out.print(json.dumps(line, ensure_ascii=False), soft_wrap=True)
        return
    table = Table("item", "decision", "record", "score", "agreements", "disagreements")
    for result, _ in results:
        best = result.candidates[0] if result.candidates else None
        table.add_row(
            result.item, result.decision, best.record if best else "", f"{best.score:.3f}" if best else "",
            "; ".join(best.agreements) if best else "", "; ".join(best.disagreements) if best else "",
        )  # fmt: skip
    out.print(table)


def _decide(
    item: str, record: str, decision: str, analyst: str, note: str | None, db: str | None
) -> None:
    try:
        decide(store_for(db), item, record, decision, analyst, note)
    except (LookupError, ValueError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"{item} ↔ {record}: {decision} by {analyst}")


@trace_app.command("confirm")
def trace_confirm(
    item: str,
    record: str,
    analyst: AnalystOption,
    note: Annotated[str | None, typer.Option()] = None,
    db: DbOption = None,
) -> None:
    """Confirm that the item is the weapon of the record (recorded with who and when)."""
    _decide(item, record, "confirmed", analyst, note, db)


@trace_app.command("reject")
def trace_reject(
    item: str,
    record: str,
    analyst: AnalystOption,
    note: Annotated[str | None, typer.Option()] = None,
    db: DbOption = None,
) -> None:
    """Reject a candidate record for the item (recorded with who and when)."""
    _decide(item, record, "rejected", analyst, note, db)


@trace_app.command("history")
def trace_history(item: str, db: DbOption = None) -> None:
    """Every confirm and reject on the item, oldest first."""
    table = Table("when", "record", "decision", "analyst", "note")
    for row in decision_history(store_for(db), item):
        table.add_row(
            row.decided_at.isoformat(timespec="seconds"),
            row.record_id,
            row.decision,
            row.analyst,
            row.note or "",
        )
    out.print(table)


@trace_app.command("custody")
def trace_custody(item: str, db: DbOption = None) -> None:
    """Chain of custody and point of diversion from the confirmed records."""
    custody = chain_of_custody(store_for(db), item)
    for step in custody.steps:
        out.print(
            f"{step.date or '?':>10}  {step.stage:<12} {step.text}"
            + (f"  [{step.record}]" if step.record else ""),
            markup=False,
            soft_wrap=True,
        )
    where = custody.diversion.text if custody.diversion else "unknown"
    out.print(
        f"point of diversion: {where} ({custody.diversion_reason})", markup=False, soft_wrap=True
    )


@requests_app.command("create")
def requests_create(
    item: str,
    state: Annotated[str, typer.Option(help="Requested state: manufacture or last legal import")],
    reason: Annotated[str, typer.Option(help="Why the weapon is considered illicit")],
    intended_use: Annotated[str, typer.Option(help="Intended use of the information")],
    requester: Annotated[str, typer.Option(help="Requesting party")],
    db: DbOption = None,
) -> None:
    """Create a draft trace request; prints its id."""
    try:
        request = tr.create_request(store_for(db), item, state, reason, intended_use, requester)
    except (LookupError, ValueError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    out.print(str(request.id))


@requests_app.command("show")
def requests_show(
    request: int,
    format: Annotated[str, typer.Option("--format", help="md or html")] = "md",
    db: DbOption = None,
) -> None:
    """The request as Markdown or printable HTML."""
    render = tr.render_html if format == "html" else tr.render_markdown
    out.print(render(store_for(db), request), markup=False, soft_wrap=True, end="")


@requests_app.command("status")
def requests_status(
    request: int,
    status: Annotated[str, typer.Argument(help="sent, acknowledged or answered")],
    by: Annotated[str, typer.Option("--by", help="Who records it")],
    on: Annotated[str | None, typer.Option(help="Date YYYY-MM-DD (default today)")] = None,
    note: Annotated[str | None, typer.Option()] = None,
    answer: Annotated[str | None, typer.Option(help="The answer, when answered")] = None,
    db: DbOption = None,
) -> None:
    """Record a status change of a request."""
    try:
        when = date.fromisoformat(on) if on else date.today()
        tr.update_status(store_for(db), request, status, when, by, note, answer)
    except (LookupError, ValueError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"request {request}: {status} on {when}")


OverdueOption = Annotated[int, typer.Option(help="Days after sending without answer: overdue")]


@requests_app.command("list")
def requests_list(
    overdue_days: OverdueOption = tr.DEFAULT_OVERDUE_DAYS, db: DbOption = None
) -> None:
    """Requests with their status (overdue computed from --overdue-days)."""
    table = Table("id", "item", "state", "status", "sent", "answered")
    for r in tr.list_requests(store_for(db)):
        status = tr.effective_status(r, date.today(), overdue_days)
        table.add_row(
            str(r.id), r.item_id, r.state, status, str(r.sent_on or ""), str(r.answered_on or "")
        )
    out.print(table)


@requests_app.command("stats")
def requests_stats(
    overdue_days: OverdueOption = tr.DEFAULT_OVERDUE_DAYS, db: DbOption = None
) -> None:
    """Response rate and median days to answer per requested state."""
    table = Table("state", "sent", "answered", "overdue", "response rate", "median days")
    for s in tr.response_stats(store_for(db), date.today(), overdue_days):
        rate = f"{s.response_rate:.0%}" if s.response_rate is not None else ""
        median = f"{s.median_days:g}" if s.median_days is not None else ""
        table.add_row(s.state, str(s.sent), str(s.answered), str(s.overdue), rate, median)
    out.print(table)
