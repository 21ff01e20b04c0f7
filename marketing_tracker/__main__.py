"""``python -m marketing_tracker`` is the ``marketing-tracker`` command."""

from marketing_tracker.cli import run

run()
