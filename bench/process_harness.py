"""What the multi-process benchmarks share: child processes driven by one-line commands
on stdin and answering one JSON line on stdout, and the probes they measure with (RSS,
time spent waiting for a CPU, garbage-collection pauses, an idle canary ticker).

A benchmark script runs itself again with `--role NAME` for each child (`spawn`), so the
robot, the load generator and any fake vendor server are separate processes sharing the
machine's cores, as they would in production.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import time
from typing import Any

import numpy as np

TICK_S = 0.020


def rss_bytes(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of another process so far (from /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload), flush=True)


async def stdin_reader() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def read_command(reader: asyncio.StreamReader) -> list[str]:
    line = await reader.readline()
    return line.decode().split() or ["quit"]


async def spawn(
    script: str, *args: str, env: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    """`script` (a benchmark file) in a child process, commands on its stdin."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        os.path.abspath(script),
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )


async def receive(
    process: asyncio.subprocess.Process, timeout: float  # noqa: ASYNC109 (every call bounds it)
) -> dict[str, Any]:
    """The child's next JSON line; lines that are not JSON (a library's print) are skipped."""
    assert process.stdout is not None
    async with asyncio.timeout(timeout):
        while True:
            line = await process.stdout.readline()
            if not line:
                raise RuntimeError("a benchmark process exited early")
            if line.startswith(b"{"):
                result: dict[str, Any] = json.loads(line)
                return result


async def send(process: asyncio.subprocess.Process, command: str) -> None:
    assert process.stdin is not None
    process.stdin.write(command.encode() + b"\n")
    await process.stdin.drain()


async def stop(
    process: asyncio.subprocess.Process | None, timeout: float = 10  # noqa: ASYNC109 (then kill)
) -> None:
    """Wait for a child to exit, killing it after `timeout` seconds."""
    if process is None or process.returncode is not None:
        return
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()


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


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
