"""Fixtures for the cluster tests: the session's PostgreSQL server and a fresh database
per test."""

from __future__ import annotations

import uuid

import pytest

from tests.service.conftest import pg_server
from tests.service.postgres_server import PostgresServer

__all__ = ["pg_server"]


@pytest.fixture
async def cluster_db(pg_server: PostgresServer) -> str:
    return await pg_server.create_database("c_" + uuid.uuid4().hex[:16])
