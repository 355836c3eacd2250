"""screening: flags on traced items (item and transfer record), and an index on a flag's key

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-23

A flag raised on a traced item has no incident of its own (the item may have been documented in none),
so incident_id becomes nullable and the item and the transfer record it rests on are named. Screening
matches stored flags by key (incident, embargo, basis, target): without an index on the key SQLite
probed the embargo index, one embargo's flags for each hit.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_flags") as batch:
        batch.alter_column("incident_id", existing_type=sa.String(length=48), nullable=True)
        batch.add_column(sa.Column("item_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("record_id", sa.String(length=32), nullable=True))
    # the key index starts with incident_id: the single-column index is redundant, and each index
    # costs time on a hundred thousand inserted flags
    op.drop_index("ix_screening_flags_incident", table_name="screening_flags")
    op.create_index(
        "ix_screening_flags_key",
        "screening_flags",
        ["incident_id", "embargo_id", "basis", "target"],
    )
    op.create_index("ix_screening_flags_item", "screening_flags", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_screening_flags_item", table_name="screening_flags")
    op.drop_index("ix_screening_flags_key", table_name="screening_flags")
    op.create_index("ix_screening_flags_incident", "screening_flags", ["incident_id"])
    with op.batch_alter_table("screening_flags") as batch:
        batch.drop_column("record_id")
        batch.drop_column("item_id")
        batch.alter_column("incident_id", existing_type=sa.String(length=48), nullable=False)
