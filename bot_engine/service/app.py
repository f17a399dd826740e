"""The FastAPI application: wiring, lifespan (migrations, crash recovery, delivery worker)
and the error format every 4xx shares."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot_engine.delivery.ssrf import SsrfGuard
from bot_engine.delivery.worker import DeliveryWorker
from bot_engine.script.model import Script
from bot_engine.script.positions import is_unicode
from bot_engine.service.calls import CallService
from bot_engine.service.errors import ServiceError
from bot_engine.service.inbound import InboundCalls, SpeechFactory
from bot_engine.service.listeners import start_listeners
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.prerender import NoPrerender, Prerenderer, TtsCachePrerenderer
from bot_engine.service.routers import (
    calls,
    deliveries,
    inbound_routes,
    media,
    scripts,
    simulate,
    system,
)
from bot_engine.service.runner import CallRunner, NoDialer
from bot_engine.service.script_cache import ScriptCache
from bot_engine.service.script_worker import ScriptWorkers
from bot_engine.service.settings import ServiceSettings
from bot_engine.service.simulated_runner import SimulatedRunner, Speaker
from bot_engine.service.sip_dialer import SharedUaDialer
from bot_engine.service.state import ServiceState
from bot_engine.storage import open_database

log = logging.getLogger(__name__)


def problem(
    status: int,
    code: str,
    message: str,
    issues: list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if issues is not None:
        body["issues"] = issues
    return JSONResponse(body, status_code=status, headers=headers)


class BodyLimit:
    """Refuse bodies over the limit with 413 (by header, or by counting a chunked stream
    before the app sees any of it), and JSON with text that is not Unicode with 422.

    The body is read here, up to the limit, and handed to the app whole: counting inside
    the app's receive would surface as the framework's "error parsing the body" (400)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = problem(
            413, "payload_too_large", f"the body is larger than {self.max_bytes} bytes"
        )
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await too_big(scope, receive, send)
                    return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before it finished sending
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                await too_big(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        where = lone_surrogate(body) if _is_json(scope) else None
        if where is not None:
            issue = {"path": where, "message": "text with a lone surrogate (not valid Unicode)"}
            await problem(422, "invalid_request", "the request has text that is not valid "
                          "Unicode", [issue])(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def lone_surrogate(body: bytes) -> str | None:
    """The path of the first JSON string (key or value) with a lone surrogate, else None.

    JSON can spell one (`"\\ud800"`) and Python decodes it, but it is not Unicode: it
    cannot be stored as JSON, sent to a CRM or even echoed back in an error. Bodies without
    a surrogate escape (nearly all) are not parsed here at all."""
    if not _SURROGATE_ESCAPE.search(body) and b"\xed" not in body:
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the app answers that itself
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not is_unicode(value):
                return path[:200] or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not is_unicode(key):
                    return f"{path}.<key>" if path else "<key>"
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None


def _dialer(
    settings: ServiceSettings, speak: Speaker | None, guard: SsrfGuard, speech: SpeechFactory
) -> CallRunner:
    if settings.dialer == "sip":
        if settings.sip_enabled:  # outbound calls through the one user agent of sip_port
            return SharedUaDialer(
                speech, proxy=settings.sip_proxy, caller=settings.sip_caller, amd=settings.sip_amd
            )
        from bot_engine.call.sip_runner import SipCallRunner

        return SipCallRunner(
            proxy=settings.sip_proxy,
            username=settings.sip_username,
            password=settings.sip_password,
            caller=settings.sip_caller,
            host=settings.sip_host,
            amd=settings.sip_amd,
        )
    if settings.dialer == "simulated":
        return SimulatedRunner(speak=speak, guard=guard)
    return NoDialer()


def _speech_factory() -> SpeechFactory:
    from asr_tts.settings import SpeechSettings
    from bot_engine.call.speech import CallSpeech

    speech_settings = SpeechSettings()

    def build(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings)

    return build


def create_app(
    settings: ServiceSettings | None = None,
    *,
    runner: CallRunner | None = None,
    prerenderer: Prerenderer | None = None,
    speak: Speaker | None = None,
    call_speech: SpeechFactory | None = None,
) -> FastAPI:
    """Build the app. `runner` replaces the dialer chosen in settings (the live call session
    passes its own); `speak` replaces the TTS used for simulated-call recordings;
    `call_speech` builds the ASR/TTS of inbound calls (default: `VOICEBOT_*` speech
    settings, offline engines)."""
    settings = settings or ServiceSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = await open_database(settings.db_url)
        settings.recordings_path.mkdir(parents=True, exist_ok=True)
        secret_key = settings.resolved_secret_key()
        metrics = ServiceMetrics()
        guard = SsrfGuard(settings.ssrf_allowlist)
        script_workers = ScriptWorkers(
            settings.script_limits,
            workers=settings.script_workers,
            timeout_s=settings.script_timeout_s,
            memory_mb=settings.script_worker_memory_mb,
        )
        cache = ScriptCache(workers=script_workers)
        speech_for = call_speech or _speech_factory()
        chosen: CallRunner = runner or _dialer(settings, speak, guard, speech_for)
        worker_ref: list[DeliveryWorker] = []
        call_service = CallService(
            settings,
            db,
            cache,
            metrics,
            guard,
            chosen,
            wake_delivery=lambda: worker_ref[0].wake() if worker_ref else None,
            secret_key=secret_key,
        )
        worker = DeliveryWorker(
            db,
            settings.delivery,
            guard,
            call_service.build_job,
            concurrency=settings.delivery_concurrency,
            poll_s=settings.delivery_poll_s,
            lease_s=settings.delivery_lease_s,
            on_attempt=metrics.attempt,
        )
        worker_ref.append(worker)
        inbound = InboundCalls(call_service, speech_for)
        state = ServiceState(
            settings=settings,
            db=db,
            scripts=cache,
            metrics=metrics,
            guard=guard,
            runner=chosen,
            calls=call_service,
            worker=worker,
            prerenderer=prerenderer
            or (TtsCachePrerenderer() if settings.prerender_prompts else NoPrerender()),
            secret_key=secret_key,
            inbound=inbound,
        )
        app.state.service = state
        recovered = await call_service.recover()
        if recovered:
            log.warning("ended %d calls interrupted by the previous shutdown", recovered)
        state.worker_task = asyncio.create_task(worker.run())
        try:
            state.listeners = await start_listeners(settings, inbound)
            if isinstance(chosen, SharedUaDialer):
                chosen.ua = state.listeners.sip
                chosen.metrics = metrics
        except BaseException:
            await worker.stop()
            await state.worker_task
            await script_workers.close()
            await db.close()
            raise
        # Everything loaded so far (modules, models, settings) lives as long as the process:
        # keep it out of the collector's full passes, whose pauses would show as RTP jitter.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            await state.listeners.close()
            await inbound.close()
            await worker.stop()
            await state.worker_task
            await chosen.close()
            await call_service.close()
            await script_workers.close()
            await db.close()

    app = FastAPI(
        title="voicebot",
        version="0.1.0",
        description="Upload dialog scripts, place calls, receive qualified results.",
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return problem(exc.status_code, exc.code, exc.message, exc.issues)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return problem(
            exc.status_code, "http_error", str(exc.detail), headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        issues = [
            {"path": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return problem(422, "invalid_request", "the request does not match the API", issues)

    for module in (scripts, calls, inbound_routes, media, simulate, deliveries, system):
        app.include_router(module.router)
    return app
