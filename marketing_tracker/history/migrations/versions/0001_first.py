"""The first history schema: campaigns, snapshots, their sheets, records (bodies stored once) and findings.

Revision ID: 0001_first
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_first"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mt_campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("start", sa.Date, nullable=True),
        sa.Column("end", sa.Date, nullable=True),
        sa.UniqueConstraint("name", "start", name="uq_mt_campaigns_identity"),
    )
    op.create_table(
        "mt_snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("mt_campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("status_date", sa.Date, nullable=False),
        sa.Column("stored_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("info", sa.JSON, nullable=False),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("tasks", sa.Integer, nullable=False),
        sa.Column("findings", sa.Integer, nullable=False),
    )
    op.create_index("ix_mt_snapshots_campaign_date", "mt_snapshots", ["campaign_id", "status_date"])
    op.create_table(
        "mt_sheets",
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("mt_snapshots.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("table_key", sa.String(20), primary_key=True),
        sa.Column("sheet", sa.String(200), nullable=False),
        sa.Column("header_row", sa.Integer, nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
    )
    op.create_table(
        "mt_rows",
        sa.Column("digest", sa.String(32), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "mt_records",
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("mt_snapshots.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("table_key", sa.String(20), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("digest", sa.String(32), sa.ForeignKey("mt_rows.digest"), nullable=False),
    )
    op.create_table(
        "mt_findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("mt_snapshots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("sheet", sa.String(200), nullable=False),
        sa.Column("cell", sa.String(20), nullable=False),
        sa.Column("row", sa.Integer, nullable=True),
        sa.Column("column_key", sa.String(60), nullable=False),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("params", sa.JSON, nullable=False),
    )
    op.create_index("ix_mt_findings_snapshot_id", "mt_findings", ["snapshot_id"])


def downgrade() -> None:
    for name in ("mt_findings", "mt_records", "mt_rows", "mt_sheets", "mt_snapshots", "mt_campaigns"):
        op.drop_table(name)
