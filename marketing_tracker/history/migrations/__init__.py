"""Alembic migrations of the history database: one revision per schema change (docs/history.md)."""
