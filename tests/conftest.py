"""Fixtures shared across the test folders: both storage backends (one local PostgreSQL
server for the whole run) and the example lead script the service, storage and delivery
tests upload.

`db_url` is a database already at the newest schema: the migrations run once per backend
and run (into a template), and each test gets a copy (a file copy for SQLite, `CREATE
DATABASE ... TEMPLATE` for PostgreSQL), which is what migrating a fresh database gives
without the half second to a second that migrating took per test. Tests of the migrations
themselves take `empty_db_url`."""

from __future__ import annotations

import asyncio
import compileall
import shutil
import sys
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot_engine.storage import open_database
from bot_engine.storage.files import private_file
from tests.service.postgres_server import PostgresServer

ROOT = Path(__file__).parents[1]
SCRIPT_PATH = ROOT / "examples" / "scripts" / "lead_qualification_en.yaml"
PG_TEMPLATE = "voicebot_template"
T = TypeVar("T")


def pytest_configure() -> None:
    """Bytecode files, even where PYTHONDONTWRITEBYTECODE is set: the run starts hundreds of
    Python processes (`voicebot` commands, `voicebot serve`, cluster workers, script
    workers), and without .pyc files each compiles the packages again (importing the CLI
    and the app: 7.4 s instead of 2.7 s on a loaded 2-core machine); pytest likewise
    rewrites every test module's asserts anew. The variable only stops writing, so the
    packages are compiled here once (unchanged files are skipped) and child processes
    read them."""
    sys.dont_write_bytecode = False
    for package in ("asr_tts", "bot_engine", "media_gateway"):
        compileall.compile_dir(ROOT / package, quiet=1)


def _run_apart(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end on a loop and thread of its own: the session fixtures
    below are first asked for from inside a test's running loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


async def _migrate(url: str) -> None:
    db = await open_database(url)
    await db.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    """The name of a PostgreSQL database at the newest schema, to copy per test."""
    _run_apart(_migrate(_run_apart(pg_server.create_database(PG_TEMPLATE))))
    return PG_TEMPLATE


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema (closed, so its WAL is checkpointed into it)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "voicebot.db"
    _run_apart(_migrate(f"sqlite+aiosqlite:///{path}"))
    for suffix in ("-wal", "-shm"):
        assert not path.with_name(path.name + suffix).exists(), "the template is not closed"
    return path


@pytest.fixture(params=["sqlite", "postgres"])
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return await server.create_database("t_" + uuid.uuid4().hex[:16])


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database at the newest schema on each backend, copied from the run's template."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "voicebot.db"
        private_file(path)  # 0600 from the start, as the service creates it
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = request.getfixturevalue("pg_template")
    return await server.create_database("t_" + uuid.uuid4().hex[:16], template=name)


@pytest.fixture
def script_yaml() -> str:
    return SCRIPT_PATH.read_text()
