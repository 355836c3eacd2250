"""Commands for the web app: serve, users (add, token, list) and audit (verify, log)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from armtrace.cli.common import DbOption, console, out, store_for
from armtrace.web.models import ROLES, User

users_app = typer.Typer(help="Users of the web app and their API tokens.", no_args_is_help=True)
audit_app = typer.Typer(
    help="The hash-chained audit log of changes by people.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (use about one per CPU core)")
    ] = 1,
) -> None:
    """Serve the API (and app) over the database; migrations run first."""
    import uvicorn

    from armtrace.store.db import ENV_VAR
    from armtrace.web import create_app

    store = store_for(db)
    with store.session() as session:
        if session.scalar(select(User.id).limit(1)) is None:
            console.print(
                "[yellow]no users yet:[/] add one with `armtrace users add NAME --role admin`"
            )
    console.print(
        f"armtrace serving {store.url.split('@')[-1]} on http://{host}:{port}  (API docs: /docs)"
    )
    if workers == 1:
        uvicorn.run(create_app(store, migrate=False), host=host, port=port, log_level="info")
        return
    # Worker processes build their own app from the environment (uvicorn needs an import string).
    os.environ[ENV_VAR] = db or os.environ.get(ENV_VAR) or store.url
    store.dispose()
    uvicorn.run(
        "armtrace.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}")] = "viewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin's first line")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user; the password is asked for (twice) unless --password-stdin."""
    from armtrace.web.accounts import add_user

    if role not in ROLES:
        console.print(f"[red]error:[/] --role {role!r} is not one of: {', '.join(ROLES)}")
        raise typer.Exit(2)
    password = _password(password_stdin)
    store = store_for(db)
    try:
        with store.transaction() as session:
            add_user(session, name, role, password, by="cli")
    except ValueError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"user {name} added as {role}")


@users_app.command("token")
def token(
    name: Annotated[str, typer.Argument(help="Login name")],
    label: Annotated[str | None, typer.Option(help="What the token is for")] = None,
    db: DbOption = None,
) -> None:
    """Issue an API token for a user (printed once on stdout; only its hash is stored)."""
    from armtrace.web.accounts import issue_token

    store = store_for(db)
    with store.transaction() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            console.print(f"[red]error:[/] no user {name!r}")
            raise typer.Exit(2)
        print(issue_token(session, user, label))


@users_app.command("list")
def list_users(db: DbOption = None) -> None:
    """Users and their roles."""
    table = Table()
    for col in ("name", "role", "active", "created"):
        table.add_column(col)
    with store_for(db).session() as session:
        for u in session.scalars(select(User).order_by(User.name)):
            table.add_row(u.name, u.role, "yes" if u.active else "no", f"{u.created_at:%Y-%m-%d}")
    out.print(table)


@audit_app.command("verify")
def verify(db: DbOption = None) -> None:
    """Check the hash chain; exit 1 naming the first row that does not fit."""
    from armtrace.web.audit import verify as verify_chain

    with store_for(db).session() as session:
        result = verify_chain(session)
    if not result.ok:
        console.print(f"[red]audit log broken at row {result.bad_seq}:[/] {result.problem}")
        console.print(f"{result.count} rows before it verified")
        raise typer.Exit(1)
    out.print(f"audit log ok: {result.count} rows, head {result.head}")


@audit_app.command("log")
def log(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Newest rows to show")] = 20,
) -> None:
    """The newest audit entries."""
    from armtrace.web.audit import entry_dict
    from armtrace.web.models import AuditEntry

    with store_for(db).session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit))
        table = Table()
        for col in ("seq", "at", "actor", "action", "target", "before", "after"):
            table.add_column(col)
        for e in map(entry_dict, rows):
            target = f"{e['target_kind']}:{e['target_id']}"
            table.add_row(
                str(e["seq"]),
                e["at"],
                e["actor"],
                e["action"],
                target,
                str(e["before"]),
                str(e["after"]),
            )
    out.print(table)
