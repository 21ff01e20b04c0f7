"""The loop's memory: dated snapshots of a campaign's tracker in a database, and what they tell.

``store`` keeps the snapshots (SQLAlchemy 2, Alembic migrations); ``prepared`` makes a copy ready
to store without a database; ``status`` compares two snapshots (the Monday report), ``remind`` lists
whom to chase from one copy, ``archive`` looks across every campaign stored. Nothing here imports
the command line.

Names are imported on first use, as in the package itself: ``remind`` needs no database, and
``snapshot`` prepares its copies before SQLAlchemy is loaded (reading.ahead).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from marketing_tracker.core import lazy

_EXPORTS = {name: "store" for name in ("DEFAULT_URL", "ENV_URL", "History", "HistoryError", "Snapshot", "default_url")}

if TYPE_CHECKING:
    from marketing_tracker.history.store import DEFAULT_URL, ENV_URL, History, HistoryError, Snapshot, default_url


__getattr__ = lazy.exports(__name__, _EXPORTS, globals())

__all__ = ["DEFAULT_URL", "ENV_URL", "History", "HistoryError", "Snapshot", "default_url"]
