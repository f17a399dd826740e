"""Answering inbound calls: route each to its script, render its prompts while it rings,
run the session, hand the report on. One failing call never stops the others."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot_engine.call.report import CallReport
from bot_engine.call.routing import Router
from bot_engine.call.session import CallSession, SessionSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.call.voice_simulator import prepare
from bot_engine.script import ScriptError
from bot_engine.tasks import TaskSet
from media_gateway.sip import CallFailed, IncomingCall, SipConfig, SipUserAgent

log = logging.getLogger(__name__)


async def answer_routed(
    incoming: IncomingCall,
    router: Router,
    speeches: dict[str, CallSpeech],
    *,
    record_dir: Path | None = None,
    settings: SessionSettings | None = None,
) -> CallReport | None:
    """Route, ring, prepare, answer and run one call; None when it was refused."""
    try:
        route = router.route(incoming.info)
    except ScriptError as exc:
        log.warning("call %s refused: bad variables: %s", incoming.info.call_id, exc)
        await incoming.reject(400, "Bad call variables")
        return None
    if route is None:
        log.warning("call %s to %r refused: no route", incoming.info.call_id,
                    incoming.info.callee)
        await incoming.reject(404, "No route")
        return None
    speech = speeches[route.rule.script]
    incoming.ring()
    await prepare(speech, route.script, route.variables)
    try:
        leg = await incoming.answer()
    except CallFailed:
        return None
    record = record_dir / f"{leg.info.call_id}.wav" if record_dir is not None else None
    session = CallSession(leg, route.script, route.variables, speech, settings=settings,
                          recording_path=record)
    return await session.run()


async def serve_inbound(
    router: Router,
    speeches: dict[str, CallSpeech],
    *,
    host: str = "127.0.0.1",
    port: int = 5060,
    record_dir: Path | None = None,
    max_calls: int | None = None,
    on_result: Callable[[CallReport], None] | None = None,
    on_listen: Callable[[int], None] | None = None,
) -> None:
    ua = await SipUserAgent.start(SipConfig(host=host, port=port, user="voicebot"))
    if on_listen is not None:
        on_listen(ua.local_port)
    tasks = TaskSet()

    async def one(incoming: IncomingCall) -> None:
        try:
            report = await answer_routed(incoming, router, speeches, record_dir=record_dir)
        except Exception:
            log.exception("call %s failed", incoming.info.call_id)
            return
        if report is not None and on_result is not None:
            on_result(report)

    try:
        count = 0
        async for incoming in ua.incoming():
            count += 1
            tasks.spawn(one(incoming))
            if max_calls is not None and count >= max_calls:
                break
        await tasks.wait()
    finally:
        await ua.close()
