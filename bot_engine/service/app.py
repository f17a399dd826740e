"""The FastAPI application: wiring, lifespan (migrations, crash recovery, delivery worker)
and the error format every 4xx shares."""

from __future__ import annotations

import asyncio
import contextlib
import functools
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

from asr_tts.settings import SpeechSettings
from bot_engine import __version__
from bot_engine.call.answerer import Answerer
from bot_engine.call.dialer import Dialer, SpeechFor, own_user_agent, shared_user_agent
from bot_engine.call.spec import CallRunner, NoDialer
from bot_engine.call.speech_pool import SpeechPool
from bot_engine.call.text_calls import Speaker, TextCallRunner
from bot_engine.call.webhooks import WebhookRunner
from bot_engine.campaigns.engine import CampaignEngine
from bot_engine.delivery.backoff import next_delay
from bot_engine.delivery.worker import DeliveryWorker
from bot_engine.net import SsrfGuard
from bot_engine.script.positions import is_unicode
from bot_engine.service import access_log, console
from bot_engine.service.auth import FailureLimiter
from bot_engine.service.callbacks import next_operator
from bot_engine.service.calls import CallService
from bot_engine.service.campaign_calls import ServiceCallPlacer
from bot_engine.service.errors import ServiceError
from bot_engine.service.housekeeping import Housekeeping
from bot_engine.service.inbound import InboundCalls
from bot_engine.service.listeners import Listeners, start_listeners
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.prerender import NoPrerender, Prerenderer, TtsCachePrerenderer
from bot_engine.service.routers import (
    account,
    callbacks,
    calls,
    campaigns,
    deliveries,
    dnc,
    inbound_routes,
    media,
    scripts,
    simulate,
    system,
)
from bot_engine.service.script_cache import ScriptCache
from bot_engine.service.script_worker import ScriptWorkers
from bot_engine.service.settings import ServiceSettings
from bot_engine.service.state import ServiceState
from bot_engine.service.telephony_policy import TelephonyPolicy
from bot_engine.storage import open_database
from bot_engine.storage.files import private_dir
from media_gateway.sip import SipConfig

log = logging.getLogger(__name__)

