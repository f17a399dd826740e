"""`voicebot serve` answers the phone: SIP, Twilio Media Streams and Asterisk AudioSocket
calls, routed by the tenants' inbound routes, end as inbound calls in `/v1/calls` with a
result, transcript, timings and recording, delivered through the outbox.

Real parts on loopback: the app's own lifespan (SIP user agent and AudioSocket server on
free ports), uvicorn for HTTP and WebSocket, our SIP UAC as the phone, a signed-webhook
receiver, espeak-ng for the caller's voice and Whisper tiny.en as the robot's ASR.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import soundfile
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from asr_tts.settings import SpeechSettings
from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.speech import CallSpeech
from bot_engine.script.model import Script
from bot_engine.service.app import create_app
from media_gateway.sip import CallFailed, SipConfig, SipUserAgent

from .conftest import Api, make_settings, upload
from .local_server import LocalServer
from .media_clients import AsteriskAudioSocketCaller, TwilioStreamCaller
from .postgres_server import free_port
from .receivers import WebhookReceiver

pytestmark = pytest.mark.slow

SCRIPT = (Path(__file__).parent / "scripts" / "inbound_check.en.yaml").read_text()
TERMINAL = {"completed", "failed", "cancelled"}
CALL_TIMEOUT_S = 90


@pytest.fixture(scope="module")
def speech_settings(tmp_path_factory: pytest.TempPathFactory) -> SpeechSettings:
    return SpeechSettings(tts_cache_dir=tmp_path_factory.mktemp("tts-cache"))


class Line:
    """The service running with its listeners, one tenant, and a webhook receiver."""

    def __init__(
        self,
        api: Api,
        http: LocalServer,
        receiver: WebhookReceiver,
        hook: str,
        key: str,
        speech: Callable[[Script], CallSpeech],
    ) -> None:
        self.api = api
        self.http = http
        self.receiver = receiver
        self.hook = hook
        self.key = key
        self.speech = speech

    @property
    def sip_port(self) -> int:
        port = self.api.service.listeners.sip_port
        assert port
        return int(port)

    @property
    def audiosocket_port(self) -> int:
        port = self.api.service.listeners.audiosocket_port
        assert port
        return int(port)

    def client(self) -> httpx.AsyncClient:
        return self.api.client(self.key)

    async def route(self, **body: Any) -> dict[str, Any]:
        async with self.client() as client:
            response = await client.post(
                "/v1/inbound-routes", json={"script_id": "inbound_check", **body}
            )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def until(
        self, check: Callable[[], Awaitable[Any]], timeout: float = CALL_TIMEOUT_S
    ) -> Any:
        """Poll the API (bounded) until `check` returns something truthy."""
        async with asyncio.timeout(timeout):
            while not (value := await check()):
                await asyncio.sleep(0.1)
            return value

    async def finished_inbound(self) -> dict[str, Any]:
        async with self.client() as client:

            async def ended() -> dict[str, Any] | None:
                listed = (await client.get("/v1/calls", params={"direction": "inbound"})).json()
                if listed and listed[0]["status"] in TERMINAL:
                    call: dict[str, Any] = (await client.get(f"/v1/calls/{listed[0]['id']}")).json()
                    return call
                return None

            found: dict[str, Any] = await self.until(ended)
            return found

    async def active_calls(self) -> float:
        async with self.client() as client:
            text = (await client.get("/metrics")).text
        line = next(x for x in text.splitlines() if x.startswith("voicebot_active_calls "))
        return float(line.split()[1])


@contextlib.asynccontextmanager
async def serving(
    tmp_path: Path, speech_settings: SpeechSettings, **extra: Any
) -> AsyncIterator[Line]:
    def speech(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings, asr_engine="whisper")

    db_url = f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}"
    http_port = free_port()
    extra.setdefault("public_base_url", f"http://127.0.0.1:{http_port}")
    settings = make_settings(db_url, tmp_path, **extra)
    app = create_app(settings, call_speech=speech)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, SCRIPT)
            secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
        receiver = WebhookReceiver(secret)
        async with (
            LocalServer(app, http_port) as http,
            LocalServer(receiver.app, free_port()) as hooks,
        ):
            yield Line(api, http, receiver, f"{hooks.url}/hook", key, speech)


@pytest.fixture
async def line(tmp_path: Path, speech_settings: SpeechSettings) -> AsyncIterator[Line]:
    async with serving(tmp_path, speech_settings) as running:
        yield running


async def _delivered(line: Line, call_id: str) -> dict[str, Any]:
    async def arrived() -> dict[str, Any] | None:
        return line.receiver.received.get(f"res_{call_id}")

    payload: dict[str, Any] = await line.until(arrived, 30)
    return payload


async def _check_recording(line: Line, call: dict[str, Any], tmp_path: Path) -> None:
    async with line.client() as client:
        wav = await client.get(f"/v1/calls/{call['id']}/recording")
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
    path = tmp_path / "recording.wav"
    path.write_bytes(wav.content)
    data, rate = soundfile.read(str(path), dtype="int16", always_2d=True)
    assert rate == 8000 and data.shape[1] == 2  # caller left, robot right
    assert abs(data[:, 1]).max() > 1000  # the robot's prompts are in it


async def test_a_sip_call_is_routed_answered_recorded_and_delivered(
    line: Line, tmp_path: Path
) -> None:
    await line.route(
        match={"to": "+15550100", "channel": "sip"},
        variable_headers={"lead_name": "X-Lead-Name"},
        variables={"account": "A-7"},
        webhook=line.hook,
    )
    async with line.client() as client:
        health = (await client.get("/healthz")).json()
    sip = health["listeners"]["sip"]
    assert sip == {"enabled": True, "listening": True, "port": line.sip_port, "registered": False}
    assert health["listeners"]["audiosocket"]["listening"] is True
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="caller", tcp=False))
    robot = f"127.0.0.1:{line.sip_port}"
    try:
        with pytest.raises(CallFailed) as unknown:
            await phone.call(f"sip:+15550199@{robot}", timeout_s=10)
        assert unknown.value.status == 404
        with pytest.raises(CallFailed) as missing_variable:
            await phone.call(f"sip:+15550100@{robot}", timeout_s=10)
        assert missing_variable.value.status == 400
        leg = await phone.call(
            f"sip:+15550100@{robot}", timeout_s=30, headers={"X-Lead-Name": "Mary"}
        )
        caller = SimulatedCaller(leg, line.speech(_script()))
        assert await line.until(lambda: _equals(line.active_calls(), 1.0), 30)
        await caller.run(["/dtmf 2"])
        await caller.close()
    finally:
        await phone.close()
    call = await line.finished_inbound()
    assert call["direction"] == "inbound" and call["status"] == "completed"
    assert call["to"] == "+15550100" and call["from"] == "caller"
    assert call["variables"] == {"lead_name": "Mary", "account": "A-7"}
    assert call["result"]["outcome"] == "pressed" and call["hangup_cause"] == "robot_hangup"
    roles = [(t["role"], t["text"]) for t in call["transcript"]]
    assert roles[0][0] == "bot" and "Mary" in roles[0][1]
    assert ("caller", "[dtmf 2]") in roles
    await _check_recording(line, call, tmp_path)
    payload = await _delivered(line, call["id"])
    assert payload["call"]["direction"] == "inbound" and payload["result"]["outcome"] == "pressed"
    assert line.receiver.bad_signatures == 0
    assert await line.active_calls() == 0.0
    async with line.client() as client:
        deliveries = (await client.get("/v1/deliveries")).json()
    assert [(d["call_id"], d["status"]) for d in deliveries] == [(call["id"], "delivered")]


async def test_a_twilio_stream_takes_its_variables_from_custom_parameters(
    line: Line, tmp_path: Path
) -> None:
    route = await line.route(match={"channel": "websocket"}, variables={"account": "T-1"})
    url = route["twilio_stream_url"]
    assert url.startswith(f"ws://127.0.0.1:{line.http.port}/v1/media/twilio/{route['id']}/")
    with pytest.raises(InvalidStatus) as refused:  # a wrong token never gets a stream
        await connect(url.rsplit("/", 1)[0] + "/wrong-token", open_timeout=10)
    assert refused.value.response.status_code == 403
    stream = await TwilioStreamCaller.open(
        url, {"lead_name": "Bob", "from": "+15557770000", "to": "+15550200"}
    )
    caller = SimulatedCaller(stream, line.speech(_script()))
    await caller.run(["/dtmf 1", "Yes, it is."])
    await caller.close()
    await stream.close()
    call = await line.finished_inbound()
    assert call["status"] == "completed" and call["direction"] == "inbound"
    assert call["variables"] == {"lead_name": "Bob", "account": "T-1"}
    assert call["from"] == "+15557770000" and call["to"] == "+15550200"
    assert call["result"]["outcome"] == "confirmed", call["transcript"]
    assert call["result"]["fields"]["answer"] is True
    assert stream.marks_echoed >= 1  # prompts were paced and acknowledged
    said = [t for t in call["transcript"] if t["role"] == "caller" and t["step"] == "confirm"]
    assert said and "it is" in said[0]["text"].lower()  # Whisper hears "Yes"/"Yeah, it is."
    assert call["timings"]["turns"], "a spoken turn has its response-gap timing"
    await _check_recording(line, call, tmp_path)


async def test_a_twilio_stream_may_name_its_route_in_custom_parameters(line: Line) -> None:
    route = await line.route(match={"channel": "websocket"})
    base = f"ws://127.0.0.1:{line.http.port}/v1/media/twilio"
    bad = await TwilioStreamCaller.open(
        base, {"route": route["id"], "token": "nope", "lead_name": "Eve"}
    )
    async with asyncio.timeout(10):
        async for _event in bad.events():
            pass  # the server closes the stream after `start`
    await bad.close()
    stream = await TwilioStreamCaller.open(
        base, {"route": route["id"], "token": route["token"], "lead_name": "Ann"}
    )
    caller = SimulatedCaller(stream, line.speech(_script()))
    await caller.run(["/dtmf 2"])
    await caller.close()
    await stream.close()
    call = await line.finished_inbound()
    assert call["result"]["outcome"] == "pressed" and call["variables"]["lead_name"] == "Ann"
    async with line.client() as client:
        listed = (await client.get("/v1/calls", params={"direction": "inbound"})).json()
    assert len(listed) == 1  # the refused stream left no call behind


async def test_an_audiosocket_call_is_routed_by_the_default_route(
    line: Line, tmp_path: Path
) -> None:
    await line.route(match={"channel": "audiosocket"}, variables={"lead_name": "Asterisk"})
    call_uuid = uuid.UUID("40325ec2-5efd-4bd3-805f-53576e581d13")
    asterisk = await AsteriskAudioSocketCaller.open(line.audiosocket_port, call_uuid)
    caller = SimulatedCaller(asterisk, line.speech(_script()))
    await caller.run(["/dtmf 2"])
    await caller.close()
    await asterisk.close()
    call = await line.finished_inbound()
    assert call["status"] == "completed" and call["to"] == str(call_uuid)
    assert call["result"]["outcome"] == "pressed"
    assert call["variables"]["lead_name"] == "Asterisk"
    assert asterisk.hangup_frames == 1  # the robot hung up with a hangup frame
    await _check_recording(line, call, tmp_path)


async def test_an_audiosocket_call_without_a_route_is_closed(line: Line) -> None:
    asterisk = await AsteriskAudioSocketCaller.open(line.audiosocket_port, uuid.uuid4())
    async with asyncio.timeout(10):
        async for _event in asterisk.events():
            pass
    await asterisk.close()
    async with line.client() as client:
        assert (await client.get("/v1/calls")).json() == []


def _script() -> Script:
    from bot_engine.script import load_script

    return load_script(SCRIPT).script


async def _equals(value: Awaitable[float], expected: float) -> bool:
    return await value == expected


async def test_the_sip_dialer_calls_out_through_the_same_user_agent(
    tmp_path: Path, speech_settings: SpeechSettings
) -> None:
    """One SIP user agent for both directions: the INVITE of an outbound call comes from
    the port inbound calls are answered on, and goes to the trunk (the phone here)."""
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="bob", tcp=False))
    trunk = f"127.0.0.1:{phone.local_port}"
    async with serving(tmp_path, speech_settings, dialer="sip", sip_amd=False,
                       sip_proxy=trunk) as line:
        invites: list[tuple[str, int]] = []

        async def answer() -> None:
            async for incoming in phone.incoming():
                invites.append((incoming.peer.host, incoming.peer.port))
                leg = await incoming.answer()
                caller = SimulatedCaller(leg, line.speech(_script()))
                await caller.run(["/dtmf 2"])
                await caller.close()
                return

        answering = asyncio.get_running_loop().create_task(answer())
        try:
            async with line.client() as client:
                created = await client.post(
                    "/v1/calls",
                    json={
                        "to": "bob",
                        "script_id": "inbound_check",
                        "variables": {"lead_name": "Dave"},
                        "webhook": line.hook,
                    },
                )
                assert created.status_code == 202, created.text
                call_id = created.json()["id"]

                async def ended() -> dict[str, Any] | None:
                    call: dict[str, Any] = (await client.get(f"/v1/calls/{call_id}")).json()
                    return call if call["status"] in TERMINAL else None

                call = await line.until(ended)
            await asyncio.wait_for(answering, 30)
        finally:
            await phone.close()
        assert invites == [("127.0.0.1", line.sip_port)]
        assert call["direction"] == "outbound" and call["status"] == "completed"
        assert call["result"]["outcome"] == "pressed"
        assert ("caller", "[dtmf 2]") in [(t["role"], t["text"]) for t in call["transcript"]]
        payload = await _delivered(line, call_id)
        assert payload["call"]["direction"] == "outbound"
        await _check_recording(line, call, tmp_path)


async def test_baresip_dials_the_service_and_the_call_is_answered_by_its_route(
    line: Line, tmp_path: Path
) -> None:
    """A real softphone: baresip dials the number, says yes when asked, and the inbound call
    ends confirmed with both sides in the recording."""

    from asr_tts.tts.espeak import EspeakSynthesizer
    from media_gateway.sip.softphone import save_pcm
    from tests.gateway_sip.sip_baresip import Baresip

    greeting = (
        Path(__file__).parents[1] / "call_session" / "scripts" / "greeting_check.en.yaml"
    ).read_text()
    async with line.client() as client:
        await upload(client, greeting)
    await line.route(match={"to": "+15550300"}, script_id="greeting_check")
    answer = await EspeakSynthesizer().render("Yes, I am here.", "en-us", 8000)
    microphone = tmp_path / "caller.wav"
    # quiet while the robot greets, the answer, then quiet until baresip's file ends
    save_pcm(microphone, bytes(8000 * 2 * 3) + answer + bytes(8000 * 2 * 8))
    peer = Baresip(tmp_path / "baresip", microphone)
    try:
        await peer.start()
        await peer.command("dial", f"sip:+15550300@127.0.0.1:{line.sip_port}")
        call = await line.finished_inbound()
    finally:
        await peer.stop()
    assert call["status"] == "completed" and call["from"] == "peer"
    assert call["result"]["outcome"] == "confirmed", call["transcript"]
    await _check_recording(line, call, tmp_path)


async def test_a_stream_whose_variables_do_not_validate_is_closed(line: Line) -> None:
    route = await line.route(match={"channel": "websocket"})
    stream = await TwilioStreamCaller.open(route["twilio_stream_url"], {"account": "no name"})
    async with asyncio.timeout(10):
        async for _event in stream.events():
            pass  # closed by the server: the script requires lead_name
    await stream.close()
    async with line.client() as client:
        assert (await client.get("/v1/calls")).json() == []
