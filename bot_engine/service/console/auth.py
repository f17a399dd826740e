"""Signing in with an API key, signing out, and the language switch.

The session cookie is httpOnly, SameSite=Strict, scoped to `/ui`, and Secure when the console
is reached over HTTPS. It carries a random token; the database keeps its hash and the key it
was opened with (`storage.console_sessions`), so revoking that key ends the session at once.
Failed sign-ins count against the same per-address limiter as bad API keys.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

import bot_engine.service.console.i18n as i18n
from bot_engine.service.auth import FailureLimiter, client_address
from bot_engine.service.composition import Service
from bot_engine.service.console.web import (
    SESSION_COOKIE,
    CheckedViewerDep,
    ConsoleRoute,
    CsrfRefused,
    SignInRequired,
    render,
    safe_next,
    same_origin,
    viewer,
)
from bot_engine.service.deps import running
from bot_engine.storage import console_sessions, tenants

router = APIRouter(prefix="/ui", route_class=ConsoleRoute, include_in_schema=False)

SESSION_TTL = timedelta(hours=12)
LOGIN_COOKIE = "vb_login"
"""Double-submit token of the sign-in form (there is no session yet to bind it to)."""


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_form(
    request: Request, next_page: str, error: str | None = None, status_code: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "next_page": next_page, "error": error},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, path="/ui/login", httponly=True, samesite="strict",
        secure=_secure(request),
    )
    return response


@router.get("", response_class=Response)
async def home() -> Response:
    return RedirectResponse("/ui/calls", status_code=303)


@router.get("/login", response_class=Response)
async def login_page(
    request: Request,
    svc: Service = Depends(running),
    next_page: str | None = Query(default=None, alias="next", max_length=500),
) -> Response:
    try:
        await viewer(request, svc)
    except SignInRequired:
        return _login_form(request, safe_next(next_page))
    return RedirectResponse(safe_next(next_page), status_code=303)


@router.post("/login", response_class=Response)
async def login(
    request: Request,
    api_key: Annotated[str, Form(max_length=300)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next_page: Annotated[str, Form(alias="next", max_length=500)] = "/ui/calls",
    svc: Service = Depends(running),
) -> Response:
    t = i18n.translator(i18n.choose(request))
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf, expected) or not same_origin(request):
        raise CsrfRefused
    limiter: FailureLimiter = svc.auth_failures
    address = client_address(request)
    wait = limiter.retry_after(address)
    if wait is not None:
        message = t("Too many failed attempts; try again in {seconds} s.", seconds=wait)
        return _login_form(request, next_page, message, status_code=429)
    key = api_key.strip()
    async with svc.db.sessions() as session:
        tenant = await tenants.authenticate(session, key)
    key_id = tenants.key_id_of(key)
    if tenant is None or key_id is None:
        limiter.failed(address)
        return _login_form(request, next_page, t("That key is not valid."), status_code=401)
    async with svc.db.write() as session:
        token, _ = await console_sessions.open_session(session, tenant.id, key_id, SESSION_TTL)
    response = RedirectResponse(safe_next(next_page), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), path="/ui",
        httponly=True, samesite="strict", secure=_secure(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/ui/login")
    return response


@router.post("/logout", response_class=Response)
async def logout(who: CheckedViewerDep, svc: Service = Depends(running)) -> Response:
    async with svc.db.write() as session:
        await console_sessions.close(session, who.token)
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/ui")
    return response


@router.get("/lang/{lang}", response_class=Response)
async def switch_language(
    request: Request, lang: str, next_page: str | None = Query(None, alias="next", max_length=500)
) -> Response:
    """The language switch: a preference cookie (not a credential), then back to the page."""
    response = RedirectResponse(safe_next(next_page), status_code=303)
    if lang in i18n.LANGS:
        response.set_cookie(
            i18n.LANG_COOKIE, lang, max_age=365 * 86400, path="/ui", samesite="strict",
            secure=_secure(request),
        )
    return response
