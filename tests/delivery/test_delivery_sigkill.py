"""Exactly-once delivery across SIGKILL: only the request truly in flight may be repeated.

A real `voicebot serve` process delivers 11 results to a receiver that answers ten at once
and holds the eleventh. While that one is in flight the process is killed (SIGKILL) and
restarted. Before, the worker recorded a batch only when its slowest request finished:
the ten finished deliveries lost their records and the receiver got all eleven twice
(measured on the old worker with this test: 10 duplicates beyond the one in flight).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot_engine.service.app import create_app
from tests.service.conftest import FAST_SCHEDULE, Api, make_settings, silent_speaker, upload
from tests.service.local_server import LocalServer
from tests.service.postgres_server import free_port
from tests.service.serve_process import _start, _until, create_tenant

FAST = 10
SCRIPT = """
id: at_once
language: en-US
result:
  outcomes: [done, hung_up, unclear, voicemail, no_answer]
  endings: {hangup: hung_up, error: unclear, voicemail: voicemail, no_answer: no_answer}
start: bye
steps:
  bye:
    say: "Goodbye."
    outcome: done
    hangup: true
"""
ENV = {
    "VOICEBOT_DELIVERY_LEASE_S": "3",  # a killed worker's claim is retried after 3 s
    "VOICEBOT_DELIVERY__TIMEOUT_S": "300",  # the held request must not time out by itself
    "VOICEBOT_OUTBOUND__REQUEST_TIMEOUT_S": "600",
}


class HoldingReceiver:
    """Verifies signatures; answers `/fast` at once and holds `/slow` until released."""

    def __init__(self, secret: str) -> None:
        self.verifier = Webhook(secret)
        self.hits: Counter[str] = Counter()
        self.paths: dict[str, str] = {}
        self.slow_arrived = asyncio.Event()
        self.release = asyncio.Event()
        self.app = Starlette(routes=[Route("/{kind}", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        self.verifier.verify(body, dict(request.headers))
        key = request.headers["webhook-id"]
        assert request.headers["idempotency-key"] == key
        self.hits[key] += 1
        self.paths[key] = request.path_params["kind"]
        if request.path_params["kind"] == "slow" and not self.release.is_set():
            self.slow_arrived.set()
            await self.release.wait()
        return Response(status_code=204)


@pytest.mark.slow
async def test_sigkill_with_one_slow_delivery_in_flight_repeats_only_that_one(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    key, secret = create_tenant(data_dir)
    port, crm_port = free_port(), free_port()
    log = tmp_path / "serve.log"
    receiver = HoldingReceiver(secret)
    crm_url = f"http://127.0.0.1:{crm_port}"
    headers = {"authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30
    ) as client:
        proc = await _start(data_dir, port, log, ENV)
        try:
            uploaded = await client.post(
                "/v1/scripts", content=SCRIPT, headers={"content-type": "application/yaml"}
            )
            assert uploaded.status_code == 201, uploaded.text
            # The receiver is down while the calls end: their deliveries pile up, failing.
            for n in range(FAST + 1):
                created = await client.post(
                    "/v1/calls",
                    json={
                        "to": f"+1555000{n:02d}",
                        "script_id": "at_once",
                        "webhook": f"{crm_url}/{'slow' if n == 0 else 'fast'}",
                    },
                )
                assert created.status_code == 202, created.text

            async def listed(status: str | None = None) -> list[dict[str, Any]]:
                params = {"status": status} if status else {}
                found: list[dict[str, Any]] = (
                    await client.get("/v1/deliveries", params=params)
                ).json()
                return found

            await _until(lambda: _count_at_least(listed, FAST + 1), timeout=120)
            # Restarted once the receiver is up, the worker finds all eleven due at once.
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            async with LocalServer(receiver.app, crm_port):
                proc = await _start(data_dir, port, log, ENV)
                async with asyncio.timeout(120):
                    await receiver.slow_arrived.wait()

                async def fast_answered() -> bool:
                    return list(receiver.paths.values()).count("fast") == FAST

                await _until(fast_answered, timeout=120)
                # Their records are written as each finishes (before: only with the batch's
                # slowest request, so none was written yet); kill in any case and count.
                with contextlib.suppress(TimeoutError):
                    await _until(lambda: _count_at_least(listed, FAST, "delivered"), timeout=30)
                assert not receiver.release.is_set()
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                receiver.release.set()

                proc = await _start(data_dir, port, log, ENV)
                await _until(lambda: _count_at_least(listed, FAST + 1, "delivered"), timeout=120)
                deliveries = await listed()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)

    slow = [k for k, kind in receiver.paths.items() if kind == "slow"]
    fast = [k for k, kind in receiver.paths.items() if kind == "fast"]
    assert len(slow) == 1 and len(fast) == FAST
    duplicates_beyond_in_flight = sum(receiver.hits[k] - 1 for k in fast)
    print(f"duplicates after SIGKILL beyond the one in flight: {duplicates_beyond_in_flight}")
    assert duplicates_beyond_in_flight == 0, receiver.hits
    assert 1 <= receiver.hits[slow[0]] <= 2  # the one in flight, repeated with its own key
    assert {d["idempotency_key"] for d in deliveries} == set(receiver.hits)
    assert all(d["status"] == "delivered" for d in deliveries)


async def _count_at_least(listed: Any, count: int, status: str | None = None) -> bool:
    return len(await listed(status)) >= count


async def test_a_held_delivery_does_not_hold_back_later_ones(tmp_path: Path) -> None:
    """One receiver that never answers occupies one slot, not the worker: results that end
    while it hangs are delivered (before: not until the held request timed out)."""
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}",
        tmp_path,
        delivery=FAST_SCHEDULE.model_copy(update={"timeout_s": 300}),  # held, never timed out
    )
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
            receiver = HoldingReceiver(secret)
            async with LocalServer(receiver.app, free_port()) as crm:
                await upload(client, SCRIPT)

                async def call(kind: str) -> None:
                    created = await client.post(
                        "/v1/calls",
                        json={"to": "+15550001", "script_id": "at_once",
                              "webhook": f"{crm.url}/{kind}"},
                    )
                    assert created.status_code == 202, created.text

                async def delivered() -> int:
                    found = (await client.get("/v1/deliveries", params={"status": "delivered"}))
                    return len(found.json())

                await call("slow")
                async with asyncio.timeout(60):
                    await receiver.slow_arrived.wait()
                for _ in range(3):
                    await call("fast")
                await _until(lambda: _count(delivered, 3), timeout=60)
                assert not receiver.release.is_set()
                receiver.release.set()
                await _until(lambda: _count(delivered, 4), timeout=60)
    assert sorted(receiver.hits.values()) == [1, 1, 1, 1]


async def _count(counter: Any, at_least: int) -> bool:
    return int(await counter()) >= at_least
