"""Commands for stored incidents: incidents (table), export, summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from armtrace.analysis.summary import counts_by_country, counts_by_type, top_flows, totals
from armtrace.cli.common import DbOption, console, out, store_for
from armtrace.exports import FORMATS, write_export
from armtrace.store.queries import IncidentFilter, incident_record, iter_incidents
from armtrace.vocabulary import GRADES, INCIDENT_TYPES, WEAPON_CATEGORIES

TypeOption = Annotated[str | None, typer.Option("--type", help="Incident type")]
CountryOption = Annotated[
    str | None,
    typer.Option("--country", help="ISO2 country: where it happened, origin or destination"),
]
CategoryOption = Annotated[str | None, typer.Option("--category", help="Weapon category")]
GradeOption = Annotated[str | None, typer.Option("--grade", help="Grade at least")]
SinceOption = Annotated[str | None, typer.Option("--since", help="From date YYYY[-MM[-DD]]")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Until date YYYY[-MM[-DD]]")]
AllOption = Annotated[
    bool, typer.Option("--all", help="Include negated, hypothetical and historical claims")
]


def register(app: typer.Typer) -> None:
    app.command("incidents")(list_incidents)
    app.command("export")(export)
    app.command("summary")(summary)


def _filter(
    type_: str | None,
    country: str | None,
    category: str | None,
    grade: str | None,
    since: str | None,
    until: str | None,
    everything: bool,
) -> IncidentFilter:
    for value, allowed, name in (
        (type_, INCIDENT_TYPES, "--type"),
        (category, WEAPON_CATEGORIES, "--category"),
        (grade, GRADES, "--grade"),
    ):
        if value is not None and value not in allowed:
            console.print(f"[red]error:[/] {name} {value!r} is not one of: {', '.join(allowed)}")
            raise typer.Exit(2)
    return IncidentFilter(
        type=type_,
        country=country,
        category=category,
        grade_at_least=grade,
        since=since,
        until=until,
        include_unasserted=everything,
    )


def list_incidents(
    db: DbOption = None,
    type_: TypeOption = None,
    country: CountryOption = None,
    category: CategoryOption = None,
    grade: GradeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    everything: AllOption = False,
    limit: Annotated[int, typer.Option(help="At most this many rows")] = 50,
) -> None:
    """List incidents as a table."""
    where = _filter(type_, country, category, grade, since, until, everything)
    store = store_for(db)
    table = Table()
    for col in (
        "id",
        "date",
        "type",
        "place",
        "origin → destination",
        "weapons",
        "actors",
        "grade",
    ):
        table.add_column(col)
    with store.session() as session:
        for inc in iter_incidents(session, where, limit):
            flow = (
                f"{inc.origin or '?'} → {inc.destination or '?'}"
                if (inc.origin or inc.destination)
                else ""
            )
            via = f" via {','.join(inc.via)}" if inc.via else ""
            weapons = ", ".join(
                f"{w.quantity_text or w.quantity or ''} {w.model or w.category}".strip()
                for w in inc.weapons
            )
            place = ", ".join(p for p in (inc.place, inc.country) if p)
            actors = ", ".join(f"{a.name} ({a.role})" for a in inc.actors)
            table.add_row(
                inc.id, inc.date or "", inc.type, place, flow + via, weapons, actors, inc.grade
            )
    out.print(table)


# FollowTheMoney entities (for Aleph and OpenSanctions tools) are written by exports.ftm, not by the
# incident-record writers: actors and items are entities of their own there.
EXPORT_FORMATS = (*FORMATS, "ftm")


def export(
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of {', '.join(EXPORT_FORMATS)}")
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default stdout)")
    ] = None,
    db: DbOption = None,
    type_: TypeOption = None,
    country: CountryOption = None,
    category: CategoryOption = None,
    grade: GradeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    everything: AllOption = False,
) -> None:
    """Export incidents with their provenance as JSON lines, CSV, GeoJSON, or FollowTheMoney entities
    (ftm: actors, incidents and the items documented in them, JSON lines for Aleph)."""
    if fmt not in EXPORT_FORMATS:
        console.print(f"[red]error:[/] --format {fmt!r} is not one of: {', '.join(EXPORT_FORMATS)}")
        raise typer.Exit(2)
    where = _filter(type_, country, category, grade, since, until, everything)
    store = store_for(db)
    with store.session() as session:
        if output is None:
            n = _write(session, where, fmt, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as fh:
                n = _write(session, where, fmt, fh)
    what = "FtM entities" if fmt == "ftm" else "incidents"
    console.print(f"{n} {what} exported" + (f" to {output}" if output else ""))


def _write(session: Session, where: IncidentFilter, fmt: str, out: TextIO) -> int:
    if fmt == "ftm":
        from armtrace.exports.ftm import write_ftm

        everything = where == IncidentFilter()  # no filter: every asserted incident, as export-ftm
        only = None if everything else {i.id for i in iter_incidents(session, where)}
        return write_ftm(session, out, only)
    return write_export((incident_record(i) for i in iter_incidents(session, where)), fmt, out)


def summary(db: DbOption = None) -> None:
    """Incidents by type and country, and the top flows origin → destination."""
    print_summary(store_for(db))


def print_summary(store) -> None:  # type: ignore[no-untyped-def]
    with store.session() as session:
        n_sources, n_incidents = totals(session)
        out.print(f"[bold]{n_incidents}[/] incidents from [bold]{n_sources}[/] reports")
        by_type = Table(title="Incidents by type")
        by_type.add_column("type")
        by_type.add_column("incidents", justify="right")
        for t, n in counts_by_type(session):
            by_type.add_row(t, str(n))
        by_country = Table(title="Incidents by country")
        by_country.add_column("country")
        by_country.add_column("incidents", justify="right")
        for c, n in counts_by_country(session):
            by_country.add_row(c, str(n))
        flows = Table(title="Top flows")
        for col in ("origin", "destination", "incidents", "sources"):
            flows.add_column(col, justify="right" if col in {"incidents", "sources"} else "left")
        for f in top_flows(session):
            flows.add_row(f.origin, f.destination, str(f.incidents), str(f.sources))
    out.print(by_type)
    out.print(by_country)
    out.print(flows)
