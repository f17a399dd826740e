"""Fixtures for the cluster tests: the session's PostgreSQL server and a fresh database
per test."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

from tests.service.conftest import pg_server
from tests.service.postgres_server import PostgresServer

__all__ = ["pg_server"]

# The SIP helpers import each other as top-level modules (as tests/gateway_sip/conftest.py
# arranges for its own tests).
sys.path.insert(0, str(Path(__file__).parents[1] / "gateway_sip"))


@pytest.fixture
async def cluster_db(pg_server: PostgresServer) -> str:
    return await pg_server.create_database("c_" + uuid.uuid4().hex[:16])
