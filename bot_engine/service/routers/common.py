"""Helpers shared by routers."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from bot_engine.service.errors import ServiceError
from bot_engine.service.schemas import Problem

SCRIPT_CONTENT_TYPES = {
    "application/json": "json",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "text/plain": "yaml",
}


class UnsupportedMediaType(ServiceError):
    status_code = 415
    code = "unsupported_media_type"


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for error statuses, all answered with a `Problem` body."""
    return {status: {"model": Problem} for status in statuses}


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def require_json(request: Request) -> None:
    """JSON endpoints say so clearly instead of failing validation on a form or text body."""
    if request.method in ("POST", "PUT", "PATCH"):
        kind = media_type(request)
        if kind and kind != "application/json" and not kind.endswith("+json"):
            raise UnsupportedMediaType(f"expected application/json, got {kind}")


async def script_text(request: Request) -> tuple[str, str]:
    kind = media_type(request)
    fmt = SCRIPT_CONTENT_TYPES.get(kind)
    if fmt is None:
        allowed = ", ".join(sorted(SCRIPT_CONTENT_TYPES))
        raise UnsupportedMediaType(f"scripts are sent as one of: {allowed}; got {kind or 'none'}")
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError(f"the script is not UTF-8 text: {exc}") from exc
    if not text.strip():
        raise ServiceError("the script is empty")
    return text, fmt
