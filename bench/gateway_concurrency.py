"""How many simultaneous SIP calls one robot process serves smoothly on this machine.

For each N of a bounded ramp, two fresh processes run on loopback:
- the robot (our UAS): answers every call, plays a prompt to it, consumes its audio;
- the load generator (our UAC, another process): places N calls, streams audio into each.

Once all N calls are up, the robot measures for a fixed window: per-packet RTP send
lateness against the 20 ms schedule (its p99 is the "send jitter"), CPU use of both
processes, and the robot's RSS growth per call. After hang-up both sides report lost
packets (sequence gaps seen by their jitter buffers). A step passes when p99 send jitter
is under 10 ms and no packet was lost. The last line is `max_concurrent_calls: N`, the
largest passing N.

    .venv/bin/python bench/gateway_concurrency.py                 # ramp 50,100,200,300
    .venv/bin/python bench/gateway_concurrency.py --ramp 20,40 --window 4
    .venv/bin/python bench/gateway_concurrency.py --realtime      # robot under SCHED_RR

Send jitter is scheduling latency, so on a machine shared with other busy processes the
robot's wake-ups are delayed by their time slices, whatever our code does. Production media
servers run at real-time priority for this reason (Asterisk `-p`, FreeSWITCH `-rp`);
`--realtime` does the same for the robot process only (the load generator stays normal, so
the other core keeps serving everything else); `--realtime-caller` raises the load generator
too, to find the robot's own limit rather than the generator's. The kernel's RT throttling
still reserves 5 % of each core for normal tasks.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time
from typing import Any

import numpy as np

from media_gateway.call_leg import CallEnded
from media_gateway.sip import CallFailed, SipCallLeg, SipConfig, SipUserAgent

JITTER_LIMIT_MS = 10.0
STEP_TIMEOUT_S = 180.0


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def install_gc_probe() -> list[tuple[int, float]]:
    """Record (generation, pause ms) of every garbage collection, to tell GC pauses apart
    from scheduling delays when the jitter is high."""
    pauses: list[tuple[int, float]] = []
    started: list[float] = [0.0]

    def probe(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses.append((info["generation"], (time.perf_counter() - started[0]) * 1000))

    gc.callbacks.append(probe)
    return pauses


def tone(freq_hz: float, seconds: float) -> bytes:
    t = np.arange(int(seconds * 8000)) / 8000
    return (np.sin(2 * np.pi * freq_hz * t) * 0.3 * 32767).astype("<i2").tobytes()


def emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload), flush=True)


async def read_command(reader: asyncio.StreamReader) -> list[str]:
    line = await reader.readline()
    return line.decode().split() or ["quit"]


async def stdin_reader() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


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
            sent0 = [leg.rtp.stats().packets_sent for leg in live]
            gc_pauses.clear()
            await asyncio.sleep(window)
            cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
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
                    "rss_per_call": (rss_bytes() - baseline) / max(1, len(live)),
                    "gc_max_ms": max((ms for _, ms in gc_pauses), default=0.0),
                    "gc_gen2": sum(1 for generation, _ in gc_pauses if generation == 2),
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


async def caller_main(target: str, calls: int, rate: float, talk_s: float, realtime: bool) -> None:
    if realtime:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(5))
    ua = await SipUserAgent.start(SipConfig(port=0, user="load"))
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
        leg.play(speech)

    await asyncio.gather(*(place(i) for i in range(calls)))
    emit({"established": len(legs), "failures": failures[:5]})
    drains = [asyncio.create_task(drain(leg)) for leg in legs]
    commands = await stdin_reader()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await read_command(commands)  # "hangup"
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    stats = [leg.rtp.stats() for leg in legs]
    await asyncio.gather(*(leg.hangup() for leg in legs), return_exceptions=True)
    await asyncio.wait_for(asyncio.gather(*drains, return_exceptions=True), 30)
    emit(
        {
            "cpu": cpu,
            "lost": sum(s.packets_lost for s in stats),
            "late": sum(s.packets_late for s in stats),
            "received": sum(s.packets_received for s in stats),
        }
    )
    await ua.close()


# -- the orchestrator ------------------------------------------------------------------------


async def spawn(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        os.path.abspath(__file__),
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )


async def receive(process: asyncio.subprocess.Process, timeout: float) -> dict[str, Any]:
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout)
    if not line:
        raise RuntimeError("a benchmark process exited early")
    result: dict[str, Any] = json.loads(line)
    return result


async def send(process: asyncio.subprocess.Process, command: str) -> None:
    assert process.stdin is not None
    process.stdin.write(command.encode() + b"\n")
    await process.stdin.drain()


async def run_step(
    calls: int, window: float, rate: float, realtime: bool, realtime_caller: bool
) -> dict[str, Any]:
    talk = window + calls / rate + 15
    robot = await spawn(
        "--role", "robot", "--prompt", str(talk), *(["--realtime"] if realtime else [])
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
            *(["--realtime"] if realtime_caller else []),
            "--talk",
            str(talk),
        )
        setup = await receive(caller, calls / rate + 60)
        await asyncio.sleep(1.0)  # let jitter buffers and the clock settle before measuring
        await send(robot, f"measure {window}")
        measured = await receive(robot, window + 30)
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
            if process is not None:
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def orchestrate(
    ramp: list[int], window: float, rate: float, realtime: bool, realtime_caller: bool
) -> int:
    best = 0
    failures = 0
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f}; "
        f"robot priority: {'SCHED_RR' if realtime else 'normal'}, "
        f"load generator: {'SCHED_RR' if realtime_caller else 'normal'}",
        flush=True,
    )
    print(
        f"{'calls':>6} {'up':>5} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'lost':>6} "
        f"{'robot cpu':>9} {'caller cpu':>10} {'rss/call':>9}  verdict",
        flush=True,
    )
    for calls in ramp:
        try:
            step = await asyncio.wait_for(
                run_step(calls, window, rate, realtime, realtime_caller), STEP_TIMEOUT_S
            )
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
            f"{'ok' if ok else 'FAIL'}  (lost: robot {end['lost']}, caller {caller['lost']}; "
            f"late: {end['late'] + caller['late']}; samples {robot['samples']}; "
            f"gc max {robot['gc_max_ms']:.1f} ms, {robot['gc_gen2']} full)",
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
    parser.add_argument("--role", choices=["robot", "caller"], help=argparse.SUPPRESS)
    parser.add_argument("--prompt", type=float, default=30.0, help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--talk", type=float, default=30.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "robot":
        asyncio.run(robot_main(args.prompt, args.realtime))
    elif args.role == "caller":
        asyncio.run(caller_main(args.target, args.calls, args.rate, args.talk, args.realtime))
    else:
        ramp = [int(n) for n in args.ramp.split(",") if n.strip()][:8]
        asyncio.run(orchestrate(ramp, args.window, args.rate, args.realtime, args.realtime_caller))


if __name__ == "__main__":
    main()
