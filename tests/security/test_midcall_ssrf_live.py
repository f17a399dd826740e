"""A tenant's script cannot make a live call fetch the robot's own network.

The attack: a script whose first step is `webhook: {url: "{{ target }}", method: GET}` with
`set: {leaked: "{{ response.a }}"}`, run by a live call whose `target` is a loopback
service. The result is delivered to the tenant's CRM, so whatever the robot fetched would
end up there. Before, live calls built their session without the service's runner and
used an unguarded one: the internal service was hit and its answer delivered.

The operator here allow-lists exactly one private address, its own CRM on 127.0.0.2; the
internal service on 127.0.0.1 is not allow-listed and must never be hit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from asr_tts.settings import SpeechSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.script.model import Script
from bot_engine.service.app import create_app
from media_gateway.call_leg import CallEnded
from media_gateway.sip import SipConfig, SipUserAgent

from ..service.conftest import Api, make_settings, upload
from ..service.local_server import LocalServer
from ..service.media_clients import TwilioStreamCaller
from ..service.postgres_server import free_port
from ..service.receivers import WebhookReceiver
from .outbound_targets import PROBE_SCRIPT, SECRET, InternalService

pytestmark = pytest.mark.slow

CRM_HOST = "127.0.0.2"


@dataclass
class Stage:
    api: Api
    client: httpx.AsyncClient
    crm: WebhookReceiver
    crm_url: str
    internal: InternalService
    target: str
    http_port: int

    async def delivered(self) -> dict[str, Any]:
        async with asyncio.timeout(90):
            while not self.crm.received:
                await asyncio.sleep(0.1)
        payload: dict[str, Any] = next(iter(self.crm.received.values()))
        return payload

    async def check(self, payload: dict[str, Any]) -> None:
        call_id = payload["call"]["id"]
        call = (await self.client.get(f"/v1/calls/{call_id}")).json()
        events = (await self.client.get(f"/v1/calls/{call_id}/events")).json()
        assert self.internal.hits == 0, "the live call reached the loopback service"
        assert SECRET not in str(payload)
        assert payload["result"]["outcome"] == "refused"
        assert payload["result"]["fields"]["leaked"] is None
        assert call["result"] == payload["result"]
        assert any("webhook error" in str(e["data"]) for e in events), events


@contextlib.asynccontextmanager
async def stage(tmp_path: Path, **settings: Any) -> AsyncIterator[Stage]:
    speech_settings = SpeechSettings(tts_cache_dir=tmp_path / "tts-cache")

    def speech(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings, asr_engine="whisper")

    http_port = free_port()
    app = create_app(
        make_settings(
            f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}",
            tmp_path,
            ssrf_allowlist=[f"{CRM_HOST}/32"],
            public_base_url=f"http://127.0.0.1:{http_port}",
            **settings,
        ),
        call_speech=speech,
    )
    internal = InternalService()
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("mallory")
        async with api.client(key) as client:
            await upload(client, PROBE_SCRIPT)
            secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
        crm = WebhookReceiver(secret)
        async with (
            LocalServer(app, http_port),
            LocalServer(internal.app, free_port()) as inside,
            LocalServer(crm.app, free_port(), host=CRM_HOST) as crm_server,
            api.client(key) as client,
        ):
            yield Stage(
                api, client, crm, f"{crm_server.url}/hook", internal, f"{inside.url}/json",
                http_port,
            )


async def test_a_websocket_call_cannot_fetch_a_loopback_service_into_the_crm(
    tmp_path: Path,
) -> None:
    async with stage(tmp_path) as s:
        route = await s.client.post(
            "/v1/inbound-routes",
            json={
                "match": {"channel": "websocket"},
                "script_id": "ssrf_probe",
                "variables": {"target": s.target},
                "webhook": s.crm_url,
            },
        )
        assert route.status_code == 201, route.text
        stream = await TwilioStreamCaller.open(
            route.json()["twilio_stream_url"], {"from": "+15557770000"}
        )
        async with asyncio.timeout(90):
            async for _event in stream.events():
                pass  # the robot runs its webhook, says goodbye and hangs up
        await stream.close()
        await s.check(await s.delivered())


async def test_an_outbound_call_through_the_sip_dialer_cannot_either(tmp_path: Path) -> None:
    """The service's SIP dialer (outbound calls through its trunk, here a loopback phone)."""
    trunk = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, tcp=False))

    async def pick_up() -> None:
        async for incoming in trunk.incoming():
            leg = await incoming.answer()
            async for event in leg.events():
                if isinstance(event, CallEnded):
                    return

    answering = asyncio.get_running_loop().create_task(pick_up())
    try:
        async with stage(
            tmp_path, dialer="sip", sip_proxy=f"127.0.0.1:{trunk.local_port}", sip_amd=False
        ) as s:
            created = await s.client.post(
                "/v1/calls",
                json={
                    "to": "+15550001",
                    "script_id": "ssrf_probe",
                    "variables": {"target": s.target},
                    "webhook": s.crm_url,
                },
            )
            assert created.status_code == 202, created.text
            payload = await s.delivered()
            await asyncio.wait_for(answering, 30)
            assert payload["call"]["direction"] == "outbound"
            await s.check(payload)
    finally:
        answering.cancel()
        with contextlib.suppress(BaseException):
            await answering
        await trunk.close()
