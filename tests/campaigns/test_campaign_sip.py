"""A real run: 20 leads dialled by the service's SIP dialer through a SIPp trunk on
loopback whose subscribers answer, are busy, never answer, or are a voicemail greeting.
Checks pacing, concurrency, retries per outcome, outcomes, and that every lead's attempt
count is the number of INVITEs the trunk saw for its number."""

from __future__ import annotations

import asyncio
import re
import sys
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
from tests.service.postgres_server import free_port

from .conftest import CALLBACK_SCRIPT, Api, make_settings, upload
from .sip_trunk import write_trunk

sys.path.insert(0, str(Path(__file__).parents[1] / "gateway_sip"))
from sip_sipp import Sipp

pytestmark = pytest.mark.slow

ALL_DAY = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
BEHAVIOUR = {"1": "answers", "2": "busy", "3": "no answer", "4": "voicemail"}
LEADS = [f"+7495777{i:03d}{d}" for d in "1234" for i in range(5)]


def invites(messages: str) -> dict[str, set[str]]:
    """Call-IDs of the INVITEs the trunk received, per dialled number."""
    seen: dict[str, set[str]] = defaultdict(set)
    for block in messages.split("\n\n"):
        number = re.search(r"^INVITE sip:(\+\d+)@", block, re.MULTILINE)
        call_id = re.search(r"^Call-ID:\s*(\S+)", block, re.MULTILINE | re.IGNORECASE)
        if number and call_id:
            seen[number.group(1)].add(call_id.group(1))
    return seen


def max_overlap(spans: list[tuple[datetime, datetime]]) -> int:
    edges = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    peak = level = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


async def test_twenty_leads_through_a_sipp_trunk(tmp_path: Path) -> None:
    scenario = await write_trunk(tmp_path)
    trunk_port, media_port = free_port(), free_port()
    trunk = Sipp(
        str(scenario),
        tmp_path / "sipp",
        port=trunk_port,
        calls=500,
        extra=("-mi", "127.0.0.1", "-mp", str(media_port)),
    )
    trunk.args[trunk.args.index("-timeout") + 1] = "600s"
    speech_settings = SpeechSettings(tts_cache_dir=tmp_path / "tts-cache")

    def speech(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings, asr_engine="whisper")

    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}",
        tmp_path,
        dialer="sip",
        sip_proxy=f"127.0.0.1:{trunk_port}",
    )
    settings.campaigns.poll_s = 0.5
    await trunk.start()
    try:
        await trunk.wait_listening()
        app = create_app(settings, call_speech=speech)
        async with app.router.lifespan_context(app):
            api = Api(app)
            _, key = await api.tenant("acme")
            async with api.client(key) as client:
                await upload(client, CALLBACK_SCRIPT)
                created = await client.post(
                    "/v1/campaigns",
                    json={
                        "name": "sip run",
                        "script_id": "callback_check",
                        "default_region": "RU",
                        "schedule": {"windows": ALL_DAY},
                        "pacing": {"max_concurrent": 4, "calls_per_minute": 60},
                        "retries": {
                            "busy": {"attempts": 2, "after": "2s"},
                            "no_answer": {"attempts": 2, "after": "2s"},
                            "voicemail": {"attempts": 2, "after": "2s"},
                        },
                    },
                )
                assert created.status_code == 201, created.text
                campaign_id = created.json()["id"]
                body = "phone,name,external_id\n" + "".join(
                    f"{phone},Lead {n},x{n}\n" for n, phone in enumerate(LEADS)
                )
                imported = await client.post(
                    f"/v1/campaigns/{campaign_id}/leads",
                    content=body,
                    headers={"content-type": "text/csv"},
                )
                assert imported.json()["accepted"] == 20, imported.text
                await client.post(f"/v1/campaigns/{campaign_id}/start")
                async with asyncio.timeout(400):
                    while (await client.get(f"/v1/campaigns/{campaign_id}")).json()[
                        "status"
                    ] != "finished":
                        await asyncio.sleep(0.5)
                leads = (
                    await client.get(f"/v1/campaigns/{campaign_id}/leads", params={"limit": 100})
                ).json()["items"]
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
    assert by_behaviour["busy"] == [(2, "busy")] * 5
    assert by_behaviour["no answer"] == [(2, "no_answer")] * 5
    assert by_behaviour["voicemail"] == [(2, "voicemail")] * 5
    assert by_behaviour["answers"] == [(1, "hangup")] * 5  # a person, who hung up
    assert sum(len(ids) for ids in seen.values()) == 35

    # Pacing: 60 a minute, so starts at least a second apart; at most 4 calls at once.
    starts = sorted(datetime.fromisoformat(c["timings"]["created_at"]) for c in calls.values())
    assert min(b - a for a, b in pairwise(starts)).total_seconds() >= 0.99
    spans = [
        (
            datetime.fromisoformat(c["timings"]["created_at"]),
            datetime.fromisoformat(c["timings"]["ended_at"]),
        )
        for c in calls.values()
    ]
    assert max_overlap(spans) <= 4
    # Retries waited their 2 s after the attempt before.
    for lead in leads:
        times = [calls[a["call_id"]]["timings"] for a in lead["calls"]]
        for before, after in pairwise(times):
            gap = datetime.fromisoformat(after["created_at"]) - datetime.fromisoformat(
                before["ended_at"]
            )
            assert gap.total_seconds() >= 1.9
