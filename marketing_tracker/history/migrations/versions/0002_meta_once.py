"""The identity sheet stored once: a snapshot points at its body in mt_rows instead of holding a copy.

Since trackers record what they were issued with (every row, on the hidden identity sheet), that
sheet is most of a snapshot: 2.2 MB of a 5,000-task one, the same every week. Snapshots stored by
revision 0001 keep theirs in ``meta`` (``meta_digest`` NULL) and load as before.

The column is added in place (``ALTER TABLE ... ADD COLUMN``), with no foreign key: SQLite cannot
add one without copying the table, and copying ``mt_snapshots`` would cascade-delete its records.

Revision ID: 0002_meta_once
Revises: 0001_first
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_meta_once"
down_revision = "0001_first"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mt_snapshots", sa.Column("meta_digest", sa.String(32), nullable=True))


def downgrade() -> None:
    # Each identity sheet back into its snapshot's row, then the column goes.
    body = "CAST(body AS JSON)" if op.get_bind().dialect.name == "postgresql" else "body"  # JSON is text in SQLite
    op.execute(f"UPDATE mt_snapshots SET meta = (SELECT {body} FROM mt_rows WHERE mt_rows.digest = mt_snapshots.meta_digest) "  # noqa: S608
               "WHERE meta_digest IS NOT NULL")
    op.drop_column("mt_snapshots", "meta_digest")
