"""The Twilio-protocol endpoint on a real uvicorn server, driven by a `websockets` client
that sends the message bodies documented at twilio.com/docs/voice/media-streams."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
import pytest
from starlette.applications import Starlette
from starlette.websockets import WebSocket
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from media_gateway.call_leg import (
    CallEnded,
    CallInfo,
    CallLeg,
    InboundDtmf,
    InboundFrame,
    PlaybackResult,
)
from media_gateway.rtp import g711
from media_gateway.stream_leg import TransferHandler
from media_gateway.twilio_protocol import StartInfo
from media_gateway.websocket_media import websocket_route
from tests.gateway_media.gateway_media_helpers import (
    TIMEOUT_S,
    LocalAsgiServer,
    dominant_frequency,
    tone,
)

STREAM_SID = "MZ18ad3ab5a668481ce02b83e7395059f0"
CALL_SID = "CA2ad3ab5a668481ce02b83e7395059f0b"


def connected() -> str:
    return json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})


def start(custom: dict[str, str] | None = None, encoding: str = "audio/x-mulaw") -> str:
    return json.dumps(
        {
            "event": "start",
            "sequenceNumber": "1",
            "start": {
                "accountSid": "AC123",
                "streamSid": STREAM_SID,
                "callSid": CALL_SID,
                "tracks": ["inbound"],
                "mediaFormat": {"encoding": encoding, "sampleRate": 8000, "channels": 1},
                "customParameters": custom or {},
            },
            "streamSid": STREAM_SID,
        }
    )


def media(chunk: int, mulaw: bytes) -> str:
    return json.dumps(
        {
            "event": "media",
            "sequenceNumber": str(chunk + 1),
            "media": {
                "track": "inbound",
                "chunk": str(chunk),
                "timestamp": str(chunk * 20),
                "payload": base64.b64encode(mulaw).decode(),
            },
            "streamSid": STREAM_SID,
        }
    )


def dtmf(digit: str) -> str:
    return json.dumps(
        {
            "event": "dtmf",
            "streamSid": STREAM_SID,
            "sequenceNumber": "5",
            "dtmf": {"track": "inbound_track", "digit": digit},
        }
    )


def mark(name: str) -> str:
    return json.dumps(
        {"event": "mark", "sequenceNumber": "4", "streamSid": STREAM_SID, "mark": {"name": name}}
    )


def stop() -> str:
    return json.dumps(
        {
            "event": "stop",
            "sequenceNumber": "5",
            "streamSid": STREAM_SID,
            "stop": {"accountSid": "AC123", "callSid": CALL_SID},
        }
    )


async def send_audio(ws: ClientConnection, pcm: bytes) -> None:
    mulaw = g711.encode(pcm, "PCMU")
    for i in range(0, len(mulaw), 160):
        await ws.send(media(i // 160 + 1, mulaw[i : i + 160]))


async def receive(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(TIMEOUT_S):
        return dict(json.loads(await ws.recv()))


class Calls:
    """Records what each call handler saw; tests plug a script in as `behaviour`."""

    def __init__(self, behaviour: Callable[[CallLeg, Calls], Awaitable[None]]) -> None:
        self.behaviour = behaviour
        self.legs: list[CallLeg] = []
        self.events: list[object] = []
        self.results: list[PlaybackResult] = []
        self.transfers: list[bool] = []
        self.done = asyncio.Event()
        self.finished: list[CallLeg] = []

    async def __call__(self, leg: CallLeg) -> None:
        self.legs.append(leg)
        try:
            await self.behaviour(leg, self)
        finally:
            self.finished.append(leg)
            self.done.set()

    async def wait_finished(self, tag: str) -> None:
        """Until the call whose customParameters carry `tag` has finished (bounded)."""
        async with asyncio.timeout(TIMEOUT_S):
            while not any(leg.info.params.get("tag") == tag for leg in self.finished):
                self.done.clear()
                await self.done.wait()

    async def drain(self, leg: CallLeg, until: type | None = None) -> None:
        async for event in leg.events():
            self.events.append(event)
            if until is not None and isinstance(event, until):
                return


def url(server: LocalAsgiServer) -> str:
    return f"ws://127.0.0.1:{server.port}/media-stream"


async def test_a_whole_call_audio_dtmf_prompt_mark_and_stop() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await calls.drain(leg, until=InboundDtmf)
        calls.results.append(await leg.play(tone(1000, 0.2)).wait())
        await calls.drain(leg)

    calls = Calls(behaviour)
    async with (
        LocalAsgiServer(Starlette(routes=[websocket_route(calls)])) as server,
        connect(url(server)) as ws,
    ):
        await ws.send(connected())
        await ws.send(start({"lead_name": "Anna", "from": "+79990001122", "to": "+74950000000"}))
        await send_audio(ws, tone(440, 0.4))
        await ws.send(dtmf("7"))
        outbound = [await receive(ws) for _ in range(11)]
        assert [m["event"] for m in outbound] == ["media"] * 10 + ["mark"]
        assert all(m["streamSid"] == STREAM_SID for m in outbound)
        heard = b"".join(
            g711.decode(base64.b64decode(m["media"]["payload"]), "PCMU") for m in outbound[:10]
        )
        assert len(heard) == 3200
        assert dominant_frequency(heard) == pytest.approx(1000, abs=15)
        assert not calls.results  # not heard until the platform echoes the mark
        await ws.send(mark(outbound[-1]["mark"]["name"]))
        await ws.send(stop())
        async with asyncio.timeout(TIMEOUT_S):
            await calls.done.wait()

    leg = calls.legs[0]
    assert leg.info.call_id == CALL_SID
    assert leg.info.transport == "websocket"
    assert leg.info.params["lead_name"] == "Anna"
    assert (leg.info.caller, leg.info.callee) == ("+79990001122", "+74950000000")
    assert calls.results == [PlaybackResult(played_ms=200, completed=True)]
    frames = [e for e in calls.events if isinstance(e, InboundFrame)]
    assert len(frames) == 20 and all(len(f.pcm) == 320 for f in frames)
    assert [f.timestamp_ms for f in frames] == list(range(0, 400, 20))
    assert dominant_frequency(b"".join(f.pcm for f in frames)) == pytest.approx(440, abs=15)
    assert InboundDtmf("7", 400) in calls.events
    assert calls.events[-1] == CallEnded("caller_hangup")


async def test_barge_in_cancels_and_sends_clear() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        playback = leg.play(tone(500, 30.0))  # far longer than any stall of a loaded machine
        await calls.drain(leg, until=InboundDtmf)  # the caller starts talking
        playback.cancel()
        calls.results.append(await playback.wait())
        await calls.drain(leg)

    calls = Calls(behaviour)
    async with (
        LocalAsgiServer(Starlette(routes=[websocket_route(calls)])) as server,
        connect(url(server)) as ws,
    ):
        await ws.send(connected())
        await ws.send(start())
        for _ in range(5):
            assert (await receive(ws))["event"] == "media"
        await ws.send(dtmf("1"))
        while (message := await receive(ws))["event"] == "media":
            pass
        assert message == {"event": "clear", "streamSid": STREAM_SID}
        await ws.send(stop())
        async with asyncio.timeout(TIMEOUT_S):
            await calls.done.wait()
    [result] = calls.results
    assert not result.completed
    assert 100 <= result.played_ms < 30_000


async def test_robot_hangup_closes_the_socket_normally() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await leg.hangup()
        await calls.drain(leg)

    calls = Calls(behaviour)
    async with (
        LocalAsgiServer(Starlette(routes=[websocket_route(calls)])) as server,
        connect(url(server)) as ws,
    ):
        await ws.send(start())
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000
        async with asyncio.timeout(TIMEOUT_S):
            await calls.done.wait()
    assert calls.events == [CallEnded("robot_hangup")]


async def test_send_dtmf_plays_in_band_tones() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await leg.send_dtmf("5")
        await calls.drain(leg)

    calls = Calls(behaviour)
    async with (
        LocalAsgiServer(Starlette(routes=[websocket_route(calls)])) as server,
        connect(url(server)) as ws,
    ):
        await ws.send(start())
        audio = b""
        while (message := await receive(ws))["event"] == "media":
            audio += g711.decode(base64.b64decode(message["media"]["payload"]), "PCMU")
        samples = np.frombuffer(audio[:1600], "<i2").astype(float)  # the 100 ms tone
        spectrum = np.abs(np.fft.rfft(samples))
        freqs = np.fft.rfftfreq(len(samples), 1 / 8000)
        peaks = sorted(freqs[np.argsort(spectrum)[-2:]])
        assert peaks == pytest.approx([770, 1336], abs=15)  # the key "5"
        await ws.send(stop())


@pytest.mark.parametrize(
    ("first", "second", "code"),
    [
        (start(), "{not json", 1003),
        (start(), media(1, b"\xff" * 160).replace('"payload": "', '"payload": "@@'), 1008),
        (connected(), media(1, b"\xff" * 160), 1008),  # media before start
        (start(), json.dumps({"event": "media", "streamSid": STREAM_SID}), 1008),
        (start(encoding="audio/l16"), stop(), 1008),
    ],
)
async def test_malformed_input_closes_only_that_stream(first: str, second: str, code: int) -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await calls.drain(leg)

    calls = Calls(behaviour)
    async with (
        LocalAsgiServer(Starlette(routes=[websocket_route(calls)])) as server,
        connect(url(server)) as healthy,
        connect(url(server)) as broken,
    ):
        await healthy.send(start({"tag": "healthy"}))
        await broken.send(first)
        await broken.send(second)
        with pytest.raises(ConnectionClosed) as closed:
            await receive(broken)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == code
        # The other stream is untouched and still carries audio.
        await send_audio(healthy, tone(440, 0.1))
        await healthy.send(stop())
        await calls.wait_finished("healthy")
    frames = [e for e in calls.events if isinstance(e, InboundFrame)]
    assert len(frames) == 5


async def test_transfer_goes_through_the_service_handler() -> None:
    requests: list[tuple[str, str]] = []

    async def redirect(info: CallInfo, target: str) -> bool:
        requests.append((info.call_id, target))
        return target.startswith("sip:")

    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        calls.transfers.append(await leg.transfer("tel:+100"))
        calls.transfers.append(await leg.transfer("sip:operator@pbx"))
        await calls.drain(leg)

    calls = Calls(behaviour)
    app = Starlette(routes=[websocket_route(calls, transfer_handler=redirect)])
    async with LocalAsgiServer(app) as server, connect(url(server)) as ws:
        await ws.send(start())
        with pytest.raises(ConnectionClosed):
            await receive(ws)
        async with asyncio.timeout(TIMEOUT_S):
            await calls.done.wait()
    assert requests == [(CALL_SID, "tel:+100"), (CALL_SID, "sip:operator@pbx")]
    assert calls.transfers == [False, True]
    assert calls.events == [CallEnded("transferred")]


async def test_transfer_for_builds_each_streams_handler_from_its_start() -> None:
    """Twilio's REST API needs the stream's callSid and accountSid, so the handler is made
    per stream from its `start` (what `TwilioCalls.handler_for` does)."""
    starts: list[tuple[str, str, str]] = []
    requests: list[tuple[str, str, str]] = []

    def transfer_for(info: StartInfo) -> TransferHandler:
        starts.append((info.stream_sid, info.call_sid, info.account_sid))

        async def redirect(call: CallInfo, target: str) -> bool:
            requests.append((info.account_sid, call.call_id, target))
            return True

        return redirect

    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        calls.transfers.append(await leg.transfer("sip:operator@pbx"))
        await calls.drain(leg)

    calls = Calls(behaviour)
    app = Starlette(routes=[websocket_route(calls, transfer_for=transfer_for)])
    async with LocalAsgiServer(app) as server, connect(url(server)) as ws:
        await ws.send(start())
        with pytest.raises(ConnectionClosed):
            await receive(ws)
        async with asyncio.timeout(TIMEOUT_S):
            await calls.done.wait()
    assert starts == [(STREAM_SID, CALL_SID, "AC123")]
    assert requests == [("AC123", CALL_SID, "sip:operator@pbx")]
    assert calls.transfers == [True] and calls.events == [CallEnded("transferred")]


async def test_without_a_handler_transfer_is_refused_and_the_call_continues() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        calls.transfers.append(await leg.transfer("sip:operator@pbx"))
        await calls.drain(leg)

    calls = Calls(behaviour)
    async with (
        LocalAsgiServer(Starlette(routes=[websocket_route(calls)])) as server,
        connect(url(server)) as ws,
    ):
        await ws.send(start())
        await send_audio(ws, tone(440, 0.04))
        await ws.send(stop())
        async with asyncio.timeout(TIMEOUT_S):
            await calls.done.wait()
    assert calls.transfers == [False]
    assert calls.events[-1] == CallEnded("caller_hangup")
    assert sum(isinstance(e, InboundFrame) for e in calls.events) == 2


async def test_authorize_refuses_the_handshake() -> None:
    async def only_with_key(websocket: WebSocket) -> bool:
        return websocket.query_params.get("key") == "s3cret"

    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await calls.drain(leg)

    calls = Calls(behaviour)
    app = Starlette(routes=[websocket_route(calls, authorize=only_with_key)])
    async with LocalAsgiServer(app) as server:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url(server) + "?key=wrong"):
                pass
        assert refused.value.response.status_code == 403
        async with connect(url(server) + "?key=s3cret") as ws:
            await ws.send(start())
            await ws.send(stop())
            async with asyncio.timeout(TIMEOUT_S):
                await calls.done.wait()
    assert len(calls.legs) == 1


async def test_mounts_on_a_fastapi_app() -> None:
    from fastapi import FastAPI

    from media_gateway.websocket_media import twilio_media_endpoint

    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await calls.drain(leg)

    calls = Calls(behaviour)
    app = FastAPI()
    app.add_api_websocket_route("/twilio/media", twilio_media_endpoint(calls))
    async with (
        LocalAsgiServer(app) as server,
        connect(f"ws://127.0.0.1:{server.port}/twilio/media") as ws,
    ):
        await ws.send(start({"lead_name": "Oleg"}))
        await send_audio(ws, tone(440, 0.1))
        await ws.send(stop())
        async with asyncio.timeout(TIMEOUT_S):
            await calls.done.wait()
    assert calls.legs[0].info.params == {"lead_name": "Oleg"}
    assert sum(isinstance(e, InboundFrame) for e in calls.events) == 5
