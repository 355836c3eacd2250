"""Commands for analysis: flows, routes, actors (and, in later slices, screening and reports)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from armtrace.analysis import render, screening
from armtrace.analysis.att import Assessment, Section, assess
from armtrace.analysis.embargoes import load_embargoes
from armtrace.analysis.flows import (
    Aggregate,
    FlowFilter,
    actor_flows,
    country_flows,
    transit_routes,
)
from armtrace.analysis.report import write_report
from armtrace.analysis.sanctions import import_list
from armtrace.analysis.stock import Range, accounts
from armtrace.cli.common import DbOption, console, out, store_for
from armtrace.reference.actors import load_actors
from armtrace.vocabulary import GRADES, WEAPON_CATEGORIES

SinceOption = Annotated[str | None, typer.Option("--since", help="From date YYYY[-MM[-DD]]")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Until date YYYY[-MM[-DD]]")]
CategoryOption = Annotated[str | None, typer.Option("--category", help="Weapon category")]
GradeOption = Annotated[
    str | None, typer.Option("--grade", help=f"Grade at least ({', '.join(GRADES)})")
]
CountryOption = Annotated[
    str | None, typer.Option("--country", help="ISO2: origin, destination or transit")
]
ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Actor id (e.g. aqim) or name as written")
]
FormatOption = Annotated[str, typer.Option("--format", help=f"One of {', '.join(render.FORMATS)}")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="File (default stdout)")]
LimitOption = Annotated[int, typer.Option(help="At most this many rows in a table")]


def register(app: typer.Typer) -> None:
    app.command("flows")(flows)
    app.command("routes")(routes)
    app.command("actors")(actors)
    app.command("embargoes")(embargoes)
    app.command("sanctions-import")(sanctions_import)
    app.command("screen")(screen)
    app.command("screen-exempt")(screen_exempt)
    app.command("stock")(stock)
    app.command("recapture")(recapture)
    app.command("att-assess")(att_assess)
    app.command("report")(report)
    app.command("national-report")(national_report)
    app.command("export-ftm")(export_ftm)


def flow_filter(
    since: str | None,
    until: str | None,
    category: str | None,
    grade: str | None,
    country: str | None,
    actor: str | None,
) -> FlowFilter:
    for value, allowed, name in (
        (category, WEAPON_CATEGORIES, "--category"),
        (grade, GRADES, "--grade"),
    ):
        if value is not None and value not in allowed:
            console.print(f"[red]error:[/] {name} {value!r} is not one of: {', '.join(allowed)}")
            raise typer.Exit(2)
    return FlowFilter(since, until, category, grade, country, actor)


def _label(node: str) -> str:
    """Reference actors by their canonical name; countries and free names as they are."""
    try:
        return load_actors().get(node).name
    except KeyError:
        return node


def _counts(counter: dict[str, int], limit: int = 4) -> str:
    return ", ".join(f"{k} {v}" for k, v in list(counter.items())[:limit])


def _table(title: str, aggregates: list[Aggregate], limit: int) -> Table:
    table = Table(title=title)
    for col in ("path", "incidents", "items", "categories", "grades", "window", "sources"):
        table.add_column(col, justify="right" if col in {"incidents", "items"} else "left")
    for agg in aggregates[:limit]:
        d = agg.as_dict()
        items = f"{d['items']}" + (f" +{d['unquantified_mentions']}?" if agg.unquantified else "")
        window = f"{d['first'] or '?'} – {d['last'] or '?'}" if d["first"] else "undated"
        table.add_row(
            " → ".join(_label(n) for n in agg.path),
            str(d["incidents"]),
            items,
            _counts(d["categories"]),
            _counts(d["grades"]),
            window,
            ", ".join(s[:10] for s in d["source_ids"][:3])
            + (f" +{len(d['source_ids']) - 3}" if len(d["source_ids"]) > 3 else ""),
        )
    return table


def _emit(
    aggregates: list[Aggregate], fmt: str, output: Path | None, title: str, limit: int
) -> None:
    if fmt not in render.FORMATS:
        console.print(f"[red]error:[/] --format {fmt!r} is not one of: {', '.join(render.FORMATS)}")
        raise typer.Exit(2)
    if fmt == "table":
        out.print(_table(title, aggregates, limit))
        if len(aggregates) > limit:
            console.print(f"{len(aggregates) - limit} more rows: --limit, or --format json")
        return
    writers: dict[str, Callable[[list[Aggregate], TextIO], object]] = {
        "json": render.write_json,
        "csv": render.write_csv,
        "geojson": render.write_geojson,
    }
    if output is None:
        writers[fmt](aggregates, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as fh:
            writers[fmt](aggregates, fh)
        console.print(f"{len(aggregates)} rows written to {output}")


def _run(
    db: str | None,
    flt: FlowFilter,
    compute: Callable[[Session, FlowFilter], list[Aggregate]],
    fmt: str,
    output: Path | None,
    title: str,
    limit: int,
) -> None:
    store = store_for(db)
    with store.session() as session:
        aggregates = compute(session, flt)
    _emit(aggregates, fmt, output, title, limit)


def _flow_command(compute: Callable, title: str, doc: str) -> Callable[..., None]:
    """flows, routes and actors take the same filters and formats; only the aggregation differs."""

    def command(
        db: DbOption = None,
        since: SinceOption = None,
        until: UntilOption = None,
        category: CategoryOption = None,
        grade: GradeOption = None,
        country: CountryOption = None,
        actor: ActorOption = None,
        fmt: FormatOption = "table",
        output: OutputOption = None,
        limit: LimitOption = 30,
    ) -> None:
        flt = flow_filter(since, until, category, grade, country, actor)
        _run(db, flt, compute, fmt, output, title, limit)

    command.__doc__ = doc
    return command


flows = _flow_command(
    country_flows,
    "Flows (origin → destination)",
    "Country-to-country flows of asserted incidents, with items, grades and sources.",
)
routes = _flow_command(
    transit_routes,
    "Transit routes",
    "Transit routes (origin → transit countries → destination) from the via lists.",
)
actors = _flow_command(
    actor_flows,
    "Actor chains (supplier → trafficker → recipient)",
    "Actor-to-actor chains: supplier → trafficker → recipient.",
)


def embargoes() -> None:
    """The UN arms embargoes armtrace screens against, with their resolutions and citations."""
    table = Table(title="UN Security Council arms embargoes (data/embargoes.yaml)")
    for col in ("id", "target", "scope", "in force", "resolutions", "listed entities"):
        table.add_column(col)
    for e in load_embargoes():
        table.add_row(
            e.id,
            e.name,
            e.scope + (f" ({e.region})" if e.region else ""),
            f"{e.start} – {e.end or 'now'}",
            ", ".join(r.label for r in e.resolutions),
            ", ".join(f"{x.actor} {x.listed}" for x in e.listed),
        )
    out.print(table)


def sanctions_import(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    db: DbOption = None,
) -> None:
    """Import the UN consolidated list (.xml) or an OpenSanctions FollowTheMoney export (.json)."""
    store = store_for(db)
    failed = False
    for path in files:
        try:
            with store.session() as session:
                n, matched = import_list(session, path)
                session.commit()
        except (ValueError, OSError) as exc:  # a malformed file is named, the others still import
            console.print(f"[red]{path}:[/] {exc}")
            failed = True
            continue
        console.print(f"{path}: {n} listings, {matched} matched to known actors")
    if failed:
        raise typer.Exit(1)


def _flag_row(flag) -> list[str]:  # type: ignore[no-untyped-def]
    evidence = json.loads(flag.evidence)
    quote = next((e["text"] for e in evidence if e["field"] == "evidence"), "")
    quote = quote or next((e["text"] for e in evidence), "")
    sources = sorted({e["source"][:10] for e in evidence})
    return [
        flag.id[:10],
        f"item {flag.item_id[:9]}" if flag.item_id else (flag.incident_id or "")[:14],
        flag.incident_date or f"≤ published ({flag.date_basis})",
        f"{flag.embargo_id}: {flag.basis} {_label(flag.target)}",
        flag.resolutions,
        flag.certainty,
        flag.grade,
        (quote[:90] + "…") if len(quote) > 90 else quote,
        ", ".join(sources),
        flag.status + (f": {flag.exemption_reason}" if flag.exemption_reason else ""),
    ]


def screen(
    db: DbOption = None,
    status: Annotated[str | None, typer.Option(help="open | exempted")] = None,
    embargo: Annotated[
        str | None, typer.Option(help="Embargo id (see: armtrace embargoes)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Flag transfers and trafficking into (or out of) embargoed places or to listed groups, and
    traced items whose transfer record's importer, exporter or end user was under embargo."""
    store = store_for(db)
    with store.session() as session:
        total, new = screening.screen(session)
        flags = screening.list_flags(session, status, embargo)
    console.print(f"{total} flags ({new} new)")
    if fmt == "json":
        rows = [{c.name: getattr(f, c.name) for c in f.__table__.columns} for f in flags]
        for row in rows:
            row["evidence"] = json.loads(row["evidence"])
        out.print_json(json.dumps(rows, default=str, ensure_ascii=False))
        return
    table = Table(title="Embargo screening")
    for col in (
        "flag",
        "incident / item",
        "date",
        "embargo: basis",
        "resolutions",
        "certainty",
        "grade",
        "evidence",
        "sources",
        "status",
    ):
        table.add_column(col)
    for flag in flags:
        table.add_row(*_flag_row(flag))
    out.print(table)


