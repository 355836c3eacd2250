"""Migration 0002 builds exactly the tables of records.models, on SQLite and PostgreSQL, and goes back."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import armtrace.records  # noqa: F401  (registers the tables on Base.metadata)
from armtrace.store import Store
from armtrace.store.db import MIGRATIONS
from armtrace.store.models import Base

TABLES = {
    "records",
    "items",
    "item_photos",
    "match_decisions",
    "trace_requests",
    "trace_request_events",
}


def test_schema_matches_models(store: Store) -> None:
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert TABLES <= set(inspect(store.engine).get_table_names())


def test_downgrade_to_0001_and_back(store: Store) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert not TABLES & set(inspect(store.engine).get_table_names())
    store.migrate()
    assert TABLES <= set(inspect(store.engine).get_table_names())
