"""Retention (real SQLite and PostgreSQL, time moved by an injected clock): calls older than
their tenant's retention go with their events, deliveries, attempts and recordings, in
bounded batches; results still on their way to a CRM and running calls stay; simulated-call
recordings are capped per tenant."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from bot_engine.service.app import create_app
from bot_engine.service.housekeeping import Housekeeping
from bot_engine.storage import purge
from bot_engine.storage.models import Call, CallEvent, Delivery, DeliveryAttempt, utcnow

from ..service.conftest import Api, make_settings, silent_speaker, upload
from ..service.drive import place, run_call, wait_deliveries
from ..service.local_server import LocalServer
from ..service.postgres_server import free_port
from ..service.receivers import WebhookReceiver


@pytest.fixture
async def api_nodial(db_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    app = create_app(
        make_settings(db_url, tmp_path, dialer="none", purge_batch=2), speak=silent_speaker
    )
    async with app.router.lifespan_context(app):
        yield Api(app)


async def counts(api: Api, call_ids: list[str]) -> dict[str, int]:
    """Rows left for these calls in every table a call owns."""
    async with api.service.db.sessions() as session:
        deliveries = select(Delivery.id).where(Delivery.call_id.in_(call_ids))

        async def count(model: Any, where: Any) -> int:
            return int(await session.scalar(select(func.count()).select_from(model).where(where)))

        return {
            "calls": await count(Call, Call.id.in_(call_ids)),
            "events": await count(CallEvent, CallEvent.call_id.in_(call_ids)),
            "deliveries": await count(Delivery, Delivery.call_id.in_(call_ids)),
            "attempts": await count(DeliveryAttempt, DeliveryAttempt.delivery_id.in_(deliveries)),
        }


async def test_the_tenant_reads_and_sets_its_retention(api: Api) -> None:
    _, key = await api.tenant("acme")
    _, other = await api.tenant("other")
    async with api.client(key) as client, api.client(other) as bystander:
        default = {"retention_days": None, "default_days": 90, "effective_days": 90}
        got = (await client.get("/v1/tenant/retention")).json()
        assert got == {**default, "max_days": 3650}
        put = await client.put("/v1/tenant/retention", json={"retention_days": 7})
        assert put.status_code == 200 and put.json()["effective_days"] == 7
        assert (await client.get("/v1/tenant/retention")).json()["retention_days"] == 7
        for bad in ({"retention_days": 3651}, {"retention_days": 0}, {}, {"days": 7}):
            assert (await client.put("/v1/tenant/retention", json=bad)).status_code == 422, bad
        assert (await client.get("/v1/tenant/retention")).json()["retention_days"] == 7
        assert (await bystander.get("/v1/tenant/retention")).json()["effective_days"] == 90
        back = await client.put("/v1/tenant/retention", json={"retention_days": None})
        assert back.json() == {**default, "max_days": 3650}


async def test_expired_calls_are_purged_with_everything_they_own(
    api_nodial: Api, script_yaml: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = api_nodial
    _, key_a = await api.tenant("short")
    _, key_b = await api.tenant("default")
    async with api.client(key_a) as a, api.client(key_b) as b:
        receiver = WebhookReceiver((await a.get("/v1/tenant")).json()["webhook_secret"])
        await upload(a, script_yaml)
        await upload(b, script_yaml)
        assert (await a.put("/v1/tenant/retention", json={"retention_days": 7})).status_code == 200
        async with LocalServer(receiver.app, free_port()) as crm:
            done = []
            for _ in range(5):
                call_id = await place(a, f"{crm.url}/hook")
                await run_call(api, call_id, ["yes"])
                done.append(call_id)
            await wait_deliveries(a, 5, "delivered")
        # a result the CRM has not taken yet (nobody listens on that port) and a running call
        undelivered = await place(a, f"http://127.0.0.1:{free_port()}/hook")
        await run_call(api, undelivered, ["yes"])
        running = await place(a, None)
        await api.service.calls.call_status(running, "in_progress")
        kept = await place(b, None)
        await run_call(api, kept, ["yes"])
        recordings = {c: api.service.calls.recording_path(c) for c in [*done, kept]}
        assert all(p.is_file() for p in recordings.values())
        assert (await counts(api, done))["attempts"] == 5

        deleted_per_batch: list[int] = []
        original = purge.delete_calls

        async def spy(session: Any, call_ids: Any) -> None:
            deleted_per_batch.append(len(call_ids))
            await original(session, call_ids)

        monkeypatch.setattr(purge, "delete_calls", spy)
        week_later = Housekeeping(
            api.service.db, api.service.settings, clock=lambda: utcnow() + timedelta(days=8)
        )
        report = await week_later.purge_once()
        assert (report.calls, report.recordings) == (5, 5)
        assert deleted_per_batch == [2, 2, 1]  # purge_batch = 2: short transactions
        assert await counts(api, done) == {"calls": 0, "events": 0, "deliveries": 0, "attempts": 0}
        assert not any(recordings[c].exists() for c in done)
        for call_id in done:
            assert (await a.get(f"/v1/calls/{call_id}")).status_code == 404
        for call_id in (undelivered, running):
            assert (await a.get(f"/v1/calls/{call_id}")).status_code == 200
        assert (await b.get(f"/v1/calls/{kept}")).status_code == 200
        assert recordings[kept].is_file()

        # three months on, the default retention (90 days) takes the other tenant's call too
        later = Housekeeping(
            api.service.db, api.service.settings, clock=lambda: utcnow() + timedelta(days=91)
        )
        assert (await later.purge_once()).calls == 1
        assert (await b.get(f"/v1/calls/{kept}")).status_code == 404
        assert not recordings[kept].exists()
        for call_id in (undelivered, running):
            assert (await a.get(f"/v1/calls/{call_id}")).status_code == 200


async def test_serve_purges_in_the_background(
    db_url: str, tmp_path: Path, script_yaml: str
) -> None:
    settings = make_settings(db_url, tmp_path, dialer="none", purge_interval_s=0.05)
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, script_yaml)
            old, new = await place(client, None), await place(client, None)
            await run_call(api, old, ["yes"])
            await run_call(api, new, ["yes"])
            async with api.service.db.write() as session:  # as if made 100 days ago
                await session.execute(
                    update(Call)
                    .where(Call.id == old)
                    .values(created_at=utcnow() - timedelta(days=100))
                )
            async with asyncio.timeout(30):
                while (await client.get(f"/v1/calls/{old}")).status_code != 404:
                    await asyncio.sleep(0.05)
            assert (await client.get(f"/v1/calls/{new}")).status_code == 200
            assert not api.service.calls.recording_path(old).exists()


async def test_simulated_recordings_are_capped_per_tenant(
    db_url: str, tmp_path: Path, script_yaml: str
) -> None:
    settings = make_settings(db_url, tmp_path, simulated_recordings_per_tenant=2)
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key_a = await api.tenant("busy")
        _, key_b = await api.tenant("quiet")
        async with api.client(key_a) as a, api.client(key_b) as b:
            await upload(a, script_yaml)
            await upload(b, script_yaml)
            quiet = await simulated_call(b)
            busy = [await simulated_call(a) for _ in range(4)]
            files = {c: api.service.calls.recording_path(c) for c in [quiet, *busy]}
            assert [files[c].is_file() for c in busy] == [False, False, True, True]
            assert files[quiet].is_file()
            bodies = [(await a.get(f"/v1/calls/{c}")).json() for c in busy]
            assert [body["recording"] is not None for body in bodies] == [False, False, True, True]
            assert all(body["status"] == "completed" for body in bodies)  # results are kept


async def simulated_call(client: httpx.AsyncClient) -> str:
    """A simulated call from start to hangup; returns its id once it has ended."""
    call_id = await place(client, None)
    async with asyncio.timeout(30):
        while (await client.get(f"/v1/calls/{call_id}")).json()["status"] != "in_progress":
            await asyncio.sleep(0.02)
        said = await client.post(f"/v1/calls/{call_id}/input", json={"hangup": True})
        assert said.status_code == 202, said.text
        while (await client.get(f"/v1/calls/{call_id}")).json()["status"] == "in_progress":
            await asyncio.sleep(0.02)
    return call_id


async def test_one_tenants_failure_does_not_keep_the_others_data(
    api_nodial: Api, script_yaml: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = api_nodial
    broken_id, key_a = await api.tenant("broken")
    _, key_b = await api.tenant("fine")
    calls = {}
    for name, key in (("broken", key_a), ("fine", key_b)):
        async with api.client(key) as client:
            await upload(client, script_yaml)
            calls[name] = await place(client, None)
            await run_call(api, calls[name], ["yes"])
    original = purge.expired_calls

    async def failing(session: Any, tenant_id: str, *args: Any) -> Any:
        if tenant_id == broken_id:
            raise RuntimeError("a row another table still points at")
        return await original(session, tenant_id, *args)

    monkeypatch.setattr(purge, "expired_calls", failing)
    later = Housekeeping(
        api.service.db, api.service.settings, clock=lambda: utcnow() + timedelta(days=91)
    )
    assert (await later.purge_once()).calls == 1
    assert (await counts(api, [calls["fine"]]))["calls"] == 0
    assert (await counts(api, [calls["broken"]]))["calls"] == 1


async def test_retention_zero_keeps_calls_forever(
    db_url: str, tmp_path: Path, script_yaml: str
) -> None:
    settings = make_settings(db_url, tmp_path, dialer="none", retention_days=0)
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, script_yaml)
            call_id = await place(client, None)
            await run_call(api, call_id, ["yes"])
            shown = (await client.get("/v1/tenant/retention")).json()
            assert shown["default_days"] is None and shown["effective_days"] is None
            decade = Housekeeping(
                api.service.db, settings, clock=lambda: utcnow() + timedelta(days=3650)
            )
            assert (await decade.purge_once()).calls == 0
            assert (await client.get(f"/v1/calls/{call_id}")).status_code == 200
            # a tenant that chooses a retention of its own still gets it
            await client.put("/v1/tenant/retention", json={"retention_days": 30})
            assert (await decade.purge_once()).calls == 1
