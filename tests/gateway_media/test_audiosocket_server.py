"""The AudioSocket server against a client written from the published protocol (struct
by hand, not our framing module), on loopback."""

from __future__ import annotations

import asyncio
import struct
import uuid
from collections.abc import Awaitable, Callable

import pytest

from media_gateway.audiosocket import AudioSocketServer
from media_gateway.call_leg import (
    CallEnded,
    CallInfo,
    CallLeg,
    InboundDtmf,
    InboundFrame,
    PlaybackResult,
)
from tests.gateway_media.gateway_media_helpers import TIMEOUT_S, dominant_frequency, tone

CALL = uuid.UUID("40325ec2-5efd-4bd3-805f-53576e581d13")


class AsteriskLike:
    """What Asterisk's AudioSocket() application does on the wire."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, port: int) -> AsteriskLike:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    def send(self, kind: int, payload: bytes = b"") -> None:
        self.writer.write(struct.pack(">BH", kind, len(payload)) + payload)

    def send_audio(self, pcm: bytes, kind: int = 0x10, frame_bytes: int = 320) -> None:
        for i in range(0, len(pcm), frame_bytes):
            self.send(kind, pcm[i : i + frame_bytes])

    async def receive(self) -> tuple[int, bytes]:
        async with asyncio.timeout(TIMEOUT_S):
            kind, length = struct.unpack(">BH", await self.reader.readexactly(3))
            return kind, await self.reader.readexactly(length)

    async def at_eof(self) -> bool:
        async with asyncio.timeout(TIMEOUT_S):
            return await self.reader.read(1) == b""

    def close(self) -> None:
        self.writer.close()


class Calls:
    def __init__(self, behaviour: Callable[[CallLeg, Calls], Awaitable[None]]) -> None:
        self.behaviour = behaviour
        self.legs: list[CallLeg] = []
        self.events: list[object] = []
        self.results: list[PlaybackResult] = []
        self.finished = asyncio.Event()

    async def __call__(self, leg: CallLeg) -> None:
        self.legs.append(leg)
        try:
            await self.behaviour(leg, self)
        finally:
            self.finished.set()

    async def drain(self, leg: CallLeg, until: type | None = None) -> None:
        async for event in leg.events():
            self.events.append(event)
            if until is not None and isinstance(event, until):
                return

    async def wait(self) -> None:
        async with asyncio.timeout(TIMEOUT_S):
            await self.finished.wait()


async def test_a_whole_call_audio_dtmf_prompt_and_caller_hangup() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await calls.drain(leg, until=InboundDtmf)
        calls.results.append(await leg.play(tone(1000, 0.2)).wait())
        await calls.drain(leg)

    calls = Calls(behaviour)
    server = await AudioSocketServer.start(calls)
    asterisk = await AsteriskLike.connect(server.port)
    try:
        asterisk.send(0x01, CALL.bytes)
        asterisk.send_audio(tone(440, 0.4))
        asterisk.send(0x03, b"4")
        received = [await asterisk.receive() for _ in range(10)]
        assert {kind for kind, _ in received} == {0x10}
        assert all(len(payload) == 320 for _, payload in received)
        heard = b"".join(payload for _, payload in received)
        assert dominant_frequency(heard) == pytest.approx(1000, abs=15)
        asterisk.send(0x00)
        await calls.wait()
    finally:
        asterisk.close()
        await server.close()
    leg = calls.legs[0]
    assert leg.info.call_id == str(CALL)
    assert leg.info.transport == "audiosocket"
    frames = [e for e in calls.events if isinstance(e, InboundFrame)]
    assert len(frames) == 20 and all(len(f.pcm) == 320 for f in frames)
    assert dominant_frequency(b"".join(f.pcm for f in frames)) == pytest.approx(440, abs=15)
    assert InboundDtmf("4", 400) in calls.events
    assert calls.results == [PlaybackResult(played_ms=200, completed=True)]
    assert calls.events[-1] == CallEnded("caller_hangup")


async def test_16khz_asterisk_audio_is_resampled_both_ways() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await calls.drain(leg, until=InboundDtmf)
        await leg.play(tone(1000, 0.3)).wait()
        await calls.drain(leg)

    calls = Calls(behaviour)
    server = await AudioSocketServer.start(calls, sample_rate=8000)
    asterisk = await AsteriskLike.connect(server.port)
    try:
        asterisk.send(0x01, CALL.bytes)
        asterisk.send_audio(tone(440, 0.4, rate=16000), kind=0x12, frame_bytes=640)
        asterisk.send(0x03, b"1")
        received = [await asterisk.receive() for _ in range(12)]
        assert {kind for kind, _ in received} == {0x12}  # answered at Asterisk's rate
        heard = b"".join(payload for _, payload in received[2:])
        assert dominant_frequency(heard, rate=16000) == pytest.approx(1000, abs=15)
        asterisk.close()
        await calls.wait()
    finally:
        await server.close()
    frames = [e for e in calls.events if isinstance(e, InboundFrame)]
    assert all(len(f.pcm) == 320 for f in frames) and len(frames) >= 18
    assert dominant_frequency(b"".join(f.pcm for f in frames[2:])) == pytest.approx(440, abs=15)
    assert calls.events[-1] == CallEnded("caller_hangup")


async def test_a_16khz_leg_takes_8khz_asterisk_audio() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        assert leg.sample_rate == 16000
        await calls.drain(leg)

    calls = Calls(behaviour)
    server = await AudioSocketServer.start(calls, sample_rate=16000)
    asterisk = await AsteriskLike.connect(server.port)
    try:
        asterisk.send(0x01, CALL.bytes)
        asterisk.send_audio(tone(600, 0.4))
        asterisk.send(0x00)
        await calls.wait()
    finally:
        asterisk.close()
        await server.close()
    frames = [e for e in calls.events if isinstance(e, InboundFrame)]
    assert all(len(f.pcm) == 640 for f in frames) and len(frames) >= 18
    assert dominant_frequency(b"".join(f.pcm for f in frames[2:]), rate=16000) == pytest.approx(
        600, abs=15
    )


async def test_robot_hangup_sends_the_hangup_frame_and_closes() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await leg.hangup()
        await calls.drain(leg)

    calls = Calls(behaviour)
    server = await AudioSocketServer.start(calls)
    asterisk = await AsteriskLike.connect(server.port)
    try:
        asterisk.send(0x01, CALL.bytes)
        assert await asterisk.receive() == (0x00, b"")
        assert await asterisk.at_eof()
        await calls.wait()
    finally:
        asterisk.close()
        await server.close()
    assert calls.events == [CallEnded("robot_hangup")]


async def test_barge_in_cancel_reports_how_much_was_played() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        playback = leg.play(tone(500, 30.0))  # far longer than any stall of a loaded machine
        await calls.drain(leg, until=InboundDtmf)
        playback.cancel()
        calls.results.append(await playback.wait())
        await calls.drain(leg)

    calls = Calls(behaviour)
    server = await AudioSocketServer.start(calls)
    asterisk = await AsteriskLike.connect(server.port)
    try:
        asterisk.send(0x01, CALL.bytes)
        for _ in range(5):
            assert (await asterisk.receive())[0] == 0x10
        asterisk.send(0x03, b"9")
        asterisk.send(0xFF, b"\x01")  # Asterisk: the calling party hung up
        await calls.wait()
    finally:
        asterisk.close()
        await server.close()
    [result] = calls.results
    assert not result.completed and 100 <= result.played_ms < 30_000
    assert calls.events[-1] == CallEnded("caller_hangup")


@pytest.mark.parametrize(
    "first",
    [
        struct.pack(">BH", 0x10, 4) + b"\x00" * 4,  # audio before the UUID
        struct.pack(">BH", 0x01, 3) + b"abc",  # a UUID that is not 16 bytes
    ],
)
async def test_protocol_errors_close_that_connection_only(first: bytes) -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await calls.drain(leg)

    calls = Calls(behaviour)
    server = await AudioSocketServer.start(calls)
    healthy = await AsteriskLike.connect(server.port)
    broken = await AsteriskLike.connect(server.port)
    try:
        healthy.send(0x01, CALL.bytes)
        broken.writer.write(first)
        assert await broken.at_eof()
        healthy.send_audio(tone(440, 0.1))
        healthy.send(0x00)
        await calls.wait()
    finally:
        healthy.close()
        broken.close()
        await server.close()
    assert len([e for e in calls.events if isinstance(e, InboundFrame)]) == 5
    assert calls.events[-1] == CallEnded("caller_hangup")


async def test_odd_frames_mid_call_are_skipped_and_the_call_goes_on() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        await calls.drain(leg)

    calls = Calls(behaviour)
    server = await AudioSocketServer.start(calls)
    asterisk = await AsteriskLike.connect(server.port)
    try:
        asterisk.send(0x01, CALL.bytes)
        asterisk.send(0x42, b"future extension")
        asterisk.send(0x03, b"x")  # not a DTMF key
        asterisk.send(0x10, b"\x01\x02\x03")  # a torn sample
        asterisk.send(0x01, CALL.bytes)  # a second UUID
        asterisk.send_audio(tone(440, 0.2))
        asterisk.send(0x03, b"#")
        asterisk.send(0x00)
        await calls.wait()
    finally:
        asterisk.close()
        await server.close()
    frames = [e for e in calls.events if isinstance(e, InboundFrame)]
    assert len(frames) == 10
    assert dominant_frequency(b"".join(f.pcm for f in frames[1:])) == pytest.approx(440, abs=20)
    assert [e for e in calls.events if isinstance(e, InboundDtmf)] == [InboundDtmf("#", 200)]
    assert calls.events[-1] == CallEnded("caller_hangup")


async def test_a_silent_connection_is_dropped_after_the_uuid_timeout() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        raise AssertionError("no call without a UUID")

    server = await AudioSocketServer.start(Calls(behaviour), uuid_timeout_s=0.2)
    silent = await AsteriskLike.connect(server.port)
    try:
        assert await silent.at_eof()
    finally:
        silent.close()
        await server.close()


async def test_unsupported_leg_rate_is_refused_up_front() -> None:
    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        return None

    with pytest.raises(ValueError, match="11025"):
        await AudioSocketServer.start(Calls(behaviour), sample_rate=11025)


async def test_transfer_goes_through_the_service_handler_then_hangs_up() -> None:
    requests: list[tuple[str, str]] = []
    outcomes: list[bool] = []

    async def redirect(info: CallInfo, target: str) -> bool:
        requests.append((info.call_id, target))
        return True

    async def behaviour(leg: CallLeg, calls: Calls) -> None:
        outcomes.append(await leg.transfer("PJSIP/operator"))
        await calls.drain(leg)

    calls = Calls(behaviour)
    server = await AudioSocketServer.start(calls, transfer_handler=redirect)
    asterisk = await AsteriskLike.connect(server.port)
    try:
        asterisk.send(0x01, CALL.bytes)
        assert await asterisk.receive() == (0x00, b"")
        assert await asterisk.at_eof()
        await calls.wait()
    finally:
        asterisk.close()
        await server.close()
    assert requests == [(str(CALL), "PJSIP/operator")]
    assert outcomes == [True]
    assert calls.events == [CallEnded("transferred")]
