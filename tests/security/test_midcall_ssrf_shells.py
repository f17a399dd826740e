"""The text shells run scripts' webhooks through the same guarded runner as live calls:
`POST /v1/simulate`, the simulated dialer and `voicebot chat` (which reaches a developer's
own backend on loopback only when told to with `--allow-webhook`)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot_engine.service.app import create_app

from ..service.conftest import Api, make_settings
from ..service.local_server import LocalServer
from ..service.postgres_server import free_port
from .outbound_targets import PROBE_SCRIPT, SCRIPTS, SECRET, InternalService, finished_call

VOICEBOT = str(Path(sys.executable).parent / "voicebot")


@pytest.fixture
async def internal() -> AsyncIterator[tuple[InternalService, str]]:
    service = InternalService()
    async with LocalServer(service.app, free_port()) as server:
        yield service, f"{server.url}/json"


async def test_simulate_and_the_simulated_dialer_refuse_loopback(
    tmp_path: Path, internal: tuple[InternalService, str]
) -> None:
    service, target = internal
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}", tmp_path, ssrf_allowlist=[]
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("mallory")
        async with api.client(key) as client:
            simulated = await client.post(
                "/v1/simulate",
                json={"script": PROBE_SCRIPT, "variables": {"target": target}},
            )
            dialed = await finished_call(api, client, {"target": target})
    assert simulated.status_code == 200, simulated.text
    assert service.hits == 0
    for document in (simulated.json(), dialed):
        assert document["result"]["outcome"] == "refused"
        assert SECRET not in json.dumps(document)


def _chat(target: str, *extra: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [VOICEBOT, "chat", str(SCRIPTS / "ssrf_probe.en.yaml"), "--var", f"target={target}",
         "--json", *extra],
        capture_output=True, text=True, timeout=120,
    )
    assert done.stdout, done.stderr
    document: dict = json.loads(done.stdout)  # type: ignore[type-arg]
    return document


async def test_chat_reaches_loopback_only_when_the_developer_allows_it(
    internal: tuple[InternalService, str],
) -> None:
    service, target = internal
    guarded = await asyncio.to_thread(_chat, target)
    assert guarded["result"]["outcome"] == "refused" and service.hits == 0
    allowed = await asyncio.to_thread(_chat, target, "--allow-webhook", "127.0.0.1")
    assert allowed["result"]["outcome"] == "fetched" and service.hits == 1
    assert allowed["result"]["fields"]["leaked"] == SECRET
