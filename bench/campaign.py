"""Campaigns: lead import throughput and the scheduler's cost to pick the next due leads.

Run: .venv/bin/python bench/campaign.py [--leads 100000] [--sizes 10000,100000,1000000]
                                         [--picks 200] [--postgres]

1. Import: `--leads` leads (Moscow, St Petersburg, Novosibirsk and Vladivostok landlines
   and mobile numbers, a variable each) uploaded as one streamed CSV to
   `POST /v1/campaigns/{id}/leads` of the service on loopback (uvicorn, SQLite). Prints
   rows/s and the process's peak RSS above its level before the upload: the upload is read
   as it arrives, so this stays small however large the file.
2. Pick: a campaign with N pending leads (1% due now, the rest due over the next 30 days),
   written straight into the database; then `--picks` scheduler rounds without placing a
   call: the dispatcher's `pick` (lock the campaign, count calls in flight, the tenant's
   ceiling, claim up to 10 due leads) and the wake-up query, each in a transaction that is
   rolled back. Prints p50/p95 ms per round for each N and the ratio of the largest to the
   smallest (flat means the due-time index does its job).

The last line is `campaign_pick_ms_p95: X` for the largest N on SQLite. The machine's other
load shows up in these numbers: compare runs, not machines.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot_engine.service.app import create_app  # noqa: E402
from bot_engine.service.settings import ServiceSettings  # noqa: E402
from bot_engine.storage import campaigns as repo  # noqa: E402
from bot_engine.storage import tenants  # noqa: E402
from tests.service.local_server import LocalServer  # noqa: E402
from tests.service.postgres_server import PostgresServer, free_port  # noqa: E402

SCRIPT = (ROOT / "examples" / "scripts" / "lead_qualification_en.yaml").read_text()
PREFIXES = ["+7495", "+7812", "+7383", "+7423", "+7916", "+7926", "+7903", "+7985"]
ALL_DAY = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def settings(db_url: str, data: Path) -> ServiceSettings:
    values = {
        "data_dir": data, "database_url": db_url, "dialer": "none",
        "prerender_prompts": False, "secret_key": "bench", "sip_enabled": False,
        "audiosocket_enabled": False,
    }
    cfg = ServiceSettings(**values)  # type: ignore[arg-type]
    cfg.campaigns.dispatch = False
    return cfg


def numbers(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    picked: set[str] = set()
    while len(picked) < count:
        picked.add(f"{rng.choice(PREFIXES)}{rng.randrange(2_000_000, 9_999_999):07d}")
    return sorted(picked)


async def csv_body(phones: list[str]) -> AsyncIterator[bytes]:
    yield b"phone,lead_name,external_id\n"
    batch: list[str] = []
    for n, phone in enumerate(phones):
        batch.append(f"{phone},Lead {n},crm-{n}\n")
        if len(batch) == 2000:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _service(db_url: str) -> tuple[object, str]:
    data = Path(tempfile.mkdtemp(prefix="vb-bench-"))
    return create_app(settings(db_url, data)), str(data)


async def import_rate(db_url: str, count: int) -> tuple[float, float, int]:
    """(rows/s, MB of peak RSS above the level before the upload, rows accepted)."""
    app, _ = await _service(db_url)
    phones = numbers(count)
    server = LocalServer(app, free_port())
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
        svc = app.state.service  # type: ignore[attr-defined]
        async with svc.db.write() as session:
            tenant = await tenants.create_tenant(session, "bench")
            key = await tenants.create_key(session, tenant)
        await server.start()
        try:
            async with httpx.AsyncClient(base_url=server.url, timeout=600,
                                         headers={"authorization": f"Bearer {key}"}) as client:
                await client.post("/v1/scripts", content=SCRIPT,
                                  headers={"content-type": "application/yaml"})
                created = await client.post("/v1/campaigns", json={
                    "name": "bench", "script_id": "lead_qualification_en",
                    "default_region": "RU"})
                campaign_id = created.json()["id"]
                before = peak_rss_mb()
                start = time.perf_counter()
                response = await client.post(
                    f"/v1/campaigns/{campaign_id}/leads", content=csv_body(phones),
                    headers={"content-type": "text/csv"})
                elapsed = time.perf_counter() - start
                assert response.status_code == 200, response.text
                accepted = int(response.json()["accepted"])
        finally:
            await server.stop()
    return count / elapsed, peak_rss_mb() - before, accepted


async def _fill(db_url: str, campaign_id: str, count: int, now: datetime) -> None:
    """N pending leads straight into the table (the driver's bulk path: the bench is about
    picking, not inserting)."""
    rng = random.Random(count)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")

    def due(i: int) -> datetime:
        if i % 100 == 0:
            return now - timedelta(minutes=rng.randrange(1, 600))
        return now + timedelta(seconds=rng.randrange(60, 30 * 86400))

    if db_url.startswith("sqlite"):
        path = db_url.split("///", 1)[1]
        conn = sqlite3.connect(path)
        rows = ((campaign_id, i, f"+7{9_000_000_000 + i}", "{}", '["Europe/Moscow"]',
                 "phonenumbers", "pending", 0, "{}", due(i).strftime("%Y-%m-%d %H:%M:%S.%f"),
                 stamp) for i in range(count))
        conn.executemany(
            "INSERT INTO campaign_leads (campaign_id, row, phone, variables, zones, zone_source,"
            " state, attempts, outcome_counts, next_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.commit()
        conn.execute("ANALYZE")
        conn.close()
        return
    import asyncpg

    url = db_url.replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table(
            "campaign_leads",
            columns=["campaign_id", "row", "phone", "variables", "zones", "zone_source",
                     "state", "attempts", "outcome_counts", "next_at", "updated_at"],
            records=((campaign_id, i, f"+7{9_000_000_000 + i}", "{}", '["Europe/Moscow"]',
                      "phonenumbers", "pending", 0, "{}", due(i), now) for i in range(count)),
        )
        await conn.execute("ANALYZE campaign_leads")
    finally:
        await conn.close()


async def pick_cost(db_url: str, pending: int, picks: int) -> tuple[float, float]:
    """(p50, p95) ms of one scheduler round's reads over `pending` leads."""
    app, _ = await _service(db_url)
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
        svc = app.state.service  # type: ignore[attr-defined]
        async with svc.db.write() as session:
            tenant = await tenants.create_tenant(session, "bench")
            key = await tenants.create_key(session, tenant)
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://api",
                                     headers={"authorization": f"Bearer {key}"}) as client:
            await client.post("/v1/scripts", content=SCRIPT,
                              headers={"content-type": "application/yaml"})
            campaign_id = (await client.post("/v1/campaigns", json={
                "name": "bench", "script_id": "lead_qualification_en",
                "schedule": {"windows": ALL_DAY},
                "pacing": {"max_concurrent": 10, "calls_per_minute": 600}})).json()["id"]
            await client.post(f"/v1/campaigns/{campaign_id}/leads",
                              json=[{"phone": "+74957770001", "lead_name": "Seed"}])
            assert (await client.post(f"/v1/campaigns/{campaign_id}/start")).status_code == 200
        now = datetime.now(UTC)
        await _fill(svc.db.engine.url.render_as_string(hide_password=False), campaign_id,
                    pending, now)
        dispatcher = svc.campaigns.dispatcher
        times: list[float] = []
        for _ in range(picks + 5):
            started = time.perf_counter()
            async with svc.db.sessions() as session, session.begin():
                pick = await dispatcher.pick(session, campaign_id, now)
                assert pick is not None and len(pick.leads) == 10
                await repo.next_due(session, campaign_id)
                await session.rollback()
            times.append((time.perf_counter() - started) * 1000)
        times = times[5:]  # the first rounds warm the caches
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--picks", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="Also on PostgreSQL.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = ["sqlite"] + (["postgres"] if args.postgres else [])
    pg = PostgresServer() if args.postgres else None
    if pg is not None:
        pg.start()
    try:
        async def url(name: str) -> str:
            if name == "sqlite":
                return f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='vb-bench-')}/bench.db"
            assert pg is not None
            return await pg.create_database("b_" + uuid.uuid4().hex[:12])

        for name in backends:
            rate, rss, accepted = await import_rate(await url(name), args.leads)
            assert accepted == args.leads, accepted
            print(f"lead import ({name}): {args.leads} leads, {rate:,.0f} rows/s, "
                  f"peak RSS +{rss:.0f} MB over the service at rest")
        results: dict[tuple[str, int], tuple[float, float]] = {}
        for name in backends:
            for size in sizes:
                results[(name, size)] = await pick_cost(await url(name), size, args.picks)
                p50, p95 = results[(name, size)]
                print(f"scheduler round ({name}, {size:,} pending): p50 {p50:.2f} ms, "
                      f"p95 {p95:.2f} ms")
            first, last = results[(name, sizes[0])][1], results[(name, sizes[-1])][1]
            print(f"p95 ratio {sizes[-1]:,} / {sizes[0]:,} pending ({name}): "
                  f"{last / first:.2f}")
        print(f"campaign_pick_ms_p95: {results[('sqlite', sizes[-1])][1]:.2f}")
    finally:
        if pg is not None:
            pg.stop()


if __name__ == "__main__":
    asyncio.run(main())
