"""Phones on loopback for the scenario tests: the robot's user agent, a caller, and
operators or leads that answer (playing a tone), ring forever or are busy.

The peers are our own SIP user agent, as `voicebot answer` and `voicebot dial` are; one
test uses baresip as the operator too. Everything waits on conditions (audio heard, keys
received, the call ended), each bounded by a generous timeout only as a safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot_engine.call.report import CallReport
from bot_engine.call.session import CallSession, SessionSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.call.webhooks import WebhookRunner
from bot_engine.net import SsrfGuard
from bot_engine.script.model import Script
from media_gateway.call_leg import CallEnded, CallLeg, InboundDtmf, InboundFrame
from media_gateway.sip import SipConfig, SipUserAgent
from tests.gateway_sip.sip_audio import dominant_frequency, rms, tone

LOUD = 500.0
SAFETY_S = 30.0


@dataclass
class Ear:
    """What one side of a call heard: audio (with arrival times) and keys."""

    frames: list[tuple[float, bytes]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    last_loud: float = 0.0

    def hear(self, event: object) -> None:
        if isinstance(event, InboundFrame):
            now = time.monotonic()
            self.frames.append((now, event.pcm))
            if rms(event.pcm) >= LOUD:
                self.last_loud = now
        elif isinstance(event, InboundDtmf):
            self.keys.append(event.digit)
        elif isinstance(event, CallEnded):
            self.ended.set()

    def recent(self, seconds: float) -> bytes:
        count = int(seconds * 50)
        return b"".join(pcm for _, pcm in self.frames[-count:])

    def since(self, moment: float) -> bytes:
        return b"".join(pcm for at, pcm in self.frames if at >= moment)

    def hears(self, freq: float, seconds: float = 0.5, tolerance: float = 25.0) -> bool:
        audio = self.recent(seconds)
        return (len(audio) >= int(seconds * 16000) and rms(audio) >= LOUD
                and abs(dominant_frequency(audio) - freq) <= tolerance)

    def hears_fn(self, freq: float) -> Callable[[], bool]:
        return lambda: self.hears(freq)

    def quiet_for(self, seconds: float) -> bool:
        return bool(self.frames) and self.last_loud > 0 and (
            time.monotonic() - self.last_loud >= seconds)


async def until(predicate: Callable[[], bool], timeout: float = SAFETY_S) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)  # polling a condition, bounded by the safety timeout
    return True


async def listen(leg: CallLeg, ear: Ear) -> None:
    async for event in leg.events():
        ear.hear(event)


class Phone:
    """An operator's or lead's phone: answers and plays a tone (after pressing
    `accept_key` once the whisper has been heard), rings forever, or is busy."""

    def __init__(self, ua: SipUserAgent, mode: Literal["answer", "ring", "busy"],
                 tone_hz: float, accept_key: str | None, accept_say: bytes | None) -> None:
        self.ua = ua
        self.mode = mode
        self.tone_hz = tone_hz
        self.accept_key = accept_key
        self.accept_say = accept_say
        self.ear = Ear()
        self.leg: CallLeg | None = None
        self.offered = asyncio.Event()
        self.accepted_at: float | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._held: list[Any] = []

    @classmethod
    async def start(cls, user: str, mode: Literal["answer", "ring", "busy"] = "answer",
                    tone_hz: float = 1000.0, accept_key: str | None = None,
                    accept_say: bytes | None = None) -> Phone:
        ua = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user=user,
                                                tcp=False))
        phone = cls(ua, mode, tone_hz, accept_key, accept_say)
        phone._tasks.append(asyncio.get_running_loop().create_task(phone._serve()))
        return phone

    @property
    def uri(self) -> str:
        return f"sip:{self.ua.config.user}@127.0.0.1:{self.ua.local_port}"

    async def _serve(self) -> None:
        async for incoming in self.ua.incoming():
            self.offered.set()
            if self.mode == "busy":
                await incoming.reject(486, "Busy Here")
                continue
            incoming.ring()
            if self.mode == "ring":
                self._held.append(incoming)  # never answered: the caller gives up
                continue
            self.leg = await incoming.answer()
            self._tasks.append(asyncio.get_running_loop().create_task(self._talk(self.leg)))

    async def _talk(self, leg: CallLeg) -> None:
        reader = asyncio.get_running_loop().create_task(listen(leg, self.ear))
        if self.accept_key is not None or self.accept_say is not None:
            # the whisper first: wait until speech came and stopped, then answer it
            await until(lambda: self.ear.quiet_for(0.6))
            if self.accept_key is not None:
                await leg.send_dtmf(self.accept_key)
            else:
                assert self.accept_say is not None
                await leg.play(self.accept_say + bytes(16000)).wait()
        self.accepted_at = time.monotonic()
        leg.play(tone(self.tone_hz, 40))
        await reader

    async def close(self) -> None:
        if self.leg is not None:
            with contextlib.suppress(Exception):
                await self.leg.hangup()
        for task in self._tasks:
            task.cancel()
        await self.ua.close()


class Robot:
    """The robot's user agent: answers one call and runs `script` on it."""

    def __init__(self, ua: SipUserAgent) -> None:
        self.ua = ua
        self.session: CallSession | None = None

    @classmethod
    async def start(cls) -> Robot:
        return cls(await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="robot",
                                                      tcp=False)))

    @property
    def uri(self) -> str:
        return f"sip:robot@127.0.0.1:{self.ua.local_port}"

    async def answer(self, script: Script, variables: dict[str, Any], speech: CallSpeech,
                     recording: str | None = None,
                     settings: SessionSettings | None = None) -> CallReport:
        async for incoming in self.ua.incoming():
            incoming.ring()
            leg = await incoming.answer()
            # the customer's backend is a local server: allow-listed, as an operator would
            self.session = CallSession(leg, script, variables, speech,
                                       recording_path=recording, settings=settings,
                                       webhooks=WebhookRunner(SsrfGuard(["127.0.0.1/32"])))
            return await self.session.run()
        raise RuntimeError("the robot's user agent closed")


@dataclass
class Caller:
    leg: CallLeg
    ear: Ear
    reader: asyncio.Task[None]

    @classmethod
    async def dial(cls, ua: SipUserAgent, uri: str, tone_hz: float | None = 440.0) -> Caller:
        leg = await ua.call(uri, timeout_s=10)
        ear = Ear()
        reader = asyncio.get_running_loop().create_task(listen(leg, ear))
        if tone_hz is not None:
            leg.play(tone(tone_hz, 40, amplitude=0.3))
        return cls(leg, ear, reader)
