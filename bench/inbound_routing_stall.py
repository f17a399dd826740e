"""Does routing stall the server? `/healthz` latency of `voicebot serve` while
unauthenticated INVITEs are matched against catastrophic route patterns, against idle.

Run: .venv/bin/python bench/inbound_routing_stall.py [--source DIR] [--routes 20]
     [--invites 10]

The routes (`^(\\d|\\d\\d)+$`, which backtracks without bound on a long run of digits that
ends in a letter) are written straight into the server's SQLite database, as routes
created before patterns were checked at creation would be. Each INVITE dials such a
number. `--source` runs another checkout, so before/after figures come from one script.
Prints /healthz p50 and max, idle and under attack, and their ratio (most important last).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import socket
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.serve_process import invite, serve  # noqa: E402

SCRIPT = (ROOT / "tests" / "service" / "scripts" / "inbound_check.en.yaml").read_text()
EVIL = "^(\\d|\\d\\d)+$"
NUMBER = "1" * 32 + "x"


def add_routes(db: Path, tenant_id: str, count: int) -> None:
    with sqlite3.connect(db) as conn:
        for n in range(count):
            conn.execute(
                "INSERT INTO inbound_routes (id, tenant_id, match, exact_to, script_name, "
                "version, variables, variable_headers, webhook, priority, token_hash, "
                "created_at) VALUES (?, ?, ?, NULL, 'inbound_check', NULL, '{}', '{}', NULL, "
                "?, ?, ?)",
                (secrets.token_hex(16), tenant_id, json.dumps({"to": EVIL}), n,
                 secrets.token_hex(32), datetime.now(UTC).isoformat()),
            )


async def latencies(client: httpx.AsyncClient, seconds: float) -> list[float]:
    out: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        response = await client.get("/healthz")
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        await asyncio.sleep(0.01)
    return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--routes", type=int, default=20)
    parser.add_argument("--invites", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=12.0)
    args = parser.parse_args()
    async with serve(args.source, SCRIPT) as served:
        client = served.client
        tenant_id = (await client.get("/v1/tenant")).json()["id"]
        add_routes(served.data / "voicebot.db", tenant_id, args.routes)
        idle = await latencies(client, 3.0)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            local = sock.getsockname()[1]
            for _ in range(args.invites):
                sock.sendto(invite(NUMBER, served.sip_port, local, secrets.token_hex(8)),
                            ("127.0.0.1", served.sip_port))
            attacked = await latencies(client, args.seconds)
    print(f"source: {args.source}")
    print(f"{args.routes} catastrophic routes, {args.invites} INVITEs")
    print(f"/healthz idle:    p50 {statistics.median(idle):7.1f} ms, max {max(idle):7.1f} ms")
    print(f"/healthz attack:  p50 {statistics.median(attacked):7.1f} ms, "
          f"max {max(attacked):7.1f} ms")
    print(f"p50 ratio attack/idle: {statistics.median(attacked) / statistics.median(idle):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
