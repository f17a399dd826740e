"""Alembic migrations (run automatically by `open_database`)."""
