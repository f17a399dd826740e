"""Fixtures shared across the test folders: both storage backends (one local PostgreSQL
server for the whole run) and the example lead script the service, storage and delivery
tests upload."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.postgres_server import PostgresServer

SCRIPT_PATH = Path(__file__).parents[1] / "examples" / "scripts" / "lead_qualification_en.yaml"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return await server.create_database("t_" + uuid.uuid4().hex[:16])


@pytest.fixture
def script_yaml() -> str:
    return SCRIPT_PATH.read_text()
