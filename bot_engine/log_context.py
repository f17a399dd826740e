"""Which call and which tenant a log line is about, without passing them to every logger.

Two context variables hold them: a call's task binds its ids where the call starts (a
task's children inherit them, and they end with it), an API request binds its tenant when
its key is authenticated. `ContextFilter` copies them onto every record, so both log
formats carry them: text (`... [call=c_1 tenant=t_1] ...`) and JSON lines (one object per
record, `call_id` and `tenant` as fields), chosen by `configure`.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, ParamSpec, TypeVar

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s"

_call_id: ContextVar[str | None] = ContextVar("voicebot_call_id", default=None)
_tenant: ContextVar[str | None] = ContextVar("voicebot_tenant", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def call_id() -> str | None:
    return _call_id.get()


def tenant() -> str | None:
    return _tenant.get()


def enter_call(call_id: str, tenant: str | None = None) -> None:
    """Label the rest of this task (and the tasks it starts) with a call. For a task that
    runs one call: every runner starts one per call, so the labels end with the call."""
    _call_id.set(call_id)
    if tenant is not None:
        _tenant.set(tenant)


def set_tenant(tenant: str) -> None:
    """Label the rest of this request's task with the tenant its key belongs to."""
    _tenant.set(tenant)


@contextmanager
def bound(call_id: str | None = None, tenant: str | None = None) -> Iterator[None]:
    """The given labels inside the block, the previous ones after it."""
    tokens = []
    if call_id is not None:
        tokens.append((_call_id, _call_id.set(call_id)))
    if tenant is not None:
        tokens.append((_tenant, _tenant.set(tenant)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def in_call(
    call_id_of: Callable[..., str],
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Run a coroutine function under a call id taken from its arguments, unless one is
    bound already (a service's call id outranks a SIP leg's own)."""

    def decorate(run: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(run)
        async def labelled(*args: P.args, **kwargs: P.kwargs) -> R:
            with bound(call_id=None if _call_id.get() else call_id_of(*args, **kwargs)):
                return await run(*args, **kwargs)

        return labelled

    return decorate


class ContextFilter(logging.Filter):
    """Puts `call_id`, `tenant` and, for the text format, `context` on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        call, owner = _call_id.get(), _tenant.get()
        record.call_id = call
        record.tenant = owner
        parts = [f"call={call}"] if call else []
        if owner:
            parts.append(f"tenant={owner}")
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return True


def formatter(fmt: LogFormat) -> logging.Formatter:
    if fmt == "json":
        return JsonFormatter(
            ["levelname", "name", "message"],
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",  # ISO 8601, UTC, with milliseconds
            # `color_message`: uvicorn's copy of the message with terminal colours
            reserved_attrs=[*RESERVED_ATTRS, "context", "color_message"],
            json_ensure_ascii=False,
        )
    return logging.Formatter(TEXT_FORMAT)


def handler(fmt: LogFormat, stream: Any = None) -> logging.Handler:
    """A stream handler (stderr by default) writing `fmt`, with the context filter."""
    out = logging.StreamHandler(stream if stream is not None else sys.stderr)
    out.setFormatter(formatter(fmt))
    out.addFilter(ContextFilter())
    return out


def configure(fmt: LogFormat = "text", level: int | str = logging.INFO,
              stream: Any = None) -> logging.Handler:
    """The root logger writes `fmt` at `level` through one handler (replacing handlers an
    earlier `configure` installed); returns the handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "voicebot", False)]:
        root.removeHandler(old)
    new = handler(fmt, stream)
    new.voicebot = True  # type: ignore[attr-defined]
    root.addHandler(new)
    root.setLevel(level)
    return new
