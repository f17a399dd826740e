"""Secrets out of the access log: the request targets uvicorn logs are redacted.

uvicorn logs each request's path and query (`uvicorn.access`) and each WebSocket handshake
(`uvicorn.error`), and some of our URLs carry a credential: the route token in a Twilio
stream URL (`/v1/media/twilio/{route_id}/{token}`) and the signature of a recording link
(`/recordings/{id}.wav?expires=&signature=`). The rules are derived from the app's routes, so
a route added later is covered by its parameter names:
- a path parameter whose name says secret (token, signature, key, ...) is logged as `***`;
- a query parameter is kept only when some route declares it and its name does not say
  secret; every other value (including ones no route knows, where a careless client may put
  an API key) is logged as `***`;
- anything shaped like one of our keys or secrets (`vb_<id>_<secret>`, `whsec_...`) is masked
  wherever it appears.
API keys travel in headers, which uvicorn never logs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

MASK = "***"
SECRET_WORDS = ("token", "signature", "sig", "secret", "key", "password", "auth", "credential")
LOGGERS = ("uvicorn.access", "uvicorn.error")

_OUR_SECRETS = re.compile(r"vb_[0-9A-Za-z]+_[0-9A-Za-z_\-]+|whsec_[0-9A-Za-z+/=%]+")
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")


def secret_name(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)


def _path_rule(template: str) -> re.Pattern[str] | None:
    """A regex matching paths of this template, with a group per secret parameter."""
    pieces: list[str] = []
    secret = False
    last = 0
    for match in _PARAM.finditer(template):
        pieces.append(re.escape(template[last : match.start()]))
        name = match.group(1)
        if secret_name(name):
            pieces.append(f"(?P<{name}>[^/]+)")
            secret = True
        else:
            pieces.append("[^/]+")
        last = match.end()
    pieces.append(re.escape(template[last:]))
    return re.compile("".join(pieces)) if secret else None


class Redactor:
    def __init__(self, secret_paths: Iterable[re.Pattern[str]], public_params: Iterable[str]):
        self.secret_paths = list(secret_paths)
        self.public_params = frozenset(p for p in public_params if not secret_name(p))

    @classmethod
    def for_routes(cls, routes: Iterable[BaseRoute]) -> Redactor:
        paths: list[re.Pattern[str]] = []
        params: set[str] = set()
        for route in routes:
            template = getattr(route, "path", None)
            if isinstance(template, str):
                rule = _path_rule(template)
                if rule is not None:
                    paths.append(rule)
            if isinstance(route, APIRoute):
                params.update(p.alias for p in route.dependant.query_params)
        return cls(paths, params)

    def redact(self, target: str) -> str:
        """A request target (`/path?query`) as it may be logged."""
        path, sep, query = target.partition("?")
        for rule in self.secret_paths:
            match = rule.fullmatch(path)
            if match is not None:
                path = _mask_groups(path, match)
                break
        if sep:
            query = "&".join(self._param(part) for part in query.split("&"))
        return _OUR_SECRETS.sub(MASK, path + sep + query)

    def _param(self, part: str) -> str:
        name, eq, _value = part.partition("=")
        if not eq:
            return part if unquote_plus(name) in self.public_params else MASK
        if unquote_plus(name) in self.public_params:
            return part
        return f"{name}={MASK}"

    def log_filter(self) -> logging.Filter:
        return _RedactTargets(self)


class _RedactTargets(logging.Filter):
    """Rewrites every request target (a `/...` string argument) of a log record."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(self._arg(a) for a in record.args)
        return True

    def _arg(self, arg: Any) -> Any:
        if isinstance(arg, str) and arg.startswith("/"):
            return self.redactor.redact(arg)
        return arg


def install(redactor: Redactor, loggers: Iterable[str] = LOGGERS) -> Callable[[], None]:
    """Attach the redaction to uvicorn's loggers; returns the function that detaches it."""
    log_filter = redactor.log_filter()
    targets = [logging.getLogger(name) for name in loggers]
    for logger in targets:
        logger.addFilter(log_filter)

    def uninstall() -> None:
        for logger in targets:
            logger.removeFilter(log_filter)

    return uninstall


def _mask_groups(path: str, match: re.Match[str]) -> str:
    spans = sorted(match.span(name) for name in match.groupdict())
    out, last = [], 0
    for start, end in spans:
        out.append(path[last:start])
        out.append(MASK)
        last = end
    out.append(path[last:])
    return "".join(out)
