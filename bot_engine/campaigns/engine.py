"""The campaign engine: what the API and the call sink ask of campaigns.

- create, lead import (streamed, per-row errors), start/pause/resume/cancel, counts;
- `call_finished`, run inside the transaction that ends every call: records the attempt's
  outcome on its lead and decides its next step (done, or pending at the next allowed
  time), and puts opted-out numbers on the do-not-call list; so a lead's state and its
  call's result are committed together, exactly once;
- `recover`, run at start-up before calls are recovered: a call that never left the queue
  is taken back (its attempt did not happen), a call that was ringing or talking ends as
  `failed` through `call_finished` like any other;
- `run`: the dispatcher loop and the campaign-finished webhooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.campaigns.clock import Clock, SystemClock
from bot_engine.campaigns.configs import Configs
from bot_engine.campaigns.dispatcher import Dispatcher, finish
from bot_engine.campaigns.leads import BadHeader, LeadReader, LeadRow, RowError
from bot_engine.campaigns.metrics import CampaignMetrics
from bot_engine.campaigns.model import TELEPHONY_OUTCOMES, CampaignCreate, default_retries
from bot_engine.campaigns.numbering import NumberingPlan
from bot_engine.campaigns.outcomes import OPT_OUT_OUTCOMES, attempt_outcome
from bot_engine.campaigns.phones import normalize_or_none
from bot_engine.campaigns.ports import CallPlacer, ScriptRef
from bot_engine.campaigns.retries import next_step
from bot_engine.campaigns.settings import CampaignSettings
from bot_engine.campaigns.summary import SummarySender
from bot_engine.campaigns.uploads import ImportResult, Record
from bot_engine.delivery.ssrf import SsrfGuard
from bot_engine.script.values import ValueProblem, coerce
from bot_engine.storage import Database
from bot_engine.storage import campaigns as repo
from bot_engine.storage import dnc as dnc_repo
from bot_engine.storage import numbering as numbering_repo
from bot_engine.storage.campaign_models import Campaign, CampaignLead
from bot_engine.storage.ids import new_id
from bot_engine.storage.models import Call

log = logging.getLogger(__name__)

BATCH = 1000
FINAL_STATES = frozenset({"done", "skipped_dnc", "expired", "cancelled"})
LeadState = Literal["pending", "calling", "done", "skipped_dnc", "expired", "cancelled"]
LEAD_STATES: tuple[str, ...] = get_args(LeadState)
_MOVES = {
    "start": ({"draft"}, "running"),
    "pause": ({"running"}, "paused"),
    "resume": ({"paused"}, "running"),
    "cancel": ({"draft", "running", "paused"}, "cancelled"),
}


class CampaignError(Exception):
    """What the API answers with: `kind` is not_found, conflict or invalid."""

    def __init__(self, kind: str, message: str, issues: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.issues = issues


def not_found(message: str) -> CampaignError:
    return CampaignError("not_found", message)


def conflict(message: str) -> CampaignError:
    return CampaignError("conflict", message)


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
    ) -> None:
        self.db = db
        self.placer = placer
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.configs = Configs()
        self.metrics = CampaignMetrics(registry) if registry is not None else None
        self.dispatcher = Dispatcher(db, placer, settings, self.clock, self.configs, self.metrics)
        self.summaries = SummarySender(db, guard, self.clock, retry_delay, http)
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
            settings = _checked(body, ref)
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
        """Read, check and store leads batch by batch (a batch per transaction, so the
        database is not held for the whole upload). Raises CampaignError (invalid) for an
        upload whose header is wrong; `UploadError` for one that cannot be read at all."""
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
        result = ImportResult()
        seen: set[str] = set()
        batch: list[LeadRow] = []
        openings: dict[tuple[str, ...], datetime | None] = {}
        rows = 0
        limit = self.settings.max_leads_per_upload
        async for record in records:
            if record.values is not None and "__header__" in record.values:
                try:
                    reader.check_columns(record.values["__header__"])
                except BadHeader as exc:
                    raise CampaignError("invalid", str(exc)) from None
                continue
            rows += 1
            if rows > limit:
                result.reject(
                    record.row,
                    f"more than {limit} leads in one upload: this row "
                    "and the rest were not read; upload them separately",
                )
                break
            if record.values is None:
                result.reject(record.row, record.error or "unreadable")
                continue
            lead = reader.read(record.row, record.values)
            if isinstance(lead, RowError):
                result.reject(lead.row, lead.error)
                continue
            if lead.phone in seen:
                result.reject(lead.row, f"phone: duplicate of an earlier row ({lead.phone})")
                continue
            seen.add(lead.phone)
            batch.append(lead)
            if len(batch) >= BATCH:
                await self._store(campaign, configured.rule, batch, openings, result)
                batch = []
        await self._store(campaign, configured.rule, batch, openings, result)
        result.rejected.sort(key=lambda r: r["row"])
        self.wake()
        return result

    async def _store(
        self,
        campaign: Campaign,
        rule: Any,
        batch: list[LeadRow],
        openings: dict[tuple[str, ...], datetime | None],
        result: ImportResult,
    ) -> None:
        if not batch:
            return
        now = self.clock.now()
        async with self.db.write() as session:
            fresh = await repo.lock_campaign(session, campaign.id)
            if fresh is None or fresh.status in ("finished", "cancelled"):
                for lead in batch:
                    result.reject(lead.row, "the campaign ended during the upload")
                return
            phones = [lead.phone for lead in batch]
            listed = await dnc_repo.listed(session, campaign.tenant_id, phones)
            rows: list[dict[str, Any]] = []
            for lead in batch:
                if lead.zones not in openings:
                    openings[lead.zones] = rule.next_opening(now, lead.zones)
                opening = openings[lead.zones]
                state, note = "pending", None
                if lead.phone in listed:
                    state, note, opening = "skipped_dnc", "do-not-call", None
                elif opening is None:
                    state, note = "expired", "no calling window before the campaign's end"
                rows.append(
                    {
                        "campaign_id": campaign.id,
                        "row": lead.row,
                        "phone": lead.phone,
                        "external_id": lead.external_id,
                        "variables": lead.variables,
                        "zones": list(lead.zones),
                        "zone_source": lead.zone_source,
                        "state": state,
                        "outcome": None,
                        "attempts": 0,
                        "outcome_counts": {},
                        "next_at": opening,
                        "call_id": None,
                        "note": note,
                        "updated_at": now,
                    }
                )
            inserted = await repo.insert_leads(session, rows)
            for lead in batch:
                if lead.phone not in inserted:
                    result.reject(
                        lead.row, f"phone: already a lead of this campaign ({lead.phone})"
                    )
            result.accepted += len(inserted)

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

    async def call_finished(self, session: AsyncSession, call: Call) -> None:
        """Inside the transaction that ends `call` (see CallService.finish)."""
        result = call.result or {}
        now = self.clock.now()
        if result.get("outcome") in OPT_OUT_OUTCOMES:  # the other party's number
            number = call.to_number if call.direction == "outbound" else call.from_number
            phone = normalize_or_none(number or "", self.settings.dnc_default_region)
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
        if lead.state != "calling" or lead.call_id != call.id:
            return
        configured = self.configs.of(campaign)
        step = next_step(
            outcome,
            counts,
            configured.settings.retries or {},
            now,
            result.get("fields") or {},
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
        if campaign.status == "cancelled" and campaign.finished_at is None:
            await session.flush()
            if not await repo.has_state(session, campaign.id, "calling"):
                finish(campaign, "cancelled", now)
        if self.metrics is not None:
            self.metrics.attempts.labels(campaign=campaign.id, outcome=outcome).inc()
        # A slot is free once this commits: look then, not at the next poll.
        event.listen(session.sync_session, "after_commit", lambda _s: self.wake(), once=True)

    # --- start-up ----------------------------------------------------------------------------

    async def recover(self) -> int:
        """Take back campaign calls that never left the queue (the process died between
        committing them and dialling): the call is cancelled, the attempt forgotten, the
        lead due again. Runs before the service recovers calls. Returns how many."""
        now = self.clock.now()
        async with self.db.write() as session:
            unplaced = await repo.unplaced_campaign_calls(session)
            for lead, call in unplaced:
                call.status, call.ended_at = "cancelled", now
                call.hangup_cause = "not placed: the service restarted"
                await repo.forget_attempt(session, call.id)
                lead.attempts = max(0, lead.attempts - 1)
                lead.state, lead.next_at, lead.updated_at = "pending", now, now
        if unplaced:
            log.warning("took back %d campaign calls that were never dialled", len(unplaced))
        return len(unplaced)

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


def _checked(body: CampaignCreate, ref: ScriptRef) -> CampaignCreate:
    """The campaign checked against its script: variables, retry outcomes and fields."""
    script = ref.script
    issues: list[dict[str, Any]] = []
    for name, value in body.variables.items():
        spec = script.variables.get(name)
        if spec is None:
            issues.append(
                {"path": f"variables.{name}", "message": f"not a variable of script {script.id!r}"}
            )
            continue
        try:
            coerce(value, spec.type)
        except ValueProblem as exc:
            issues.append({"path": f"variables.{name}", "message": str(exc)})
    outcomes = list(script.result.outcomes)
    datetime_fields = [
        name for name, spec in script.result.fields.items() if "datetime" in spec.types()
    ]
    retries = body.retries
    if retries is None:
        retries = default_retries(outcomes, datetime_fields)
    known = set(outcomes) | set(TELEPHONY_OUTCOMES)
    for outcome, rule in retries.items():
        if outcome not in known:
            issues.append(
                {
                    "path": f"retries.{outcome}",
                    "message": f"not an outcome: the script's are {', '.join(outcomes)}; "
                    f"the line's are {', '.join(TELEPHONY_OUTCOMES)}",
                }
            )
        if rule.at is not None and rule.at not in datetime_fields:
            issues.append(
                {
                    "path": f"retries.{outcome}.at",
                    "message": f"not a datetime result field of the script "
                    f"(it has: {', '.join(datetime_fields) or 'none'})",
                }
            )
        if outcome in OPT_OUT_OUTCOMES:
            issues.append(
                {
                    "path": f"retries.{outcome}",
                    "message": "a lead who opted out is never called again",
                }
            )
    if issues:
        raise CampaignError("invalid", "the campaign does not match its script", issues)
    return body.model_copy(update={"retries": retries, "version": ref.version})
