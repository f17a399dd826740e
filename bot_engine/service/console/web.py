"""What every console page shares: templates, the signed-in viewer, CSRF checks, security
headers, and errors shown as pages (or JSON problems under `/ui/api/`)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException

import bot_engine.service.console.i18n as i18n
from bot_engine import log_context
from bot_engine.service.composition import Service
from bot_engine.service.deps import running
from bot_engine.service.errors import ServiceError
from bot_engine.storage import console_sessions
from bot_engine.storage.models import Tenant

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
SESSION_COOKIE = "vb_console"
CSRF_HEADER = "x-csrf-token"
API_PREFIX = "/ui/api/"

SECURITY_HEADERS = {
    # No inline script or style, nothing from another origin: the console works offline and
    # an injected string cannot run.
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


NAV = (
    ("/ui/calls", "Calls"),
    ("/ui/scripts", "Scripts"),
    ("/ui/campaigns", "Campaigns"),
    ("/ui/dnc", "Do not call"),
    ("/ui/deliveries", "Deliveries"),
    ("/ui/routes", "Inbound routes"),
    ("/ui/keys", "API keys"),
)
"""The menu, in order. A new section adds its entry here and its router in
`console.ROUTERS`."""


class SignInRequired(Exception):
    """No live console session: pages redirect to the sign-in form, JSON answers 401."""


class CsrfRefused(Exception):
    """A state-changing request without the session's CSRF token or from another origin."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in tenant of one request."""

    tenant: Tenant
    token: str
    csrf: str
    key_id: str


def csrf_token(secret_key: str, session_token: str) -> str:
    """Bound to the session (derived from its token with the service's secret key)."""
    digest = hmac.new(
        secret_key.encode(), b"console-csrf:" + session_token.encode(), hashlib.sha256
    )
    return digest.hexdigest()


def same_origin(request: Request) -> bool:
    """The browser says the request comes from our own pages (or says nothing)."""
    origin = request.headers.get("origin")
    if origin is not None:
        return urlsplit(origin).netloc == request.headers.get("host", "")
    site = request.headers.get("sec-fetch-site")
    return site in (None, "same-origin", "none")


async def viewer(request: Request, svc: Service = Depends(running)) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise SignInRequired
    async with svc.db.sessions() as session:
        found = await console_sessions.find(session, token)
    if found is None:
        raise SignInRequired
    row, tenant = found
    log_context.set_tenant(tenant.id)
    return Viewer(tenant, token, csrf_token(svc.secret_key, token), row.key_id)


ViewerDep = Annotated[Viewer, Depends(viewer)]


async def checked_viewer(request: Request, who: ViewerDep) -> Viewer:
    """For requests that change something: the CSRF token (header, or the form's `csrf`
    field) must match the session's, and the request must come from our own origin."""
    presented = request.headers.get(CSRF_HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf")
        presented = value if isinstance(value, str) else None
    if not presented or not hmac.compare_digest(presented, who.csrf) or not same_origin(request):
        raise CsrfRefused
    return who


CheckedViewerDep = Annotated[Viewer, Depends(checked_viewer)]


def safe_next(target: str | None, default: str = "/ui/calls") -> str:
    """Only our own pages are followed after sign-in or a language switch (no open
    redirect)."""
    if not target or not target.startswith("/ui/") or target.startswith("//"):
        return default
    if any(ch in target for ch in "\\\r\n\t") or "://" in target:
        return default
    return target


def _fmt_time(value: Any) -> Markup:
    if value is None:
        return Markup("")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return Markup.escape(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    iso = value.isoformat()
    text = value.strftime("%Y-%m-%d %H:%M:%S") + " UTC"
    return Markup('<time datetime="{}">{}</time>').format(iso, text)


def _fmt_offset(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0.0, seconds)
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:04.1f}"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["time"] = _fmt_time
    env.filters["offset"] = _fmt_offset
    env.filters["pretty_json"] = _json
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    return env


TEMPLATES = _environment()


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    who: Viewer | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = i18n.choose(request)
    page = TEMPLATES.get_template(template).render(
        request=request,
        who=who,
        lang=lang,
        t=i18n.translator(lang),
        path=request.url.path,
        nav=NAV,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context,
    )
    return HTMLResponse(page, status_code=status_code)


def _problem(status: int, code: str, message: str, issues: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if issues is not None:
        body["issues"] = issues
    return JSONResponse(body, status_code=status)


async def _signed_in_or_none(request: Request) -> Viewer | None:
    try:
        return await viewer(request, request.app.state.service)
    except SignInRequired:
        return None


async def error_page(
    request: Request, status: int, message: str, issues: Any = None, code: str = "error"
) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return _problem(status, code, message, issues)
    who = await _signed_in_or_none(request)
    return render(
        request, "error.html", {"status": status, "message": message}, who=who,
        status_code=status,
    )


class ConsoleRoute(APIRoute):
    """Every console route: errors become pages (JSON under /ui/api/), a missing session
    goes to the sign-in form, and every response carries the security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            response = await self._answer(handler, request)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return run

    @staticmethod
    async def _answer(
        handler: Callable[[Request], Awaitable[Response]], request: Request
    ) -> Response:
        lang = i18n.choose(request)
        t = i18n.translator(lang)
        try:
            return await handler(request)
        except SignInRequired:
            if request.url.path.startswith(API_PREFIX):
                return _problem(401, "sign_in_required", t("Your session has ended."))
            target = quote(safe_next(request.url.path), safe="/")
            return RedirectResponse(f"/ui/login?next={target}", status_code=303)
        except CsrfRefused:
            message = t("The form has expired; reload the page.")
            return await error_page(request, 403, message, code="csrf")
        except ServiceError as exc:
            return await error_page(
                request, exc.status_code, exc.message, exc.issues, code=exc.code
            )
        except HTTPException as exc:
            return await error_page(request, exc.status_code, str(exc.detail))
        except RequestValidationError as exc:
            issues = [
                {"path": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                for e in exc.errors()
            ]
            message = t("The request is not valid.")
            return await error_page(request, 422, message, issues, code="invalid_request")


MAX_MAPPING_CHARS = 10_000


def yaml_value(text: str) -> Any:
    """A small YAML (or JSON) document typed into a form; ValueError says what is wrong.
    Bounded in size; the safe loader builds plain values only (callers check the shape, which
    also refuses alias bombs: they need nesting deeper than a form's values have)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if len(text) > MAX_MAPPING_CHARS:
        raise ValueError(f"at most {MAX_MAPPING_CHARS} characters")
    if not text.strip():
        return None
    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise ValueError(str(exc).splitlines()[0] if str(exc) else "not YAML") from None


def yaml_mapping(text: str) -> dict[str, Any]:
    """`name: value` lines (a YAML or JSON mapping of scalars) typed into a form."""
    value = yaml_value(text)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ValueError("expected name: value lines")
    for name, item in value.items():
        # Variables are scalars; refusing lists and mappings also refuses alias bombs, which
        # JSON (the API's way in) cannot express.
        if isinstance(item, list | dict):
            raise ValueError(f"{name}: expected a single value")
    return value
