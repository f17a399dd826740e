"""RTP layer capacity: N calls' media on one shared MediaClock, without SIP.

Two processes on loopback, as in production: the "robot" opens N RtpSessions, plays a
prompt on each and reads every inbound frame (as a call session would); the "caller"
process opens N sessions that stream a tone back. After a warm-up, the robot measures for
a fixed window: per-packet send lateness against the 20 ms schedule (p50/p99), packets
lost or late in both directions, CPU use of the robot process and RSS per session.

    .venv/bin/python bench/rtp_media_clock.py --calls 200 --window 10
    .venv/bin/python bench/rtp_media_clock.py --ramp 100,200,300,400 --realtime

Figures depend on what else runs on the machine: run it on an idle one, or pass
`--realtime` (root) so the robot is not preempted by unrelated busy processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import time
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from media_gateway.rtp.clock import shared_clock
from media_gateway.rtp.session import RtpSession


def _tone(freq: float, seconds: float) -> bytes:
    t = np.arange(int(8000 * seconds)) / 8000
    return (np.sin(2 * np.pi * freq * t) * 8000).astype("<i2").tobytes()


def _rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


async def _consume(session: RtpSession) -> None:
    async for _ in session.events():
        pass


async def _run_side(
    pipe: Connection, calls: int, freq: float, warmup: float, window: float
) -> dict[str, Any]:
    rss_before = _rss()
    shared_clock()  # created before the baseline counts
    sessions = [await RtpSession.open() for _ in range(calls)]
    pipe.send([s.local_port for s in sessions])
    remote_ports: list[int] = await asyncio.to_thread(pipe.recv)
    prompt = _tone(freq, warmup + window + 5)  # one buffer shared by all, as cached TTS is
    for session, port in zip(sessions, remote_ports, strict=True):
        session.configure(("127.0.0.1", port), codec="PCMU", payload_type=0)
        session.play(prompt)
    readers = [asyncio.create_task(_consume(s)) for s in sessions]
    await asyncio.sleep(warmup)
    clock = shared_clock()
    clock.reset_measurements()
    cpu0, wall0 = time.process_time(), time.monotonic()
    before = [s.stats() for s in sessions]
    await asyncio.sleep(window)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    after = [s.stats() for s in sessions]
    lateness = np.concatenate(
        [np.array(s.send_lateness_ms[-min(len(s.send_lateness_ms), 3000) :]) for s in after]
    )
    rss_per_session = (_rss() - rss_before) / calls
    for session in sessions:
        await session.close()
    await asyncio.gather(*readers)
    return {
        "p50_ms": float(np.percentile(lateness, 50)),
        "p99_ms": float(np.percentile(lateness, 99)),
        "sent": sum(a.packets_sent - b.packets_sent for a, b in zip(after, before, strict=True)),
        "received": sum(
            a.packets_received - b.packets_received for a, b in zip(after, before, strict=True)
        ),
        "lost": sum(a.packets_lost for a in after),
        "late": sum(a.packets_late for a in after),
        "cpu_percent": 100 * cpu / wall,
        "tick_work_p50_ms": clock.work_percentile_ms(50),
        "tick_work_p99_ms": clock.work_percentile_ms(99),
        "ticks": clock.ticks,
        "skipped_ticks": clock.skipped_ticks,
        "rss_per_session_kb": rss_per_session / 1024,
    }


def _side(
    pipe: Connection, calls: int, freq: float, warmup: float, window: float, realtime: bool
) -> None:
    if realtime:  # keep other busy processes on a shared machine from preempting the robot
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(10))
    result = asyncio.run(_run_side(pipe, calls, freq, warmup, window))
    pipe.send(result)


def run(calls: int, warmup: float, window: float, realtime: bool = False) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    robot_end, robot_pipe = ctx.Pipe()
    caller_end, caller_pipe = ctx.Pipe()
    robot = ctx.Process(target=_side, args=(robot_pipe, calls, 440.0, warmup, window, realtime))
    caller = ctx.Process(target=_side, args=(caller_pipe, calls, 1000.0, warmup, window, False))
    robot.start()
    caller.start()
    robot_ports, caller_ports = robot_end.recv(), caller_end.recv()
    robot_end.send(caller_ports)
    caller_end.send(robot_ports)
    result = {"calls": calls, "robot": robot_end.recv(), "caller": caller_end.recv()}
    robot.join(30)
    caller.join(30)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--ramp", type=str, default="")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--realtime", action="store_true", help="robot at SCHED_RR (root)")
    args = parser.parse_args()
    steps = [int(n) for n in args.ramp.split(",")] if args.ramp else [args.calls]
    best = 0
    for calls in steps:
        result = run(calls, args.warmup, args.window, args.realtime)
        robot = result["robot"]
        ok = robot["p99_ms"] < 10 and robot["lost"] == 0 and result["caller"]["lost"] == 0
        result["pass"] = ok
        print(json.dumps(result), flush=True)
        if ok:
            best = max(best, calls)
    print(
        f"load_average: {os.getloadavg()[0]:.2f}  max rusage kb: "
        f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}"
    )
    print(f"max_rtp_calls: {best}")


if __name__ == "__main__":
    main()
