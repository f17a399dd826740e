"""API-key authentication: `Authorization: Bearer vb_...` (or `X-API-Key`).

A missing or bad key is a 401; resources of other tenants are 404s (handled by the
repositories, which always filter by tenant). Keys are checked against the database on every
request (one indexed query, no cache), so revoking a key takes effect at once in every worker.

A client address that keeps presenting wrong keys is slowed down: `FailureLimiter` gives each
address a bucket of `auth_failure_burst` failures refilled one every `auth_failure_refill_s`
seconds; with the bucket empty the address gets 429 with `Retry-After`, before its key is
even looked at (otherwise the 429 would not slow a guesser down).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from bot_engine import log_context
from bot_engine.storage import tenants
from bot_engine.storage.models import Tenant

_bearer = HTTPBearer(auto_error=False, description="An API key from `voicebot keys create`.")
_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status_code=401, detail=message, headers={"WWW-Authenticate": "Bearer"})


def client_address(request: Request) -> str:
    """Who is knocking: the peer address (uvicorn puts a trusted proxy's X-Forwarded-For
    there), an IPv6 peer by its /64, since one host usually owns a whole /64."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class FailureLimiter:
    """Failed attempts per client address: a token bucket each, in a bounded LRU table.

    Memory is at most `size` entries (~200 bytes each); when full, the address seen least
    recently is forgotten, which at worst gives a flood of fresh addresses a fresh bucket
    each, never an unbounded table. `clock` is injectable for tests."""

    def __init__(
        self,
        burst: int = 20,
        refill_s: float = 3.0,
        size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.refill_s = refill_s
        self.size = size
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def _tokens(self, address: str, now: float) -> float:
        item = self._buckets.get(address)
        if item is None:
            return float(self.burst)
        tokens, at = item
        return min(float(self.burst), tokens + (now - at) / self.refill_s)

    def retry_after(self, address: str) -> int | None:
        """Seconds until this address may try again, or None when it may try now."""
        now = self.clock()
        tokens = self._tokens(address, now)
        if tokens >= 1.0:
            return None
        return max(1, math.ceil((1.0 - tokens) * self.refill_s))

    def failed(self, address: str) -> None:
        now = self.clock()
        tokens = self._tokens(address, now) - 1.0
        self._buckets[address] = (max(tokens, 0.0), now)
        self._buckets.move_to_end(address)
        while len(self._buckets) > self.size:
            self._buckets.popitem(last=False)


async def current_tenant(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header_key: Annotated[str | None, Depends(_header)],
) -> Tenant:
    key = bearer.credentials if bearer is not None else header_key
    if not key:
        raise _unauthorized("missing API key")
    svc = request.app.state.service
    limiter: FailureLimiter = svc.auth_failures
    address = client_address(request)
    wait = limiter.retry_after(address)
    if wait is not None:
        raise HTTPException(
            status_code=429,
            detail=f"too many failed API-key attempts from this address; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    async with svc.db.sessions() as session:
        tenant = await tenants.authenticate(session, key)
    if tenant is None:
        limiter.failed(address)
        raise _unauthorized("invalid API key")
    log_context.set_tenant(tenant.id)
    return tenant


TenantDep = Annotated[Tenant, Depends(current_tenant)]
