"""``python -m marketing_tracker`` is the ``marketing-tracker`` command."""

from .cli import run

run()
