"""Placing an outbound call: dial through the trunk, run the session, and turn call progress
(busy, no answer, rejected) into the Dialog's `NotConnected`, so even a call nobody answered
ends with a result valid against the script's contract."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot_engine.call.dial_targets import target_uri
from bot_engine.call.report import CallMeta, CallReport, TranscriptTurn
from bot_engine.call.session import CallSession, SessionSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.call.voice_simulator import prepare
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog
from bot_engine.script.model import Script
from media_gateway.sip import CallFailed, SipConfig, SipUserAgent

__all__ = ["place_call", "target_uri", "unanswered_report"]


def unanswered_report(
    script: Script,
    variables: dict[str, Any],
    failure: CallFailed,
    *,
    callee: str,
    caller: str,
    speech: CallSpeech | None = None,
    started_at: datetime | None = None,
) -> CallReport:
    """The result of a call that never connected, decided by the Dialog like any other."""
    started = started_at or datetime.now(UTC)
    dialog = Dialog(script, variables, now=started)
    dialog.handle(ev.NotConnected(reason=failure.kind, at=datetime.now(UTC)))
    assert dialog.result is not None
    meta = CallMeta(
        call_id=f"unanswered-{secrets.token_hex(6)}", direction="outbound", caller=caller,
        callee=callee, transport="sip", script_id=script.id, script_version=script.version,
        started_at=started, ended_at=datetime.now(UTC),
        hangup_cause=f"{failure.kind}" + (f" ({failure.status})" if failure.status else ""),
        asr_engine=speech.asr_engine if speech else None,
        tts_engine=speech.tts_engine if speech else None,
    )
    return CallReport(call=meta, variables=variables, result=dialog.result)


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
    record: str | Path | None = None,
    amd: bool = True,
    ring_timeout_s: float = 60.0,
    settings: SessionSettings | None = None,
    webhooks: AsyncWebhookRunner = STRICT,
    on_answer: Callable[[], Awaitable[object]] | None = None,
    on_turn: Callable[[TranscriptTurn], None] | None = None,
    on_state: Callable[[dict[str, Any]], None] | None = None,
) -> CallReport:
    uri = target_uri(number, proxy)
    config = SipConfig(host=host, port=0, user=caller, proxy=proxy, auth_username=username,
                       password=password)
    started = datetime.now(UTC)
    ua = await SipUserAgent.start(config)
    # While the phone rings: render the prompts this call's variables determine, load ASR.
    preparing = asyncio.ensure_future(prepare(speech, script, variables))
    try:
        try:
            leg = await ua.call(uri, timeout_s=ring_timeout_s)
        except CallFailed as failure:
            return unanswered_report(script, variables, failure, callee=uri, caller=caller,
                                     speech=speech, started_at=started)
        if on_answer is not None:
            await on_answer()
        with contextlib.suppress(Exception):
            await preparing
        session_settings = settings or SessionSettings(amd=amd)
        session = CallSession(leg, script, variables, speech, settings=session_settings,
                              recording_path=record, webhooks=webhooks, on_turn=on_turn,
                              on_state=on_state)
        session.meta.started_at = started
        return await session.run()
    finally:
        if not preparing.done():
            preparing.cancel()
        with contextlib.suppress(BaseException):
            await preparing
        await ua.close()
