"""A running cluster answering one number (the hold script on an inbound route, results to
a signed-webhook receiver), and the kill -9 scenario the tests and `bench/cluster_failover.py`
both run."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.campaigns.sip_trunk import invites
from tests.cluster.rig import HERE, Cluster, caller
from tests.service.local_server import LocalServer
from tests.service.postgres_server import free_port
from tests.service.receivers import WebhookReceiver

NUMBER = "+15550100"
SCRIPT = (HERE / "scripts" / "hold.en.yaml").read_text()
TERMINAL = ("completed", "failed", "cancelled", "no_answer", "busy")
SETTLE_S = 180
LOTS = 2000
"""Calls SIPp would place: the load runs until it is stopped (`Caller.stop`)."""


class Line:
    def __init__(self, cluster: Cluster, key: str, receiver: WebhookReceiver,
                 http: LocalServer) -> None:
        self.cluster = cluster
        self.key = key
        self.receiver = receiver
        self.http = http

    async def route(self) -> None:
        async with self.cluster.client(self.key) as client:
            uploaded = await client.post(
                "/v1/scripts", content=SCRIPT, headers={"content-type": "application/yaml"}
            )
            assert uploaded.status_code == 201, uploaded.text
            created = await client.post("/v1/inbound-routes", json={
                "script_id": "cluster_hold", "match": {"to": NUMBER, "channel": "sip"},
                "webhook": f"{self.http.url}/hook",
            })
            assert created.status_code == 201, created.text

    async def calls(self) -> list[Any]:
        return await self.cluster.rows(
            "SELECT id, worker_id, status, from_number, result, created_at FROM calls"
        )

    async def settled(self, expected: int | None = None) -> list[Any]:
        """Every call ended and every result delivered (bounded wait); the calls."""
        async with asyncio.timeout(SETTLE_S):
            while True:
                calls = await self.calls()
                done = all(c["status"] in TERMINAL for c in calls)
                if done and (expected is None or len(calls) >= expected):
                    delivered = await self.cluster.rows(
                        "SELECT count(*) AS n FROM deliveries WHERE status = 'delivered'"
                    )
                    if delivered[0]["n"] >= len(calls):
                        return calls
                await asyncio.sleep(0.2)

    async def doubled(self, calls: list[Any]) -> int:
        """Results delivered more than once: outbox rows beyond one per call, plus repeats
        the receiver saw of one result."""
        rows = await self.cluster.rows(
            "SELECT count(*) - count(DISTINCT call_id) AS n FROM deliveries"
        )
        return int(rows[0]["n"]) + sum(hits - 1 for hits in self.receiver.hits.values())

    async def check_once_each(self, calls: list[Any]) -> None:
        """One result per call, delivered once: the receiver saw each result's id once."""
        assert await self.doubled(calls) == 0, self.receiver.hits
        sent = {body["call"]["id"] for body in self.receiver.received.values()}
        assert sent == {c["id"] for c in calls}
        assert all(c["result"] is not None for c in calls)

    async def close(self) -> None:
        await self.http.stop()
        await self.cluster.close()


async def open_line(folder: Path, db_url: str, *, ping_s: int = 1, **env: str) -> Line:
    cluster = Cluster(folder, db_url, **env)
    try:
        await cluster.start(ping_s=ping_s)
        key, secret = cluster.tenant()
    except BaseException:
        print(cluster.report())
        await cluster.close()
        raise
    receiver = WebhookReceiver(secret)
    http = LocalServer(receiver.app, free_port())
    await http.start()
    line = Line(cluster, key, receiver, http)
    await line.route()
    return line


def by_caller(calls: list[Any]) -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = {}
    for call in calls:
        seen.setdefault(call["from_number"], []).append(call)
    return seen


@dataclass
class Failover:
    placed: int
    """Calls SIPp placed (distinct Call-IDs of its INVITEs)."""
    lost: list[int]
    """SIPp call numbers with no call in the database."""
    doubled: int
    calls: list[Any]
    on_victim: set[str]
    """Calls in progress on the victim when it was killed."""
    recovered: set[str]
    """Calls ended by the survivor's crash recovery."""
    after_kill: list[Any]
    """Calls that came in after the kill."""
    taken_out_s: float
    """From the kill to the edge marking the victim inactive."""
    taken_over_s: float
    """From the kill to the last of its calls ended by the survivor."""


async def kill_under_load(line: Line, folder: Path, *, in_progress: int = 3,
                          after: int = 5) -> Failover:
    """Calls through the edge (3 a second, 6 s each); kill -9 the first worker once it
    has `in_progress` calls; go on until `after` calls that came in after the kill have
    completed; stop the load and wait until every result is delivered."""
    cluster = line.cluster
    assert cluster.edge is not None
    victim = cluster.workers[0]
    sipp = caller(folder, cluster.edge, calls=LOTS, rate=3, hold_ms=6000, service=NUMBER)
    await sipp.start()
    try:
        async with asyncio.timeout(120):
            while True:
                rows = await cluster.rows(
                    "SELECT id FROM calls WHERE worker_id = $1 AND status = 'in_progress'",
                    victim.id,
                )
                if len(rows) >= in_progress:
                    break
                await asyncio.sleep(0.1)
        victim.kill()
        killed_at = time.monotonic()
        (db_killed_at,) = [r["now"] for r in await cluster.rows("SELECT now()")]
        async with asyncio.timeout(60):
            while not (await cluster.edge.destinations())[victim.sip_port].startswith("I"):
                await asyncio.sleep(0.05)
        taken_out_s = time.monotonic() - killed_at
        async with asyncio.timeout(180):
            while len(await cluster.rows(
                "SELECT id FROM calls WHERE created_at > $1 AND status = 'completed'",
                db_killed_at,
            )) < after:
                await asyncio.sleep(0.2)
    finally:
        await sipp.stop()  # calls in progress on the killed worker fail on the SIP side
    placed = len(invites(sipp.messages())[NUMBER])
    calls = await line.settled()  # SIPp has ended every call: no more will come
    callers = by_caller(calls)
    recovered = await cluster.rows(
        "SELECT call_id, max(at) AS at FROM call_events WHERE kind = 'recovered'"
        " GROUP BY call_id"
    )
    return Failover(
        placed=placed,
        lost=[n for n in range(1, placed + 1) if f"caller{n}" not in callers],
        doubled=await line.doubled(calls),
        calls=calls,
        on_victim={r["id"] for r in rows},
        recovered={r["call_id"] for r in recovered},
        after_kill=[c for c in calls if c["created_at"] > db_killed_at],
        taken_out_s=taken_out_s,
        taken_over_s=max((r["at"] - db_killed_at).total_seconds() for r in recovered),
    )
