"""The campaign engine: the one object the service holds for campaigns.

- create (checked against the script: `checks`), lead uploads (`lead_import`), start,
  pause, resume, cancel, counts, the numbering plan, the do-not-call check;
- `call_finished`, run inside the transaction that ends every call, and `recover`, run at
  start-up before calls are recovered (both in `call_end`);
- `run`: the dispatch loop (`dispatcher`) and the campaign-finished webhooks (`summary`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Collection
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.campaigns.call_end import CallEnds, take_back_unplaced
from bot_engine.campaigns.checks import checked_against
from bot_engine.campaigns.clock import Clock, SystemClock
from bot_engine.campaigns.configs import Configs
from bot_engine.campaigns.dispatcher import Dispatcher, finish
from bot_engine.campaigns.errors import conflict, not_found
from bot_engine.campaigns.lead_import import LeadImport
from bot_engine.campaigns.leads import LeadReader
from bot_engine.campaigns.metrics import CampaignMetrics
from bot_engine.campaigns.model import CampaignCreate
from bot_engine.campaigns.numbering import NumberingPlan
from bot_engine.campaigns.phones import normalize_or_none
from bot_engine.campaigns.ports import CallPlacer, ScriptRef
from bot_engine.campaigns.settings import CampaignSettings
from bot_engine.campaigns.summary import SummarySender
from bot_engine.campaigns.uploads import ImportResult, Record
from bot_engine.net import OutboundSettings, SsrfGuard
from bot_engine.storage import Database
from bot_engine.storage import campaigns as repo
from bot_engine.storage import dnc as dnc_repo
from bot_engine.storage import numbering as numbering_repo
from bot_engine.storage.campaign_models import Campaign, CampaignLead
from bot_engine.storage.ids import new_id
from bot_engine.storage.models import Call

log = logging.getLogger(__name__)

LeadState = Literal["pending", "calling", "done", "skipped_dnc", "expired", "cancelled"]
LEAD_STATES: tuple[str, ...] = get_args(LeadState)
_MOVES = {
    "start": ({"draft"}, "running"),
    "pause": ({"running"}, "paused"),
    "resume": ({"paused"}, "running"),
    "cancel": ({"draft", "running", "paused"}, "cancelled"),
}


class CampaignEngine:
    def __init__(
        self,
        db: Database,
        placer: CallPlacer,
        settings: CampaignSettings,
        *,
        guard: SsrfGuard,
        retry_delay: Callable[[int], float | None],
        registry: CollectorRegistry | None = None,
        clock: Clock | None = None,
        http: httpx.AsyncClient | None = None,
        limits: OutboundSettings | None = None,
    ) -> None:
        self.db = db
        self.placer = placer
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.configs = Configs()
        self.metrics = CampaignMetrics(registry) if registry is not None else None
        self.dispatcher = Dispatcher(db, placer, settings, self.clock, self.configs, self.metrics)
        self.summaries = SummarySender(db, guard, self.clock, retry_delay, http, limits)
        self.call_ends = CallEnds(
            self.configs,
            lambda: self.clock.now(),
            self.wake,
            settings.dnc_default_region,
            self.metrics,
        )
        self._wake = asyncio.Event()
        self._stopping = False
        self._plan: tuple[tuple[int, datetime | None], NumberingPlan] | None = None

    def set_clock(self, clock: Clock) -> None:
        """Tests run campaigns on a virtual clock."""
        self.clock = self.dispatcher.clock = self.summaries.clock = clock

    # --- campaigns -------------------------------------------------------------------------

    async def create(
        self, tenant_id: str, body: CampaignCreate, target: dict[str, Any] | None
    ) -> Campaign:
        async with self.db.write() as session:
            ref = await self.placer.find_script(session, tenant_id, body.script_id, body.version)
            if ref is None:
                suffix = f" version {body.version}" if body.version else ""
                raise not_found(f"no script {body.script_id!r}{suffix}")
            settings = checked_against(body, ref)
            now = self.clock.now()
            campaign = Campaign(
                id=new_id(),
                tenant_id=tenant_id,
                name=body.name,
                script_version_id=ref.version_id,
                status="draft",
                settings=settings.model_dump(mode="json", exclude={"webhook"}),
                webhook=target,
                created_at=now,
                updated_at=now,
                summary_attempts=0,
            )
            session.add(campaign)
        return campaign

    async def get(self, tenant_id: str, campaign_id: str) -> Campaign:
        async with self.db.sessions() as session:
            campaign = await repo.get_campaign(session, tenant_id, campaign_id)
        if campaign is None:
            raise not_found(f"no campaign {campaign_id!r}")
        return campaign

    async def move(self, tenant_id: str, campaign_id: str, action: str) -> Campaign:
        allowed, target = _MOVES[action]
        now = self.clock.now()
        async with self.db.write() as session:
            campaign = await repo.lock_campaign(session, campaign_id)
            if campaign is None or campaign.tenant_id != tenant_id:
                raise not_found(f"no campaign {campaign_id!r}")
            if campaign.status not in allowed:
                raise conflict(
                    f"the campaign is {campaign.status}; {action} needs it "
                    + " or ".join(sorted(allowed))
                )
            if action == "start":
                if not await repo.has_state(session, campaign.id, "pending"):
                    raise conflict("the campaign has no lead to call: upload leads first")
                campaign.started_at = now
            if action == "cancel":
                await repo.close_pending(session, campaign.id, "cancelled", "cancelled", now)
                if not await repo.has_state(session, campaign.id, "calling"):
                    finish(campaign, "cancelled", now)
            campaign.status = target
            campaign.updated_at = now
        self.wake()
        return campaign

    async def counts(self, session: AsyncSession, campaign_id: str) -> dict[str, Any]:
        states = await repo.state_counts(session, campaign_id)
        return {
            "leads": sum(states.values()),
            "due": await repo.count_due(session, campaign_id, self.clock.now()),
            "states": {state: states.get(state, 0) for state in LEAD_STATES},
            "outcomes": await repo.outcome_counts(session, campaign_id),
            "calls": await repo.calls_placed(session, campaign_id),
        }

    async def script_of(self, campaign: Campaign) -> ScriptRef:
        async with self.db.sessions() as session:
            return await self.placer.script_of(session, campaign.script_version_id)

    # --- leads -----------------------------------------------------------------------------

    async def import_leads(
        self, tenant_id: str, campaign_id: str, records: AsyncIterator[Record]
    ) -> ImportResult:
        """Read, check and store an upload (see `lead_import`)."""
        campaign = await self.get(tenant_id, campaign_id)
        if campaign.status in ("finished", "cancelled"):
            raise conflict(f"the campaign is {campaign.status}: leads can no longer be added")
        configured = self.configs.of(campaign)
        ref = await self.script_of(campaign)
        plan = await self.numbering_plan()
        settings = configured.settings
        reader = LeadReader(
            ref.script,
            settings.variables,
            default_region=settings.default_region,
            default_zone=settings.default_timezone,
            numbering=plan.zones_for if plan is not None else None,
        )
        upload = LeadImport(
            self.db,
            campaign,
            reader,
            configured.rule,
            self.clock.now(),
            self.settings.max_leads_per_upload,
        )
        result = await upload.run(records)
        self.wake()
        return result

    async def list_leads(
        self,
        tenant_id: str,
        campaign_id: str,
        *,
        state: str | None,
        outcome: str | None,
        after_id: int,
        limit: int,
    ) -> tuple[list[CampaignLead], dict[int, list[Any]]]:
        await self.get(tenant_id, campaign_id)
        async with self.db.sessions() as session:
            leads = await repo.list_leads(
                session, campaign_id, state=state, outcome=outcome, after_id=after_id, limit=limit
            )
            attempts = await repo.attempts_of(session, [lead.id for lead in leads])
        return leads, attempts

    # --- numbering plan ----------------------------------------------------------------------

    async def numbering_plan(self) -> NumberingPlan | None:
        """The imported plan, loaded once per import (None when none was imported)."""
        async with self.db.sessions() as session:
            version = await numbering_repo.version(session)
            if version[0] == 0:
                return None
            if self._plan is not None and self._plan[0] == version:
                return self._plan[1]
            ranges = await numbering_repo.all_ranges(session)
        plan = NumberingPlan(
            (first, last, tuple(zones.split()) if zones else None) for first, last, zones in ranges
        )
        self._plan = (version, plan)
        return plan

    # --- do-not-call -------------------------------------------------------------------------

    async def on_dnc(self, tenant_id: str, number: str) -> str | None:
        """The E.164 form of `number` when the tenant's do-not-call list has it."""
        phone = normalize_or_none(number, self.settings.dnc_default_region)
        if phone is None:
            return None
        async with self.db.sessions() as session:
            entry = await dnc_repo.get(session, tenant_id, phone)
        return phone if entry is not None else None

    # --- the end of every call ---------------------------------------------------------------

    # --- the end of every call, and start-up ---------------------------------------------

    async def call_finished(self, session: AsyncSession, call: Call) -> None:
        """Inside the transaction that ends `call` (see `call_end`)."""
        await self.call_ends.record(session, call)

    async def recover(self, only: Collection[str] | None = None) -> int:
        """Take back calls committed but never dialled (see `call_end`); runs before the
        service recovers calls (`only`: among these, a dead worker's)."""
        return await take_back_unplaced(self.db, self.clock.now(), only)

    # --- metrics -----------------------------------------------------------------------------

    async def refresh_metrics(self) -> None:
        if self.metrics is None:
            return
        async with self.db.sessions() as session:
            active = [c for c in await repo.running_ids(session)]
            self.metrics.clear_leads()
            for campaign_id in active:
                self.metrics.set_leads(
                    campaign_id,
                    await repo.state_counts(session, campaign_id),
                    await repo.outcome_counts(session, campaign_id),
                )

    # --- the loop ----------------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> datetime | None:
        wake = await self.dispatcher.run_once()
        await self.summaries.send_due()  # a campaign that finished just now: at once
        return wake

    async def run(self) -> None:
        """Dispatch until `stop()`; errors are logged and retried, never fatal."""
        poll = timedelta(seconds=self.settings.poll_s)
        while not self._stopping:
            self._wake.clear()
            now = self.clock.now()
            try:
                wake_at = await self.run_once()
            except Exception:
                log.exception("campaign dispatch round failed")
                wake_at = None
            until = now + poll if wake_at is None else min(wake_at, now + poll)
            await self.clock.wait(until, self._wake)

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        with contextlib.suppress(Exception):
            await self.summaries.close()
