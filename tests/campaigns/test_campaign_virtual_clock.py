"""A three-day campaign on a virtual clock, through the service's own dispatcher, call path,
sink and storage (real SQLite and PostgreSQL): windows in each lead's zone, a skip date,
pacing, retries per outcome, a callback at the time the lead named, do-not-call."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot_engine.campaigns.clock import VirtualClock
from bot_engine.service.app import create_app
from bot_engine.storage.campaign_models import CampaignAttempt, CampaignLead, DncEntry
from bot_engine.storage.models import Call

from .conftest import CALLBACK_SCRIPT, Api, make_settings, upload
from .line import ScriptedLine, drive, max_overlap, on_a_line, settle

MSK = ZoneInfo("Europe/Moscow")
START = datetime(2026, 12, 3, 0, 0, tzinfo=MSK)  # a Thursday
END = datetime(2026, 12, 6, 0, 0, tzinfo=MSK)
SKIP = date(2026, 12, 4)
WINDOWS = {d: [["09:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
WINDOWS["sat"] = [["10:00", "20:00"]]
CAMPAIGN: dict[str, Any] = {
    "name": "december leads",
    "script_id": "callback_check",
    "default_region": "RU",
    "default_timezone": "Europe/Moscow",
    "schedule": {
        "windows": WINDOWS,
        "skip_dates": [SKIP.isoformat()],
        "start": START.isoformat(),
        "end": END.isoformat(),
    },
    "pacing": {"max_concurrent": 3, "calls_per_minute": 6},
    "retries": {
        "no_answer": {"attempts": 3, "after": "2h"},
        "busy": {"attempts": 3, "after": "20m"},
        "voicemail": {"attempts": 2, "after": "4h"},
        "callback": {"at": "callback_at", "attempts": 2, "after": "2h"},
    },
    "variables": {"product": "a kitchen"},
}
LEADS = """phone,name,external_id,timezone,region
+74957770001,Ann,L1,,
+7 495 777-00-02,Boris,L2,,
84957770003,Clara,L3,,
+74957770004,Dan,L4,,
+74957770005,Eve,L5,,
+74232000001,Fyodor,L6,,
+74012000001,Galina,L7,,
+79161234567,Hanna,L8,,
+79161234568,Igor,L9,Asia/Yekaterinburg,
+79161234569,Jana,L10,,RU-KAM
+74957770011,Kirill,L11,,
+74957770012,Lev,L12,,
12345,Bad,B1,,
+74957770013,,B2,,
+74957770001,Dup,B3,,
+74957770014,Mars,B4,Mars/Base,
+74957770015,Atlantis,B5,,Atlantis
"""
PLANS = {
    "+74957770001": ["say:yes"],
    "+74957770002": ["busy", "busy", "say:yes"],
    "+74957770003": ["no_answer"],
    "+74957770004": ["voicemail"],
    "+74957770005": ["say:no|tomorrow at 11 am", "say:yes"],
    "+74957770011": ["say:stop calling me"],
}


def allowed(at: datetime, zones: list[str]) -> bool:
    """The window rule written out plainly, to check the engine against."""
    for zone in zones:
        local = at.astimezone(ZoneInfo(zone))
        if local.date() == SKIP:
            return False
        day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()]
        minutes = local.hour * 60 + local.minute + local.second / 60
        spans = [
            (int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:]))
            for a, b in WINDOWS.get(day, [])
        ]
        if not any(begin <= minutes < end for begin, end in spans):
            return False
    return START <= at < END


async def test_a_three_day_campaign_on_a_virtual_clock(db_url: str, tmp_path: Path) -> None:
    async with on_a_line(db_url, tmp_path, START - timedelta(hours=1), PLANS) as on:
        svc, line, client = on.svc, on.line, on.client
        listed = await client.post(
            "/v1/dnc", json={"phone": "+74957770012", "reason": "asked by phone"}
        )
        assert listed.status_code == 201, listed.text
        created = await client.post("/v1/campaigns", json=CAMPAIGN)
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "draft"
        campaign_id = created.json()["id"]
        imported = await client.post(
            f"/v1/campaigns/{campaign_id}/leads",
            content=LEADS,
            headers={"content-type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
        body = imported.json()
        assert body["accepted"] == 12
        errors = {r["row"]: r["error"] for r in body["rejected"]}
        assert errors[14] == "phone: not a valid number for its country"
        assert "name" in errors[15] and "missing required" in errors[15]
        assert errors[16].startswith("phone: duplicate")
        assert errors[17].startswith("timezone: unknown time zone 'Mars/Base'")
        assert errors[18].startswith("region: unknown region 'Atlantis'")
        assert set(errors) == {14, 15, 16, 17, 18}
        started = await client.post(f"/v1/campaigns/{campaign_id}/start")
        assert started.json()["status"] == "running"

        await drive(svc, line, END + timedelta(days=1))

        got = (await client.get(f"/v1/campaigns/{campaign_id}")).json()
        assert got["status"] == "finished"
        assert got["counts"]["states"]["done"] == 11
        assert got["counts"]["states"]["skipped_dnc"] == 1
        leads = {
            lead["external_id"]: lead
            for lead in (
                await client.get(f"/v1/campaigns/{campaign_id}/leads", params={"limit": 100})
            ).json()["items"]
        }

        # Outcomes and attempt counts per lead.
        expect = {
            "L1": ("qualified", 1),
            "L2": ("qualified", 3),
            "L3": ("no_answer", 3),
            "L4": ("voicemail", 2),
            "L5": ("qualified", 2),
            "L6": ("qualified", 1),
            "L7": ("qualified", 1),
            "L8": ("qualified", 1),
            "L9": ("qualified", 1),
            "L10": ("qualified", 1),
            "L11": ("opted_out", 1),
            "L12": (None, 0),
        }
        assert {k: (v["outcome"], v["attempts"]) for k, v in leads.items()} == expect
        assert leads["L3"]["phone"] == "+74957770003"  # 8-495… read as a Russian number
        assert leads["L12"]["state"] == "skipped_dnc"

        # Every call inside the window in every zone of its lead, never on the skip date.
        starts: list[datetime] = []
        for lead in leads.values():
            for call in lead["calls"]:
                at = datetime.fromisoformat(call["started_at"])
                assert allowed(at, lead["zones"]), (lead["external_id"], at, lead["zones"])
                starts.append(at)
        assert len(starts) == sum(n for _, n in expect.values()) == len(line.placed)

        # Pacing: 6 a minute, evenly spaced; never more than 3 at once.
        starts.sort()
        assert min(b - a for a, b in pairwise(starts)) >= timedelta(seconds=10)
        assert line.peak <= 3

        def when(ext: str, n: int = 0) -> datetime:
            return datetime.fromisoformat(leads[ext]["calls"][n]["started_at"])

        def gaps(ext: str) -> list[timedelta]:
            times = [datetime.fromisoformat(c["started_at"]) for c in leads[ext]["calls"]]
            return [b - a for a, b in pairwise(times)]

        assert all(gap >= timedelta(minutes=20) for gap in gaps("L2"))
        assert all(gap >= timedelta(hours=2) for gap in gaps("L3"))
        assert all(gap >= timedelta(hours=4) for gap in gaps("L4"))
        # Eve asked for "tomorrow at 11": Friday is a skip date, so the next opening.
        assert (
            datetime(2026, 12, 5, 10, 0, tzinfo=MSK)
            <= when("L5", 1)
            < datetime(2026, 12, 5, 10, 5, tzinfo=MSK)
        )
        # Zones: Vladivostok at its 09:00, Kaliningrad at its 09:00, a mobile number
        # (any of 14 zones) only in 10:00-12:00 Moscow time, a timezone column, a region.
        assert when("L6").astimezone(ZoneInfo("Asia/Vladivostok")).hour == 9
        assert leads["L7"]["zones"] == ["Europe/Kaliningrad"]
        assert when("L7").astimezone(ZoneInfo("Europe/Kaliningrad")).hour == 9
        assert leads["L8"]["zone_source"] == "phonenumbers" and len(leads["L8"]["zones"]) > 10
        assert 10 <= when("L8").astimezone(MSK).hour < 12
        assert leads["L9"]["zones"] == ["Asia/Yekaterinburg"]
        assert when("L9").astimezone(ZoneInfo("Asia/Yekaterinburg")).hour == 9
        assert leads["L10"]["zones"] == ["Asia/Kamchatka"]
        assert when("L10") < START + timedelta(minutes=5)

        # The opted-out lead is on the do-not-call list with its call as evidence, a
        # single call to it is refused, and another campaign skips it.
        check = (await client.get("/v1/dnc/+74957770011")).json()
        assert check["listed"] and check["entry"]["source"] == "opt_out"
        assert check["entry"]["call_id"] == leads["L11"]["calls"][0]["call_id"]
        refused = await client.post(
            "/v1/calls",
            json={
                "to": "+74957770011",
                "script_id": "callback_check",
                "variables": {"name": "Kirill"},
            },
        )
        assert refused.status_code == 409 and "do-not-call" in refused.json()["message"]
        second = (await client.post("/v1/campaigns", json=CAMPAIGN)).json()["id"]
        again = await client.post(
            f"/v1/campaigns/{second}/leads", json=[{"phone": "+74957770011", "name": "Kirill"}]
        )
        assert again.json()["accepted"] == 1
        [skipped] = (await client.get(f"/v1/campaigns/{second}/leads")).json()["items"]
        assert skipped["state"] == "skipped_dnc"

        # Each call's result document names its campaign, lead and attempt.
        async with svc.db.sessions() as session:
            attempt = await session.scalar(
                select(CampaignAttempt).where(CampaignAttempt.attempt == 3)
            )
            call = await session.get(Call, attempt.call_id)
            lead = await session.get(CampaignLead, attempt.lead_id)
            doc = await svc.documents.document(session, call)
            entries = list(await session.scalars(select(DncEntry)))
        assert doc.campaign is not None and doc.campaign.id == campaign_id
        assert doc.campaign.lead.external_id == lead.external_id
        assert doc.campaign.attempt == 3
        assert sorted(e.source for e in entries) == ["api", "opt_out"]


async def _one_campaign(client: Any, leads: int, **extra: Any) -> str:
    if not (await client.get("/v1/scripts")).json():
        await upload(client, CALLBACK_SCRIPT)
    body = {**CAMPAIGN, "schedule": {"windows": WINDOWS, "start": START.isoformat()}, **extra}
    campaign_id: str = (await client.post("/v1/campaigns", json=body)).json()["id"]
    await client.post(
        f"/v1/campaigns/{campaign_id}/leads",
        json=[
            {"phone": f"+7495777{n:04d}", "name": f"N{n}", "external_id": f"L{n}"}
            for n in range(leads)
        ],
    )
    await client.post(f"/v1/campaigns/{campaign_id}/start")
    return campaign_id


async def test_a_restart_after_the_window_closed_calls_no_one(db_url: str, tmp_path: Path) -> None:
    """Leads that fell due while the service was down are checked against the window when
    it comes back: after 21:00 they wait for tomorrow's 09:00."""
    late = datetime(2026, 12, 3, 20, 59, 30, tzinfo=MSK)
    async with on_a_line(db_url, tmp_path, late) as on:
        campaign_id = await _one_campaign(on.client, 3)
        on.clock.set(datetime(2026, 12, 3, 21, 5, tzinfo=MSK))  # "down" over the close
        await on.svc.campaigns.run_once()
        leads = (await on.client.get(f"/v1/campaigns/{campaign_id}/leads")).json()["items"]
        assert on.line.placed == []
    assert {lead["next_at"] for lead in leads} == {"2026-12-04T06:00:00Z"}  # 09:00 MSK


