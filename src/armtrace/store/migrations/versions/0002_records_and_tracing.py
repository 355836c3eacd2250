"""records, documented items, match decisions and trace requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("model", sa.String(length=64), nullable=True),
        sa.Column("manufacturer", sa.String(length=128), nullable=True),
        sa.Column("country_of_manufacture", sa.String(length=2), nullable=True),
        sa.Column("calibre", sa.String(length=32), nullable=True),
        sa.Column("serial", sa.String(length=64), nullable=True),
        sa.Column("serial_norm", sa.String(length=64), nullable=True),
        sa.Column("serial_from", sa.String(length=64), nullable=True),
        sa.Column("serial_to", sa.String(length=64), nullable=True),
        sa.Column("lot", sa.String(length=64), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("holder", sa.String(length=255), nullable=True),
        sa.Column("depot", sa.String(length=255), nullable=True),
        sa.Column("place", sa.String(length=255), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("security_status", sa.Text(), nullable=True),
        sa.Column("last_audit", sa.String(length=10), nullable=True),
        sa.Column("exporter", sa.String(length=2), nullable=True),
        sa.Column("importer", sa.String(length=2), nullable=True),
        sa.Column("end_user", sa.String(length=255), nullable=True),
        sa.Column("reference", sa.String(length=128), nullable=True),
        sa.Column("programme", sa.String(length=255), nullable=True),
        sa.Column("community", sa.String(length=255), nullable=True),
        sa.Column("in_return", sa.Text(), nullable=True),
        sa.Column("method", sa.String(length=64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_kind_source", ["kind", "source_file"], unique=False)
        batch_op.create_index(batch_op.f("ix_records_serial_norm"), ["serial_norm"], unique=False)

    op.create_table(
        "items",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=True),
        sa.Column("serial_norm", sa.String(length=64), nullable=True),
        sa.Column("markings", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("model", sa.String(length=64), nullable=True),
        sa.Column("manufacturer", sa.String(length=128), nullable=True),
        sa.Column("calibre", sa.String(length=32), nullable=True),
        sa.Column("country_mark", sa.String(length=64), nullable=True),
        sa.Column("year_mark", sa.String(length=16), nullable=True),
        sa.Column("import_marks", sa.Text(), nullable=True),
        sa.Column("place", sa.String(length=255), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("documented_by", sa.String(length=128), nullable=True),
        sa.Column("incident_id", sa.String(length=48), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_items_serial_norm"), ["serial_norm"], unique=False)

    op.create_table(
        "item_photos",
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.PrimaryKeyConstraint("item_id", "position"),
    )

    op.create_table(
        "match_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("analyst", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("match_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_decisions_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_match_decisions_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "trace_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("intended_use", sa.Text(), nullable=False),
        sa.Column("requester", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trace_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trace_requests_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trace_requests_state"), ["state"], unique=False)

    op.create_table(
        "trace_request_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("analyst", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["trace_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trace_request_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trace_request_events_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    for table in (
        "trace_request_events",
        "trace_requests",
        "match_decisions",
        "item_photos",
        "items",
        "records",
    ):
        op.drop_table(table)
