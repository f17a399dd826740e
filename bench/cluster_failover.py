"""Failover of a cluster: two `voicebot serve` workers on PostgreSQL behind the Kamailio edge
(`deploy/kamailio/kamailio.cfg`), SIPp calling through the edge (3 calls a second, 6 s
each), kill -9 of one worker in the middle of its calls.

Run: .venv/bin/python bench/cluster_failover.py [--runs 3] [--ping 2] [--lease 10]

Per run: calls placed, calls lost (a SIPp call with no call in the database), results
delivered twice, the calls the survivor ended by crash recovery, the time until the edge
marked the dead worker inactive (its OPTIONS probes, every `--ping` seconds, as shipped),
and until the survivor had ended the dead worker's last call (`--lease`: the workers'
`worker_lease_s`, 10 s by default). Then the medians; the last line is
`edge_takeout_s_p50: X`. The machine's other load shows in the times: compare runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "gateway_sip"))  # its helpers import each other

from tests.cluster.line import Failover, kill_under_load, open_line  # noqa: E402
from tests.service.postgres_server import PostgresServer  # noqa: E402


async def one_run(pg: PostgresServer, folder: Path, ping_s: int, lease_s: float) -> Failover:
    db_url = await pg.create_database("bench_" + uuid.uuid4().hex[:12])
    line = await open_line(folder, db_url, ping_s=ping_s,
                           VOICEBOT_WORKER_LEASE_S=str(lease_s),
                           VOICEBOT_WORKER_HEARTBEAT_S=str(max(0.2, lease_s / 5)))
    try:
        return await kill_under_load(line, folder / "sipp")
    finally:
        await line.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ping", type=int, default=2, help="the edge's OPTIONS interval, s")
    parser.add_argument("--lease", type=float, default=10.0, help="worker_lease_s")
    args = parser.parse_args()
    pg = PostgresServer()
    pg.start()
    runs: list[Failover] = []
    try:
        for n in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="voicebot-failover-") as folder:
                run = await one_run(pg, Path(folder), args.ping, args.lease)
            runs.append(run)
            print(f"run {n + 1}: placed {run.placed}, lost {len(run.lost)}, delivered twice "
                  f"{run.doubled}, ended by recovery {len(run.recovered)}, edge took it out "
                  f"in {run.taken_out_s:.2f} s, its calls ended {run.taken_over_s:.2f} s "
                  "after the kill", flush=True)
    finally:
        pg.stop()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"calls_lost_total: {sum(len(r.lost) for r in runs)}")
    print(f"results_delivered_twice_total: {sum(r.doubled for r in runs)}")
    print(f"takeover_s_p50: {statistics.median(r.taken_over_s for r in runs):.2f} "
          f"(lease {args.lease} s)")
    print(f"edge_takeout_s_p50: {statistics.median(r.taken_out_s for r in runs):.2f} "
          f"(OPTIONS every {args.ping} s)")


if __name__ == "__main__":
    asyncio.run(main())
