"""Stall attacks on `voicebot serve`, shared by tests/security/test_stall_attacks.py and
bench/stall_attacks.py: the payloads of issue 12 (section 3), a real server process on
loopback, and /healthz probes taken while an attack runs.

The server runs in its own process so that a stalled event loop shows in the probes (a
server inside the test's loop would stall the prober with it).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

VOICEBOT = str(Path(sys.executable).parent / "voicebot")
REFUSED_HOOK = "http://127.0.0.1:9/hook"
"""Loopback port 9 (discard): nothing listens, so every webhook request fails at once."""

BASE_SCRIPT = """\
id: stall_base
language: en-US
variables:
  lead_name: {type: string, required: true}
result:
  outcomes: [done, failed]
  endings: {hangup: done, error: failed}
start: greet
steps:
  greet:
    say: "Hello {{ lead_name }}, this is a short test call."
    hangup: true
    outcome: done
"""


# --- payloads ----------------------------------------------------------------------------


def alias_bomb() -> str:
    """Billion laughs: nine levels of nine aliases, 9^9 copies of "lol" once expanded."""
    lines = ["id: bomb", "language: en-US", 'a: &a ["lol","lol","lol","lol","lol","lol","lol",'
             '"lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def nested_json(size: int = 20_000) -> str:
    """20 KB of `[[[[...]]]]`."""
    return "[" * (size // 2) + "]" * (size // 2)


def nested_yaml(size: int = 100_000, depth: int = 200) -> str:
    """100 KB of flow sequences nested 200 deep (the scanner's simple-key bookkeeping is
    quadratic in flow depth)."""
    item = "[" * depth + "]" * depth
    count = max(1, size // (len(item) + 1))
    return "steps: [" + ",".join([item] * count) + "]\n"


def many_steps(count: int = 10_000) -> str:
    head = ("id: many\nlanguage: en-US\nresult: {outcomes: [done], endings: {hangup: done, "
            "error: done}}\nstart: s0\nsteps:\n")
    return head + "".join(f" s{i}: {{goto: s{(i + 1) % count}}}\n" for i in range(count))


def heavy_valid_script(target_bytes: int = 240_000) -> str:
    """A script within every limit that still takes the parser a second or more."""
    head = ("id: heavy\nlanguage: en-US\nresult: {outcomes: [done], endings: {hangup: done, "
            "error: done}}\nstart: s0\nsteps:\n")
    per_step = max(1, target_bytes // 490)
    padding = "word " * max(1, (per_step - 60) // 5)
    steps = [f"  s{i}: {{say: \"{padding}\", goto: s{i + 1}}}\n" for i in range(479)]
    steps.append("  s479: {say: bye, hangup: true}\n")
    return head + "".join(steps)


def inline_script(step: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A one-question script (JSON) around `step`, for /v1/simulate."""
    script: dict[str, Any] = {
        "id": "attack",
        "language": "en-US",
        "result": {"outcomes": ["done", "failed"], "endings": {"hangup": "done",
                                                                 "error": "failed"}},
        "start": "s",
        "steps": {"s": step, "bye": {"say": "bye", "hangup": True}},
    }
    script.update(extra)
    return script


def catastrophic_intent() -> dict[str, Any]:
    return {
        "script": inline_script(
            {"ask": "Say something", "expect": {"type": "intent", "intents": ["x"]},
             "on": {"x": "bye", "no_match": "bye"}},
            intents={"x": {"patterns": ["(x+)+y", r"(\w|\w)+\d"]}},
        ),
        # distinct letters: a caller's stretched "xxxx" is normalized to "x" before matching
        "turns": ["abcdefghijklmnopqrstuvwxzabcd"],
    }


def jinja_power() -> dict[str, Any]:
    return {"script": inline_script({"say": "{{ (10**(10**7)) > 1 }}", "goto": "bye"})}


def jinja_repeat() -> dict[str, Any]:
    return {"script": inline_script({"say": "{{ ('x'*300000000)|length }}", "goto": "bye"})}


def webhook_loop() -> dict[str, Any]:
    """A webhook step whose both branches lead back to it."""
    return {
        "script": inline_script({
            "webhook": {"url": REFUSED_HOOK, "method": "GET", "timeout": 1},
            "on": {"success": "s", "error": "s"},
        })
    }


