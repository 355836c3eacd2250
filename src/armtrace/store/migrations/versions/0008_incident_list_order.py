"""incidents: an index in the list's own order (undated last, then date, then id)

The web list and `armtrace incidents` order by (date IS NULL, date, id); with this expression index
both SQLite and PostgreSQL walk it instead of sorting every matching incident for each page.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_incidents_list_order", "incidents", [sa.text("(date IS NULL)"), "date", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_incidents_list_order", table_name="incidents")
