"""What checking the API key on every request costs (no key cache, so revocation is
immediate): the key check alone against a typical authenticated read, in the same run.

Run: .venv/bin/python bench/auth.py [--requests 2000] [--postgres]

In-process (httpx's ASGI transport, no sockets), sequential requests, SQLite in a temp dir
(and a throwaway PostgreSQL with --postgres). Prints medians in microseconds; the ratio is
the share of a `GET /v1/calls/{id}` spent checking its key.
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

from bot_engine.service.app import create_app  # noqa: E402
from bot_engine.service.settings import ServiceSettings  # noqa: E402
from bot_engine.storage import tenants  # noqa: E402
from bot_engine.storage.sealing import new_key  # noqa: E402
from tests.service.postgres_server import PostgresServer  # noqa: E402

SCRIPT = (ROOT / "examples" / "scripts" / "lead_qualification_en.yaml").read_text()


async def measure(db_url: str, requests: int) -> tuple[float, float]:
    data = Path(tempfile.mkdtemp(prefix="vb-bench-"))
    settings = ServiceSettings(
        data_dir=data,
        database_url=db_url,
        dialer="none",
        prerender_prompts=False,
        encryption_key=new_key(),
        sip_enabled=False,
        audiosocket_enabled=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        svc = app.state.service
        async with svc.db.write() as session:
            tenant = await tenants.create_tenant(session, "bench")
            key = await tenants.create_key(session, tenant)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://api",
            headers={"authorization": f"Bearer {key}"},
        ) as client:
            await client.post(
                "/v1/scripts", content=SCRIPT, headers={"content-type": "application/yaml"}
            )
            created = await client.post(
                "/v1/calls",
                json={"to": "+1555", "script_id": "lead_qualification_en",
                      "variables": {"lead_name": "Ann"}},
            )
            path = f"/v1/calls/{created.json()['id']}"
            checks, reads = [], []
            for _ in range(requests):
                start = time.perf_counter()
                async with svc.db.sessions() as session:
                    assert await tenants.authenticate(session, key) is not None
                checks.append(time.perf_counter() - start)
                start = time.perf_counter()
                assert (await client.get(path)).status_code == 200
                reads.append(time.perf_counter() - start)
    return statistics.median(checks) * 1e6, statistics.median(reads) * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    urls = {"SQLite": f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/voicebot.db"}
    server = None
    if args.postgres:
        server = PostgresServer()
        server.start()
        urls["PostgreSQL"] = await server.create_database("b_" + uuid.uuid4().hex[:12])
    try:
        for name, url in urls.items():
            check, read = await measure(url, args.requests)
            print(
                f"{name}: key check p50 {check:.0f} us, GET /v1/calls/{{id}} p50 {read:.0f} us,"
                f" key check = {check / read:.0%} of the request"
            )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