# --- attacks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    name: str
    method: str
    path: str
    content: bytes | None = None
    content_type: str = "application/json"
    body: dict[str, Any] | None = None

    async def send(self, client: httpx.AsyncClient, timeout: float = 120.0) -> httpx.Response:
        content = self.content if self.body is None else json.dumps(self.body).encode()
        return await client.request(
            self.method, self.path, content=content,
            headers={"content-type": self.content_type}, timeout=timeout,
        )


def yaml_upload(name: str, text: str) -> Attack:
    return Attack(name, "POST", "/v1/scripts", text.encode(), "application/yaml")


def stall_attacks() -> list[Attack]:
    """Each example of issue 12 section 3, as one HTTP request."""
    return [
        yaml_upload("yaml alias bomb (549 B)", alias_bomb()),
        Attack("nested JSON (20 KB)", "POST", "/v1/scripts", nested_json().encode()),
        yaml_upload("nested YAML (100 KB)", nested_yaml()),
        yaml_upload("10,000-step script", many_steps()),
        Attack("regex intent (\\w|\\w)+\\d", "POST", "/v1/simulate", body=catastrophic_intent()),
        Attack("jinja 10**(10**7)", "POST", "/v1/simulate", body=jinja_power()),
        Attack("jinja 'x'*300000000", "POST", "/v1/simulate", body=jinja_repeat()),
        Attack("webhook loop", "POST", "/v1/simulate", body=webhook_loop()),
    ]


def ordinary_request() -> Attack:
    """Not an attack: checking a small valid script, the baseline for "during" figures (a
    server that answers one request after another is never as fast as an idle one)."""
    return Attack("baseline: validate a script", "POST", "/v1/scripts/validate",
                  BASE_SCRIPT.encode(), "application/yaml")


def variable_attack(size: int = 900_000) -> Attack:
    return Attack("900 KB lead_name", "POST", "/v1/calls", body={
        "to": "+79001234567", "script_id": "stall_base", "variables": {"lead_name": "x" * size},
    })


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ServeProcess:
    """`voicebot serve` on loopback with its own data folder; `tree` runs another checkout
    (a benchmark's "before" column)."""

    data_dir: Path
    tree: Path | None = None
    prerender: bool = False
    memory_limit_mb: int | None = None
    """Address-space limit of the server (a benchmark of the old code must not take the
    machine down with an alias bomb)."""
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    key: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "VOICEBOT_DATA_DIR": str(self.data_dir),
            "VOICEBOT_SSRF_ALLOWLIST": '["127.0.0.1/32"]',
            "VOICEBOT_PRERENDER_PROMPTS": "true" if self.prerender else "false",
            "VOICEBOT_TTS_CACHE_DIR": str(self.data_dir / "tts-cache"),
            "VOICEBOT_SIP_PORT": "0",
            "VOICEBOT_AUDIOSOCKET_PORT": "0",
        })
        if self.tree is not None:
            env["PYTHONPATH"] = str(self.tree)
        return env

    def _limits(self) -> None:
        if self.memory_limit_mb is not None:
            size = self.memory_limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    def cli(self, *args: str) -> str:
        return subprocess.run([VOICEBOT, *args], env=self.env(), capture_output=True,
                              text=True, timeout=120, check=True).stdout

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        created = self.cli("tenants", "create", "attacker")
        found = re.search(r"api key \(shown once\): (\S+)", created)
        assert found is not None, created
        self.key = found.group(1)
        log = (self.data_dir / "serve.log").open("ab")
        self.proc = subprocess.Popen(
            [VOICEBOT, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env(), stdout=log, stderr=subprocess.STDOUT, preexec_fn=self._limits,
        )
        async with httpx.AsyncClient() as client, asyncio.timeout(90):
            while True:
                assert self.proc.poll() is None, (self.data_dir / "serve.log").read_text()
                try:
                    health = await client.get(f"{self.url}/healthz")
                    # up, and done building its NLU at start-up (a code without the
                    # field has nothing to wait for): a build under way would show in
                    # the probes and the memory figures as the attack's
                    if health.status_code in (200, 503) and all(
                            health.json().get("nlu", {}).values()):
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        async with self.client() as client:
            response = await client.post("/v1/scripts", content=BASE_SCRIPT,
                                         headers={"content-type": "application/yaml"})
            assert response.status_code == 201, response.text

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url,
                                 headers={"authorization": f"Bearer {self.key}"}, timeout=120)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)

    def memory_mb(self) -> tuple[float, float]:
        """(RSS of the server process, PSS of it and every process it started: script
        workers, TTS), in MB. PSS shares pages between the processes that map them, so
        the sum does not count the forkserver's copy-on-write pages once per worker."""
        assert self.proc is not None
        return _kb(self.proc.pid, "VmRSS", "status") / 1024, sum(
            _kb(pid, "Pss", "smaps_rollup") for pid in process_tree(self.proc.pid)) / 1024


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _kb(pid: int, name: str, source: str) -> int:
    try:
        text = Path(f"/proc/{pid}/{source}").read_text()
    except OSError:
        return 0  # the process ended meanwhile
    for line in text.splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    return 0


