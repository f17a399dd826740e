"""AudioSocket has no authentication of its own: the server listens on loopback unless the
operator says otherwise, and with `audiosocket_require_token` only a route's own
`audiosocket_uuid` gets a call answered (any other UUID is closed, leaving nothing)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot_engine.script.model import Script
from bot_engine.service.app import create_app
from bot_engine.service.settings import ServiceSettings
from tests.service.conftest import Api, make_settings, upload
from tests.service.media_clients import AsteriskAudioSocketCaller

SCRIPT = (Path(__file__).parents[1] / "service" / "scripts" / "inbound_check.en.yaml").read_text()


def no_speech(script: Script) -> Any:
    raise RuntimeError("these tests stop before speech")


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}", tmp_path,
                             audiosocket_require_token=True)
    app = create_app(settings, call_speech=no_speech)
    async with app.router.lifespan_context(app):
        yield Api(app)


async def _connect(api: Api, key: uuid.UUID) -> None:
    """One AudioSocket connection, until the server closes it."""
    asterisk = await AsteriskAudioSocketCaller.open(api.service.listeners.audiosocket_port, key)
    async with asyncio.timeout(20):
        async for _event in asterisk.events():
            pass
    await asterisk.close()


def test_the_server_listens_on_loopback_by_default() -> None:
    assert ServiceSettings().audiosocket_host == "127.0.0.1"


async def test_only_a_routes_key_gets_an_audiosocket_call_answered(api: Api) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, SCRIPT)
        created = (await client.post("/v1/inbound-routes", json={
            "script_id": "inbound_check", "match": {"channel": "audiosocket"},
            "variables": {"lead_name": "Ann"}})).json()
        websocket_only = (await client.post("/v1/inbound-routes", json={
            "script_id": "inbound_check", "match": {"channel": "websocket"}})).json()
    assert websocket_only["audiosocket_uuid"] is None
    route_key = uuid.UUID(created["audiosocket_uuid"])
    assert api.service.listeners.audiosocket.host == "127.0.0.1"
    # a catch-all route used to answer any UUID from anyone who reached the port
    await _connect(api, uuid.uuid4())
    async with api.client(key) as client:
        assert (await client.get("/v1/calls")).json() == []
    await _connect(api, route_key)
    async with api.client(key) as client:
        calls = (await client.get("/v1/calls")).json()
    assert len(calls) == 1 and calls[0]["to"] == f"audiosocket:{created['id']}"
