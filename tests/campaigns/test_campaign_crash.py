"""kill -9 in the middle of a campaign, then a restart: every lead ends in exactly one
final state, and its attempt count is exactly the number of calls the trunk saw for it
(an interrupted call counts; a call that never left the service does not)."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
import pytest

from tests.service.postgres_server import free_port
from tests.service.serve_process import _start, create_tenant

from .conftest import CALLBACK_SCRIPT
from .sip_trunk import BEHAVIOUR, campaign, finished_leads, invites, leads_csv, start_trunk

pytestmark = pytest.mark.slow
EXPECTED = {
    "answers": {"hangup"},
    "busy": {"busy"},
    "no answer": {"no_answer"},
    "voicemail": {"voicemail"},
}


async def test_kill_9_mid_campaign_then_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trunk = await start_trunk(tmp_path)
    port = free_port()
    for name, value in {
        "VOICEBOT_DIALER": "sip",
        "VOICEBOT_ASR_ENGINE": "whisper",
        "VOICEBOT_SIP_PROXY": f"127.0.0.1:{trunk.port}",
        "VOICEBOT_CAMPAIGNS__POLL_S": "0.5",
    }.items():
        monkeypatch.setenv(name, value)
    data_dir = tmp_path / "data"
    key, _ = create_tenant(data_dir)
    log = tmp_path / "serve.log"
    proc = await _start(data_dir, port, log)
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            timeout=30,
            headers={"authorization": f"Bearer {key}"},
        ) as client:
            uploaded = await client.post(
                "/v1/scripts", content=CALLBACK_SCRIPT, headers={"content-type": "application/yaml"}
            )
            assert uploaded.status_code == 201
            retry = {"attempts": 3, "after": "2s"}
            created = await client.post("/v1/campaigns", json=campaign("crash", 120, failed=retry))
            campaign_id = created.json()["id"]
            await client.post(
                f"/v1/campaigns/{campaign_id}/leads",
                content=leads_csv(),
                headers={"content-type": "text/csv"},
            )
            await client.post(f"/v1/campaigns/{campaign_id}/start")

            async def midway() -> dict:  # type: ignore[type-arg]
                while True:
                    counts = (await client.get(f"/v1/campaigns/{campaign_id}")).json()["counts"]
                    if counts["calls"] >= 10 and counts["states"]["calling"] >= 2:
                        return counts
                    await asyncio.sleep(0.1)

            async with asyncio.timeout(120):
                before = await midway()
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            assert before["states"]["done"] < 20

            proc = await _start(data_dir, port, log)
            leads = await finished_leads(client, campaign_id)
            cut = [
                c["call_id"] for lead in leads for c in lead["calls"] if c["outcome"] == "failed"
            ]
            causes = {
                (await client.get(f"/v1/calls/{call_id}")).json()["hangup_cause"] for call_id in cut
            }
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        await trunk.kill()

    seen = invites(trunk.messages())
    for lead in leads:
        assert lead["state"] == "done", lead
        dialled = len(seen[lead["phone"]])
        assert lead["attempts"] == dialled, (lead["phone"], lead["attempts"], dialled)
        assert lead["attempts"] == len(lead["calls"])
        assert lead["outcome"] in EXPECTED[BEHAVIOUR[lead["phone"][-1]]], lead
        assert [c["attempt"] for c in lead["calls"]] == list(range(1, lead["attempts"] + 1))
    # The calls cut by the kill ended as `failed` at the restart and were tried again.
    assert cut and causes == {"system_failure"}
