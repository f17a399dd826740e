"""Engine set-up and migrations.

SQLite runs in WAL mode and every write transaction (`Database.write()`) starts with
`BEGIN IMMEDIATE`: a deferred transaction that reads and then writes can fail with
SQLITE_BUSY without waiting, whereas an immediate one waits on `busy_timeout`. Within one
process, writers first queue on an asyncio lock, so SQLite's sleeping busy handler only
matters between processes (a CLI command next to the server). Tried and measured: a single
pooled connection instead was 3x slower in the outage test, because the delivery worker's
retries then queued ahead of API reads.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import bot_engine.storage.sealing as sealing
from bot_engine.storage.files import narrow, private_file
from bot_engine.storage.resealing import check_key

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


_IMMEDIATE = "voicebot_sqlite_immediate"


@dataclass(frozen=True)
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    """For reads. Writes go through `write()`."""
    is_sqlite: bool
    write_lock: asyncio.Lock | None = field(default=None)

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction, committed on exit (rolled back on error).

        On SQLite, writers in this process queue on an asyncio lock and then take the
        database lock with `BEGIN IMMEDIATE`: waiting in asyncio costs nothing, whereas
        waiting in SQLite's busy handler sleeps in growing steps (measured: tens of ms
        per transaction once the delivery worker and the API write at the same time).
        Reads use plain deferred transactions, which WAL lets run beside a writer.
        """
        if self.write_lock is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self.write_lock, self.sessions() as session, session.begin():
            await session.connection(execution_options={_IMMEDIATE: True})
            yield session

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # workers starting together migrate one at a time (held until this commits)
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
    command.upgrade(alembic_config(connection), "head")


def _private_sqlite_files(database: str) -> None:
    """The database file is created 0600 before SQLite opens it (an empty file is an empty
    database), so SQLite gives its `-wal` and `-shm` files the same mode; files an older
    version left 0644 are narrowed."""
    path = Path(database)
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        narrow(path.with_name(path.name + suffix))


async def open_database(
    url: str,
    *,
    migrate: bool = True,
    pool_size: int = 10,
    box: sealing.SecretBox | None = None,
) -> Database:
    """Create the engine (and the SQLite file, 0600 in a 0700 folder), then bring the schema
    to the latest migration.

    `box` seals webhook secrets and CRM targets (`storage.sealing`); the service always
    passes one. With a box, a database whose secrets were sealed with another key is refused
    here (`SecretsLocked`) rather than failing at the first delivery."""
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        if parsed.database and parsed.database != ":memory:":
            _private_sqlite_files(parsed.database)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_size"] = pool_size
        kwargs["max_overflow"] = pool_size
    engine = create_async_engine(url, **kwargs)
    sealing.attach(engine.sync_engine.dialect, box)
    if is_sqlite:
        _sqlite_pragmas(engine)
    try:
        if migrate:
            async with engine.begin() as conn:
                await conn.run_sync(_upgrade)
        if box is not None:
            async with engine.connect() as conn:
                await check_key(conn)
    except BaseException:
        await engine.dispose()
        raise
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return Database(
        engine=engine,
        sessions=sessions,
        is_sqlite=is_sqlite,
        write_lock=asyncio.Lock() if is_sqlite else None,
    )
