"""A telephone line on a virtual clock, for campaign tests: a `CallRunner` whose calls take
virtual time and end as each number's script says (busy, no answer, voicemail, or a person
saying lines to the real Dialog), plus the driver that runs a campaign through the
service's own dispatcher and call path from one event to the next."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bot_engine.call.spec import CallSink, CallSpec
from bot_engine.campaigns.clock import VirtualClock
from bot_engine.dialog import Dialog
from bot_engine.dialog import events as ev
from bot_engine.dialog.actions import DialogResult
from bot_engine.record import HangupCause
from bot_engine.service.app import create_app
from bot_engine.storage.campaign_models import CampaignLead
from bot_engine.storage.models import Call
from tests.service.conftest import Api, make_settings, upload

from .conftest import CALLBACK_SCRIPT

Behaviour = str
"""`busy`, `no_answer`, `voicemail`, `rejected`, or `say:LINE|LINE` (a person)."""


@dataclass
class Placed:
    call_id: str
    to: str
    started: datetime
    ends: datetime
    behaviour: Behaviour
    spec: CallSpec
    sink: CallSink


@dataclass
class ScriptedLine:
    clock: VirtualClock
    plans: dict[str, list[Behaviour]] = field(default_factory=dict)
    """Per number, what each successive call does (the last one repeats)."""
    talk_time: timedelta = timedelta(minutes=3)
    ring_time: timedelta = timedelta(seconds=30)
    placed: list[Placed] = field(default_factory=list)
    active: dict[str, Placed] = field(default_factory=dict)
    peak: int = 0
    per_number: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    async def start(self, spec: CallSpec, sink: CallSink) -> None:
        plan = self.plans.get(spec.to, ["say:yes"])
        index = self.per_number[spec.to]
        self.per_number[spec.to] += 1
        behaviour = plan[min(index, len(plan) - 1)]
        now = self.clock.now()
        talking = behaviour.startswith("say:") or behaviour == "voicemail"
        ends = now + (self.talk_time if talking else self.ring_time)
        call = Placed(spec.call_id, spec.to, now, ends, behaviour, spec, sink)
        self.placed.append(call)
        self.active[spec.call_id] = call
        self.peak = max(self.peak, len(self.active))
        await sink.call_status(spec.call_id, "ringing")

    async def cancel(self, call_id: str) -> bool:
        return True

    def stop_placing(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def next_end(self) -> datetime | None:
        return min((c.ends for c in self.active.values()), default=None)

    async def finish_due(self) -> None:
        now = self.clock.now()
        for call in sorted(self.active.values(), key=lambda c: c.ends):
            if call.ends <= now:
                del self.active[call.call_id]
                await self._finish(call)

    async def _finish(self, call: Placed) -> None:
        spec, sink, behaviour = call.spec, call.sink, call.behaviour
        if behaviour in ("busy", "no_answer", "rejected"):
            reason: Any = behaviour
            result = _dialog_result(spec, [ev.NotConnected(reason=reason, at=call.ends)], call)
            status = {"busy": 486, "no_answer": 408, "rejected": 404}[behaviour]
            await sink.finish(spec.call_id, result, hangup_cause=HangupCause(behaviour),
                              error=f"SIP {status}")
            return
        await sink.call_status(spec.call_id, "in_progress")
        if behaviour == "voicemail":
            result = _dialog_result(spec, [ev.MachineDetected(beep=True)], call)
            await sink.finish(spec.call_id, result, hangup_cause="robot_hangup")
            return
        lines = behaviour.removeprefix("say:").split("|")
        events: list[ev.Event] = [ev.UserSaid(text=line, confidence=0.95) for line in lines]
        result = _dialog_result(spec, events, call)
        await sink.finish(spec.call_id, result, hangup_cause="robot_hangup")


def _dialog_result(spec: CallSpec, events: list[ev.Event], call: Placed) -> DialogResult:
    dialog = Dialog(spec.script, spec.variables, now=call.started)
    dialog.start()
    for event in events:
        if dialog.finished:
            break
        dialog.handle(event)
    if not dialog.finished:
        dialog.handle(ev.HungUp(cause="caller"))
    assert dialog.result is not None
    return dialog.result


async def settle(svc: Any, timeout: float = 20.0) -> None:
    """Until every call the dispatcher created has reached the line (no call queued)."""
    async with asyncio.timeout(timeout):
        while True:
            async with svc.db.sessions() as session:
                queued = await session.scalar(
                    select(func.count()).select_from(Call).where(Call.status == "queued")
                )
            if not queued:
                return
            await asyncio.sleep(0.005)


async def drive(svc: Any, line: ScriptedLine, until: datetime, max_rounds: int = 20_000) -> int:
    """Run the campaigns from event to event (dispatcher wake-ups, calls ending) until
    nothing is left to do or `until`; returns the rounds run."""
    engine = svc.campaigns
    clock = line.clock
    for rounds in range(1, max_rounds + 1):
        wake = await engine.run_once()
        await settle(svc)
        events = [t for t in (wake, line.next_end()) if t is not None]
        if not events:
            async with svc.db.sessions() as session:
                open_leads = await session.scalar(
                    select(func.count())
                    .select_from(CampaignLead)
                    .where(CampaignLead.state.in_(("pending", "calling")))
                )
            if not open_leads:
                return rounds
            events = [clock.now() + timedelta(seconds=svc.settings.campaigns.poll_s)]
        at = min(events)
        if at > until:
            return rounds
        clock.set(at)
        await line.finish_due()
    raise AssertionError("the campaign did not settle")


@dataclass
class OnALine:
    """A service whose calls go to a `ScriptedLine`, with one tenant and its client."""

    api: Api
    svc: Any
    line: ScriptedLine
    client: httpx.AsyncClient
    key: str
    tenant_id: str

    @property
    def clock(self) -> VirtualClock:
        return self.line.clock


@contextlib.asynccontextmanager
async def on_a_line(
    db_url: str,
    tmp_path: Path,
    start: datetime,
    plans: dict[str, list[Behaviour]] | None = None,
    **campaigns: Any,
) -> AsyncIterator[OnALine]:
    """The service on a virtual clock (its dispatcher driven by the test), the callback
    script uploaded; `campaigns` overrides campaign settings."""
    line = ScriptedLine(VirtualClock(start), dict(plans or {}))
    settings = make_settings(db_url, tmp_path, dialer="none")
    settings.campaigns.dispatch = False
    for name, value in campaigns.items():
        setattr(settings.campaigns, name, value)
    app = create_app(settings, runner=line)
    async with app.router.lifespan_context(app):
        api = Api(app)
        svc = api.service
        svc.campaigns.set_clock(line.clock)
        tenant_id, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, CALLBACK_SCRIPT)
            yield OnALine(api, svc, line, client, key, tenant_id)


def max_overlap(spans: list[tuple[datetime, datetime]]) -> int:
    """The most intervals open at one time."""
    edges = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    peak = level = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak
