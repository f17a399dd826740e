"""What the end of a call means for campaigns, run inside the transaction that stores the
call's result (see `CallService.finish`), so a lead's state, its attempt's outcome and the
call's result commit together, exactly once:

- an opt-out puts the other party's number on the tenant's do-not-call list, with the call
  as evidence (any call, campaign or not);
- a campaign call's attempt gets its outcome, and its lead its next step: done, or pending
  at the first allowed time after the retry rule's delay (or the time the lead named).

And at start-up (`take_back_unplaced`): a call that was committed but never dialled (the
process died in between) is cancelled and its attempt forgotten, so its lead is due again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.campaigns.configs import Configs
from bot_engine.campaigns.dispatcher import finish
from bot_engine.campaigns.metrics import CampaignMetrics
from bot_engine.campaigns.outcomes import OPT_OUT_OUTCOMES, attempt_outcome
from bot_engine.campaigns.phones import normalize_or_none
from bot_engine.campaigns.retries import next_step
from bot_engine.record import HangupCause
from bot_engine.storage import Database
from bot_engine.storage import campaigns as repo
from bot_engine.storage import dnc as dnc_repo
from bot_engine.storage.campaign_models import Campaign, CampaignLead
from bot_engine.storage.models import Call

log = logging.getLogger(__name__)


class CallEnds:
    def __init__(
        self,
        configs: Configs,
        now: Callable[[], datetime],
        wake: Callable[[], None],
        dnc_region: str | None,
        metrics: CampaignMetrics | None = None,
    ) -> None:
        self.configs = configs
        self.now = now
        self.wake = wake
        self.dnc_region = dnc_region
        self.metrics = metrics

    async def record(self, session: AsyncSession, call: Call) -> None:
        result = call.result or {}
        now = self.now()
        if result.get("outcome") in OPT_OUT_OUTCOMES:
            await self._opted_out(session, call, now)
        attempt = await repo.attempt_for_call(session, call.id)
        if attempt is None or attempt.outcome is not None:
            return
        outcome = attempt_outcome(result, call.hangup_cause)
        attempt.outcome, attempt.ended_at = outcome, now
        lead = await repo.lock_lead(session, attempt.lead_id)
        campaign = await session.get(Campaign, attempt.campaign_id)
        if lead is None or campaign is None:
            return
        counts = dict(lead.outcome_counts)
        counts[outcome] = counts.get(outcome, 0) + 1
        lead.outcome_counts, lead.outcome, lead.updated_at = counts, outcome, now
        if lead.state == "calling" and lead.call_id == call.id:
            self._next_step(lead, campaign, outcome, counts, result, now)
        if campaign.status == "cancelled" and campaign.finished_at is None:
            await session.flush()
            if not await repo.has_state(session, campaign.id, "calling"):
                finish(campaign, "cancelled", now)
        if self.metrics is not None:
            self.metrics.attempts.labels(campaign=campaign.id, outcome=outcome).inc()
        # A slot is free once this commits: look then, not at the next poll.
        event.listen(session.sync_session, "after_commit", lambda _s: self.wake(), once=True)

    async def _opted_out(self, session: AsyncSession, call: Call, now: datetime) -> None:
        number = call.to_number if call.direction == "outbound" else call.from_number
        phone = normalize_or_none(number or "", self.dnc_region)
        if phone is not None:
            await dnc_repo.add(
                session,
                call.tenant_id,
                phone,
                reason="opted out during the call",
                source="opt_out",
                call_id=call.id,
                at=now,
            )

    def _next_step(
        self,
        lead: CampaignLead,
        campaign: Campaign,
        outcome: str,
        counts: dict[str, int],
        result: dict[str, object],
        now: datetime,
    ) -> None:
        configured = self.configs.of(campaign)
        fields = result.get("fields")
        step = next_step(
            outcome,
            counts,
            configured.settings.retries or {},
            now,
            fields if isinstance(fields, dict) else {},
            lead.zones[0] if lead.zones else None,
        )
        lead.note = step.reason[:200]
        if result.get("outcome") in OPT_OUT_OUTCOMES or step.retry_at is None:
            lead.state, lead.next_at = "done", None
        elif campaign.status in ("cancelled", "finished"):
            lead.state, lead.next_at = "cancelled", None
        else:
            opening = configured.rule.next_opening(step.retry_at, lead.zones)
            if opening is None:
                lead.state, lead.next_at = "expired", None
                lead.note = "no calling window before the campaign's end"
            else:
                lead.state, lead.next_at = "pending", opening


async def take_back_unplaced(
    db: Database, now: datetime, only: Collection[str] | None = None
) -> int:
    """Runs before the service recovers calls (`only`: a dead worker's calls). Returns how
    many calls were taken back."""
    async with db.write() as session:
        unplaced = await repo.unplaced_campaign_calls(session, only)
        for lead, call in unplaced:
            call.status, call.ended_at = "cancelled", now
            call.hangup_cause = HangupCause.CANCELLED
            call.error = "not placed: the service restarted"
            await repo.forget_attempt(session, call.id)
            lead.attempts = max(0, lead.attempts - 1)
            lead.state, lead.next_at, lead.updated_at = "pending", now, now
    if unplaced:
        log.warning("took back %d campaign calls that were never dialled", len(unplaced))
    return len(unplaced)
