"""The one way the NLU talks to a server a tenant names (a Rasa server, an LLM endpoint).

Such a request is outbound traffic a tenant controls, so every one goes through
`post_json`: the guarded client of `bot_engine.net` (public addresses only unless the
operator allow-lists a host or range, the checked address is the one connected to, the
answer read up to a cap) and one hard deadline (`asyncio.wait_for` over the whole exchange,
so a server that answers a byte at a time cannot stretch a caller's turn past the step's
timeout). The shell that runs the call says which guard applies (`Outbound`): the service's
for live and simulated calls, the developer's own allow-list for `voicebot chat`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot_engine.net import OutboundSettings, SsrfGuard, TargetRefused, guarded_client
from bot_engine.nlu.errors import NluError

MAX_RESPONSE_BYTES = 1_000_000


class NluBackendError(NluError, RuntimeError):
    """An external NLU backend could not answer (network, timeout, bad response)."""


@dataclass(frozen=True)
class Outbound:
    """Where a shell lets the NLU's requests go: its SSRF guard and response limits.
    The default reaches public addresses only."""

    guard: SsrfGuard = field(default_factory=SsrfGuard)
    limits: OutboundSettings | None = None


STRICT = Outbound()


async def post_json(
    url: str,
    payload: Any,
    *,
    service: str,
    timeout_s: float,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    outbound: Outbound = STRICT,
) -> Any:
    """POST ``payload`` as JSON and return the decoded JSON answer of a 200 response.

    Raises `NluBackendError` naming ``service`` on a timeout, a network error, a non-200
    status, an answer over 1 MB or a body that is not JSON."""
    try:
        return await asyncio.wait_for(
            _exchange(url, payload, service, timeout_s, params or {}, headers or {}, outbound),
            timeout_s,
        )
    except TimeoutError as exc:
        raise NluBackendError(f"{service} did not answer within {timeout_s:g} s") from exc


async def _exchange(
    url: str,
    payload: Any,
    service: str,
    timeout_s: float,
    params: dict[str, str],
    headers: dict[str, str],
    outbound: Outbound,
) -> Any:
    try:
        async with (
            guarded_client(outbound.guard, outbound.limits, timeout=timeout_s) as client,
            client.stream("POST", url, json=payload, params=params, headers=headers) as response,
        ):
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise NluBackendError(f"{service} answered more than 1 MB")
    except TargetRefused as exc:
        raise NluBackendError(f"{service} may not be reached: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise NluBackendError(f"{service} did not answer within {timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        raise NluBackendError(f"{service} request failed: {exc!r}") from exc
    if response.status_code != 200:
        text = bytes(body[:200]).decode("utf-8", "replace")
        raise NluBackendError(f"{service} answered HTTP {response.status_code}: {text}")
    try:
        return httpx.Response(200, content=bytes(body)).json()
    except ValueError as exc:
        raise NluBackendError(f"{service} answered an unexpected body: {exc}") from exc
