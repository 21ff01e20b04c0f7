"""The history database's tables, declared once (SQLAlchemy Core).

A snapshot is rows, not a pickle: one row per campaign, per snapshot, per table sheet of a
snapshot (where the sheet was and how its columns lay, so a loaded tracker can still name cells),
per filled record, and per finding. A record's typed values are one JSON object keyed by the
schema's column keys, so adding a column to :mod:`marketing_tracker.core.schema` needs no migration;
dates are ISO text there and come back as dates by the column's kind. The JSON body of a record
lives in ``mt_rows`` under its digest and ``mt_records`` points at it, so a task row that did
not change from one week to the next costs one small link row, not a copy; the identity sheet
(what the tracker was issued with, megabytes for a large one) is such a body too (measured in
bench/bench_history.py: a 5,000-task campaign's weekly snapshots take well under 20 MB per 10).

The Alembic revisions in ``migrations/versions`` create exactly these tables; ``SCHEMA_HEAD`` names
the newest one (a test holds the two together), so opening a database that is up to date costs one
query and no Alembic import.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: The newest Alembic revision this version of the library knows.
SCHEMA_HEAD = "0002_meta_once"

metadata = MetaData()

campaigns = Table(
    "mt_campaigns", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("start", Date, nullable=True),
    Column("end", Date, nullable=True),
    UniqueConstraint("name", "start", name="uq_mt_campaigns_identity"),
)

snapshots = Table(
    "mt_snapshots", metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("mt_campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("status_date", Date, nullable=False),
    Column("stored_at", DateTime, nullable=False),
    Column("source", Text, nullable=False),
    Column("locale", String(8), nullable=False),
    Column("info", JSON, nullable=False),  # the campaign-info sheet: owners, phases, people, departments, goals
    Column("meta", JSON, nullable=False),  # the hidden identity sheet as read, in snapshots stored by revision 0001
    # since 0002: the identity sheet's body in mt_rows (it holds what the tracker was issued with, the same every
    # week); ``meta`` is {} then. Not a foreign key: see migrations/versions/0002_meta_once.py.
    Column("meta_digest", String(32), nullable=True),
    Column("tasks", Integer, nullable=False),  # counts kept with the snapshot, so listing snapshots reads no records
    Column("findings", Integer, nullable=False),
    Index("ix_mt_snapshots_campaign_date", "campaign_id", "status_date"),
)

sheets = Table(
    "mt_sheets", metadata,
    Column("snapshot_id", Integer, ForeignKey("mt_snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("table_key", String(20), primary_key=True),
    Column("sheet", String(200), nullable=False),
    Column("header_row", Integer, nullable=False),
    Column("columns", JSON, nullable=False),
    Column("extra", JSON, nullable=False),
)

rows = Table(
    "mt_rows", metadata,
    Column("digest", String(32), primary_key=True),  # blake2b-128 of the body: a row unchanged since last week is stored once
    Column("body", Text, nullable=False),  # JSON [typed values by column key, raw text of cells that could not be typed]
)

records = Table(
    "mt_records", metadata,
    Column("snapshot_id", Integer, ForeignKey("mt_snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("table_key", String(20), primary_key=True),
    Column("row", Integer, primary_key=True),
    Column("digest", String(32), ForeignKey("mt_rows.digest"), nullable=False),
)

findings = Table(
    "mt_findings", metadata,
    Column("id", Integer, primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("mt_snapshots.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code", String(60), nullable=False),
    Column("sheet", String(200), nullable=False),
    Column("cell", String(20), nullable=False),
    Column("row", Integer, nullable=True),
    Column("column_key", String(60), nullable=False),
    Column("value", Text, nullable=True),
    Column("params", JSON, nullable=False),
)
