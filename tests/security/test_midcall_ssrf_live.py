"""A tenant's script cannot make a live call fetch the robot's own network.

The attack: a script whose first step is `webhook: {url: "{{ target }}", method: GET}` with
`set: {leaked: "{{ response.a }}"}`, answered by an inbound WebSocket (Twilio Media
Streams) route whose `target` is a loopback service. The result is delivered to the
tenant's CRM, so whatever the robot fetched would end up there.

The operator here allow-lists exactly one private address, its own CRM on 127.0.0.2; the
internal service on 127.0.0.1 is not allow-listed and must never be hit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from asr_tts.settings import SpeechSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.script.model import Script
from bot_engine.service.app import create_app

from ..service.conftest import Api, make_settings, upload
from ..service.local_server import LocalServer
from ..service.media_clients import TwilioStreamCaller
from ..service.postgres_server import free_port
from ..service.receivers import WebhookReceiver
from .outbound_targets import PROBE_SCRIPT, SECRET, InternalService

pytestmark = pytest.mark.slow

CRM_HOST = "127.0.0.2"


@pytest.fixture
async def internal() -> AsyncIterator[tuple[InternalService, str]]:
    service = InternalService()
    async with LocalServer(service.app, free_port()) as server:
        yield service, f"{server.url}/json"


async def test_a_websocket_call_cannot_fetch_a_loopback_service_into_the_crm(
    tmp_path: Path, internal: tuple[InternalService, str]
) -> None:
    service, target = internal
    speech_settings = SpeechSettings(tts_cache_dir=tmp_path / "tts-cache")

    def speech(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings, asr_engine="whisper")

    http_port = free_port()
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}",
        tmp_path,
        ssrf_allowlist=[f"{CRM_HOST}/32"],
        public_base_url=f"http://127.0.0.1:{http_port}",
    )
    app = create_app(settings, call_speech=speech)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("mallory")
        async with api.client(key) as client:
            await upload(client, PROBE_SCRIPT)
            secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
        crm = WebhookReceiver(secret)
        async with (
            LocalServer(app, http_port) as http,
            LocalServer(crm.app, free_port(), host=CRM_HOST) as crm_server,
            api.client(key) as client,
        ):
            route = await client.post(
                "/v1/inbound-routes",
                json={
                    "match": {"channel": "websocket"},
                    "script_id": "ssrf_probe",
                    "variables": {"target": target},
                    "webhook": f"{crm_server.url}/hook",
                },
            )
            assert route.status_code == 201, route.text
            url = route.json()["twilio_stream_url"]
            assert url.startswith(f"ws://127.0.0.1:{http.port}/")
            stream = await TwilioStreamCaller.open(url, {"from": "+15557770000"})
            async with asyncio.timeout(90):
                async for _event in stream.events():
                    pass  # the robot runs its webhook, says goodbye and hangs up
            await stream.close()

            async def delivered() -> dict[str, Any]:
                while not crm.received:
                    await asyncio.sleep(0.1)
                return next(iter(crm.received.values()))

            async with asyncio.timeout(60):
                payload = await delivered()
            call = (await client.get(f"/v1/calls/{payload['call']['id']}")).json()
            events = (await client.get(f"/v1/calls/{payload['call']['id']}/events")).json()

    assert service.hits == 0, "the live call reached the loopback service"
    assert SECRET not in str(payload)
    assert payload["result"]["outcome"] == "refused"
    assert payload["result"]["fields"]["leaked"] is None
    assert call["direction"] == "inbound" and call["result"] == payload["result"]
    assert any("webhook error" in str(e) for e in events), events
