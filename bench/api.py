"""Service throughput: calls created per second through the HTTP API (SQLite and
PostgreSQL), and results delivered per second to a local webhook receiver.

Run: .venv/bin/python bench/api.py [--calls 300] [--results 300] [--rounds 3]

Everything is on loopback: the API is served by uvicorn, clients use 8 concurrent
connections; PostgreSQL is a throwaway cluster (initdb in a temp dir). Prints medians over
the rounds. The machine's other load shows up in these numbers: compare runs, not machines.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot_engine.delivery.worker import DeliveryWorker  # noqa: E402
from bot_engine.dialog.actions import DialogResult  # noqa: E402
from bot_engine.record import TranscriptTurn  # noqa: E402
from bot_engine.service.app import create_app  # noqa: E402
from bot_engine.service.settings import ServiceSettings  # noqa: E402
from bot_engine.storage import tenants  # noqa: E402
from bot_engine.storage.sealing import new_key  # noqa: E402
from tests.service.local_server import LocalServer  # noqa: E402
from tests.service.postgres_server import PostgresServer, free_port  # noqa: E402
from tests.service.receivers import WebhookReceiver  # noqa: E402

SCRIPT = (ROOT / "examples" / "scripts" / "lead_qualification_en.yaml").read_text()
CONCURRENCY = 8


def settings(db_url: str, data: Path) -> ServiceSettings:
    return ServiceSettings(
        data_dir=data,
        database_url=db_url,
        dialer="none",
        prerender_prompts=False,
        ssrf_allowlist=["127.0.0.1/32"],
        secret_key="bench",
        encryption_key=new_key(),  # required with PostgreSQL; a throwaway database here
        delivery_poll_s=0.2,
        sip_enabled=False,  # the API alone: no telephony listeners
        audiosocket_enabled=False,
    )


async def _app(db_url: str, data: Path):  # type: ignore[no-untyped-def]
    app = create_app(settings(db_url, data))
    return app


async def calls_per_second(db_url: str, count: int) -> float:
    data = Path(tempfile.mkdtemp(prefix="vb-bench-"))
    app = await _app(db_url, data)
    server = LocalServer(app, free_port())
    server.server.config.lifespan = "on"
    async with app.router.lifespan_context(app):
        svc = app.state.service
        async with svc.db.write() as session:
            tenant = await tenants.create_tenant(session, "bench")
            key = await tenants.create_key(session, tenant)
        await server.start()
        try:
            async with httpx.AsyncClient(
                base_url=server.url, timeout=60, headers={"authorization": f"Bearer {key}"}
            ) as client:
                r = await client.post(
                    "/v1/scripts", content=SCRIPT, headers={"content-type": "application/yaml"}
                )
                assert r.status_code == 201, r.text
                body = {
                    "to": "+15550000",
                    "script_id": "lead_qualification_en",
                    "variables": {"lead_name": "Ann"},
                }
                remaining = count

                async def client_loop() -> None:
                    nonlocal remaining
                    while remaining > 0:
                        remaining -= 1
                        response = await client.post("/v1/calls", json=body)
                        assert response.status_code == 202, response.text

                start = time.perf_counter()
                await asyncio.gather(*(client_loop() for _ in range(CONCURRENCY)))
                return count / (time.perf_counter() - start)
        finally:
            await server.stop()


async def results_per_second(db_url: str, count: int) -> float:
    """Pure delivery throughput: results are committed with the worker stopped, then a
    fresh worker delivers them all to a local receiver that verifies every signature."""
    data = Path(tempfile.mkdtemp(prefix="vb-bench-"))
    app = await _app(db_url, data)
    async with app.router.lifespan_context(app):
        svc = app.state.service
        await svc.worker.stop()
        async with svc.db.write() as session:
            tenant = await tenants.create_tenant(session, "bench")
            key = await tenants.create_key(session, tenant)
        receiver = WebhookReceiver(tenant.webhook_secret)
        async with LocalServer(receiver.app, free_port()) as crm:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport,
                base_url="http://api",
                headers={"authorization": f"Bearer {key}"},
            ) as client:
                await client.post(
                    "/v1/scripts", content=SCRIPT, headers={"content-type": "application/yaml"}
                )
                body = {
                    "to": "+15550000",
                    "script_id": "lead_qualification_en",
                    "variables": {"lead_name": "Ann"},
                    "webhook": f"{crm.url}/hook",
                }
                ids = [
                    (await client.post("/v1/calls", json=body)).json()["id"] for _ in range(count)
                ]
            result = DialogResult(outcome="qualified", fields={"budget": 5000}, ending="completed")
            for call_id in ids:
                await svc.calls.call_status(call_id, "in_progress")
                await svc.calls.record_turn(call_id, TranscriptTurn(role="bot", text="Hello"))
                await svc.calls.finish(call_id, result, hangup_cause="robot_hangup")
            worker = DeliveryWorker(
                svc.db, svc.settings.delivery, svc.guard, svc.documents.build_job, concurrency=16
            )
            start = time.perf_counter()
            async with asyncio.timeout(600):
                while len(receiver.received) < count:
                    if not await worker.run_once():
                        await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - start
            await worker.stop()
        assert receiver.bad_signatures == 0
        return count / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--results", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pg = PostgresServer()
    pg.start()
    try:
        backends = {
            "sqlite": lambda: f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db",
        }
        rows: list[tuple[str, float]] = []
        for name in ("sqlite", "postgres"):
            created, delivered = [], []
            for _ in range(args.rounds):
                if name == "sqlite":
                    url1, url2 = backends["sqlite"](), backends["sqlite"]()
                else:
                    url1 = await pg.create_database("b_" + uuid.uuid4().hex[:12])
                    url2 = await pg.create_database("b_" + uuid.uuid4().hex[:12])
                created.append(await calls_per_second(url1, args.calls))
                delivered.append(await results_per_second(url2, args.results))
            rows.append(
                (
                    f"calls created/s via API ({name}, {CONCURRENCY} clients)",
                    statistics.median(created),
                )
            )
            rows.append(
                (f"results delivered/s to a local receiver ({name})", statistics.median(delivered))
            )
        for label, value in rows:
            print(f"{label:60s} {value:8.1f}  (median of {args.rounds})")
    finally:
        pg.stop()


if __name__ == "__main__":
    asyncio.run(main())
