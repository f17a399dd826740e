"""The one way to place a call: `voicebot call`, the service's `sip` dialer, campaigns and
callbacks all go through `Dialer`.

A call rings while its prompts render and the ASR loads; call progress (busy, no answer,
rejected) becomes the Dialog's `NotConnected`, so every call, answered or not, ends with
exactly one result valid against the script's contract; an answered call runs in the live
session (`live.run_answered`). Everything reaches the `CallSink`.

Where the SIP user agent comes from is the one thing deployments differ in, so it is a
parameter (`user_agents`): the service shares the agent that listens on `sip_port` (one
SIP address for the trunk in both directions, one registration), or starts one per call
when it answers no SIP itself, as the command line does.

What may be dialled is the `DialPolicy`'s to say, checked again here since DNS can change
after a call was created: the service's `TelephonyPolicy` lets a tenant dial numbers
through the trunk and SIP URIs only where the operator allows it; `OperatorDialing` (the
command line) dials what the operator typed. Transfers within the call are limited by the
call's `TransferRules`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from typing_extensions import override

from bot_engine.call.dial_targets import target_uri
from bot_engine.call.ended import ended_result
from bot_engine.call.live import run_answered
from bot_engine.call.memory_sink import run_to_report
from bot_engine.call.report import CallReport
from bot_engine.call.session import SessionSettings
from bot_engine.call.spec import CallSink, CallSpec
from bot_engine.call.speech import CallSpeech
from bot_engine.call.transfer_guard import TransferGuardedLeg, TransferRules
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner
from bot_engine.dialog import events as ev
from bot_engine.record import HangupCause
from bot_engine.script.model import Script
from media_gateway.sip import CallFailed, SipConfig, SipUserAgent

log = logging.getLogger(__name__)

UserAgents = Callable[[str], AbstractAsyncContextManager[SipUserAgent]]
"""The user agent that places one call, given the caller's user name (From)."""
SpeechFor = Callable[[Script], CallSpeech]
"""The speech stack of a script's calls (a `SpeechPool`'s `for_script`)."""

ANY_TARGET = ".*"
"""A transfer allow-list entry every target matches (a full-match pattern)."""
_NOT_CONNECTED: dict[HangupCause, Literal["no_answer", "busy", "rejected", "failed"]] = {
    HangupCause.BUSY: "busy",
    HangupCause.NO_ANSWER: "no_answer",
    HangupCause.REJECTED: "rejected",
    HangupCause.FAILED: "failed",
    HangupCause.CANCELLED: "no_answer",
}


class DialPolicy(Protocol):
    async def dial_target(self, tenant_id: str, to: str) -> str:
        """The URI to dial for a call's `to`, or `DialRefused`."""
        ...

    async def transfer_targets(self, tenant_id: str) -> tuple[str, ...]:
        """The tenant's transfer allow-list (numbers and full-match patterns)."""
        ...


class OperatorDialing(DialPolicy):
    """The command line's policy: the operator dials what they typed (a number through
    the trunk, or any SIP URI) and may transfer anywhere."""

    def __init__(self, proxy: str | None) -> None:
        self.proxy = proxy

    @override
    async def dial_target(self, tenant_id: str, to: str) -> str:
        return target_uri(to, self.proxy)

    @override
    async def transfer_targets(self, tenant_id: str) -> tuple[str, ...]:
        return (ANY_TARGET,)


class NumbersOnly(DialPolicy):
    """No policy given: numbers through the trunk, never a SIP URI (it would name a host of
    its own: SSRF over SIP), and transfers only to the script's own targets."""

    def __init__(self, proxy: str | None) -> None:
        self.proxy = proxy

    @override
    async def dial_target(self, tenant_id: str, to: str) -> str:
        from bot_engine.call.dial_targets import DialRefused, is_sip_uri

        if is_sip_uri(to):
            raise DialRefused("`to` must be a number (no policy allows SIP URIs here)")
        return target_uri(to, self.proxy)

    @override
    async def transfer_targets(self, tenant_id: str) -> tuple[str, ...]:
        return ()


def shared_user_agent(current: Callable[[], SipUserAgent | None]) -> UserAgents:
    """Every call through the one running user agent `current()` returns (the service's
    SIP listener, started after the dialer exists)."""

    @contextlib.asynccontextmanager
    async def use(caller: str) -> AsyncIterator[SipUserAgent]:  # noqa: ARG001 (UserAgents; the shared agent has one identity)
        ua = current()
        if ua is None:
            raise RuntimeError("the SIP user agent is not running (sip_enabled is off?)")
        yield ua

    return use


def own_user_agent(config: SipConfig) -> UserAgents:
    """A user agent of its own for each call, on an ephemeral port (`config.port` is
    ignored), with the caller's user name."""

    @contextlib.asynccontextmanager
    async def start(caller: str) -> AsyncIterator[SipUserAgent]:
        per_call = config.model_copy(update={"port": 0, "user": caller})
        ua = await SipUserAgent.start(per_call)
        try:
            yield ua
        finally:
            await ua.close()

    return start


