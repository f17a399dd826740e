"""Storage against real SQLite (WAL) and a real PostgreSQL: migrations, keys, outbox claims."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bot_engine.storage import calls as call_repo
from bot_engine.storage import open_database, outbox, tenants
from bot_engine.storage import scripts as script_repo
from bot_engine.storage.models import utcnow


async def test_migrations_create_schema_and_are_idempotent(empty_db_url: str) -> None:
    db = await open_database(empty_db_url)
    await db.close()
    db = await open_database(empty_db_url)  # second run: already at head
    async with db.sessions() as session:
        version = await session.scalar(text("SELECT version_num FROM alembic_version"))
        if db.is_sqlite:
            mode = await session.scalar(text("PRAGMA journal_mode"))
            assert mode == "wal"
    await db.close()
    assert version == _head()


def _head() -> str:
    from alembic.script import ScriptDirectory

    from bot_engine.storage.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def test_a_database_of_the_first_schema_is_upgraded_with_its_data(empty_db_url: str) -> None:
    from alembic import command
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot_engine.storage.db import alembic_config

    engine = create_async_engine(empty_db_url)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(alembic_config(c), "0001"))
        await conn.execute(
            text(
                "INSERT INTO tenants (id, name, webhook_secret, created_at) "
                "VALUES ('t1', 'old', 'whsec_x', CURRENT_TIMESTAMP)"
            )
        )
    await engine.dispose()
    db = await open_database(empty_db_url)
    async with db.sessions() as session:
        assert await session.scalar(text("SELECT name FROM tenants")) == "old"
        assert await session.scalar(text("SELECT count(*) FROM inbound_routes")) == 0
    await db.close()


async def test_keys_are_hashed_and_checked(db_url: str) -> None:
    db = await open_database(db_url)
    async with db.write() as session:
        tenant = await tenants.create_tenant(session, "acme")
        key = await tenants.create_key(session, tenant)
    async with db.sessions() as session:
        stored = await session.scalar(text("SELECT secret_hash FROM api_keys"))
        assert key.split("_", 2)[2] not in str(stored)
        found = await tenants.authenticate(session, key)
        assert found is not None and found.name == "acme"
        assert (
            await tenants.authenticate(session, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
        )
        assert await tenants.authenticate(session, "vb_nothing") is None
        assert await tenants.authenticate(session, "") is None
    await db.close()


async def test_outbox_claim_is_exclusive_and_leased(db_url: str) -> None:
    db = await open_database(db_url)
    async with db.write() as session:
        tenant = await tenants.create_tenant(session, "acme")
        _, version = await script_repo.add_version(session, tenant.id, "s", "x", "yaml", [])
        call = await call_repo.create_call(
            session,
            tenant_id=tenant.id,
            script_version_id=version.id,
            to_number="+1",
            variables={},
            delivery_target=None,
        )
        await outbox.enqueue(
            session,
            tenant_id=tenant.id,
            call_id=call.id,
            target={"type": "webhook", "url": "http://127.0.0.1/"},
            idempotency_key="res_1",
        )
    now = utcnow() + timedelta(seconds=1)
    async with db.sessions() as session:
        due = await outbox.due_ids(session, now, 10)
    assert len(due) == 1
    delivery_id, seen = due[0]
    async with db.write() as session:
        first = await outbox.claim(session, delivery_id, seen, now, lease_s=60)
    async with db.write() as session:
        second = await outbox.claim(session, delivery_id, seen, now, lease_s=60)
    assert first is not None and first.attempts == 1
    assert second is None
    async with db.sessions() as session:
        assert await outbox.due_ids(session, now, 10) == []
        # after the lease the row is due again (the worker that claimed it died)
        later = await outbox.due_ids(session, now + timedelta(seconds=61), 10)
    assert [d for d, _ in later] == [delivery_id]
    await db.close()
