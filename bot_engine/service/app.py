"""The FastAPI application: its routers, its lifespan (the parts built and stopped by
`composition`), the body limits and the error format every 4xx shares."""

from __future__ import annotations

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

import bot_engine.service.access_log as access_log
import bot_engine.service.console as console
from bot_engine import __version__
from bot_engine.call.dialer import SpeechFor
from bot_engine.call.spec import CallRunner
from bot_engine.call.text_calls import Speaker
from bot_engine.campaigns.clock import Clock
from bot_engine.script.positions import is_unicode
from bot_engine.service.composition import Overrides, running_service
from bot_engine.service.errors import ServiceError
from bot_engine.service.prerender import Prerenderer
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
from bot_engine.service.settings import ServiceSettings

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
            return bool(kind == b"application/json" or kind.endswith(b"+json"))
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


def create_app(
    settings: ServiceSettings | None = None,
    *,
    runner: CallRunner | None = None,
    prerenderer: Prerenderer | None = None,
    speak: Speaker | None = None,
    call_speech: SpeechFor | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """Build the app (its parts are built by `composition.running_service` when it starts).
    `runner` replaces the dialer chosen in settings; `speak` replaces the TTS used for
    text-call recordings; `call_speech` builds the ASR/TTS of live calls (default: the
    speech pool on the `VOICEBOT_*` speech settings, offline engines); `clock` is the
    campaigns' clock from start-up on (default: the system clock)."""
    settings = settings or ServiceSettings()

    overrides = Overrides(runner=runner, prerenderer=prerenderer, speak=speak,
                          call_speech=call_speech, clock=clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running_service(settings, overrides) as service:
            app.state.service = service
            # Everything loaded so far (modules, models, settings) lives as long as the
            # process: keep it out of the collector's full passes, whose pauses would show
            # as RTP jitter.
            if settings.freeze_heap:
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
                if settings.freeze_heap:
                    gc.unfreeze()
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
        upload_paths=("/leads", "/dnc/import", "/ui/campaigns"),  # + the console's create form
    )

    # Starlette calls exception handlers with (request, exc); these need only exc.
    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:  # noqa: ARG001
        return problem(exc.status_code, exc.code, exc.message, exc.issues)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:  # noqa: ARG001
        return problem(
            exc.status_code, "http_error", str(exc.detail), headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:  # noqa: ARG001
        issues = [
            {"path": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return problem(422, "invalid_request", "the request does not match the API", issues)

    for module in ROUTERS:
        app.include_router(module.router)
    console.install(app)
    return app
