"""The armtrace command line. Each command is a thin layer over a library function."""

from __future__ import annotations

import typer

from armtrace.cli import analysis, demo, incidents, records, reports, web

app = typer.Typer(
    name="armtrace",
    help="Track and trace small arms and light weapons: reports → incidents with provenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
reports.register(app)
incidents.register(app)
demo.register(app)
records.register(app)
analysis.register(app)
web.register(app)

__all__ = ["app"]
