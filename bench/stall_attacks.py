"""Stall attacks (issue 12, section 3): /healthz p50 idle and while each attack runs, and the
peak memory of the server during the 900 KB variable attack (section 4).

Run: .venv/bin/python bench/stall_attacks.py [--tree PATH] [--probes 40] [--window 8]

Each attack gets a fresh `voicebot serve` on loopback (SQLite in a temp folder), so one
attack's leftovers (a loop that never ends, memory) do not colour the next. Idle is measured
on that same server just before the attack; "during" probes /healthz back to back while the
attack request is sent again and again (one in flight) for `--window` seconds or `--probes`
answers, a probe that started always being waited for, so a stalled loop shows as a slow
probe. `--tree` serves another checkout (for example the code before the fix, from
`git archive`), which gives the "before" column. The machine's other load shows in the
figures: compare the columns of one run, not runs on different machines.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.security.bounds.stall_kit import (  # noqa: E402
    Attack,
    ServeProcess,
    during_attack,
    healthz_latencies,
    ordinary_request,
    peak_memory_during,
    stall_attacks,
    variable_attack,
)


async def one_attack(attack: Attack, args: argparse.Namespace) -> tuple[float, float, str]:
    server = ServeProcess(Path(tempfile.mkdtemp(prefix="vb-stall-")), tree=args.tree,
                          memory_limit_mb=args.memory_limit)
    try:
        await server.start()
        async with server.client() as client:
            idle = statistics.median(await healthz_latencies(client, args.probes))
            during = await during_attack(client, attack, probes=args.probes,
                                         window_s=args.window,
                                         attack_timeout_s=args.attack_timeout,
                                         probe_timeout_s=args.attack_timeout)
    finally:
        server.stop()
    if during.unfinished:
        outcome = f"no answer in {args.attack_timeout:g} s (or the server died)"
    else:
        codes = sorted(set(during.statuses))
        outcome = (f"{len(during.statuses)} requests, status {'/'.join(map(str, codes))}, "
                   f"median {statistics.median(during.attack_seconds) * 1000:.0f} ms")
    return idle, during.p50, outcome


async def variable_memory(
    args: argparse.Namespace,
) -> tuple[tuple[float, float], tuple[float, float], str]:
    """Prompts are pre-rendered and the simulated call speaks them, as in production."""
    server = ServeProcess(Path(tempfile.mkdtemp(prefix="vb-rss-")), tree=args.tree,
                          prerender=True, memory_limit_mb=args.rss_memory_limit)
    status: list[int] = []
    try:
        await server.start()
        async with server.client() as client:

            async def attack() -> None:
                status.append((await variable_attack().send(client)).status_code)

            before, peak = await peak_memory_during(server, attack, settle_s=args.settle)
    finally:
        server.stop()
    return before, peak, f"status {status[0] if status else '-'}"


async def main(args: argparse.Namespace) -> None:
    print(f"tree: {args.tree or ROOT}")
    rows = []
    chosen = [a for a in stall_attacks() if not args.only or args.only.lower() in a.name.lower()]
    for attack in [] if args.memory_only else [ordinary_request(), *chosen]:
        idle, during, outcome = await one_attack(attack, args)
        rows.append((attack.name, idle, during, outcome))
        stalled = ">=" if during >= args.attack_timeout else "  "
        print(f"  {attack.name:28s} idle {idle * 1000:7.1f} ms  during {stalled}"
              f"{during * 1000:9.1f} ms  ({during / idle:7.1f}x)  {outcome}", flush=True)
    if args.only:
        return
    before, peak, outcome = await variable_memory(args)
    print(f"\n900 KB lead_name on POST /v1/calls ({outcome}): server RSS {before[0]:.0f} MB "
          f"before, peak {peak[0]:.0f} MB; with its workers and TTS processes (PSS) "
          f"{before[1]:.0f} MB before, peak {peak[1]:.0f} MB")
    if not rows:
        return
    baseline = rows[0][2] / rows[0][1]
    worst = max(rows[1:], key=lambda row: row[2] / row[1])
    print(f"\n/healthz p50 during the worst attack ({worst[0]}): {worst[2] * 1000:.1f} ms, "
          f"{worst[2] / worst[1]:.1f}x idle ({worst[1] * 1000:.1f} ms); ordinary requests "
          f"back to back: {baseline:.1f}x idle")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=None,
                        help="serve this checkout instead of this one (PYTHONPATH)")
    parser.add_argument("--probes", type=int, default=40)
    parser.add_argument("--window", type=float, default=8.0)
    parser.add_argument("--attack-timeout", type=float, default=40.0)
    parser.add_argument("--settle", type=float, default=15.0,
                        help="seconds to keep sampling memory after the attack's answer")
    parser.add_argument("--only", default="", help="only the attacks whose name has this")
    parser.add_argument("--memory-only", action="store_true",
                        help="only the 900 KB variable's memory figure")
    parser.add_argument("--memory-limit", type=int, default=4096,
                        help="MB of address space for each stall-attack server")
    parser.add_argument("--rss-memory-limit", type=int, default=8192,
                        help="MB of address space for the server of the variable attack")
    asyncio.run(main(parser.parse_args()))
