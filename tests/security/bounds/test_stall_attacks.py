"""No request freezes the server (issue 12, section 3): while each stall attack of the issue
is sent again and again to a real `voicebot serve` process, /healthz keeps answering about
as fast as when idle (measured in the same test; the bound is deliberately generous, since
only a stalled loop is seconds slow), and a script that is valid but slow to parse is
checked while /healthz goes on answering.

The figures themselves are a benchmark: bench/stall_attacks.py."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Iterator

import pytest

from .stall_kit import (
    Attack,
    ServeProcess,
    during_attack,
    healthz_latencies,
    heavy_valid_script,
    stall_attacks,
)

pytestmark = pytest.mark.slow

ATTACKS = {attack.name: attack for attack in stall_attacks()}
FACTOR = 10.0
SLACK_S = 0.25


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    process = ServeProcess(tmp_path_factory.mktemp("stall"))
    try:
        asyncio.run(process.start())
        yield process
    finally:
        process.stop()


@pytest.mark.parametrize("name", list(ATTACKS))
async def test_healthz_keeps_answering_during_the_attack(server: ServeProcess, name: str) -> None:
    attack: Attack = ATTACKS[name]
    async with server.client() as client:
        idle = statistics.median(await healthz_latencies(client, 15))
        during = await during_attack(client, attack, probes=15, window_s=4.0,
                                     attack_timeout_s=60.0)
    assert not during.unfinished, f"{name}: the attack request did not finish"
    assert during.statuses and all(status < 500 for status in during.statuses), during.statuses
    assert during.p50 <= max(FACTOR * idle, idle + SLACK_S), (
        f"{name}: /healthz p50 {during.p50 * 1000:.1f} ms during the attack, "
        f"{idle * 1000:.1f} ms idle"
    )


async def test_healthz_answers_while_a_slow_valid_script_is_checked(
    server: ServeProcess,
) -> None:
    """A script within every limit still takes the parser about a second: it is checked in
    a worker process, so /healthz answers all along (on the event loop it stalled them)."""
    async with server.client() as client:
        idle = statistics.median(await healthz_latencies(client, 15))
        upload = asyncio.get_running_loop().create_task(client.post(
            "/v1/scripts", content=heavy_valid_script(),
            headers={"content-type": "application/yaml"}, timeout=120))
        latencies: list[float] = []
        while not upload.done():
            latencies += await healthz_latencies(client, 1, gap_s=0.01)
        response = await upload
    assert response.status_code == 201, response.text
    assert len(latencies) >= 3, f"only {len(latencies)} /healthz answers during the upload"
    assert max(latencies) <= max(FACTOR * idle, idle + SLACK_S), (
        f"/healthz took {max(latencies) * 1000:.1f} ms during the upload, "
        f"{idle * 1000:.1f} ms idle"
    )
