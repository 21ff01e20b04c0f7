"""The loop's memory: dated snapshots of a campaign's tracker in a database, and what they tell.

``store`` keeps the snapshots (SQLAlchemy 2, Alembic migrations); ``status`` compares two of them
(the Monday report), ``remind`` lists whom to chase from one copy, ``archive`` looks across every
campaign stored. Nothing here imports the command line.
"""

from __future__ import annotations

from marketing_tracker.history.store import DEFAULT_URL, ENV_URL, History, HistoryError, Snapshot, default_url

__all__ = ["DEFAULT_URL", "ENV_URL", "History", "HistoryError", "Snapshot", "default_url"]
