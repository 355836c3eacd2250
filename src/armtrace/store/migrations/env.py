"""Alembic environment: run against the connection armtrace hands over (see Store.migrate)."""

from alembic import context

from armtrace.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - armtrace always passes a connection
    raise RuntimeError("run migrations through armtrace (Store.migrate), which passes a connection")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
