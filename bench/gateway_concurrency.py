"""How many simultaneous SIP calls one robot process serves smoothly on this machine.

For each N of a bounded ramp, two fresh processes run on loopback:
- the robot, the real stack end to end: our UAS answers every call (SIP over UDP), each
  call's `RtpSession` on the shared media clock plays a prompt (G.711 encoded from PCM),
  takes the caller's audio through its jitter buffer and hands every 20 ms frame to a task
  that consumes the call's events, as a call session would;
- the load generator, another process: our UAC places the N calls with real SIP
  signalling and SDP, then streams a 1 kHz tone into each. By default its media is lean
  (`--generator lean`): one loop per 20 ms sends a pre-encoded RTP packet to every call
  (header packed into a reused buffer) and drains every call's socket once, counting
  arrivals and sequence gaps (RFC 3550 A.3 loss). It shares the machine's two cores with
  the robot, so a generator as heavy as the robot would halve what is left for the robot;
  `--generator stack` runs the full RtpSession stack on the generator side instead.

Once all N calls are up, the robot measures for a fixed window: per-packet RTP send
lateness against the 20 ms schedule (its p99 is the "send jitter"), CPU use of both
processes, and the robot's RSS growth per call. After hang-up both sides report lost
packets (sequence gaps seen by the robot's jitter buffers and by the generator). A step
passes when p99 send jitter is under 10 ms and no packet was lost. The last line is
`max_concurrent_calls: N`, the largest passing N.

Each step prints a second line to tell the robot's own cost from the machine's: how late
the clock woke (p99, max) and how long its send-and-receive work took per tick; how long
the robot was runnable but waiting for a CPU (`/proc/self/schedstat`) and its major page
faults; and an idle canary, a 20 ms ticker in the orchestrator doing no work, whose
lateness is what any process on the machine saw meanwhile.

    .venv/bin/python bench/gateway_concurrency.py                 # ramp 50,100,200,300
    .venv/bin/python bench/gateway_concurrency.py --ramp 20,40 --window 4
    .venv/bin/python bench/gateway_concurrency.py --generator stack   # full stack both sides
    .venv/bin/python bench/gateway_concurrency.py --loop uvloop   # needs `pip install uvloop`
    .venv/bin/python bench/gateway_concurrency.py --realtime      # robot under SCHED_RR

Send jitter is scheduling latency, so on a machine shared with other busy processes the
robot's wake-ups are delayed by their time slices, whatever our code does: at 200 calls
p99 covers 4 ticks of an 8 s window, so one 60 ms stall of the whole process fails a step.
Production media servers run at real-time priority for this reason (Asterisk `-p`,
FreeSWITCH `-rp`); `--realtime` does the same for the robot process only (the load
generator stays normal, so the other core keeps serving everything else);
`--realtime-caller` raises the load generator too, to find the robot's own limit rather
than the generator's. The kernel's RT throttling still reserves 5 % of each core for
normal tasks.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import sys
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import process_harness as harness
from bench.lean_rtp import LeanMedia, LeanMediaLoop
from bench.process_harness import (
    emit,
    install_gc_probe,
    machine_canary,
    read_command,
    receive,
    rss_bytes,
    run_queue_wait_s,
    send,
    stdin_reader,
)
from media_gateway.call_leg import CallEnded
from media_gateway.rtp.clock import shared_clock
from media_gateway.rtp.session import RtpSession
from media_gateway.sip import CallFailed, SipCallLeg, SipConfig, SipUserAgent

JITTER_LIMIT_MS = 10.0
STEP_TIMEOUT_S = 180.0


def tone(freq_hz: float, seconds: float) -> bytes:
    t = np.arange(int(seconds * 8000)) / 8000
    return (np.sin(2 * np.pi * freq_hz * t) * 0.3 * 32767).astype("<i2").tobytes()


async def drain(leg: SipCallLeg) -> None:
    async for event in leg.events():
        if isinstance(event, CallEnded):
            return


# -- the robot (UAS) process ---------------------------------------------------------------


async def robot_main(prompt_s: float, realtime: bool) -> None:
    if realtime:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(10))
    ua = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    prompt = tone(440, prompt_s)
    legs: list[SipCallLeg] = []
    tasks: set[asyncio.Task[None]] = set()

    async def serve() -> None:
        async for call in ua.incoming():
            leg = await call.answer()
            legs.append(leg)
            leg.play(prompt)
            task = asyncio.create_task(drain(leg))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    serving = asyncio.create_task(serve())
    gc.collect()
    gc.freeze()  # as `voicebot serve` does once it has started
    gc_pauses = install_gc_probe()
    baseline = rss_bytes()
    emit({"port": ua.local_port})
    commands = await stdin_reader()
    while True:
        command = await read_command(commands)
        if command[0] == "measure":
            window = float(command[1])
            live = [leg for leg in legs if not leg.ended]
            cpu0, wall0 = time.process_time(), time.perf_counter()
            waited0 = run_queue_wait_s()
            faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_majflt
            # Not stats(): it copies each call's lateness history, and doing that for
            # hundreds of calls here would stall the loop for tens of ms at the start of
            # the very window being measured.
            sent0 = [cast(RtpSession, leg.rtp).packets_sent for leg in live]
            gc_pauses.clear()
            clock = shared_clock()
            clock.reset_measurements()
            await asyncio.sleep(window)
            elapsed = time.perf_counter() - wall0
            cpu = (time.process_time() - cpu0) / elapsed
            waited = (run_queue_wait_s() - waited0) / elapsed
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_majflt - faults0
            lateness: list[float] = []
            for leg, before in zip(live, sent0, strict=True):
                stats = leg.rtp.stats()
                fresh = stats.packets_sent - before
                if fresh > 0:
                    lateness.extend(stats.send_lateness_ms[-fresh:])
            samples = np.array(lateness) if lateness else np.zeros(1)
            emit(
                {
                    "calls": len(live),
                    "send_p50_ms": float(np.percentile(samples, 50)),
                    "send_p99_ms": float(np.percentile(samples, 99)),
                    "send_max_ms": float(samples.max()),
                    "samples": len(lateness),
                    "cpu": cpu,
                    "run_queue_wait": waited,
                    "major_faults": faults,
                    "rss_per_call": (rss_bytes() - baseline) / max(1, len(live)),
                    "gc_max_ms": max((ms for _, ms in gc_pauses), default=0.0),
                    "gc_gen2": sum(1 for generation, _ in gc_pauses if generation == 2),
                    "tick_late_p99_ms": clock.lateness_percentile_ms(99),
                    "tick_late_max_ms": clock.lateness_percentile_ms(100),
                    "tick_work_p50_ms": clock.work_percentile_ms(50),
                    "tick_work_p99_ms": clock.work_percentile_ms(99),
                }
            )
        elif command[0] == "report":
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
            stats = [leg.rtp.stats() for leg in legs]
            emit(
                {
                    "lost": sum(s.packets_lost for s in stats),
                    "late": sum(s.packets_late for s in stats),
                    "received": sum(s.packets_received for s in stats),
                    "handler_errors": ua.handler_errors,
                }
            )
        else:
            break
    serving.cancel()
    await ua.close()


# -- the load generator (UAC) process ------------------------------------------------------

async def caller_main(
    target: str, calls: int, rate: float, talk_s: float, realtime: bool, generator: str
) -> None:
    if realtime:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(5))
    lean = LeanMediaLoop(tone(1000, 0.02)) if generator == "lean" else None
    ua = await SipUserAgent.start(
        SipConfig(port=0, user="load"), rtp_factory=lean.open if lean is not None else None
    )
    speech = tone(1000, talk_s)
    legs: list[SipCallLeg] = []
    failures: list[str] = []

    async def place(index: int) -> None:
        await asyncio.sleep(index / rate)  # paced call setup, as a dialer would
        try:
            leg = await ua.call(target, timeout_s=30)
        except CallFailed as failure:
            failures.append(str(failure))
            return
        legs.append(leg)
        if lean is None:
            leg.play(speech)

    await asyncio.gather(*(place(i) for i in range(calls)))
    emit({"established": len(legs), "failures": failures[:5]})
    drains = [asyncio.create_task(drain(leg)) for leg in legs]
    commands = await stdin_reader()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await read_command(commands)  # "hangup"
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    if lean is not None:
        lean_media = [leg.rtp for leg in legs if isinstance(leg.rtp, LeanMedia)]
        result = {
            "lost": sum(m.lost for m in lean_media),
            "late": sum(m.reordered for m in lean_media),
            "received": sum(m.received for m in lean_media),
        }
    else:
        stats = [leg.rtp.stats() for leg in legs]
        result = {
            "lost": sum(s.packets_lost for s in stats),
            "late": sum(s.packets_late for s in stats),
            "received": sum(s.packets_received for s in stats),
        }
    await asyncio.gather(*(leg.hangup() for leg in legs), return_exceptions=True)
    await asyncio.wait_for(asyncio.gather(*drains, return_exceptions=True), 30)
    emit({"cpu": cpu, **result})
    await ua.close()


# -- the orchestrator ------------------------------------------------------------------------


async def spawn(*args: str) -> asyncio.subprocess.Process:
    return await harness.spawn(__file__, *args)


@dataclass(frozen=True)
class Settings:
    window: float
    rate: float
    realtime: bool
    realtime_caller: bool
    generator: str
    loop: str


async def run_step(calls: int, settings: Settings) -> dict[str, Any]:
    window, rate = settings.window, settings.rate
    talk = window + calls / rate + 15
    robot = await spawn(
        "--role",
        "robot",
        "--prompt",
        str(talk),
        "--loop",
        settings.loop,
        *(["--realtime"] if settings.realtime else []),
    )
    caller: asyncio.subprocess.Process | None = None
    try:
        port = (await receive(robot, 30))["port"]
        caller = await spawn(
            "--role",
            "caller",
            "--target",
            f"sip:robot@127.0.0.1:{port}",
            "--calls",
            str(calls),
            "--rate",
            str(rate),
            *(["--realtime"] if settings.realtime_caller else []),
            "--talk",
            str(talk),
            "--generator",
            settings.generator,
            "--loop",
            settings.loop,
        )
        setup = await receive(caller, calls / rate + 60)
        await asyncio.sleep(1.0)  # let jitter buffers and the clock settle before measuring
        await send(robot, f"measure {window}")
        canary = asyncio.create_task(machine_canary(window))
        measured = await receive(robot, window + 30)
        measured["canary_p99_ms"], measured["canary_max_ms"] = await canary
        await send(caller, "hangup")
        caller_result = await receive(caller, 60)
        await send(robot, "report")
        robot_result = await receive(robot, 60)
        await send(robot, "quit")
        return {
            "setup": setup,
            "robot": measured,
            "caller": caller_result,
            "robot_end": robot_result,
        }
    finally:
        for process in (robot, caller):
            await harness.stop(process)


async def orchestrate(ramp: list[int], settings: Settings) -> int:
    best = 0
    failures = 0
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f}; "
        f"robot priority: {'SCHED_RR' if settings.realtime else 'normal'}, "
        f"load generator: {settings.generator}, "
        f"{'SCHED_RR' if settings.realtime_caller else 'normal'}; event loop: {settings.loop}",
        flush=True,
    )
    print(
        f"{'calls':>6} {'up':>5} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'lost':>6} "
        f"{'robot cpu':>9} {'caller cpu':>10} {'rss/call':>9}  verdict",
        flush=True,
    )
    for calls in ramp:
        try:
            step = await asyncio.wait_for(run_step(calls, settings), STEP_TIMEOUT_S)
        except (TimeoutError, RuntimeError) as exc:
            print(f"{calls:>6} step failed: {exc!r}", flush=True)
            break
        robot, caller, end = step["robot"], step["caller"], step["robot_end"]
        up = step["setup"]["established"]
        lost = end["lost"] + caller["lost"]
        ok = up == calls and robot["send_p99_ms"] < JITTER_LIMIT_MS and lost == 0
        print(
            f"{calls:>6} {up:>5} {robot['send_p50_ms']:>7.2f} {robot['send_p99_ms']:>7.2f} "
            f"{robot['send_max_ms']:>7.2f} {lost:>6} {robot['cpu'] * 100:>8.0f}% "
            f"{caller['cpu'] * 100:>9.0f}% {robot['rss_per_call'] / 1024:>7.0f}KB  "
            f"{'ok' if ok else 'FAIL'}",
            flush=True,
        )
        print(
            f"       lost: robot {end['lost']}, caller {caller['lost']}; "
            f"late: {end['late'] + caller['late']}; samples {robot['samples']}; "
            f"gc max {robot['gc_max_ms']:.1f} ms, {robot['gc_gen2']} full; "
            f"tick wake p99 {robot['tick_late_p99_ms']:.1f} "
            f"max {robot['tick_late_max_ms']:.1f} ms; "
            f"tick work p50 {robot['tick_work_p50_ms']:.1f} "
            f"p99 {robot['tick_work_p99_ms']:.1f} ms; "
            f"robot waited for a CPU {robot['run_queue_wait'] * 1000:.0f} ms/s, "
            f"{robot['major_faults']} major page faults; "
            f"idle canary p99 {robot['canary_p99_ms']:.1f} max {robot['canary_max_ms']:.1f} ms",
            flush=True,
        )
        if up < calls:
            print(f"       setup failures: {step['setup']['failures']}", flush=True)
        if ok:
            best = max(best, calls)
            failures = 0
        else:
            failures += 1
            if failures == 2:  # two failing steps in a row: larger N will not pass either
                break
    print(f"max_concurrent_calls: {best}", flush=True)
    return best


def run(main: Coroutine[Any, Any, None], loop: str) -> None:
    if loop == "uvloop":
        import uvloop

        uvloop.run(main)
    else:
        asyncio.run(main)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ramp", default="50,100,200,300")
    parser.add_argument("--window", type=float, default=8.0, help="measurement seconds per N")
    parser.add_argument("--rate", type=float, default=50.0, help="call setups per second")
    parser.add_argument("--realtime", action="store_true", help="robot at SCHED_RR priority")
    parser.add_argument(
        "--realtime-caller",
        action="store_true",
        help="load generator at SCHED_RR too (to find the robot's own limit)",
    )
    parser.add_argument(
        "--generator",
        choices=["lean", "stack"],
        default="lean",
        help="load generator media: lean pre-encoded packets, or the full RtpSession stack",
    )
    parser.add_argument(
        "--loop",
        choices=["asyncio", "uvloop"],
        default="asyncio",
        help="event loop of the robot and the load generator",
    )
    parser.add_argument("--role", choices=["robot", "caller"], help=argparse.SUPPRESS)
    parser.add_argument("--prompt", type=float, default=30.0, help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--talk", type=float, default=30.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "robot":
        run(robot_main(args.prompt, args.realtime), args.loop)
    elif args.role == "caller":
        run(
            caller_main(
                args.target, args.calls, args.rate, args.talk, args.realtime, args.generator
            ),
            args.loop,
        )
    else:
        ramp = [int(n) for n in args.ramp.split(",") if n.strip()][:8]
        settings = Settings(
            args.window, args.rate, args.realtime, args.realtime_caller, args.generator, args.loop
        )
        asyncio.run(orchestrate(ramp, settings))


if __name__ == "__main__":
    main()
