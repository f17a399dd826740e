"""`voicebot serve` with Twilio credentials: a script's transfer on a Twilio media stream
redirects the live call through Twilio's REST API, and streams must carry a valid
`X-Twilio-Signature` for the public URL Twilio connected to.

Real parts on loopback: the app's lifespan, uvicorn for HTTP and WebSocket, a client
speaking Twilio's Media Streams protocol, a local server speaking Twilio's REST Call-update
protocol, espeak-ng for the robot's prompt.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from asr_tts.settings import SpeechSettings
from bot_engine.storage import calls as call_repo
from media_gateway.twilio_signature import compute_signature

from .conftest import upload
from .local_server import LocalServer
from .media_clients import TwilioStreamCaller
from .postgres_server import free_port
from .test_inbound_telephony import Line, serving
from .twilio_rest_server import FakeTwilioRest

pytestmark = pytest.mark.slow

SCRIPT = (Path(__file__).parent / "scripts" / "transfer_check.en.yaml").read_text()
ACCOUNT = "AC0123456789abcdef0123456789abcdef"
AUTH_TOKEN = "twilio-auth-token-for-tests"
PUBLIC_BASE = "https://bot.example.com"  # what Twilio dials; a TLS proxy forwards it here
TARGET = "sip:sales@pbx.example.com"


@pytest.fixture(scope="module")
def speech_settings(tmp_path_factory: pytest.TempPathFactory) -> SpeechSettings:
    return SpeechSettings(tts_cache_dir=tmp_path_factory.mktemp("tts-cache"))


class TwilioLine:
    def __init__(self, line: Line, twilio: FakeTwilioRest) -> None:
        self.line = line
        self.twilio = twilio

    async def stream_route(self, public_base: str = "wss://bot.example.com") -> tuple[str, str]:
        """(the public URL for TwiML, the local URL the proxy forwards it to)"""
        async with self.line.client() as client:
            await upload(client, SCRIPT)
        route = await self.line.route(script_id="transfer_check", match={"channel": "websocket"})
        public: str = route["twilio_stream_url"]
        assert public.startswith(f"{public_base}/v1/media/twilio/")
        return public, f"ws://127.0.0.1:{self.line.http.port}{urlsplit(public).path}"

    async def events(self, call_id: str) -> list[str]:
        async with self.line.api.service.db.sessions() as session:
            rows = await call_repo.list_events(session, call_id, ("event",))
        return [str(row.data["text"]) for row in rows]


@pytest.fixture
async def twilio_line(
    tmp_path: Path, speech_settings: SpeechSettings, request: pytest.FixtureRequest
) -> AsyncIterator[TwilioLine]:
    error_status = getattr(request, "param", None)
    twilio = FakeTwilioRest(error_status=error_status)
    async with (
        LocalServer(twilio.app, free_port()) as rest,
        serving(
            tmp_path,
            speech_settings,
            twilio_account_sid=ACCOUNT,
            twilio_auth_token=AUTH_TOKEN,
            twilio_api_base=rest.url,
            public_base_url=PUBLIC_BASE,
        ) as line,
    ):
        yield TwilioLine(line, twilio)


async def _run_stream(url: str, signature: str) -> TwilioStreamCaller:
    stream = await TwilioStreamCaller.open(
        url, {"from": "+15557770000"}, headers={"X-Twilio-Signature": signature}
    )
    async with asyncio.timeout(60):
        async for _event in stream.events():
            pass  # the robot speaks, then Twilio (here: our server) ends the stream
    await stream.close()
    return stream


async def test_a_transfer_redirects_the_twilio_call_to_a_dial(twilio_line: TwilioLine) -> None:
    public, local = await twilio_line.stream_route()
    stream = await _run_stream(local, compute_signature(AUTH_TOKEN, public))
    call = await twilio_line.line.finished_inbound()
    assert call["result"]["outcome"] == "transfer" and call["status"] == "completed"
    assert call["hangup_cause"] == "transferred"
    assert stream.marks_echoed >= 1  # the prompt was heard before the transfer
    [update] = twilio_line.twilio.updates
    assert update.path == f"/2010-04-01/Accounts/AC123/Calls/{TwilioStreamCaller.CALL_SID}.json"
    assert (update.username, update.password) == (ACCOUNT, AUTH_TOKEN)
    assert update.form == {"Twiml": [f"<Response><Dial><Sip>{TARGET}</Sip></Dial></Response>"]}
    assert f"transfer to {TARGET}: accepted" in await twilio_line.events(call["id"])


@pytest.mark.parametrize("twilio_line", [404], indirect=True)
async def test_a_transfer_twilio_refuses_is_recorded_and_the_call_hung_up(
    twilio_line: TwilioLine,
) -> None:
    public, local = await twilio_line.stream_route()
    await _run_stream(local, compute_signature(AUTH_TOKEN, public))
    call = await twilio_line.line.finished_inbound()
    assert len(twilio_line.twilio.updates) == 1
    assert call["hangup_cause"] == "robot_hangup"
    assert f"transfer to {TARGET}: failed" in await twilio_line.events(call["id"])


async def test_streams_without_a_valid_signature_are_refused(
    twilio_line: TwilioLine, caplog: pytest.LogCaptureFixture
) -> None:
    public, local = await twilio_line.stream_route()
    token = local.rsplit("/", 1)[1]
    base = f"ws://127.0.0.1:{twilio_line.line.http.port}/v1/media/twilio"
    refused: list[tuple[str, dict[str, Any]]] = [
        (local, {}),  # no signature
        (local, {"X-Twilio-Signature": compute_signature("another-token", public)}),
        # signed for the URL this process sees, not the public one Twilio dialled
        (local, {"X-Twilio-Signature": compute_signature(AUTH_TOKEN, local)}),
        (base, {"X-Twilio-Signature": compute_signature(AUTH_TOKEN, public)}),
    ]
    for url, headers in refused:
        with pytest.raises(InvalidStatus) as refusal:
            await connect(url, additional_headers=headers, open_timeout=10)
        assert refusal.value.response.status_code == 403
    refusals = [r.getMessage() for r in caplog.records if "X-Twilio-Signature" in r.getMessage()]
    assert len(refusals) == len(refused)
    assert "missing X-Twilio-Signature" in refusals[0] and "bad" in refusals[1]
    assert not any(token in line for line in refusals)  # the route's secret stays out of logs
    async with twilio_line.line.client() as client:
        assert (await client.get("/v1/calls")).json() == []
    assert twilio_line.twilio.updates == []


async def test_without_an_auth_token_the_route_token_alone_authenticates(
    tmp_path: Path, speech_settings: SpeechSettings
) -> None:
    twilio = FakeTwilioRest()
    async with serving(tmp_path, speech_settings) as line:
        _, local = await TwilioLine(line, twilio).stream_route(f"ws://127.0.0.1:{line.http.port}")
        stream = await TwilioStreamCaller.open(local, {"from": "+15557770000"})
        async with asyncio.timeout(60):
            async for _event in stream.events():
                pass
        await stream.close()
        call = await line.finished_inbound()
    # no Twilio credentials: nothing to redirect with, so the transfer fails and hangs up
    assert call["result"]["outcome"] == "transfer" and call["hangup_cause"] == "robot_hangup"
    assert twilio.updates == []
