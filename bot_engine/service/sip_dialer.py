"""The service's outbound dialer on its one SIP user agent (the one that answers inbound
calls on `sip_port`).

One user agent means one SIP address for the trunk: outbound INVITEs leave from the port
the trunk already sends inbound calls to (trunks that authorise by source address accept
both), and a single registration covers both directions. When inbound SIP is disabled,
the service falls back to `bot_engine.call.sip_runner.SipCallRunner`, the same dialer with
a user agent per call (`user_agent` is the one difference).

It implements `CallRunner`: the call rings while its prompts render and the ASR loads;
call progress (busy, no answer, rejected) becomes the Dialog's `NotConnected`, so every
call, answered or not, ends with exactly one result valid against the script's contract.

What it dials is decided by the service's `TelephonyPolicy` (checked again here, since
DNS can change after the call was created): a number through the trunk, a SIP URI only
for tenants allowed one and never to an internal host. Without a policy it dials numbers
only. Transfers in the call are limited by `TransferRules`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from bot_engine.call.dial_targets import DialRefused, is_sip_uri, target_uri
from bot_engine.call.outbound import unanswered_report
from bot_engine.call.session import SessionSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.call.transfer_guard import TransferGuardedLeg, TransferRules
from bot_engine.call.voice_simulator import prepare
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner
from bot_engine.dialog import events as ev
from bot_engine.service.inbound import SpeechFactory
from bot_engine.service.live_session import ended_result, run_live_session
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.runner import CallSink, CallSpec
from bot_engine.service.telephony_policy import TelephonyPolicy
from media_gateway.sip import CallFailed, SipUserAgent

log = logging.getLogger(__name__)


class SharedUaDialer:
    def __init__(
        self,
        speech_for: SpeechFactory,
        *,
        proxy: str | None = None,
        caller: str = "voicebot",
        amd: bool = True,
        ring_timeout_s: float = 60.0,
        metrics: ServiceMetrics | None = None,
        webhooks: AsyncWebhookRunner = STRICT,
    ) -> None:
        self.ua: SipUserAgent | None = None
        """Set by the service once its SIP listener is up."""
        self.speech_for = speech_for
        self.proxy = proxy
        self.caller = caller
        self.amd = amd
        self.ring_timeout_s = ring_timeout_s
        self.metrics = metrics
        self.webhooks = webhooks
        self.policy: TelephonyPolicy | None = None
        """Set by the service: who may dial what, and the transfer allow-lists."""
        self._calls: dict[str, asyncio.Task[None]] = {}
        self._answered: set[str] = set()

    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        task = asyncio.get_running_loop().create_task(self._run(spec, sink))
        self._calls[spec.call_id] = task
        task.add_done_callback(lambda _t: self._calls.pop(spec.call_id, None))

    async def cancel(self, call_id: str) -> bool:
        task = self._calls.get(call_id)
        if task is None:
            return True
        if call_id in self._answered:
            return False
        task.cancel()
        return True

    async def close(self) -> None:
        for task in list(self._calls.values()):
            task.cancel()
        if self._calls:
            await asyncio.wait(list(self._calls.values()), timeout=10)

    @contextlib.asynccontextmanager
    async def user_agent(self, caller: str) -> AsyncIterator[SipUserAgent]:
        """The user agent that places one call: here the service's own, shared by all
        calls (`SipCallRunner` starts one per call instead)."""
        if self.ua is None:
            raise RuntimeError("the SIP user agent is not running (sip_enabled is off?)")
        yield self.ua

    async def _run(self, spec: CallSpec, sink: CallSink) -> None:
        started = datetime.now(UTC)
        caller = spec.from_ or self.caller
        async with contextlib.AsyncExitStack() as stack:
            try:
                await sink.call_status(spec.call_id, "ringing", at=started)
                uri = await self._dial_target(spec)
                rules = await self._transfer_rules(spec)
                speech = self.speech_for(spec.script)
                ua = await stack.enter_async_context(self.user_agent(caller))
            except asyncio.CancelledError:
                await self._finish_unstarted(spec, sink, "cancelled")
                raise
            except Exception as exc:
                log.warning("call %s cannot be placed: %s", spec.call_id, exc)
                await self._finish_unstarted(spec, sink, f"error: {exc}"[:64], reason="failed")
                return
            await self._place(ua, uri, caller, speech, spec, sink, started, rules)

    async def _dial_target(self, spec: CallSpec) -> str:
        if self.policy is not None:
            return await self.policy.dial_target(spec.tenant_id, spec.to)
        if is_sip_uri(spec.to):
            raise DialRefused("`to` must be a number (no policy allows SIP URIs here)")
        return target_uri(spec.to, self.proxy)

    async def _transfer_rules(self, spec: CallSpec) -> TransferRules:
        """The call's variables all came from the tenant (POST /v1/calls)."""
        allowed = await self.policy.transfer_targets(spec.tenant_id) if self.policy else ()
        return TransferRules.for_call(spec.script, spec.variables, allowed)

    async def _place(
        self,
        ua: SipUserAgent,
        uri: str,
        caller: str,
        speech: CallSpeech,
        spec: CallSpec,
        sink: CallSink,
        started: datetime,
        rules: TransferRules,
    ) -> None:
        """Dial (prompts render and the ASR loads while it rings), then run the session."""
        preparing = asyncio.ensure_future(prepare(speech, spec.script, spec.variables))
        try:
            try:
                leg = await ua.call(uri, caller=caller, timeout_s=self.ring_timeout_s)
            except CallFailed as failure:
                report = unanswered_report(
                    spec.script,
                    spec.variables,
                    failure,
                    callee=uri,
                    caller=caller,
                    speech=speech,
                    started_at=started,
                )
                await sink.finish(
                    spec.call_id,
                    report.result,
                    hangup_cause=report.call.hangup_cause or failure.kind,
                    at=datetime.now(UTC),
                )
                return
            except asyncio.CancelledError:
                await self._finish_unstarted(spec, sink, "cancelled")
                raise
            except Exception as exc:  # the user agent failed under us: still one result
                log.exception("call %s: dialling failed", spec.call_id)
                await self._finish_unstarted(
                    spec, sink, f"error: {type(exc).__name__}: {exc}"[:64], reason="failed"
                )
                return
            self._answered.add(spec.call_id)
            with contextlib.suppress(Exception):
                await preparing
            await run_live_session(
                TransferGuardedLeg(leg, rules),
                spec,
                speech,
                sink,
                settings=SessionSettings(amd=self.amd),
                webhooks=self.webhooks,
                metrics=self.metrics,
                started_at=started,
            )
        finally:
            if not preparing.done():
                preparing.cancel()
            with contextlib.suppress(BaseException):
                await preparing
            self._answered.discard(spec.call_id)

    @staticmethod
    async def _finish_unstarted(
        spec: CallSpec, sink: CallSink, cause: str, reason: str = "no_answer"
    ) -> None:
        event = ev.NotConnected(reason="failed" if reason == "failed" else "no_answer")
        result = ended_result(spec, event)
        await sink.finish(spec.call_id, result, hangup_cause=cause, at=datetime.now(UTC))
