"""Fixtures for the cluster tests: a fresh database per test on the run's PostgreSQL
server (the root conftest's `pg_server`)."""

from __future__ import annotations

import uuid

import pytest

from tests.service.postgres_server import PostgresServer


@pytest.fixture
async def cluster_db(pg_server: PostgresServer) -> str:
    return await pg_server.create_database("c_" + uuid.uuid4().hex[:16])