async def test_calls_committed_but_never_dialled_are_taken_back_after_a_crash(
    db_url: str, tmp_path: Path
) -> None:
    """The process dies between committing a lead's call and dialling it: at start-up the
    call is cancelled and the lead is due again with its attempt not counted, so each
    lead is still called exactly once."""
    clock = VirtualClock(START + timedelta(hours=10))
    settings = make_settings(db_url, tmp_path, dialer="none")  # calls stay queued: a crash
    settings.campaigns.dispatch = False
    first = create_app(settings)
    async with first.router.lifespan_context(first):
        api = Api(first)
        first.state.service.campaigns.set_clock(clock)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            campaign_id = await _one_campaign(
                client, 4, pacing={"max_concurrent": 4, "calls_per_minute": 600}
            )
            await first.state.service.campaigns.run_once()
            counts = (await client.get(f"/v1/campaigns/{campaign_id}")).json()["counts"]
            assert counts["states"]["calling"] == 4 and counts["calls"] == 4
    line = ScriptedLine(clock)
    # the clock from start-up on: the calls are taken back at start-up, stamped by it
    second = create_app(settings, runner=line, clock=clock)
    async with second.router.lifespan_context(second):
        svc = second.state.service
        async with Api(second).client(key) as client:
            got = (await client.get(f"/v1/campaigns/{campaign_id}")).json()["counts"]
            assert got["states"]["pending"] == 4 and got["calls"] == 0
            await drive(svc, line, clock.now() + timedelta(days=1))
            leads = (await client.get(f"/v1/campaigns/{campaign_id}/leads")).json()["items"]
            cancelled = (await client.get("/v1/calls", params={"status": "cancelled"})).json()
    assert sorted(call.to for call in line.placed) == sorted(lead["phone"] for lead in leads)
    assert [(lead["state"], lead["attempts"]) for lead in leads] == [("done", 1)] * 4
    assert all(lead["calls"][0]["attempt"] == 1 for lead in leads)
    assert len(cancelled) == 4