def screen_exempt(
    flag: Annotated[str, typer.Argument(help="Flag id (or a unique prefix)")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is exempted (recorded)")],
    analyst: Annotated[str, typer.Option("--analyst", help="Who decides (recorded)")],
    db: DbOption = None,
) -> None:
    """Mark a screening flag exempted, with the reason (e.g. Committee approval under 2009 (2011))."""
    store = store_for(db)
    with store.session() as session:
        try:
            done = screening.exempt(session, flag, reason, analyst)
        except (KeyError, ValueError) as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from exc
    console.print(f"flag {done.id[:10]} exempted by {analyst}: {reason}")


def _range(r: Range | None) -> str:
    if r is None:
        return "—"
    high = "open" if r.high == float("inf") else f"{r.high:,.0f}"
    return f"{r.low:,.0f}" if r.low == r.high else f"{r.low:,.0f}–{high}"


def stock(
    holder: Annotated[str, typer.Option("--holder", help="ISO2 country whose stocks are counted")],
    category: CategoryOption = None,
    db: DbOption = None,
) -> None:
    """Declared holdings, what is accounted for, and the unaccounted range, with the incidents behind."""
    store = store_for(db)
    table = Table(title=f"Stock accounting: {holder.upper()}")
    for col in ("category", "declared", "accounted for", "unaccounted", "incidents"):
        table.add_column(col)
    with store.session() as session:
        for a in accounts(session, holder, category):
            parts = ", ".join(f"{k} {_range(v)}" for k, v in a.accounted.items())
            refs = "; ".join(f"{k}: {', '.join(i[:12] for i in v)}" for k, v in a.incidents.items())
            table.add_row(a.category, _range(a.declared), parts, _range(a.unaccounted), refs)
    out.print(table)


def recapture(
    category: CategoryOption = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO2 where documented")] = None,
    db: DbOption = None,
) -> None:
    """Capture–recapture estimate of the total from items documented by several sources."""
    store = store_for(db)
    with store.session() as session:
        # statistics libraries take seconds to import: only this command needs them
        from armtrace.analysis.capture import estimate, item_sightings

        sightings = item_sightings(session, category, country)
    try:
        e = estimate(sightings)
    except ValueError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    out.print(
        f"{e.method}: {e.observed} distinct items seen by {e.sources} sources; "
        f"estimated total {e.total:,.0f} (95% interval {e.low:,.0f}–{e.high:,.0f})"
    )
    for note in e.notes:
        out.print(f"  note: {note}")


def _evidence_line(entry: dict) -> str:
    """One evidence entry as a line of the table: what it is and what it rests on."""
    if "incident" in entry:
        quote = (entry["quote"] or {}).get("text", "")
        where = f"{entry['origin'] or '?'} → {entry['destination'] or entry['country'] or '?'}"
        if not entry["origin"] and not entry["destination"]:
            where = f"in {entry['country'] or '?'}"
        return (
            f"{entry['date'] or 'undated'} {entry['type']} {where} [{entry['grade']}] "
            f"incident {entry['incident']}; sources {', '.join(s[:10] for s in entry['sources'])}; "
            f"{'; '.join(entry['why'])}" + (f'\n  "{quote}"' if quote else "")
        )
    if "embargo" in entry:
        labels = ", ".join(r["label"] for r in entry["resolutions"])
        return f"{entry['party']}: {entry['name']} ({entry['why']}) {entry['status']}; {labels}"
    kind, value = next(iter(entry.items()))
    if kind in ("flow", "transit_route"):
        return (
            f"{' → '.join(value['path'])}: {value['incidents']} incidents, {value['items']} items; "
            f"incidents {', '.join(i[:14] for i in value['incident_ids'][:4])}"
            + (" …" if len(value["incident_ids"]) > 4 else "")
        )
    return f"{kind}: " + ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)


