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
import contextlib
import gc
import json
import os
import resource
import socket
import struct
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from media_gateway.call_leg import CallEnded
from media_gateway.rtp import g711
from media_gateway.rtp.clock import shared_clock
from media_gateway.rtp.session import RtpSession
from media_gateway.sip import CallFailed, SipCallLeg, SipConfig, SipUserAgent

JITTER_LIMIT_MS = 10.0
STEP_TIMEOUT_S = 180.0


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def run_queue_wait_s() -> float:
    """Time this process spent runnable but not running (waiting for a CPU), in seconds:
    how much of the jitter is other processes holding the cores."""
    try:
        with open("/proc/self/schedstat") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


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

_RTP_HEADER = struct.Struct("!BBHII")
TICK_S = 0.020


class LeanMedia:
    """The load generator's end of one call's RTP: the `RtpMedia` a `SipCallLeg` needs,
    without playback or a jitter buffer. `LeanMediaLoop` sends and receives for it."""

    def __init__(self, owner: LeanMediaLoop, sock: socket.socket, ssrc: int) -> None:
        self._owner = owner
        self._sock = sock
        self.local_port: int = sock.getsockname()[1]
        self.remote: tuple[str, int] | None = None
        self._packet = bytearray(_RTP_HEADER.size + 160)
        self._payload_type = 0
        self._ssrc = ssrc
        self._seq = 0
        self._timestamp = 0
        self._hold = False
        self._closed = asyncio.Event()
        # what arrived: RFC 3550 A.3 (extended sequence numbers, expected minus received)
        self.received = 0
        self.reordered = 0
        self._base: int | None = None
        self._highest = 0

    def configure(
        self,
        remote: tuple[str, int],
        *,
        codec: Any,
        payload_type: int,
        dtmf_payload_type: int | None = 101,
    ) -> None:
        self.remote = (str(remote[0]), int(remote[1]))
        self._payload_type = payload_type
        self._packet[_RTP_HEADER.size :] = g711.encode(self._owner.frame_pcm, codec)

    def set_hold(self, on_hold: bool) -> None:
        self._hold = on_hold

    def set_event_sink(self, sink: Callable[[Any], None] | None) -> None:
        """Frames are counted, not decoded and delivered: nothing reaches the sink."""

    async def events(self) -> AsyncIterator[Any]:
        await self._closed.wait()
        return
        yield  # an async generator that only ends

    def play(self, pcm: bytes) -> Any:
        raise NotImplementedError("the lean load generator streams its own tone")

    async def send_dtmf(self, digits: str) -> None:
        raise NotImplementedError("the lean load generator sends no DTMF")

    @property
    def lost(self) -> int:
        if self._base is None:
            return 0
        return max(0, self._highest - self._base + 1 - self.received)

    def stats(self) -> Any:
        return self

    async def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self._owner.media.pop(self.local_port, None)
            self._sock.close()

    def send(self) -> None:
        remote = self.remote
        if remote is None or self._hold:
            return
        self._seq = (self._seq + 1) & 0xFFFF
        self._timestamp = (self._timestamp + 160) & 0xFFFFFFFF
        packet = self._packet
        _RTP_HEADER.pack_into(
            packet, 0, 0x80, self._payload_type, self._seq, self._timestamp, self._ssrc
        )
        # A full buffer loses this packet, and the robot's jitter buffer counts it.
        with contextlib.suppress(OSError):
            self._sock.sendto(packet, remote)

    def drain(self) -> None:
        recv = self._sock.recv
        for _ in range(64):
            try:
                data = recv(2048)
            except BlockingIOError:
                return
            except OSError:
                continue
            if len(data) < 12 or data[0] != 0x80 or data[1] & 0x7F != self._payload_type:
                continue
            sequence = data[2] << 8 | data[3]
            self.received += 1
            if self._base is None:
                self._base = self._highest = sequence
                continue
            delta = ((sequence - self._highest + 0x8000) & 0xFFFF) - 0x8000
            if delta > 0:
                self._highest += delta
            else:
                self.reordered += 1


class LeanMediaLoop:
    """Every call's media on the load generator, in one loop per 20 ms tick: send to every
    call, then drain every socket (none is registered with the event loop)."""

    def __init__(self, frame_pcm: bytes) -> None:
        self.frame_pcm = frame_pcm
        self.media: dict[int, LeanMedia] = {}
        self._task: asyncio.Task[None] | None = None

    async def open(self, host: str) -> LeanMedia:
        """The `rtp_factory` of the generator's SipUserAgent."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((host, 0))
        sock.setblocking(False)
        media = LeanMedia(self, sock, ssrc=len(self.media) + 1)
        self.media[media.local_port] = media
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())
        return media

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time() + TICK_S
        while True:
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
            behind = int((loop.time() - next_tick) / TICK_S)
            if behind > 5:  # stalled: skip ahead rather than burst, as the media clock does
                next_tick += behind * TICK_S
            media = list(self.media.values())
            for one in media:
                one.send()
            for one in media:
                one.drain()
            next_tick += TICK_S


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


async def machine_canary(seconds: float) -> tuple[float, float]:
    """p99 and max lateness of an idle 20 ms ticker in this (otherwise idle) process: the
    scheduling delay any process saw meanwhile. When it is high, the machine was busy
    with other work and the robot's jitter says little about the robot."""
    loop = asyncio.get_running_loop()
    late: list[float] = []
    next_tick = loop.time() + TICK_S
    for _ in range(int(seconds / TICK_S)):
        await asyncio.sleep(max(0.0, next_tick - loop.time()))
        late.append((loop.time() - next_tick) * 1000)
        next_tick = max(next_tick + TICK_S, loop.time())
    return float(np.percentile(late, 99)), max(late)


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
            if process is not None:
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()


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
