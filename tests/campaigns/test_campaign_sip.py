"""A real run: leads dialled by the service's SIP dialer through a SIPp trunk on loopback
whose subscribers answer, are busy, never answer, or are a voicemail greeting. Checks
pacing, concurrency, retries per outcome, outcomes, and that every lead's attempt count is
the number of INVITEs the trunk saw for its number.

Two leads of each behaviour (14 calls, paced a second apart): each check holds per call or
per pair of calls, and the first round alone fills the 4-call ceiling, so the 20 leads (35
calls, 35 s of pacing) this ran with before proved nothing more; the kill -9 test
(test_campaign_crash.py) still runs 20 through the trunk."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from asr_tts.settings import SpeechSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.script.model import Script
from bot_engine.service.app import create_app

from .conftest import CALLBACK_SCRIPT, Api, make_settings, upload
from .line import max_overlap
from .sip_trunk import BEHAVIOUR, campaign, finished_leads, invites, leads_csv, start_trunk

pytestmark = pytest.mark.slow
EACH = 2
"""Leads of each behaviour."""


async def test_leads_of_every_behaviour_through_a_sipp_trunk(tmp_path: Path) -> None:
    speech_settings = SpeechSettings(tts_cache_dir=tmp_path / "tts-cache")

    def speech(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings, asr_engine="whisper")

    trunk = await start_trunk(tmp_path)
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}",
        tmp_path,
        dialer="sip",
        sip_proxy=f"127.0.0.1:{trunk.port}",
    )
    settings.campaigns.poll_s = 0.5
    try:
        app = create_app(settings, call_speech=speech)
        async with app.router.lifespan_context(app):
            api = Api(app)
            _, key = await api.tenant("acme")
            async with api.client(key) as client:
                await upload(client, CALLBACK_SCRIPT)
                created = await client.post("/v1/campaigns", json=campaign("sip run", 60))
                assert created.status_code == 201, created.text
                campaign_id = created.json()["id"]
                imported = await client.post(
                    f"/v1/campaigns/{campaign_id}/leads",
                    content=leads_csv(EACH),
                    headers={"content-type": "text/csv"},
                )
                assert imported.json()["accepted"] == 4 * EACH, imported.text
                await client.post(f"/v1/campaigns/{campaign_id}/start")
                leads = await finished_leads(client, campaign_id)
                calls: dict[str, Any] = {}
                for lead in leads:
                    for attempt in lead["calls"]:
                        calls[attempt["call_id"]] = (
                            await client.get(f"/v1/calls/{attempt['call_id']}")
                        ).json()
    finally:
        await trunk.kill()

    seen = invites(trunk.messages())
    by_behaviour: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for lead in leads:
        assert lead["state"] == "done", lead
        assert lead["attempts"] == len(seen[lead["phone"]]), (lead, seen[lead["phone"]])
        by_behaviour[BEHAVIOUR[lead["phone"][-1]]].append((lead["attempts"], lead["outcome"]))
    assert by_behaviour["busy"] == [(2, "busy")] * EACH
    assert by_behaviour["no answer"] == [(2, "no_answer")] * EACH
    assert by_behaviour["voicemail"] == [(2, "voicemail")] * EACH
    assert by_behaviour["answers"] == [(1, "hangup")] * EACH  # a person, who hung up
    assert sum(len(ids) for ids in seen.values()) == 7 * EACH

    # Pacing: 60 a minute, so rounds started calls at least a second apart; and at most 4
    # calls were up at once (a call is created only after another one's end committed).
    def at(call: dict[str, Any], name: str) -> datetime:
        return datetime.fromisoformat(call["timings"][name])

    paced = sorted(datetime.fromisoformat(c["started_at"]) for x in leads for c in x["calls"])
    assert min(b - a for a, b in pairwise(paced)).total_seconds() >= 1.0
    assert max_overlap([(at(c, "created_at"), at(c, "ended_at")) for c in calls.values()]) <= 4
    # Retries waited their 2 s after the attempt before.
    for lead in leads:
        tried = [calls[a["call_id"]] for a in lead["calls"]]
        for before, after in pairwise(tried):
            assert (at(after, "created_at") - at(before, "ended_at")).total_seconds() >= 1.9