def _att_table(section: Section, limit: int) -> Table:
    table = Table(title=section.title, show_header=False, title_justify="left")
    table.add_column("evidence")
    indicators = "; ".join(f"{k}: {v}" for k, v in section.indicators.items())
    table.add_row(f"[bold]indicators[/] {indicators}")
    for entry in section.evidence[:limit]:
        table.add_row(_evidence_line(entry))
    if len(section.evidence) > limit:
        table.add_row(f"… {len(section.evidence) - limit} more: --limit, or --format json")
    for note in section.notes:
        table.add_row(f"[dim]note: {note}[/]")
    return table


def _print_assessment(a: Assessment, limit: int) -> None:
    party = f" (end user {a.end_user})" if a.end_user else ""
    out.print(f"ATT risk evidence: export {a.exporter} → {a.importer}{party}, as of {a.as_of}")
    out.print("Evidence and indicators only: the assessment and the decision are the analyst's.")
    for section in a.sections:
        out.print(_att_table(section, limit))
    out.print("Sources:")
    for sid, src in sorted(a.sources.items()):
        out.print(f"  {sid[:10]}  {src['title'] or '(untitled)'}  {src['url'] or ''}")


def att_assess(
    exporter: Annotated[str, typer.Option("--exporter", help="Exporting state, ISO2")],
    importer: Annotated[str, typer.Option("--importer", help="Importing state, ISO2")],
    end_user: Annotated[
        str | None, typer.Option("--end-user", help="ISO2, actor id or actor name")
    ] = None,
    category: CategoryOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date embargoes are read at (default today)")
    ] = None,
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    limit: LimitOption = 15,
) -> None:
    """Evidence for an ATT export risk assessment (embargoes, diversion, onward flows, misuse,
    trace cooperation), each with its citations. No decision is made."""
    if category is not None and category not in WEAPON_CATEGORIES:
        console.print(f"[red]error:[/] --category {category!r} is not a weapon category")
        raise typer.Exit(2)
    store = store_for(db)
    try:
        when = date.fromisoformat(as_of) if as_of else None
        with store.session() as session:
            result = assess(session, exporter, importer, end_user, category, when)
    except ValueError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    if fmt == "json":
        out.print_json(json.dumps(result.as_dict(), ensure_ascii=False, default=str))
        return
    _print_assessment(result, limit)


