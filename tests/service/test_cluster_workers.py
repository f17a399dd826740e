"""Several services on one database, in process: each worker owns its calls; a worker that
starts leaves the others' calls alone; a dead worker's calls are taken over by exactly one
survivor (in progress: ended with a result; queued: placed); leases; draining (healthz,
SIP OPTIONS 503, queued calls handed on)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot_engine.service.app import create_app
from bot_engine.storage import leases
from bot_engine.storage.models import (
    Call,
    CallEvent,
    Delivery,
    ScriptRecord,
    ScriptVersion,
    Worker,
    utcnow,
)

from .conftest import Api, make_settings, silent_speaker, upload
from .postgres_server import PostgresServer

CALL = {"to": "+15550001", "script_id": "lead_qualification_en",
        "variables": {"lead_name": "Ann"}, "webhook": "http://127.0.0.1:9/hook"}


@contextlib.asynccontextmanager
async def service(db_url: str, folder: Path, **extra: Any) -> AsyncIterator[Api]:
    app = create_app(make_settings(db_url, folder, **extra), speak=silent_speaker)
    async with app.router.lifespan_context(app):
        yield Api(app)


async def call_row(api: Api, call_id: str) -> Call:
    async with api.service.db.sessions() as session:
        call = await session.get(Call, call_id)
    assert call is not None
    return call


async def until_status(api: Api, call_id: str, *statuses: str) -> None:
    async with asyncio.timeout(30):
        while (await call_row(api, call_id)).status not in statuses:
            await asyncio.sleep(0.05)


async def count(api: Api, query: Any) -> int:
    async with api.service.db.sessions() as session:
        return int(await session.scalar(query) or 0)


@pytest.fixture
async def pg_url(pg_server: PostgresServer) -> str:
    import uuid

    return await pg_server.create_database("w_" + uuid.uuid4().hex[:16])


async def test_a_worker_starting_leaves_the_calls_of_a_live_worker_alone(
    pg_url: str, tmp_path: Path, script_yaml: str
) -> None:
    """Before, every start-up ended every call in progress: in a cluster, the calls of
    the workers still running."""
    async with service(pg_url, tmp_path / "a") as first:
        _, key = await first.tenant("acme")
        async with first.client(key) as client:
            await upload(client, script_yaml)
            created = (await client.post("/v1/calls", json=CALL)).json()
        await until_status(first, created["id"], "in_progress")
        assert (await call_row(first, created["id"])).worker_id == first.service.workers.id
        async with service(pg_url, tmp_path / "b") as second:
            await second.service.workers.sweep()
            assert (await call_row(second, created["id"])).status == "in_progress"
            rows = await count(second, select(func.count()).select_from(Worker))
            assert rows == 2


async def test_a_dead_workers_calls_are_taken_over_once(
    pg_url: str, tmp_path: Path, script_yaml: str
) -> None:
    """Its call in progress ends with one result (one delivery), its queued call is placed
    by one survivor, although two survivors sweep at the same moment."""
    async with service(pg_url, tmp_path / "a") as dead:
        _, key = await dead.tenant("acme")
        async with dead.client(key) as client:
            await upload(client, script_yaml)
            running = (await client.post("/v1/calls", json=CALL)).json()["id"]
            await until_status(dead, running, "in_progress")
            dead.service.dispatch.draining = True  # this one stays queued
            queued = (await client.post("/v1/calls", json=CALL)).json()["id"]
        registry = dead.service.workers
        registry._stopping = True  # it stops beating: as if killed
        registry.wake()
        # a beat already under way would land after the stale heartbeat written below
        await asyncio.wait_for(dead.service.tasks["workers"], 30)
        async with (
            service(pg_url, tmp_path / "b", worker_lease_s=1) as one,
            service(pg_url, tmp_path / "c", worker_lease_s=1) as two,
        ):
            async with dead.service.db.write() as session:
                await session.execute(
                    update(Worker)
                    .where(Worker.id == registry.id)
                    .values(heartbeat_at=utcnow() - timedelta(minutes=1))
                )
            await asyncio.gather(one.service.workers.sweep(), two.service.workers.sweep())
            survivors = {one.service.workers.id, two.service.workers.id}
            # a survivor's own heartbeat loop may have swept first and still be ending it
            await until_status(one, running, "failed", "completed")
            ended = await call_row(one, running)
            assert ended.result is not None
            assert ended.worker_id in survivors
            recovered = select(func.count()).select_from(CallEvent).where(
                CallEvent.call_id == running, CallEvent.kind == "recovered"
            )
            assert await count(one, recovered) == 1
            deliveries = select(func.count()).select_from(Delivery).where(
                Delivery.call_id == running
            )
            assert await count(one, deliveries) == 1
            await until_status(one, queued, "in_progress")
            assert (await call_row(one, queued)).worker_id in survivors
            dead_row = select(func.count()).select_from(Worker).where(Worker.id == registry.id)
            assert await count(one, dead_row) == 0


async def test_a_lease_has_one_holder_until_it_runs_out(db_url: str, tmp_path: Path) -> None:
    async with service(db_url, tmp_path) as api:
        now = utcnow()
        async with api.service.db.write() as session:
            assert await leases.acquire(session, "render:v1", "a", 30, now)
        async with api.service.db.write() as session:
            assert not await leases.acquire(session, "render:v1", "b", 30, now)
            assert await leases.acquire(session, "render:v1", "a", 30, now)  # renewed
        later = now + timedelta(seconds=31)
        async with api.service.db.write() as session:
            assert await leases.acquire(session, "render:v1", "b", 30, later)
        async with api.service.db.write() as session:
            await leases.release(session, "render:v1", "b")
            assert await leases.acquire(session, "render:v1", "c", 30, later)


def options(port: int) -> str:
    """One OPTIONS over UDP; the status line of the answer."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        here, token = sock.getsockname()[1], secrets.token_hex(4)
        request = (
            f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{here};branch=z9hG4bK{token}\r\n"
            "From: <sip:edge@127.0.0.1>;tag=e1\r\nTo: <sip:127.0.0.1>\r\n"
            f"Call-ID: probe-{token}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        sock.settimeout(10)
        sock.sendto(request.encode(), ("127.0.0.1", port))
        return sock.recv(65535).decode().split("\r\n", 1)[0]


async def test_a_draining_worker_takes_no_calls_and_hands_its_queued_ones_on(
    db_url: str, tmp_path: Path, script_yaml: str
) -> None:
    async with service(db_url, tmp_path, sip_port=0) as api:
        svc = api.service
        port = svc.listeners.sip_port
        assert await asyncio.to_thread(options, port) == "SIP/2.0 200 OK"
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, script_yaml)
            assert (await client.get("/healthz")).json()["status"] == "ok"
            assert await svc.drain.run()  # nothing in progress: done at once
            health = await client.get("/healthz")
            assert health.status_code == 503 and health.json()["status"] == "draining"
            assert [w["draining"] for w in health.json()["workers"]] == [True]
            created = (await client.post("/v1/calls", json=CALL)).json()["id"]
        assert await asyncio.to_thread(options, port) == "SIP/2.0 503 Not Taking Calls"
        await asyncio.sleep(0.2)
        assert (await call_row(api, created)).status == "queued"  # not placed here
    async with service(db_url, tmp_path / "next", sip_port=0) as successor:
        await until_status(successor, created, "in_progress")  # placed by the next one
        assert (await call_row(successor, created)).worker_id == successor.service.workers.id


