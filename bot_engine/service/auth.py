"""API-key authentication: `Authorization: Bearer vb_...` (or `X-API-Key`).

A missing or bad key is a 401; resources of other tenants are 404s (handled by the
repositories, which always filter by tenant).
"""

from __future__ import annotations

import hashlib
import time
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from bot_engine.storage import tenants
from bot_engine.storage.models import Tenant

_bearer = HTTPBearer(auto_error=False, description="An API key from `voicebot keys create`.")
_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status_code=401, detail=message, headers={"WWW-Authenticate": "Bearer"})


async def current_tenant(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header_key: Annotated[str | None, Depends(_header)],
) -> Tenant:
    key = bearer.credentials if bearer is not None else header_key
    if not key:
        raise _unauthorized("missing API key")
    cache: KeyCache = request.app.state.service.keys
    tenant = cache.get(key)
    if tenant is None:
        async with request.app.state.service.db.sessions() as session:
            tenant = await tenants.authenticate(session, key)
        if tenant is None:
            raise _unauthorized("invalid API key")
        cache.put(key, tenant)
    return tenant


class KeyCache:
    """Recently verified keys (by SHA-256, never in clear), so a burst of requests does not
    hit the database once per request for authentication. Entries live `ttl_s` seconds."""

    def __init__(self, ttl_s: float = 30.0, size: int = 1024) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._items: dict[str, tuple[float, Tenant]] = {}

    @staticmethod
    def _digest(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> Tenant | None:
        item = self._items.get(self._digest(key))
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def put(self, key: str, tenant: Tenant) -> None:
        if len(self._items) >= self.size:
            self._items.clear()
        self._items[self._digest(key)] = (time.monotonic() + self.ttl_s, tenant)


TenantDep = Annotated[Tenant, Depends(current_tenant)]
