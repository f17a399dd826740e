"""The one way the NLU talks to a server a tenant names (a Rasa server, an LLM endpoint).

Such a request is outbound traffic a tenant controls, so every one goes through
`post_json`: one place to put an address guard, and one hard deadline (`asyncio.wait_for`
over the whole exchange, so a server that answers a byte at a time cannot stretch a
caller's turn past the step's timeout).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

MAX_RESPONSE_BYTES = 1_000_000


class NluBackendError(RuntimeError):
    """An external NLU backend could not answer (network, timeout, bad response)."""


async def post_json(
    url: str,
    payload: Any,
    *,
    service: str,
    timeout_s: float,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """POST ``payload`` as JSON and return the decoded JSON answer of a 200 response.

    Raises `NluBackendError` naming ``service`` on a timeout, a network error, a non-200
    status, an answer over 1 MB or a body that is not JSON."""
    try:
        return await asyncio.wait_for(
            _exchange(url, payload, service, timeout_s, params or {}, headers or {}),
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
) -> Any:
    try:
        async with (
            httpx.AsyncClient(timeout=timeout_s, follow_redirects=False) as client,
            client.stream("POST", url, json=payload, params=params, headers=headers) as response,
        ):
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise NluBackendError(f"{service} answered more than 1 MB")
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