async def test_two_workers_on_one_database_never_call_a_lead_twice(
    db_url: str, tmp_path: Path
) -> None:
    """Two services dispatch the same campaigns at the same time (claims: FOR UPDATE SKIP
    LOCKED on PostgreSQL, the single writer on SQLite): every lead is called once, and a
    campaign's concurrency holds across both."""
    clock = VirtualClock(START + timedelta(hours=10))
    lines = [ScriptedLine(clock), ScriptedLine(clock)]
    apps = []
    for n, line in enumerate(lines):
        settings = make_settings(db_url, tmp_path / f"w{n}", dialer="none")
        settings.campaigns.dispatch = False
        settings.campaigns.tenant_max_calls = 1000
        apps.append(create_app(settings, runner=line))
    async with apps[0].router.lifespan_context(apps[0]), apps[1].router.lifespan_context(apps[1]):
        services = [app.state.service for app in apps]
        for svc in services:
            svc.campaigns.set_clock(clock)
        _, key = await Api(apps[0]).tenant("acme")
        async with Api(apps[0]).client(key) as client:
            campaigns = [
                await _one_campaign(
                    client, 60, pacing={"max_concurrent": 7, "calls_per_minute": 6000}
                )
                for _ in range(3)
            ]
        for _ in range(200):
            await asyncio.gather(*(svc.campaigns.run_once() for svc in services))
            await settle(services[0])
            ends = [t for t in (line.next_end() for line in lines) if t is not None]
            if not ends:
                break
            clock.set(min(ends))
            for line in lines:
                await line.finish_due()
        async with services[0].db.sessions() as session:
            attempts = list(await session.scalars(select(CampaignAttempt)))
    placed = [call for line in lines for call in line.placed]
    assert len(placed) == 180 == len({(c.spec.call_id) for c in placed})
    assert len({(a.campaign_id, a.lead_id) for a in attempts}) == 180 == len(attempts)
    for campaign_id in campaigns:
        spans = [
            (c.started, c.ends)
            for c in placed
            if any(a.call_id == c.call_id and a.campaign_id == campaign_id for a in attempts)
        ]
        assert max_overlap(spans) <= 7
