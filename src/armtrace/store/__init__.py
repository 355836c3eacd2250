"""The store: tables, migrations and sessions, SQLite and PostgreSQL behind one interface."""

from armtrace.store.db import DEFAULT_URL, Store, database_url, open_store

__all__ = ["DEFAULT_URL", "Store", "database_url", "open_store"]
