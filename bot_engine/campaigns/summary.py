"""The campaign-finished webhook: one signed summary per campaign, retried like results.

It is a small outbox of its own (the campaign row holds its status, attempts and next
attempt), because the results outbox is per call. Same signing (Standard Webhooks, with a
stable `webhook-id`), same SSRF guard, same backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from pydantic import BaseModel

from bot_engine.campaigns.clock import Clock
from bot_engine.delivery.base import StepFailed, StepLog
from bot_engine.delivery.signing import signed_headers
from bot_engine.net import OutboundSettings, SsrfGuard, guarded_client
from bot_engine.storage import Database
from bot_engine.storage import campaigns as repo
from bot_engine.storage.campaign_models import Campaign
from bot_engine.storage.models import ScriptVersion, Tenant

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)


class CampaignSummary(BaseModel):
    type: str = "campaign.finished"
    idempotency_key: str
    campaign: dict[str, Any]
    counts: dict[str, dict[str, int]]
    calls: int


async def summary_of(session: Any, campaign: Campaign) -> CampaignSummary:
    version = await session.get(ScriptVersion, campaign.script_version_id)
    return CampaignSummary(
        idempotency_key=f"campaign_{campaign.id}_finished",
        campaign={
            "id": campaign.id,
            "name": campaign.name,
            "status": campaign.status,
            "script_id": campaign.settings.get("script_id"),
            "script_version": version.version if version is not None else None,
            "created_at": campaign.created_at.isoformat(),
            "started_at": campaign.started_at.isoformat() if campaign.started_at else None,
            "finished_at": campaign.finished_at.isoformat() if campaign.finished_at else None,
        },
        counts={
            "states": await repo.state_counts(session, campaign.id),
            "outcomes": await repo.outcome_counts(session, campaign.id),
        },
        calls=await repo.calls_placed(session, campaign.id),
    )


class SummarySender:
    def __init__(
        self,
        db: Database,
        guard: SsrfGuard,
        clock: Clock,
        retry_delay: Callable[[int], float | None],
        client: httpx.AsyncClient | None = None,
        limits: OutboundSettings | None = None,
    ) -> None:
        self.db = db
        self.guard = guard
        self.clock = clock
        self.retry_delay = retry_delay
        self._own = client is None
        self.client = client or guarded_client(guard, limits, timeout=15)

    async def send_due(self) -> int:
        now = self.clock.now()
        async with self.db.write() as session:
            claimed = await repo.due_summaries(session, now, now + LEASE)
        for campaign_id in claimed:
            await self._send(campaign_id)
        return len(claimed)

    async def _send(self, campaign_id: str) -> None:
        async with self.db.sessions() as session:
            campaign = await session.get(Campaign, campaign_id)
            if campaign is None or campaign.webhook is None:
                return
            tenant = await session.get(Tenant, campaign.tenant_id)
            doc = await summary_of(session, campaign)
        target = campaign.webhook
        body = doc.model_dump_json()
        secret = target.get("secret") or (tenant.webhook_secret if tenant else "")
        headers = signed_headers(secret, doc.idempotency_key, body)
        headers["content-type"] = "application/json"
        headers["idempotency-key"] = doc.idempotency_key
        steps = StepLog(self.client)
        error: str | None = None
        permanent = False
        try:
            response = await steps.request(
                "post", "POST", str(target["url"]), content=body, headers=headers
            )
            if not response.is_success:
                error = f"HTTP {response.status_code}"
                permanent = response.status_code == 410
        except StepFailed as exc:
            error, permanent = str(exc), exc.permanent
        async with self.db.write() as session:
            fresh = await session.get(Campaign, campaign_id, populate_existing=True)
            if fresh is None:
                return
            if error is None:
                fresh.summary_status, fresh.summary_error = "delivered", None
                return
            delay = None if permanent else self.retry_delay(fresh.summary_attempts)
            fresh.summary_error = error[:500]
            if delay is None:
                fresh.summary_status = "dead"
                log.warning("campaign %s summary undeliverable: %s", campaign_id, error)
            else:
                fresh.summary_next_at = self.clock.now() + timedelta(seconds=delay)

    async def close(self) -> None:
        if self._own:
            await self.client.aclose()
