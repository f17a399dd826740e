"""The operator's per-tenant telephony permissions: who may dial SIP URIs, and where
transfers to caller-chosen targets may go.

Settings name tenants by name or id (`sip_uri_tenants = ["acme"]`,
`transfer_allowlist = {"acme": ["^\\\\+7495\\\\d{7}$"], "*": ["+78005550100"]}`; `*` applies to
every tenant). These are the operator's to grant, not the tenant's: the trunk's bill and
the internal network are at stake.
"""

from __future__ import annotations

import contextlib

from bot_engine.call.dial_targets import (
    DialRefused,
    HostRules,
    NoTrunk,
    is_sip_uri,
    target_uri,
)
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage.db import Database
from bot_engine.storage.models import Tenant

EVERY_TENANT = "*"


class TelephonyPolicy:
    def __init__(self, settings: ServiceSettings, db: Database) -> None:
        self.db = db
        self.proxy = settings.sip_proxy
        self.sip_uri_tenants = frozenset(settings.sip_uri_tenants)
        self.transfer_allowlist = {k: tuple(v) for k, v in settings.transfer_allowlist.items()}
        self.hosts = HostRules.from_allowlist(settings.ssrf_allowlist)
        self._names: dict[str, str] = {}
        """Tenant id → name (names are unique and never change)."""

    async def _keys(self, tenant_id: str) -> tuple[str, str]:
        name = self._names.get(tenant_id)
        if name is None:
            async with self.db.sessions() as session:
                tenant = await session.get(Tenant, tenant_id)
            name = self._names[tenant_id] = tenant.name if tenant is not None else tenant_id
        return tenant_id, name

    async def may_dial_uris(self, tenant_id: str) -> bool:
        return any(key in self.sip_uri_tenants for key in await self._keys(tenant_id))

    async def transfer_targets(self, tenant_id: str) -> tuple[str, ...]:
        """The tenant's transfer allow-list (with the entries for every tenant)."""
        keys = (*await self._keys(tenant_id), EVERY_TENANT)
        return tuple(p for key in keys for p in self.transfer_allowlist.get(key, ()))

    async def dial_target(self, tenant_id: str, to: str) -> str:
        """The URI to dial for a call's `to`, or DialRefused: a number goes to the trunk;
        a SIP URI needs the tenant's permission and a host that passes the SSRF rules."""
        if is_sip_uri(to) and not await self.may_dial_uris(tenant_id):
            raise DialRefused(
                "`to` must be a number; this tenant may not dial SIP URIs "
                "(the operator grants it with sip_uri_tenants)"
            )
        uri = target_uri(to, self.proxy)
        if is_sip_uri(to):
            await self.hosts.check(uri)
        return uri

    async def check_to(self, tenant_id: str, to: str) -> None:
        """At call creation: what `dial_target` refuses for any dialer (a missing trunk is
        only the SIP dialer's concern, reported when it dials)."""
        with contextlib.suppress(NoTrunk):
            await self.dial_target(tenant_id, to)