async def test_a_rendering_left_unfinished_is_finished_by_one_worker(
    db_url: str, tmp_path: Path, script_yaml: str
) -> None:
    """A worker died while rendering a version's prompts: the sweep renders it under the
    lease; while another worker holds the lease it does not."""
    async with service(db_url, tmp_path) as api:
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            version = (await upload(client, script_yaml))
        renders = api.service.renders
        version_id = await _version_id(api, version["script_id"])
        async with asyncio.timeout(30):  # the upload's own rendering is over
            while (await _status(api, version_id)) in ("pending", "rendering"):
                await asyncio.sleep(0.05)
        async with api.service.db.write() as session:
            row = await session.get(ScriptVersion, version_id)
            row.render_status = "rendering"
            row.created_at = utcnow() - timedelta(minutes=5)
            assert await leases.acquire(session, f"render:{version_id}", "dead-worker", 60,
                                        utcnow())
        renders.sweep_every_s = 0
        assert await renders.sweep() == 0  # the (dead) holder's lease has not run out
        async with api.service.db.write() as session:
            await leases.release(session, f"render:{version_id}", "dead-worker")
        assert await renders.sweep() == 1
        assert await _status(api, version_id) == "skipped"  # NoPrerender in these tests


async def _status(api: Api, version_id: str) -> str:
    async with api.service.db.sessions() as session:
        row = await session.get(ScriptVersion, version_id)
    assert row is not None
    return row.render_status


async def _version_id(api: Api, name: str) -> str:
    async with api.service.db.sessions() as session:
        found = await session.scalar(
            select(ScriptVersion.id).join(ScriptRecord, ScriptRecord.id == ScriptVersion.script_id)
            .where(ScriptRecord.name == name)
        )
    assert found is not None
    return str(found)
