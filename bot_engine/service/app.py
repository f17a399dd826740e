"""The FastAPI application: wiring, lifespan (migrations, crash recovery, delivery worker)
and the error format every 4xx shares."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
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
from bot_engine.service import access_log
from bot_engine.service.auth import FailureLimiter
from bot_engine.service.callbacks import next_operator
from bot_engine.service.calls import CallService
from bot_engine.service.errors import ServiceError
from bot_engine.service.housekeeping import Housekeeping
from bot_engine.service.inbound import InboundCalls, SpeechFactory
from bot_engine.service.listeners import start_listeners
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.prerender import NoPrerender, Prerenderer, TtsCachePrerenderer
from bot_engine.service.routers import (
    account,
    callbacks,
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
from bot_engine.service.settings import ServiceSettings
from bot_engine.service.simulated_runner import SimulatedRunner, Speaker
from bot_engine.service.sip_dialer import SharedUaDialer
from bot_engine.service.state import ServiceState
from bot_engine.storage import open_database
from bot_engine.storage.files import private_dir

log = logging.getLogger(__name__)

ROUTERS = (scripts, calls, callbacks, inbound_routes, media, simulate, deliveries, system,
           account)
"""Included without a prefix: their routes' paths are the app's paths."""


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
    """Refuse bodies over the limit with 413, by header or by counting the stream."""

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
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await too_big(scope, receive, send)


class _TooLarge(Exception):
    pass


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
        private_dir(settings.data_dir)
        db = await open_database(settings.db_url, box=settings.secret_box())
        private_dir(settings.recordings_path)
        secret_key = settings.resolved_secret_key()
        metrics = ServiceMetrics()
        guard = SsrfGuard(settings.ssrf_allowlist)
        cache = ScriptCache()
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
        housekeeping = Housekeeping(db, settings)
        if isinstance(chosen, SimulatedRunner):
            call_service.before_start = housekeeping.make_room
        call_service.after_finish = functools.partial(next_operator, call_service)
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
            auth_failures=FailureLimiter(
                settings.auth_failure_burst,
                settings.auth_failure_refill_s,
                settings.auth_limiter_addresses,
            ),
        )
        app.state.service = state
        recovered = await call_service.recover()
        if recovered:
            log.warning("ended %d calls interrupted by the previous shutdown", recovered)
        state.worker_task = asyncio.create_task(worker.run())
        housekeeping_task = asyncio.create_task(housekeeping.run())
        try:
            state.listeners = await start_listeners(settings, inbound)
            if isinstance(chosen, SharedUaDialer):
                chosen.ua = state.listeners.sip
                chosen.metrics = metrics
        except BaseException:
            housekeeping.stop()
            await housekeeping_task
            await worker.stop()
            await state.worker_task
            await db.close()
            raise
        # Everything loaded so far (modules, models, settings) lives as long as the process:
        # keep it out of the collector's full passes, whose pauses would show as RTP jitter.
        gc.collect()
        gc.freeze()
        unredact = access_log.install(
            access_log.Redactor.for_routes(
                [*app.routes, *(route for module in ROUTERS for route in module.router.routes)]
            )
        )
        try:
            yield
        finally:
            gc.unfreeze()
            await state.listeners.close()
            await inbound.close()
            housekeeping.stop()
            await housekeeping_task
            await worker.stop()
            await state.worker_task
            await chosen.close()
            await call_service.close()
            await db.close()
            unredact()

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

    for module in ROUTERS:
        app.include_router(module.router)
    return app
