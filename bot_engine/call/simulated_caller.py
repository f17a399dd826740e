"""The simulated caller of a loopback call: it hears when the other side talks (the
robot, or whoever a transfer reached), speaks its lines with an offline voice, presses
keys, hangs up, and stays on the line through a transfer: its phone follows a REFER by
calling the target and reporting the outcome in a NOTIFY."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot_engine.call.errors import CallError
from bot_engine.call.simulated_voices import CallerVoice, caller_voice, render_line
from bot_engine.call.speech import CallSpeech
from media_gateway.call_leg import FRAME_MS, CallEnded, CallLeg, InboundDtmf, InboundFrame
from media_gateway.sip import CallFailed, SipCallLeg, SipUserAgent
from media_gateway.sip.address import SipUri
from media_gateway.sip.grammar import SipParseError

VOICED_LEVEL = 64
"""Peak above which a received frame is robot speech (its idle frames are all zeros)."""


class CallerError(CallError):
    pass


_NUMBER = re.compile(r"^\+?[0-9]{1,32}$")
_REASONS = {"busy": "Busy Here", "no_answer": "Request Timeout", "rejected": "Decline"}


def _trailing_quiet_s(pcm: bytes, rate: int) -> float:
    """How long the end of `pcm` stays under the voiced level (the TTS's trailing pause)."""
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    loud = np.flatnonzero(samples > VOICED_LEVEL)
    last = int(loud[-1]) + 1 if loud.size else 0
    return (samples.size - last) / rate


@dataclass
class CallerLog:
    lines: list[str] = field(default_factory=list)
    """Lines actually spoken (or commands performed)."""
    heard_ms: int = 0
    digits: str = ""
    ended_by: str = ""
    """`caller` when the simulated caller hung up, else the robot's cause."""
    reply_gaps_ms: list[float] = field(default_factory=list)
    """Per spoken line answered: from the end of the caller's sound to the first robot
    audio the caller received, as the caller's ear has it (both RTP paths included)."""
    referred_to: str | None = None
    """The target of the robot's REFER, when the caller's phone followed one."""
    transfer_status: int | None = None
    """The final SIP status of the call placed for that REFER (reported back in a NOTIFY)."""
    transfer_heard_ms: int = 0
    """Voice heard on that new call (the manager's line)."""


class SimulatedCaller:
    """Drives a connected CallLeg as a caller: hears when the robot talks, speaks lines."""

    def __init__(
        self,
        leg: CallLeg,
        speech: CallSpeech,
        *,
        quiet_ms: int = 700,
        wait_s: float = 30.0,
        voice: str | None = None,
        phone: SipUserAgent | None = None,
        transfer_answered: asyncio.Event | None = None,
        numbers_to: str | None = None,
    ) -> None:
        """`phone` places the call a REFER asks for (its agent must `follow_refer`);
        `transfer_answered` is set when a simulated manager answers a call: with it, the
        caller waits for a transfer when its lines run out, as a caller who asked for one.
        `numbers_to` (HOST:PORT) is where a REFER to a number goes: the robot names a
        number at the caller's own host, which has no phone network behind it here."""
        self.leg = leg
        self.phone = phone
        self.transfer_answered = transfer_answered
        self.numbers_to = numbers_to
        self.speech = speech
        caller = caller_voice(speech)
        if voice is not None:  # an explicit voice is an espeak-ng voice (e.g. Korean)
            caller = CallerVoice("espeak", voice, caller.options)
        self.caller = caller
        self.voice = caller.voice
        self.quiet_s = quiet_ms / 1000
        self.wait_s = wait_s
        self.log = CallerLog()
        self.ended = asyncio.Event()
        self._spoke = False
        self._last_voice = 0.0
        self.robot_voiced_ms = 0
        """Robot speech heard so far (frames above the idle level)."""
        self._said_end: float | None = None
        self._changed = asyncio.Event()
        self._reader = asyncio.get_running_loop().create_task(self._read())
        referral = self._referral_future()
        if referral is not None:
            referral.add_done_callback(lambda _done: self._changed.set())

    async def _read(self) -> None:
        async for event in self.leg.events():
            if isinstance(event, InboundFrame):
                self.log.heard_ms += len(event.pcm) * 1000 // (2 * self.leg.sample_rate)
                samples = np.frombuffer(event.pcm, dtype="<i2")
                if samples.size and int(np.abs(samples.astype(np.int32)).max()) > VOICED_LEVEL:
                    if self._said_end is not None:
                        gap_ms = (time.monotonic() - self._said_end) * 1000
                        self.log.reply_gaps_ms.append(round(gap_ms, 3))
                        self._said_end = None
                    self._spoke = True
                    self._last_voice = time.monotonic()
                    self.robot_voiced_ms += len(event.pcm) * 1000 // (2 * self.leg.sample_rate)
            elif isinstance(event, InboundDtmf):
                self.log.digits += event.digit
            elif isinstance(event, CallEnded):
                self.log.ended_by = self.log.ended_by or event.cause
                self.ended.set()
            self._changed.set()

    @property
    def last_robot_voice_at(self) -> float:
        """`time.monotonic()` when the last voiced robot frame arrived (0 before any)."""
        return self._last_voice

    @property
    def robot_talking(self) -> bool:
        return self._spoke and time.monotonic() - self._last_voice < self.quiet_s

    # The waits below take a timeout because running out is an answer (False), not an error,
    # and None means the simulator's own `wait_s`; asyncio.timeout would make it raise.
    async def until(
        self, predicate: Callable[[], bool], timeout: float | None = None  # noqa: ASYNC109
    ) -> bool:
        return await self._until(predicate, timeout)

    async def _until(
        self, predicate: Callable[[], bool], timeout: float | None  # noqa: ASYNC109
    ) -> bool:
        """Wait (bounded) until `predicate()` holds or the call ends; True if it held."""
        try:
            async with asyncio.timeout(self.wait_s if timeout is None else timeout):
                while not predicate():
                    if self.ended.is_set():
                        return False
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            return False
        return True

    async def wait_robot_speaking(self, timeout: float | None = None, *,  # noqa: ASYNC109
                                  for_ms: int = 0) -> bool:
        """The robot is talking (and, with `for_ms`, has said that much more audio)."""
        target = self.robot_voiced_ms + for_ms
        return await self._until(
            lambda: self.robot_talking and self.robot_voiced_ms >= target, timeout)

    async def wait_robot_quiet(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109
        """The robot spoke since our last turn and has now been quiet for `quiet_ms`."""
        return await self._until(lambda: self._spoke and not self.robot_talking, timeout)

    async def say(self, text: str) -> None:
        pcm = await self.render(text)
        self.log.lines.append(text)
        await self.say_audio(pcm)

    async def say_audio(self, pcm: bytes) -> bool:
        """Speak rendered audio; True when the robot's voice reached us before the sound
        ended (it replied while we were still talking: a cut-off)."""
        voiced_before = self.robot_voiced_ms
        self._said_end = None
        # The sound and the TTS's trailing pause go out as two back-to-back playbacks, so
        # the end of the sound is timed when its last frame leaves, even if the robot's
        # reply starts during the pause.
        rate = self.leg.sample_rate
        frame = rate * FRAME_MS // 1000 * 2
        sound_bytes = len(pcm) - round(_trailing_quiet_s(pcm, rate) * rate) * 2
        cut = min(len(pcm), -(-max(sound_bytes, 1) // frame) * frame)
        spoken = self.leg.play(pcm[:cut])
        pause = self.leg.play(pcm[cut:]) if cut < len(pcm) else None
        await spoken.wait()
        cut_off = self.robot_voiced_ms > voiced_before
        self._said_end = time.monotonic()
        self._spoke = False  # from here on, robot audio is its answer to this line
        if pause is not None:
            await pause.wait()
        return cut_off

    async def render(self, text: str) -> bytes:
        """The caller's line as audio at the call's rate (from the TTS cache)."""
        return await render_line(self.speech, self.caller, text, self.leg.sample_rate)

    async def press(self, digits: str) -> None:
        self.log.lines.append(f"/dtmf {digits}")
        await self.leg.send_dtmf(digits)
        self._spoke = False

    async def hangup(self) -> None:
        if not self.ended.is_set():
            self.log.ended_by = "caller"
            await self.leg.hangup()

    async def perform(self, line: str) -> None:
        stripped = line.strip()
        if stripped == "/silence":
            self.log.lines.append("/silence")
            self._spoke = False
        elif stripped == "/hangup":
            self.log.lines.append("/hangup")
            await self.hangup()
        elif stripped.startswith("/dtmf"):
            digits = stripped[len("/dtmf"):].strip().replace(" ", "")
            if not digits or any(ch not in "0123456789*#ABCD" for ch in digits):
                raise CallerError(f"/dtmf needs keys 0-9, *, #: {line!r}")
            await self.press(digits)
        elif stripped.startswith("/") and not stripped.startswith("//"):
            raise CallerError(f"unknown command {stripped.split()[0]!r}")
        else:
            await self.say(stripped)

    async def run(self, lines: list[str]) -> CallerLog:
        """Each line after the robot stops talking; then wait for the reply and hang up."""
        for line in lines:
            if not await self.wait_robot_quiet() or self.ended.is_set():
                break
            await self.perform(line)
            if self.ended.is_set():
                break
        if not self.ended.is_set():
            await self.wait_robot_quiet()
            answered = self.transfer_answered
            if answered is not None:  # a transfer may be under way: stay on the line
                await self._until(lambda: self._handed_over(answered), None)
                if answered.is_set() and self._referral() is None:
                    # bridged: the manager's line comes through the robot
                    await self.wait_robot_speaking()
                    await self.wait_robot_quiet()
            if self._referral() is None:
                await self.hangup()
        target = self._referral()
        if target is not None and self.phone is not None:
            await self._follow(target, self.phone)
        return self.log

    def _referral_future(self) -> asyncio.Future[str] | None:
        referred = getattr(self.leg, "referred_to", None)
        return referred if isinstance(referred, asyncio.Future) else None

    def _referral(self) -> str | None:
        referred = self._referral_future()
        return referred.result() if referred is not None and referred.done() else None

    def _handed_over(self, answered: asyncio.Event) -> bool:
        """The robot sent a REFER, a manager answered the robot's call (a bridge), or the
        robot speaks again (no transfer after all: it asks something)."""
        return self._referral() is not None or answered.is_set() or self.robot_talking

    def _route(self, target: str) -> str:
        """A number the robot referred us to (`sip:NUMBER@our-host`) goes to `numbers_to`;
        any other target is dialled as given."""
        try:
            uri = SipUri.parse(target)
        except SipParseError:
            return target
        if (self.numbers_to is None or not _NUMBER.match(uri.user) or uri.port is not None
                or uri.host != self.leg_host):
            return target
        return f"sip:{uri.user}@{self.numbers_to}"

    @property
    def leg_host(self) -> str:
        return self.phone.advertised_host if self.phone is not None else ""

    async def _follow(self, target: str, phone: SipUserAgent) -> None:
        """A blind transfer: call the target, tell the robot how it went (NOTIFY), then
        hear the other party's line and hang up."""
        self.log.referred_to = target
        assert isinstance(self.leg, SipCallLeg)
        try:
            leg = await phone.call(self._route(target), timeout_s=self.wait_s)
        except CallFailed as failure:
            self.log.transfer_status = failure.status or 503
            await self.leg.report_transfer(self.log.transfer_status,
                                           _REASONS.get(failure.kind, "Service Unavailable"))
            await self.hangup()
            return
        self.log.transfer_status = 200
        await self.leg.report_transfer(200, "OK")
        other = SimulatedCaller(leg, self.speech, quiet_ms=round(self.quiet_s * 1000),
                                wait_s=self.wait_s)
        try:
            await other.wait_robot_quiet()
            self.log.transfer_heard_ms = other.robot_voiced_ms
            await other.hangup()
        finally:
            await other.close()
        await self.hangup()  # the robot hangs up once it has the NOTIFY; never left open

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.ended.wait(), 5)
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader


def check_lines(lines: list[str]) -> None:
    """Reject a bad command before any call is placed."""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("/dtmf"):
            digits = stripped[len("/dtmf"):].strip().replace(" ", "")
            if not digits or any(ch not in "0123456789*#ABCD" for ch in digits):
                raise CallerError(f"/dtmf needs keys 0-9, *, #: {line!r}")
        elif stripped.startswith("/") and stripped not in ("/silence", "/hangup"):
            raise CallerError(f"unknown command {stripped.split()[0]!r}")
        elif not stripped:
            raise CallerError("an empty caller line (use /silence to say nothing)")