class Dialer:
    """A `CallRunner` that places calls over SIP."""

    def __init__(
        self,
        speech_for: SpeechFor,
        user_agents: UserAgents,
        *,
        policy: DialPolicy | None = None,
        proxy: str | None = None,
        caller: str = "voicebot",
        amd: bool = True,
        ring_timeout_s: float = 60.0,
        webhooks: AsyncWebhookRunner = STRICT,
        settings: SessionSettings | None = None,
    ) -> None:
        """`settings` are the answered calls' session settings (default: AMD as `amd`)."""
        self.speech_for = speech_for
        self.user_agents = user_agents
        self.policy: DialPolicy = policy or NumbersOnly(proxy)
        self.caller = caller
        self.ring_timeout_s = ring_timeout_s
        self.webhooks = webhooks
        self.settings = settings or SessionSettings(amd=amd)
        self._calls: dict[str, asyncio.Task[None]] = {}
        self._answered: set[str] = set()
        self._placing = True
        """False once draining or closing: a call not yet on the wire stays `queued`."""

    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        task = asyncio.get_running_loop().create_task(self.run(spec, sink),
                                                      name=f"call-{spec.call_id}")
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

    def stop_placing(self) -> None:
        self._placing = False

    async def close(self) -> None:
        self._placing = False
        for task in list(self._calls.values()):
            task.cancel()
        if self._calls:
            await asyncio.wait(list(self._calls.values()), timeout=10)

    async def run(self, spec: CallSpec, sink: CallSink) -> None:
        """Place the call and run it to its end; exactly one `finish`, whatever happens."""
        started = datetime.now(UTC)
        caller = spec.from_ or self.caller
        async with contextlib.AsyncExitStack() as stack:
            try:
                uri = await self.policy.dial_target(spec.tenant_id, spec.to)
                allowed = await self.policy.transfer_targets(spec.tenant_id)
                # the call's variables all came from the tenant (POST /v1/calls)
                rules = TransferRules.for_call(spec.script, spec.variables, allowed)
                speech = self.speech_for(spec.script)
                ua = await stack.enter_async_context(self.user_agents(caller))
            except asyncio.CancelledError:
                if self._placing:
                    await _unstarted(spec, sink, HangupCause.CANCELLED)
                else:
                    _left_queued(spec)
                raise
            except Exception as exc:
                log.warning("call %s cannot be placed: %s", spec.call_id, exc)
                await _unstarted(spec, sink, HangupCause.FAILED, error=str(exc))
                return
            await self._place(ua, uri, caller, speech, spec, sink, started, rules)

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
        """Dial (prompts render and the ASR loads while it rings), then run the session.
        The call is `ringing` from right before its INVITE is written, so a crash while it
        is still being prepared leaves it `queued`: it never reached the wire, and a
        campaign does not count it as an attempt."""

        sent = False

        async def sending() -> None:
            nonlocal sent
            if not self._placing:
                raise _NotPlaced
            await sink.call_status(spec.call_id, "ringing", at=started)
            sent = True

        preparing = asyncio.ensure_future(speech.prepare(spec.script, spec.variables))
        try:
            try:
                leg = await ua.call(
                    uri, caller=caller, timeout_s=self.ring_timeout_s, sending=sending
                )
            except _NotPlaced:
                _left_queued(spec)
                return
            except CallFailed as failure:
                status = failure.status
                detail = f"SIP {status} {failure.reason}".strip() if status else None
                await _unstarted(spec, sink, HangupCause.of(failure.kind), error=detail)
                return
            except asyncio.CancelledError:
                if sent or self._placing:
                    await _unstarted(spec, sink, HangupCause.CANCELLED)
                else:
                    _left_queued(spec)
                raise
            except Exception as exc:  # the user agent failed under us: still one result
                log.exception("call %s: dialling failed", spec.call_id)
                await _unstarted(spec, sink, HangupCause.FAILED,
                                 error=f"{type(exc).__name__}: {exc}")
                return
            self._answered.add(spec.call_id)
            with contextlib.suppress(Exception):
                await preparing
            await run_answered(
                TransferGuardedLeg(leg, rules), spec, speech, sink,
                settings=self.settings, webhooks=self.webhooks, started_at=started,
            )
        finally:
            if not preparing.done():
                preparing.cancel()
            with contextlib.suppress(BaseException):
                await preparing
            self._answered.discard(spec.call_id)


class _NotPlaced(Exception):
    """The dialer stopped placing calls before this one reached the wire."""


def _left_queued(spec: CallSpec) -> None:
    log.info("call %s: not placed (this worker stops), left queued for another",
             spec.call_id)


async def _unstarted(
    spec: CallSpec, sink: CallSink, cause: HangupCause, *, error: str | None = None
) -> None:
    """A call that never reached a person still ends with exactly one result."""
    reason = _NOT_CONNECTED.get(cause, "failed")
    result, _ = ended_result(spec.script, spec.variables,
                             ev.NotConnected(reason=reason, at=datetime.now(UTC)))
    await sink.finish(spec.call_id, result, hangup_cause=cause, at=datetime.now(UTC),
                      error=error)


async def place_call(
    number: str,
    script: Script,
    variables: dict[str, Any],
    speech: CallSpeech,
    *,
    proxy: str | None = None,
    username: str | None = None,
    password: str | None = None,
    caller: str = "voicebot",
    host: str = "127.0.0.1",
    record: Path | None = None,
    amd: bool = True,
    ring_timeout_s: float = 60.0,
    webhooks: AsyncWebhookRunner = STRICT,
    settings: SessionSettings | None = None,
) -> CallReport:
    """One call the way `voicebot call` places it: the operator's policy (any number or SIP
    URI, transfers anywhere), a user agent of its own, the report kept in memory."""
    spec = CallSpec(call_id=f"call-{secrets.token_hex(6)}", tenant_id="", to=number,
                    from_=caller, direction="outbound", script=script, script_version=None,
                    variables=variables, recording_path=record)
    config = SipConfig(host=host, port=0, user=caller, proxy=proxy, auth_username=username,
                       password=password)
    dialer = Dialer(lambda _script: speech, own_user_agent(config),
                    policy=OperatorDialing(proxy), caller=caller, amd=amd,
                    ring_timeout_s=ring_timeout_s, webhooks=webhooks, settings=settings)
    return await run_to_report(dialer.run, spec)
