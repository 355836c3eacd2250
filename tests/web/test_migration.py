"""Migration 0005 builds exactly the tables of web.models, and goes back."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import armtrace.web.models  # noqa: F401  (registers the tables on Base.metadata)
from armtrace.store import Store
from armtrace.store.db import MIGRATIONS
from armtrace.store.models import Base

TABLES = {"users", "api_tokens", "web_sessions", "restrictions", "audit_log"}


def test_schema_matches_models_and_downgrades(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    assert not TABLES & set(inspect(store.engine).get_table_names())
    store.migrate()
    assert TABLES <= set(inspect(store.engine).get_table_names())
