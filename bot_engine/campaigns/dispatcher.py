"""The dispatch loop: for each running campaign, claim the leads that are due and inside
their window, as many as pacing allows, and place their calls.

One round of one campaign is one write transaction: lock the campaign (skipped when another
worker holds it), count what is in flight, lock the tenant's ceiling, claim due leads (each
`FOR UPDATE SKIP LOCKED`), re-check each lead against the do-not-call list and its window
(the time may have moved on since `next_at` was computed, e.g. across a restart), create
the calls and their attempt rows, and advance the pacing state. Only after the commit are
the calls handed to the dialer: a crash in between leaves queued calls that recovery puts
back (`CampaignEngine.recover`), never a call without its lead or a lead called twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import bot_engine.campaigns.pacing as pacing
from bot_engine.campaigns.clock import Clock
from bot_engine.campaigns.configs import Configs, Configured
from bot_engine.campaigns.metrics import CampaignMetrics
from bot_engine.campaigns.ports import CallPlacer
from bot_engine.campaigns.settings import CampaignSettings
from bot_engine.storage import Database
from bot_engine.storage import campaigns as repo
from bot_engine.storage import dnc as dnc_repo
from bot_engine.storage.campaign_models import Campaign, CampaignAttempt, CampaignLead

log = logging.getLogger(__name__)

Share = Callable[[AsyncSession, str, int], Awaitable[int]]

MAX_BATCHES = 50
"""Claim batches per round: leads found outside their window are moved on and the next
batch is read, so a restart after a night never stalls on yesterday's due leads."""


@dataclass
class Pick:
    """What one round may do and found due (the scheduler's part, before any call)."""

    campaign: Campaign
    configured: Configured
    room: int
    now: datetime
    leads: list[CampaignLead] = field(default_factory=list)


@dataclass
class Round:
    placed: list[str] = field(default_factory=list)
    skipped_dnc: int = 0
    wake_at: datetime | None = None
    finished: bool = False


