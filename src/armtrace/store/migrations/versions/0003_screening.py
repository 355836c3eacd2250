"""sanctions-list entries and embargo screening flags

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sanctions_listings",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("list_name", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("program", sa.String(length=128), nullable=True),
        sa.Column("embargo_id", sa.String(length=32), nullable=True),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("matched_alias", sa.String(length=512), nullable=True),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sanctions_listings_actor", "sanctions_listings", ["actor_id"])
    op.create_table(
        "screening_flags",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("incident_id", sa.String(length=48), nullable=False),
        sa.Column("embargo_id", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("incident_date", sa.String(length=10), nullable=True),
        sa.Column("date_basis", sa.String(length=16), nullable=False),
        sa.Column("certainty", sa.String(length=16), nullable=False),
        sa.Column("resolutions", sa.Text(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("exemption_reason", sa.Text(), nullable=True),
        sa.Column("analyst", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_screening_flags_incident", "screening_flags", ["incident_id"])
    op.create_index("ix_screening_flags_embargo_id", "screening_flags", ["embargo_id"])


def downgrade() -> None:
    op.drop_table("screening_flags")
    op.drop_table("sanctions_listings")
