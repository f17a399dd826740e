"""Fixtures for the security tests: the service tests' own (both storage backends, a local
PostgreSQL on loopback, an in-process app with fast settings)."""

from __future__ import annotations

from ..service.conftest import api, db_url, pg_server, script_yaml

__all__ = ["api", "db_url", "pg_server", "script_yaml"]
