"""Carrying out the Dialog's `Connect`: a blind REFER, or a bridged (B2BUA) transfer.

A bridged transfer goes: a second call to each target in turn (placed by the user agent
that carries the caller's call, through the ordinary outbound path) → the whisper, played
to the operator only → the operator's acceptance (a key, or a spoken yes, within the
timeout) → both legs' audio and keys relayed by `media_gateway.bridge` until one side
hangs up. Whatever happens to the operator leg (busy, no answer, a decline, a failure) is
one `ConnectResult` with the SIP status, so the script takes its fallback; the caller is
never dropped because an operator was.

The session stays the only reader of the caller's leg: while bridged it hands the
caller's frames and keys to `caller_event`. This module reads the operator's leg.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from asr_tts.vad import Endpointer, SpeechEnd, SpeechStart
from bot_engine import nlu
from bot_engine.call.dial_targets import target_uri
from bot_engine.call.speech import CallSpeech
from bot_engine.call.utterance import Utterance
from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from media_gateway.bridge import LegRelay, pump
from media_gateway.call_leg import (
    FRAME_MS,
    CallEnded,
    CallLeg,
    InboundDtmf,
    InboundFrame,
    Playback,
)
from media_gateway.sip import CallFailed, SipUserAgent

log = logging.getLogger(__name__)

LegDialer = Callable[[str, float], Awaitable[CallLeg]]
"""Places a call to a target (a number or SIP URI) within a ring timeout; returns the
answered leg or raises `CallFailed`."""

_FAILURE: dict[str, ev.ConnectOutcome] = {
    "busy": "busy", "no_answer": "no_answer", "rejected": "declined", "failed": "failed",
}
_REFER_FAILURE: dict[int, ev.ConnectOutcome] = {
    486: "busy", 600: "busy", 603: "declined",
    408: "no_answer", 480: "no_answer", 487: "no_answer",
}
"""A blind transfer's final status (the NOTIFY's sipfrag, or 408 when none came within the
ring timeout) as the outcome a script branches on."""
Decision = Literal["answered", "declined", "no_answer"]


def leg_dialer(leg: CallLeg) -> LegDialer | None:
    """Second calls leave through the user agent of the caller's own call (its trunk, its
    credentials); None for transports that cannot place calls (WebSocket, AudioSocket).

    A leg wrapped to guard its transfers (one that has `rules.permits`) guards these calls
    too: a target the caller or a backend could have chosen is dialled only if the tenant's
    transfer rules permit it, or the trunk would place (and bill) a call anywhere."""
    ua = getattr(leg, "user_agent", None)  # a SipCallLeg, or a wrapper forwarding to one
    if not isinstance(ua, SipUserAgent):
        return None
    rules = getattr(leg, "rules", None)
    permits = getattr(rules, "permits", None)

    async def dial(target: str, timeout_s: float) -> CallLeg:
        if callable(permits) and not permits(target):
            log.warning("call %s: connect to %r refused by the transfer rules",
                        leg.info.call_id, target[:80])
            raise CallFailed("failed", None, "not an allowed transfer target")
        try:
            uri = target_uri(target, ua.config.proxy)
        except ValueError as exc:
            raise CallFailed("failed", None, str(exc)) from None
        return await ua.call(uri, timeout_s=timeout_s)

    return dial


class Connector:
    """One `Connect` of one call, from the first dial to the end of the bridge."""

    def __init__(
        self,
        action: act.Connect,
        caller: CallLeg,
        dialer: LegDialer | None,
        speech: CallSpeech,
        *,
        record_operator: Callable[[bytes], None] | None = None,
        note: Callable[[str], None] | None = None,
        caller_ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`caller_ready` waits until the caller's prompts have played: the operator is
        dialled at once, but the caller is handed over only after the robot's last word."""
        self.action = action
        self.caller = caller
        self.dialer = dialer
        self.speech = speech
        self.record_operator = record_operator
        self.note = note or (lambda _text: None)
        self.caller_ready = caller_ready
        self.operator: CallLeg | None = None
        self.attempts: list[ev.ConnectAttempt] = []
        self.to_operator: LegRelay | None = None
        self.to_caller: LegRelay | None = None
        self.reported = False
        """The result went to the Dialog already (the caller hung up mid-bridge)."""
        self._offers: list[_Offer] = []
        self._caller_gone = asyncio.Event()
        self._ended_by: Literal["caller", "robot"] = "caller"
        self._bridged_at: float | None = None

    @property
    def bridged(self) -> bool:
        return self.to_caller is not None

    # -- the session's side ------------------------------------------------------------

    def caller_event(self, event: InboundFrame | InboundDtmf) -> None:
        if self.to_operator is not None:
            self.to_operator.push(event)

    def caller_ended(self, by: Literal["caller", "robot"] = "caller") -> ev.ConnectResult | None:
        """The caller's leg is ending (the caller hung up, or the robot ends the call at
        its maximum duration). Mid-bridge this is the end of an answered transfer (the
        result is returned for the Dialog at once); before it, the session just ends."""
        self._ended_by = by
        self._caller_gone.set()
        if not self.bridged or self.reported:
            return None
        self.reported = True
        return self._answered(by, caller_gone=True)

    # -- the run ---------------------------------------------------------------------

    async def run(self) -> ev.ConnectResult:
        try:
            if self.action.mode == "refer":
                return await self._refer()
            return await self._bridge_any()
        finally:
            await self._close()

    async def _refer(self) -> ev.ConnectResult:
        target = self.action.targets[0]
        if self.caller_ready is not None:
            await self.caller_ready()
        self.note(f"REFER to {target}")
        accepted = await self.caller.transfer(target, wait_s=self.action.ring_timeout_s)
        status = getattr(self.caller, "refer_status", None)
        outcome: ev.ConnectOutcome = "answered" if accepted else _REFER_FAILURE.get(
            status or 0, "failed")
        status = status or (200 if accepted else None)
        self.attempts.append(ev.ConnectAttempt(target=target, outcome=outcome,
                                               sip_status=status))
        return self._result(outcome, status, target, ended_by="robot" if accepted else None,
                            caller_gone=accepted)

    async def _bridge_any(self) -> ev.ConnectResult:
        if self.dialer is None:
            self.note("this call's transport cannot place a second call")
            return self._result("failed", None, self.action.targets[0],
                                error="the transport cannot place a second call")
        for target in self.action.targets:
            if self._caller_gone.is_set():
                break
            self.note(f"calling {target}")
            try:
                leg = await self.dialer(target, self.action.ring_timeout_s)
            except CallFailed as failure:
                outcome = _FAILURE.get(failure.kind, "failed")
                self.note(f"{target}: {outcome} ({failure.status or '-'})")
                self.attempts.append(ev.ConnectAttempt(target=target, outcome=outcome,
                                                       sip_status=failure.status))
                continue
            self.operator = leg
            offer = _Offer(leg, self)
            self._offers.append(offer)
            decision = await self._offer(offer)
            self.note(f"{target}: {decision}")
            self.attempts.append(ev.ConnectAttempt(target=target, outcome=decision,
                                                   sip_status=200))
            if decision == "answered":
                if self.caller_ready is not None:
                    await self.caller_ready()
                return await self._bridge(offer)
            with contextlib.suppress(Exception):
                await leg.hangup()
            self.operator = None
        last = self.attempts[-1] if self.attempts else None
        return self._result(last.outcome if last else "failed",
                            last.sip_status if last else None,
                            last.target if last else None)

    async def _offer(self, offer: _Offer) -> Decision:
        """The whisper, then the operator's answer (or none needed)."""
        loop = asyncio.get_running_loop()
        accept = self.action.accept
        if self.action.whisper:
            self.note(f"whisper: {self.action.whisper}")
            playing = await self._whisper(offer.leg, self.action.whisper)
            if playing is not None:  # the timeout runs from the end of the whisper
                played = loop.create_task(playing.wait())
                waits: list[asyncio.Future[Any]] = [offer.decision, played]
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                if not played.done():
                    playing.cancel()  # a key pressed mid-whisper: no need to hear the rest
        if accept is None:
            offer.decide("answered")
        try:
            timeout = accept.timeout_s if accept is not None else 0
            return await asyncio.wait_for(asyncio.shield(offer.decision), timeout + 0.5)
        except TimeoutError:
            return "no_answer"
        finally:
            offer.endpointer = None

    async def _whisper(self, leg: CallLeg, text: str) -> Playback | None:
        pcm = self.speech.cached(text)
        if pcm is None:
            parts = []
            async for chunk in self.speech.stream(text):
                parts.append(chunk)
            pcm = b"".join(parts)
        return leg.play(pcm) if pcm else None

    async def _bridge(self, offer: _Offer) -> ev.ConnectResult:
        leg = offer.leg
        self.to_caller = LegRelay(self.caller)
        self.to_operator = LegRelay(leg)
        self._bridged_at = time.monotonic()
        self.note("bridged")
        caller_gone = asyncio.ensure_future(self._caller_gone.wait())
        try:
            waits: list[asyncio.Future[Any]] = [offer.gone, caller_gone]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            caller_gone.cancel()
        if self._caller_gone.is_set():
            with contextlib.suppress(Exception):
                await leg.hangup()
            return self._answered(self._ended_by, caller_gone=True)
        self.note("the operator hung up")
        return self._answered("operator", caller_gone=self.action.after == "hangup")

    def operator_media(self, event: InboundFrame | InboundDtmf) -> None:
        """The bridged operator's audio and keys: to the caller, and into the recording
        (nothing before the bridge: the caller is still hearing the robot then)."""
        if self.to_caller is None:
            return
        if isinstance(event, InboundFrame) and self.record_operator is not None:
            self.record_operator(event.pcm)
        self.to_caller.push(event)

    # -- results ---------------------------------------------------------------------

    def _answered(self, ended_by: Literal["caller", "operator", "robot"], *,
                  caller_gone: bool) -> ev.ConnectResult:
        talk = None if self._bridged_at is None else round(time.monotonic() - self._bridged_at, 3)
        last = self.attempts[-1]
        return self._result("answered", last.sip_status, last.target, ended_by=ended_by,
                            caller_gone=caller_gone, talk_s=talk)

    def _result(self, outcome: ev.ConnectOutcome, status: int | None, target: str | None, *,
                ended_by: Literal["caller", "operator", "robot"] | None = None,
                caller_gone: bool = False, talk_s: float | None = None,
                error: str | None = None) -> ev.ConnectResult:
        return ev.ConnectResult(
            request_id=self.action.request_id, outcome=outcome, sip_status=status,
            target=target, ended_by=ended_by, caller_gone=caller_gone, talk_s=talk_s,
            attempts=list(self.attempts), error=error,
        )

    async def _close(self) -> None:
        for relay in (self.to_operator, self.to_caller):
            if relay is not None:
                await relay.close()
        leg = self.operator
        if leg is not None:
            with contextlib.suppress(Exception):
                await leg.hangup()
        for offer in self._offers:
            offer.close()


