"""API-key authentication: `Authorization: Bearer vb_...` (or `X-API-Key`).

A missing or bad key is a 401; resources of other tenants are 404s (handled by the
repositories, which always filter by tenant).
"""

from __future__ import annotations

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
    db = request.app.state.service.db
    async with db.sessions() as session:
        tenant = await tenants.authenticate(session, key)
    if tenant is None:
        raise _unauthorized("invalid API key")
    return tenant


TenantDep = Annotated[Tenant, Depends(current_tenant)]