class Dispatcher:
    def __init__(
        self,
        db: Database,
        placer: CallPlacer,
        settings: CampaignSettings,
        clock: Clock,
        configs: Configs,
        metrics: CampaignMetrics | None = None,
    ) -> None:
        self.db = db
        self.placer = placer
        self.settings = settings
        self.clock = clock
        self.configs = configs
        self.metrics = metrics
        self.share: Share | None = None
        """In a cluster: how many more of a campaign's calls this worker may hold, so the
        calls spread over the workers (`service.workers`)."""

    async def run_once(self) -> datetime | None:
        """Dispatch every running campaign once; returns when to look again (None: only
        when woken or at the next poll)."""
        async with self.db.sessions() as session:
            ids = await repo.running_ids(session)
        wake: datetime | None = None
        for campaign_id in ids:
            try:
                result = await self.dispatch(campaign_id)
            except Exception:
                log.exception("dispatching campaign %s failed", campaign_id)
                continue
            if result.wake_at is not None:
                wake = result.wake_at if wake is None else min(wake, result.wake_at)
        return wake

    async def dispatch(self, campaign_id: str) -> Round:
        started = time.perf_counter()
        result = Round()
        async with self.db.write() as session:
            pick = await self.pick(session, campaign_id)
            if pick is None:
                return result
            now = pick.now
            campaign, configured = pick.campaign, pick.configured
            left = await self._place(session, pick, now, result)
            result.finished = await self._finish_if_done(session, campaign, now)
            cpm = configured.settings.pacing.calls_per_minute
            campaign.pace_at = pacing.after_starts(now, campaign.pace_at, cpm, len(result.placed))
            result.wake_at = await self._wake_at(session, campaign, now, cpm, left)
        for call_id in result.placed:
            self.placer.start_call(call_id)
        if self.metrics is not None:
            if result.placed:
                self.metrics.calls_placed.labels(campaign=campaign_id).inc(len(result.placed))
            if result.skipped_dnc:
                self.metrics.skipped_dnc.labels(campaign=campaign_id).inc(result.skipped_dnc)
            self.metrics.round_seconds.observe(time.perf_counter() - started)
        return result

    async def pick(
        self, session: AsyncSession, campaign_id: str, now: datetime | None = None
    ) -> Pick | None:
        """Lock the campaign, work out its room and claim up to that many due leads: the
        scheduler's cost per round (measured by bench/campaign.py). The round's time is
        read once the lock is held, so pacing is measured from when calls are made."""
        campaign = await repo.claim_campaign(session, campaign_id)
        if campaign is None:
            return None
        now = now or self.clock.now()
        configured = self.configs.of(campaign)
        rule = configured.rule
        if rule.end is not None and now >= rule.end:
            await repo.close_pending(session, campaign.id, "expired", "the campaign ended", now)
        in_flight = await repo.count_state(session, campaign.id, "calling")
        await repo.lock_tenant(session, campaign.tenant_id)
        outbound, inbound = await repo.tenant_active_calls(session, campaign.tenant_id)
        free = pacing.tenant_room(
            self.settings.tenant_max_calls, self.settings.inbound_reserve, outbound, inbound
        )
        pace = configured.settings.pacing
        room = pacing.room(
            now=now,
            pace_at=campaign.pace_at,
            calls_per_minute=pace.calls_per_minute,
            max_concurrent=pace.max_concurrent,
            in_flight=in_flight,
            tenant_free=free,
        )
        if self.share is not None and room > 0:
            room = min(room, await self.share(session, campaign.id, pace.max_concurrent))
        pick = Pick(campaign, configured, room, now)
        if room > 0:
            pick.leads = await repo.due_leads(session, campaign.id, now, room)
        return pick

    async def _place(self, session: AsyncSession, pick: Pick, now: datetime, result: Round) -> int:
        """Place calls for the due leads; returns the room left unused."""
        campaign, configured = pick.campaign, pick.configured
        settings, rule = configured.settings, configured.rule
        room = pick.room
        leads = pick.leads
        for _ in range(MAX_BATCHES):
            if not leads or room <= 0:
                return room
            listed = await dnc_repo.listed(session, campaign.tenant_id, [x.phone for x in leads])
            for lead in leads:
                if room <= 0:
                    break
                lead.updated_at = now
                if lead.phone in listed:
                    lead.state, lead.next_at, lead.note = "skipped_dnc", None, "do-not-call"
                    result.skipped_dnc += 1
                    continue
                if not rule.contains(now, lead.zones):
                    opening = rule.next_opening(now, lead.zones)
                    if opening is None:
                        lead.state, lead.next_at = "expired", None
                        lead.note = "no calling window before the campaign's end"
                    else:
                        lead.next_at = opening
                    continue
                try:
                    call_id = await self.placer.create_call(
                        session,
                        tenant_id=campaign.tenant_id,
                        script_version_id=campaign.script_version_id,
                        to=lead.phone,
                        variables={**settings.variables, **lead.variables},
                        from_number=settings.caller_id,
                        delivery_target=campaign.webhook,
                    )
                except ValueError as exc:  # the script changed under the lead: tell, move on
                    lead.state, lead.next_at, lead.note = "done", None, str(exc)[:200]
                    lead.outcome = "invalid"
                    continue
                lead.attempts += 1
                lead.state, lead.call_id, lead.next_at = "calling", call_id, None
                session.add(
                    CampaignAttempt(
                        campaign_id=campaign.id,
                        lead_id=lead.id,
                        attempt=lead.attempts,
                        call_id=call_id,
                        started_at=now,
                    )
                )
                result.placed.append(call_id)
                room -= 1
            if room <= 0:
                return room
            leads = await repo.due_leads(session, campaign.id, now, room)
        return room

    async def _finish_if_done(
        self, session: AsyncSession, campaign: Campaign, now: datetime
    ) -> bool:
        await session.flush()
        if await repo.has_state(session, campaign.id, "pending") or await repo.has_state(
            session, campaign.id, "calling"
        ):
            return False
        finish(campaign, "finished", now)
        return True

    async def _wake_at(
        self, session: AsyncSession, campaign: Campaign, now: datetime, cpm: float, left: int
    ) -> datetime | None:
        """When this campaign needs another round: its next due lead or pacing slot; None
        when only a call ending (which wakes the dispatcher) can make room."""
        if campaign.status != "running":
            return None
        due = await repo.next_due(session, campaign.id)
        slot = pacing.next_slot(campaign.pace_at, cpm)
        if due is None:
            return None  # the last calls are in flight; each one's end wakes the loop
        if due > now:
            return max(due, slot) if slot is not None else due
        if left > 0:
            return now  # due leads remain and there was room: go on at once
        if pacing.rate_slots(now, campaign.pace_at, cpm) == 0 and slot is not None:
            return slot
        return None  # full: max_concurrent or the tenant's ceiling


def finish(campaign: Campaign, status: str, now: datetime) -> None:
    """End a campaign; a JSON webhook gets the summary (sent by `SummarySender`)."""
    campaign.status = status
    campaign.finished_at = now
    campaign.updated_at = now
    target: dict[str, Any] | None = campaign.webhook
    if target is not None and target.get("type", "webhook") == "webhook":
        campaign.summary_status = "pending"
        campaign.summary_next_at = now
