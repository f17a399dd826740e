"""Answering inbound SIP calls from a routing file (`voicebot serve-calls`): each call is
routed to its script by `routing.Router`, answered by the one `Answerer`, and its report
handed on from a `MemorySink`. One failing call never stops the others."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot_engine.call.answerer import Answerer, CallOpener, CallRefused, OpenedCall
from bot_engine.call.dialer import OperatorDialing, SpeechFor
from bot_engine.call.memory_sink import MemorySink
from bot_engine.call.report import CallReport
from bot_engine.call.routing import Router
from bot_engine.call.session import SessionSettings
from bot_engine.call.spec import CallSpec
from bot_engine.script import ScriptError
from bot_engine.tasks import TaskSet
from media_gateway.call_leg import CallInfo
from media_gateway.sip import SipConfig, SipUserAgent

log = logging.getLogger(__name__)


def routed(router: Router, sink: MemorySink, record_dir: Path | None = None) -> CallOpener:
    """Opens each call by the routing file: 404 without a rule, 400 for variables the
    request gets wrong."""

    async def open_call(info: CallInfo) -> OpenedCall:
        try:
            route = router.route(info)
        except ScriptError as exc:
            raise CallRefused(f"bad variables: {exc}", 400, "Bad call variables") from None
        if route is None:
            raise CallRefused(f"no route for {info.callee!r}", 404, "No route")
        record = record_dir / f"{info.call_id}.wav" if record_dir is not None else None
        spec = CallSpec(call_id=info.call_id, tenant_id="", to=info.callee,
                        from_=info.caller or None, direction="inbound", script=route.script,
                        script_version=None, variables=route.variables, recording_path=record)
        sink.open(spec, info.transport)
        return OpenedCall(spec)

    return open_call


async def serve_inbound(
    router: Router,
    speech_for: SpeechFor,
    *,
    host: str = "127.0.0.1",
    port: int = 5060,
    record_dir: Path | None = None,
    max_calls: int | None = None,
    on_result: Callable[[CallReport], None] | None = None,
    on_listen: Callable[[int], None] | None = None,
    settings: SessionSettings | None = None,
) -> None:
    ua = await SipUserAgent.start(SipConfig(host=host, port=port, user="voicebot"))
    if on_listen is not None:
        on_listen(ua.local_port)
    sink = MemorySink(on_result)
    answerer = Answerer(sink, speech_for, policy=OperatorDialing(None), settings=settings)
    open_call = routed(router, sink, record_dir)
    calls = TaskSet(log_errors="an inbound call")
    try:
        count = 0
        async for incoming in ua.incoming():
            count += 1
            calls.spawn(answerer.answer_sip(incoming, open_call))
            if max_calls is not None and count >= max_calls:
                break
        await calls.wait()
    finally:
        await ua.close()
