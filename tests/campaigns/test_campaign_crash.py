"""kill -9 in the middle of a campaign, then a restart: every lead ends in exactly one
final state, and its attempt count is exactly the number of calls the trunk saw for it
(an interrupted call counts; a call that never left the service does not)."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import httpx
import pytest

from tests.service.postgres_server import free_port
from tests.service.serve_process import _start, create_tenant

from .conftest import CALLBACK_SCRIPT
from .sip_trunk import write_trunk
from .test_campaign_sip import ALL_DAY, BEHAVIOUR, LEADS, invites

sys.path.insert(0, str(Path(__file__).parents[1] / "gateway_sip"))
from sip_sipp import Sipp

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
    scenario = await write_trunk(tmp_path)
    trunk_port, media_port, port = free_port(), free_port(), free_port()
    trunk = Sipp(
        str(scenario),
        tmp_path / "sipp",
        port=trunk_port,
        calls=500,
        extra=("-mi", "127.0.0.1", "-mp", str(media_port)),
    )
    trunk.args[trunk.args.index("-timeout") + 1] = "600s"
    for name, value in {
        "VOICEBOT_DIALER": "sip",
        "VOICEBOT_ASR_ENGINE": "whisper",
        "VOICEBOT_SIP_PROXY": f"127.0.0.1:{trunk_port}",
        "VOICEBOT_CAMPAIGNS__POLL_S": "0.5",
    }.items():
        monkeypatch.setenv(name, value)
    data_dir = tmp_path / "data"
    key, _ = create_tenant(data_dir)
    log = tmp_path / "serve.log"
    await trunk.start()
    await trunk.wait_listening()
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
            campaign_id = (
                await client.post(
                    "/v1/campaigns",
                    json={
                        "name": "crash",
                        "script_id": "callback_check",
                        "default_region": "RU",
                        "schedule": {"windows": ALL_DAY},
                        "pacing": {"max_concurrent": 4, "calls_per_minute": 120},
                        "retries": {
                            "busy": {"attempts": 2, "after": "2s"},
                            "no_answer": {"attempts": 2, "after": "2s"},
                            "voicemail": {"attempts": 2, "after": "2s"},
                            "failed": {"attempts": 3, "after": "2s"},
                        },
                    },
                )
            ).json()["id"]
            body = "phone,name\n" + "".join(f"{phone},Lead {n}\n" for n, phone in enumerate(LEADS))
            await client.post(
                f"/v1/campaigns/{campaign_id}/leads",
                content=body,
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
            async with asyncio.timeout(400):
                while (await client.get(f"/v1/campaigns/{campaign_id}")).json()[
                    "status"
                ] != "finished":
                    await asyncio.sleep(0.5)
            leads = (
                await client.get(f"/v1/campaigns/{campaign_id}/leads", params={"limit": 100})
            ).json()["items"]
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
