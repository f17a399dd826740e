"""Persistence: SQLAlchemy 2 async models, repositories and Alembic migrations.

SQLite (WAL) is the embedded default; PostgreSQL is supported through asyncpg. Every row that
belongs to a customer carries its `tenant_id`, and every repository function that reads
customer data takes the tenant as an argument, so scoping cannot be forgotten.
"""

from bot_engine.storage.db import Database, open_database

__all__ = ["Database", "open_database"]