class _Offer:
    """One operator's leg from its answer to its end: the reader of its events, and the
    decision (accept, decline) that only this leg's keys, words or hangup can make."""

    def __init__(self, leg: CallLeg, connector: Connector) -> None:
        loop = asyncio.get_running_loop()
        self.leg = leg
        self.connector = connector
        self.accept = connector.action.accept
        self.decision: asyncio.Future[Decision] = loop.create_future()
        self.gone: asyncio.Future[CallEnded] = loop.create_future()
        self.endpointer: Endpointer | None = None
        if self.accept is not None and self.accept.speech:
            rate = leg.sample_rate if leg.sample_rate in (8000, 16000) else 8000
            self.endpointer = Endpointer(rate, FRAME_MS, speech_end_ms=500, floor_rms=100.0)
        self._speech = bytearray()
        self._hearing: asyncio.Task[None] | None = None
        self.reader = loop.create_task(pump(leg, self._on_event))
        self.reader.add_done_callback(self._ended)

    def decide(self, decision: Decision) -> None:
        if not self.decision.done():
            self.decision.set_result(decision)

    def _ended(self, task: asyncio.Task[CallEnded]) -> None:
        ended = CallEnded("network_error")
        if not task.cancelled() and task.exception() is None:
            ended = task.result()
        self.decide("declined")  # hung up before accepting
        if not self.gone.done():
            self.gone.set_result(ended)

    def _on_event(self, event: InboundFrame | InboundDtmf) -> None:
        if self.decision.done() and self.decision.result() == "answered":
            self.connector.operator_media(event)
            return
        accept = self.accept
        if accept is None:
            return
        if isinstance(event, InboundDtmf):
            self.decide("answered" if event.digit in accept.dtmf else "declined")
        elif self.endpointer is not None and len(event.pcm) == self.endpointer.frame_size:
            self._hear(event.pcm)

    def _hear(self, pcm: bytes) -> None:
        assert self.endpointer is not None
        for vad in self.endpointer.push(pcm):
            if isinstance(vad, SpeechStart):
                self._speech = bytearray(vad.audio)
            elif isinstance(vad, SpeechEnd) and self._hearing is None:
                audio = bytes(self._speech)
                self._hearing = asyncio.get_running_loop().create_task(self._recognize(audio))
        if self.endpointer is not None and self.endpointer.in_speech:
            self._speech += pcm

    async def _recognize(self, audio: bytes) -> None:
        connector = self.connector
        try:
            utterance = Utterance(connector.speech, [], None, audio, speculative=False)
            utterance.finish()
            heard = await utterance.result()
            # read as the answer to an offer: "принял", "я на звонке", "перекинь на другого"
            answer = nlu.answer_to_offer(heard.text, connector.action.language)
            connector.note(f"operator said: {heard.text!r}")
            if answer is not None:
                self.decide("answered" if answer == "yes" else "declined")
        finally:
            self._hearing = None

    def close(self) -> None:
        if self._hearing is not None:
            self._hearing.cancel()
        if not self.reader.done():
            self.reader.cancel()