def report(
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    category: CategoryOption = None,
    grade: GradeOption = None,
    country: CountryOption = None,
    actor: ActorOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write")] = Path(
        "report.html"
    ),
    title: Annotated[str, typer.Option(help="Title at the top of the report")] = (
        "Arms flows report"
    ),
    limit: Annotated[int, typer.Option(help="At most this many rows per table")] = 25,
) -> None:
    """One self-contained HTML report (map, charts, tables, source notes) to read offline or print."""
    flt = flow_filter(since, until, category, grade, country, actor)
    store = store_for(db)
    with store.session() as session:
        done = write_report(session, flt, output, title, limit)
    console.print(
        f"report written to {output.resolve()} ({done.totals['incidents']} incidents, "
        f"{len(done.sources)} sources)"
    )


def national_report(
    country: Annotated[str, typer.Option("--country", help="ISO2 of the reporting state")],
    year: Annotated[int, typer.Option("--year", help="Reporting year")],
    fmt: Annotated[str, typer.Option("--format", help="md or csv")] = "md",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """ATT annual report tables (exports/imports by category, SALW included) and PoA/ITI report tables
    (marking, record-keeping, tracing cooperation) from imported records and trace requests."""
    from armtrace.analysis.national import national_report as build
    from armtrace.analysis.national import to_csv, to_markdown

    if fmt not in ("md", "csv"):
        console.print("[red]error:[/] --format must be md or csv")
        raise typer.Exit(2)
    store = store_for(db)
    with store.session() as session:
        result = build(session, country, year)
    text = to_markdown(result) if fmt == "md" else to_csv(result)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"national report written to {output}")
    else:
        sys.stdout.write(text)


def export_ftm(
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """Actors, incidents and items as FollowTheMoney entities (JSON lines) for Aleph / OpenSanctions."""
    from armtrace.exports.ftm import write_ftm

    store = store_for(db)
    with store.session() as session:
        if output:
            with output.open("w", encoding="utf-8") as fh:
                n = write_ftm(session, fh)
            console.print(f"{n} FtM entities written to {output}")
        else:
            write_ftm(session, sys.stdout)
