"""The one way to answer a call: `voicebot serve-calls` and the service (SIP, Twilio media
streams, AudioSocket) all go through `Answerer`.

A call goes: opened (routed to its script and recorded as a call, by the `CallOpener` the
deployment gives: a routing file, or the service's stored routes) → ringing while its
prompts render and the ASR loads → answered → the live session (`live.run_answered`) →
exactly one result in the `CallSink`. A call that cannot be opened is refused at the edge
(a SIP status, or the stream closed) with a log line; a caller who gives up while it rings,
or a call that cannot be prepared, still ends with a result. One failing call never stops
the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot_engine.call.dialer import DialPolicy, NumbersOnly, SpeechFor
from bot_engine.call.ended import ended_result
from bot_engine.call.errors import CallError
from bot_engine.call.live import run_answered
from bot_engine.call.session import SessionSettings
from bot_engine.call.spec import CallSink, CallSpec
from bot_engine.call.speech import CallSpeech
from bot_engine.call.transfer_guard import TransferGuardedLeg, TransferRules
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner
from bot_engine.dialog import events as ev
from bot_engine.record import HangupCause
from media_gateway.call_leg import CallInfo, CallLeg
from media_gateway.sip import CallFailed, IncomingCall

log = logging.getLogger(__name__)


class CallRefused(CallError):
    """The call cannot be taken; `sip_status` is what a SIP caller is told."""

    def __init__(self, message: str, sip_status: int, reason: str) -> None:
        super().__init__(message)
        self.sip_status = sip_status
        self.reason = reason


@dataclass(frozen=True)
class OpenedCall:
    spec: CallSpec
    trusted: dict[str, Any] = field(default_factory=dict)
    """The variables the deployment set (a route's own), not the caller: only targets
    built from these are transfer targets without the tenant's allow-list."""


CallOpener = Callable[[CallInfo], Awaitable[OpenedCall]]
"""Routes a call and records it; raises `CallRefused`."""


class Answerer:
    def __init__(
        self,
        sink: CallSink,
        speech_for: SpeechFor,
        *,
        policy: DialPolicy | None = None,
        webhooks: AsyncWebhookRunner = STRICT,
        settings: SessionSettings | None = None,
    ) -> None:
        self.sink = sink
        self.speech_for = speech_for
        self.policy: DialPolicy = policy or NumbersOnly(None)
        self.webhooks = webhooks
        self.settings = settings or SessionSettings(amd=False)

    async def answer_sip(self, incoming: IncomingCall, open_call: CallOpener) -> None:
        """Route, ring, prepare, answer and run one SIP call."""
        info = incoming.info
        try:
            opened = await open_call(info)
        except CallRefused as exc:
            log.warning("SIP call %s from %r to %r refused (%d): %s", info.call_id,
                        info.caller, info.callee, exc.sip_status, exc)
            await incoming.reject(exc.sip_status, exc.reason)
            return
        spec = opened.spec
        log.info("SIP call %s to %r: call %s", info.call_id, info.callee, spec.call_id)
        incoming.ring()
        prepared = await self._prepare_unless(incoming.cancelled, opened)
        if prepared is None and not incoming.cancelled.is_set():
            await incoming.reject(503, "Service Unavailable")
            return
        try:
            if prepared is None:
                raise CallFailed("no_answer", 487, "the caller cancelled while it rang")
            leg = await incoming.answer()
        except CallFailed as failure:
            log.info("SIP call %s ended before it was answered: %s", info.call_id, failure)
            result, _ = ended_result(spec.script, spec.variables,
                                     ev.NotConnected(reason="no_answer", at=datetime.now(UTC)))
            await self.sink.finish(spec.call_id, result,
                                   hangup_cause=HangupCause.CALLER_CANCELLED,
                                   at=datetime.now(UTC))
            return
        await self.run(leg, spec, *prepared)

    async def answer_connected(self, leg: CallLeg, opened: OpenedCall) -> None:
        """A call that arrives connected (a media stream): prepare, then run; a call that
        cannot be prepared is hung up (and ends with its result)."""
        prepared = await self._prepare(opened)
        if prepared is None:
            await leg.hangup()
            return
        await self.run(leg, opened.spec, *prepared)

    async def run(
        self, leg: CallLeg, spec: CallSpec, speech: CallSpeech, rules: TransferRules
    ) -> None:
        """Run the answered call to its end; exactly one `finish`, whatever happens."""
        await run_answered(TransferGuardedLeg(leg, rules), spec, speech, self.sink,
                           settings=self.settings, webhooks=self.webhooks)

    async def _prepare_unless(
        self, cancelled: asyncio.Event, opened: OpenedCall
    ) -> tuple[CallSpeech, TransferRules] | None:
        """`_prepare`, stopped as soon as the caller cancels (no TTS keeps starting for a
        call nobody will hear); None when cancelled or when preparing failed."""
        preparing = asyncio.ensure_future(self._prepare(opened))
        waiting = asyncio.ensure_future(cancelled.wait())
        try:
            await asyncio.wait({preparing, waiting}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
            if not preparing.done():
                preparing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await preparing
        return None if preparing.cancelled() else preparing.result()

    async def _prepare(self, opened: OpenedCall) -> tuple[CallSpeech, TransferRules] | None:
        """Prompts into the cache and the ASR model loaded while the phone rings, and the
        call's transfer rules. A failure here (no ASR for the language, say) still ends the
        call with a valid result."""
        spec = opened.spec
        try:
            allowed = await self.policy.transfer_targets(spec.tenant_id)
            rules = TransferRules.for_call(spec.script, opened.trusted, allowed)
            speech = self.speech_for(spec.script)
            await speech.prepare(spec.script, spec.variables)
        except Exception as exc:
            log.exception("call %s: cannot prepare speech", spec.call_id)
            result, _ = ended_result(spec.script, spec.variables,
                                     ev.HungUp(cause="system_failure", at=datetime.now(UTC)))
            await self.sink.finish(spec.call_id, result,
                                   hangup_cause=HangupCause.SYSTEM_FAILURE,
                                   at=datetime.now(UTC), error=f"{type(exc).__name__}: {exc}")
            return None
        return speech, rules