ROUTERS = (
    scripts, calls, callbacks, inbound_routes, media, simulate, deliveries, system, account,
    campaigns, dnc,
)
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
    """Refuse bodies over the limit with 413 (by header, or by counting a chunked stream
    before the app sees any of it), and JSON with text that is not Unicode with 422.

    The body is read here, up to the limit, and handed to the app whole: counting inside
    the app's receive would surface as the framework's "error parsing the body" (400).
    Streamed uploads (`upload_paths`: lead and do-not-call lists) have their own, larger
    limit and are never held whole: they are counted as the app reads them."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_bytes: int | None = None,
        upload_paths: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes or max_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uploading = bool(self.upload_paths) and scope["path"].endswith(self.upload_paths)
        limit = self.upload_bytes if uploading else self.max_bytes
        too_big = problem(413, "payload_too_large", f"the body is larger than {limit} bytes")
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await too_big(scope, receive, send)
                    return
        if uploading:
            await self._counted(scope, receive, send, limit, too_big)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before it finished sending
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
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

    async def _counted(
        self, scope: Scope, receive: Receive, send: Send, limit: int, too_big: ASGIApp
    ) -> None:
        """An upload the app reads as a stream: counted as it goes, never held here."""
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await too_big(scope, receive, send)


class _TooLarge(Exception):
    pass


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
    settings: ServiceSettings,
    speak: Speaker | None,
    webhooks: WebhookRunner,
    speech: SpeechFor,
    policy: TelephonyPolicy,
    listeners: Listeners,
) -> CallRunner:
    if settings.dialer == "sip":
        if settings.sip_enabled:  # outbound calls through the one user agent of sip_port
            user_agents = shared_user_agent(lambda: listeners.sip)
        else:  # a user agent of its own per call
            user_agents = own_user_agent(SipConfig(
                host=settings.sip_host, port=0, user=settings.sip_caller,
                proxy=settings.sip_proxy, auth_username=settings.sip_username,
                password=settings.sip_password,
            ))
        return Dialer(
            speech,
            user_agents,
            policy=policy,
            proxy=settings.sip_proxy,
            caller=settings.sip_caller,
            amd=settings.sip_amd,
            webhooks=webhooks,
        )
    if settings.dialer == "simulated":
        return TextCallRunner(speak=speak, webhooks=webhooks)
    return NoDialer()


def create_app(
    settings: ServiceSettings | None = None,
    *,
    runner: CallRunner | None = None,
    prerenderer: Prerenderer | None = None,
    speak: Speaker | None = None,
    call_speech: SpeechFor | None = None,
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
        webhooks = WebhookRunner(guard, settings.outbound)
        webhooks.open()
        script_workers = ScriptWorkers(
            settings.script_limits,
            workers=settings.script_workers,
            timeout_s=settings.script_timeout_s,
            memory_mb=settings.script_worker_memory_mb,
        )
        cache = ScriptCache(workers=script_workers)
        pool = SpeechPool(SpeechSettings())
        speech_for = call_speech or pool.for_script
        telephony = TelephonyPolicy(settings, db)
        listeners = Listeners()
        chosen: CallRunner = runner or _dialer(
            settings, speak, webhooks, speech_for, telephony, listeners)
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
            telephony=telephony,
        )
        worker = DeliveryWorker(
            db,
            settings.delivery,
            guard,
            call_service.build_job,
            limits=settings.outbound,
            concurrency=settings.delivery_concurrency,
            poll_s=settings.delivery_poll_s,
            lease_s=settings.delivery_lease_s,
            on_attempt=metrics.attempt,
        )
        worker_ref.append(worker)
        housekeeping = Housekeeping(db, settings)
        if isinstance(chosen, TextCallRunner):
            call_service.before_start = housekeeping.make_room
        campaign_engine = CampaignEngine(
            db,
            ServiceCallPlacer(call_service),
            settings.campaigns,
            guard=guard,
            retry_delay=lambda attempt: next_delay(attempt, settings.delivery),
            registry=metrics.registry,
            limits=settings.outbound,
        )
        call_service.finish_hooks.append(campaign_engine.call_finished)
        call_service.after_finish = functools.partial(next_operator, call_service)
        answerer = Answerer(call_service, speech_for, policy=telephony, webhooks=webhooks)
        inbound = InboundCalls(call_service, answerer)
        state = ServiceState(
            settings=settings,
            db=db,
            scripts=cache,
            metrics=metrics,
            guard=guard,
            webhooks=webhooks,
            runner=chosen,
            calls=call_service,
            worker=worker,
            prerenderer=prerenderer
            or (TtsCachePrerenderer(pool) if settings.prerender_prompts else NoPrerender()),
            secret_key=secret_key,
            inbound=inbound,
            auth_failures=FailureLimiter(
                settings.auth_failure_burst,
                settings.auth_failure_refill_s,
                settings.auth_limiter_addresses,
            ),
            campaigns=campaign_engine,
        )
        app.state.service = state
        await campaign_engine.recover()  # before the calls: it takes back undialled ones
        recovered = await call_service.recover()
        if recovered:
            log.warning("ended %d calls interrupted by the previous shutdown", recovered)
        state.worker_task = asyncio.create_task(worker.run())
        housekeeping_task = asyncio.create_task(housekeeping.run())
        try:
            state.listeners = await start_listeners(settings, inbound, listeners)
            if settings.campaigns.dispatch:
                state.campaigns_task = asyncio.create_task(campaign_engine.run())
        except BaseException:
            await campaign_engine.stop()
            housekeeping.stop()
            await housekeeping_task
            await worker.stop()
            await state.worker_task
            await webhooks.aclose()
            await script_workers.close()
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
            await campaign_engine.stop()
            if state.campaigns_task is not None:
                await state.campaigns_task
            await state.listeners.close()
            await inbound.close()
            housekeeping.stop()
            await housekeeping_task
            await worker.stop()
            await state.worker_task
            await chosen.close()
            await call_service.close()
            await webhooks.aclose()
            await script_workers.close()
            await db.close()
            unredact()

    app = FastAPI(
        title="voicebot",
        version=__version__,
        description="Upload dialog scripts, place calls, receive qualified results.",
        lifespan=lifespan,
    )
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.campaigns.max_upload_bytes,
        upload_paths=("/leads", "/dnc/import"),
    )

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
    console.install(app)
    return app
