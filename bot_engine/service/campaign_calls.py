"""The service side of campaigns: campaign calls go through `CallService`, the same path as
`POST /v1/calls` (validation, dialer, sink, result, delivery). This adapter is the one
place where the campaign engine meets the call service."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.campaigns.ports import ScriptRef
from bot_engine.delivery.payload import CampaignLeadRef, CampaignRef
from bot_engine.service.call_creation import CallCreation
from bot_engine.service.errors import ServiceError
from bot_engine.storage import campaigns as campaign_repo
from bot_engine.storage import scripts as script_repo
from bot_engine.storage.models import ScriptRecord, ScriptVersion


class ServiceCallPlacer:
    def __init__(self, creation: CallCreation) -> None:
        self.creation = creation

    async def find_script(
        self, session: AsyncSession, tenant_id: str, script_id: str, version: int | None
    ) -> ScriptRef | None:
        script = await script_repo.get_script(session, tenant_id, script_id)
        if script is None:
            return None
        row = await script_repo.get_version(session, script, version)
        if row is None:
            return None
        return ScriptRef(row.id, script.name, row.version, self.creation.scripts.get(row).script)

    async def script_of(self, session: AsyncSession, version_id: str) -> ScriptRef:
        row = await session.get(ScriptVersion, version_id)
        assert row is not None
        script = await session.get(ScriptRecord, row.script_id)
        assert script is not None
        return ScriptRef(row.id, script.name, row.version, self.creation.scripts.get(row).script)

    async def create_call(
        self,
        session: AsyncSession,
        *,
        tenant_id: str,
        script_version_id: str,
        to: str,
        variables: dict[str, Any],
        from_number: str | None,
        delivery_target: dict[str, Any] | None,
    ) -> str:
        ref = await self.script_of(session, script_version_id)
        try:
            call = await self.creation.create_in(
                session,
                tenant_id=tenant_id,
                script_id=ref.script_id,
                version=ref.version,
                to=to,
                variables=variables,
                delivery_target=delivery_target,
                from_number=from_number,
                prerender=False,
            )
        except ServiceError as exc:
            raise ValueError(exc.message) from exc
        return str(call.id)

    def start_call(self, call_id: str) -> None:
        dispatcher = self.creation.dispatcher
        dispatcher.spawn(dispatcher.dispatch(call_id))


async def campaign_ref(session: AsyncSession, call_id: str) -> CampaignRef | None:
    """What a result document says about the campaign behind its call."""
    found = await campaign_repo.call_of_campaign(session, call_id)
    if found is None:
        return None
    campaign, lead, attempt = found
    return CampaignRef(
        id=campaign.id,
        name=campaign.name,
        lead=CampaignLeadRef(id=lead.id, external_id=lead.external_id, phone=lead.phone),
        attempt=attempt.attempt,
    )