# --- probes ------------------------------------------------------------------------------


async def healthz_latencies(
    client: httpx.AsyncClient, count: int, *, window_s: float | None = None,
    gap_s: float = 0.02, probe_timeout_s: float = 120.0,
) -> list[float]:
    """Sequential GET /healthz round trips (seconds): `count` of them, or fewer when
    `window_s` runs out first (a probe that has started is always waited for)."""
    started = time.perf_counter()
    times: list[float] = []
    while len(times) < count and (window_s is None or time.perf_counter() - started < window_s):
        t0 = time.perf_counter()
        try:
            response = await client.get("/healthz", timeout=probe_timeout_s)
        except httpx.TimeoutException:
            times.append(probe_timeout_s)  # stalled for at least that long: stop probing
            break
        times.append(time.perf_counter() - t0)
        assert response.status_code in (200, 503), response.text
        await asyncio.sleep(gap_s)
    return times


@dataclass
class DuringAttack:
    latencies: list[float]
    statuses: list[int]
    attack_seconds: list[float]
    unfinished: bool

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)


async def during_attack(
    client: httpx.AsyncClient, attack: Attack, *, probes: int = 20, window_s: float = 5.0,
    attack_timeout_s: float = 120.0, probe_timeout_s: float = 120.0,
) -> DuringAttack:
    """Probe /healthz while the attack request is sent again and again (one in flight)."""
    statuses: list[int] = []
    seconds: list[float] = []
    stop = asyncio.Event()

    async def attacker() -> None:
        async with httpx.AsyncClient(base_url=str(client.base_url),
                                     headers=dict(client.headers)) as own:
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    response = await attack.send(own, attack_timeout_s)
                except httpx.HTTPError:
                    statuses.append(0)  # no answer (timeout, or the server died)
                    return
                seconds.append(time.perf_counter() - t0)
                statuses.append(response.status_code)

    task = asyncio.get_running_loop().create_task(attacker())
    await asyncio.sleep(0.05)  # the first attack request is on its way
    try:
        latencies = await healthz_latencies(client, probes, window_s=window_s,
                                            probe_timeout_s=probe_timeout_s)
    finally:
        stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), attack_timeout_s)
    except TimeoutError:
        task.cancel()
        statuses.append(0)
    return DuringAttack(latencies, statuses, seconds, unfinished=0 in statuses)


async def peak_memory_during(
    server: ServeProcess, action: Callable[[], Awaitable[Any]], settle_s: float = 10.0,
    every_s: float = 0.05,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Server memory (`ServeProcess.memory_mb`) before, and its peaks while `action` runs
    and for `settle_s` after it (background work such as TTS goes on after the answer)."""
    before = server.memory_mb()
    peak = list(before)
    done = asyncio.Event()

    async def sample() -> None:
        end: float | None = None
        while end is None or time.perf_counter() < end:
            now = server.memory_mb()
            peak[0], peak[1] = max(peak[0], now[0]), max(peak[1], now[1])
            if end is None and done.is_set():
                end = time.perf_counter() + settle_s
            await asyncio.sleep(every_s)

    sampler = asyncio.get_running_loop().create_task(sample())
    try:
        await action()
    finally:
        done.set()
        await sampler
    return before, (peak[0], peak[1])
