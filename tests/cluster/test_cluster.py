"""Several `voicebot serve` workers on one PostgreSQL behind the shipped Kamailio edge
(`deploy/kamailio/kamailio.cfg`), with SIPp as the callers and as the trunk, on loopback.

- inbound calls spread over the workers, each ends with one result delivered once;
- a campaign's calls spread over the workers, no number is dialled twice;
- kill -9 of a worker under load: its calls end with a result (taken over by the other
  worker), new calls go to the survivor, nothing is lost or delivered twice;
- a rolling restart (SIGTERM, drain, start again) under load drops no call.

Figures (calls lost, duplicates, the time the edge takes to take a dead worker out) are
printed with `-s`; they are measured, never asserted on time."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.campaigns.sip_trunk import campaign, finished_leads, invites, start_trunk
from tests.cluster.line import LOTS, NUMBER, by_caller, kill_under_load, open_line
from tests.cluster.rig import HERE, Cluster, available, caller

pytestmark = [
    pytest.mark.slow,
    pytest.mark.cluster,
    pytest.mark.skipif(not available(), reason="kamailio is not installed (scripts/setup.sh)"),
]
CALLBACK_SCRIPT = (HERE.parent / "campaigns" / "scripts" / "callback_check.en.yaml").read_text()


async def test_forty_inbound_calls_through_the_edge_spread_over_two_workers(
    tmp_path: Path, cluster_db: str
) -> None:
    line = await open_line(tmp_path, cluster_db)
    cluster = line.cluster
    try:
        assert cluster.edge is not None
        sipp = caller(tmp_path / "sipp", cluster.edge, calls=40, rate=10, hold_ms=2000,
                      service=NUMBER)
        await sipp.start()
        assert await sipp.wait(timeout=300) == 0, sipp.report() + cluster.report()
        calls = await line.settled(40)
        await line.check_once_each(calls)
        assert sorted(by_caller(calls)) == sorted(f"caller{n}" for n in range(1, 41))
        spread = Counter(c["worker_id"] for c in calls)
        print(f"\ncalls per worker: {dict(spread)}")
        assert set(spread) == {w.id for w in cluster.workers}
        assert min(spread.values()) >= 10, spread  # round robin: 20 each unless failed over
        health = await cluster.workers[0].health()
        assert health["worker"] == cluster.workers[0].id
        assert {w["id"] for w in health["workers"]} == {w.id for w in cluster.workers}
        assert all(w["alive"] and not w["draining"] for w in health["workers"])
    finally:
        await line.close()


async def test_kill_9_of_a_worker_under_load_loses_no_call_and_doubles_no_result(
    tmp_path: Path, cluster_db: str
) -> None:
    line = await open_line(tmp_path, cluster_db)
    survivor = line.cluster.workers[1]
    try:
        run = await kill_under_load(line, tmp_path / "sipp")
        await line.check_once_each(run.calls)
        print(f"\ncalls lost: {len(run.lost)} of {run.placed}; results delivered twice: "
              f"{run.doubled}; calls ended by the survivor's recovery: {len(run.recovered)} "
              f"(the last {run.taken_over_s:.2f} s after the kill; lease 3 s); call rows: "
              f"{len(run.calls)}; the edge took the dead worker out in "
              f"{run.taken_out_s:.2f} s (OPTIONS every 1 s)")
        assert not run.lost and run.doubled == 0
        assert run.on_victim <= run.recovered  # each ended with a result by the survivor
        assert all(c["worker_id"] == survivor.id for c in run.calls)  # all its calls now
        assert all(c["status"] == "completed" for c in run.after_kill)  # none went to waste
        health = await survivor.health()
        assert [w["id"] for w in health["workers"]] == [survivor.id]
    finally:
        await line.close()


async def test_a_rolling_restart_under_load_drops_no_call(
    tmp_path: Path, cluster_db: str
) -> None:
    line = await open_line(tmp_path, cluster_db)
    cluster = line.cluster
    try:
        assert cluster.edge is not None
        sipp = caller(tmp_path / "sipp", cluster.edge, calls=LOTS, rate=2, hold_ms=4000,
                      service=NUMBER)
        await sipp.start()
        for worker in cluster.workers:
            async with asyncio.timeout(120):  # restart it while it has calls
                while not (active := _active_calls(await worker.health(), worker.id)):
                    await asyncio.sleep(0.1)
            worker.terminate()
            print(f"\nSIGTERM to {worker.name} with {active} calls in progress")
            async with asyncio.timeout(30):
                while (await worker.health())["status"] != "draining":
                    await asyncio.sleep(0.05)
            await worker.exited()
            drained = re.findall(r"drained in [0-9.]+ s", worker.tail())
            assert drained, worker.tail()  # every call finished within the limit
            print(f"{worker.name}: {drained[-1]}")
            worker.launch()
            await worker.ready()
            await cluster.until_active([worker])
        async with asyncio.timeout(120):  # the restarted workers take calls again
            while not all([_active_calls(await w.health(), w.id) for w in cluster.workers]):
                await asyncio.sleep(0.1)
        assert await sipp.stop() == 0, sipp.report() + cluster.report()  # no call failed
        placed = len(invites(sipp.messages())[NUMBER])
        calls = await line.settled(placed)
        await line.check_once_each(calls)
        print(f"calls placed during the rolling restart: {placed}, all completed")
        assert sorted(by_caller(calls)) == sorted(f"caller{n}" for n in range(1, placed + 1))
        assert not await cluster.rows("SELECT call_id FROM call_events WHERE kind = 'recovered'")
    finally:
        await line.close()


def _active_calls(health: dict[str, Any], worker_id: str) -> int:
    return sum(w["active_calls"] for w in health["workers"] if w["id"] == worker_id)


async def test_a_campaigns_calls_spread_over_both_workers(
    tmp_path: Path, cluster_db: str
) -> None:
    trunk = await start_trunk(tmp_path)
    cluster = Cluster(tmp_path, cluster_db, VOICEBOT_DIALER="sip", VOICEBOT_SIP_AMD="false",
                      VOICEBOT_CAMPAIGNS__POLL_S="0.5")
    try:
        await cluster.start(trunk=f"sip:127.0.0.1:{trunk.port}")
        key, _ = cluster.tenant()
        leads = [f"+7495777{i:03d}1" for i in range(12)]  # every one answers
        async with cluster.client(key) as client:
            uploaded = await client.post("/v1/scripts", content=CALLBACK_SCRIPT,
                                         headers={"content-type": "application/yaml"})
            assert uploaded.status_code == 201, uploaded.text
            created = await client.post("/v1/campaigns", json=campaign("spread", 600))
            assert created.status_code == 201, created.text
            campaign_id = created.json()["id"]
            csv = "phone,name\n" + "".join(f"{p},Lead {n}\n" for n, p in enumerate(leads))
            imported = await client.post(f"/v1/campaigns/{campaign_id}/leads", content=csv,
                                         headers={"content-type": "text/csv"})
            assert imported.json()["accepted"] == 12, imported.text
            started = await client.post(f"/v1/campaigns/{campaign_id}/start")
            assert started.status_code == 200, started.text
            done = await finished_leads(client, campaign_id, timeout=300)
        assert all(lead["state"] == "done" for lead in done), done
        dialled = invites(trunk.messages())
        assert sorted(dialled) == sorted(leads)
        assert all(len(ids) == 1 for ids in dialled.values()), dialled  # none twice
        calls = await cluster.rows("SELECT worker_id FROM calls")
        spread = Counter(c["worker_id"] for c in calls)
        print(f"\ncampaign calls per worker: {dict(spread)}")
        assert len(calls) == 12 and set(spread) == {w.id for w in cluster.workers}, spread
    finally:
        await trunk.kill()
        await cluster.close()
