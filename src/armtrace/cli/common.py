"""Options and helpers shared by the command modules."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from armtrace.store import Store, open_store

# Messages for people go to stderr; tables and data to stdout. Piped output is not cut to 80 columns.
console = Console(stderr=True, width=None if sys.stderr.isatty() else 120)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL or SQLite path [env: ARMTRACE_DATABASE_URL; "
        "default: sqlite:///armtrace.db]",
        show_default=False,
    ),
]


def store_for(db: str | None) -> Store:
    try:
        return open_store(db)
    except Exception as exc:  # a wrong URL or an unreachable server: say which, no traceback
        console.print(f"[red]error:[/] cannot open database {db or ''}: {exc}")
        raise typer.Exit(2) from exc
