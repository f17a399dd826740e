"""How many full calls of the shipped lead script one robot process serves smoothly.

`bench/gateway_concurrency.py` measures RTP alone. Here each of N concurrent calls is a
whole call of `dialogs/lead_qualification.en.yaml` through the service's real path, on
loopback, in separate processes sharing the machine's cores:

- the robot: the `voicebot serve` app (the same `create_app`, served by uvicorn in the
  same event loop as the SIP user agent and the media clock), with SQLite (or, with
  `--db postgres`, a throwaway PostgreSQL cluster), a tenant, the script uploaded through
  the API and an inbound route. It answers every INVITE, runs webrtcvad on every frame,
  streams each utterance to SpeechKit v3 over gRPC, runs the Dialog, plays prompts from
  the TTS cache (rendered before the ramp, as while the phone rings), records stereo WAVs
  and writes every transcript turn with the dialog state to the database;
- the ASR: `bench/speechkit_lines.py`, a SpeechKit v3 server on loopback that knows the
  caller's lines and answers with timed partials and finals (cheap, so the robot's own
  cost is what is measured);
- the callers: the lean load generator of `gateway_concurrency` (`bench/lean_rtp.py`),
  placing N SIP calls at `--rate` per second and, per call, speaking pre-rendered WAVs
  (espeak-ng) frame by frame: it waits for the robot to speak and fall quiet (`--quiet-ms`),
  thinks a little (random, seeded), says its next line, and measures the response gap at
  its ear. It streams silence in between, as a phone does.

With `--workers 2` two robot processes run, each with its own SIP port (and, on SQLite,
its own database; on PostgreSQL they share one), and the generator deals calls to them
in turn.

Once all N calls are up, every robot measures for `--window` seconds: per-packet RTP
send lateness against the 20 ms schedule (p99 is the "send jitter"), its CPU and RSS
growth per call, database write statements and commits per second; the orchestrator
measures the generator's and the ASR server's CPU and an idle canary ticker. After the
calls end: lost packets on both sides (sequence gaps), how many calls reached the
script's end (outcome `qualified`), and the response gap at the caller's ear. A step
passes when every call was answered and finished the script, p99 send jitter is under
10 ms and no packet was lost. The last line is `max_full_calls: N`.

    .venv/bin/python bench/full_stack_density.py --ramp 10,20 --window 5     # quick look
    .venv/bin/python bench/full_stack_density.py                             # 100,150,200,250
    .venv/bin/python bench/full_stack_density.py --workers 2 --ramp 200,250,300
    .venv/bin/python bench/full_stack_density.py --db postgres
    .venv/bin/python bench/full_stack_density.py --profile 150   # py-spy of the robot

Every loop is bounded: calls end by themselves (the script hangs up) or after
`--max-call-s`, each step after `STEP_TIMEOUT_S`, the ramp after 8 steps or two failing
steps in a row.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import process_harness as harness  # noqa: E402
from bench.lean_rtp import LeanMedia, LeanMediaLoop  # noqa: E402
from bench.process_harness import (  # noqa: E402
    cpu_seconds,
    emit,
    install_gc_probe,
    load_average,
    machine_canary,
    read_command,
    receive,
    rss_bytes,
    run_queue_wait_s,
    send,
    stdin_reader,
)
from media_gateway.call_leg import CallEnded  # noqa: E402
from media_gateway.rtp import g711  # noqa: E402
from media_gateway.sip import CallFailed, SipCallLeg, SipConfig, SipUserAgent  # noqa: E402

JITTER_LIMIT_MS = 10.0
STEP_TIMEOUT_S = 420.0
SCRIPT_PATH = ROOT / "dialogs" / "lead_qualification.en.yaml"
VARIABLES = {"name": "Ann", "product": "a kitchen", "company": "Acme"}
CALLER_LINES = [
    "yes, that's me",
    "go ahead",
    "yes, we are still looking",
    "next month",
    "about five thousand dollars",
    "no thanks",
]
"""What the caller says, in order: the lead script's happy path to `qualified`."""
EXPECTED_OUTCOME = "qualified"
CALLER_VOICE = "en-us"
ASSETS = ROOT / "var" / "bench" / "full_stack"
FRAME = 160


# -- assets: the caller's lines and the robot's prompts, rendered once ---------------------


async def prepare_assets(assets: Path) -> dict[str, Any]:
    """Caller lines as WAVs (and the ASR server's line list) and the robot's prompts in a
    TTS cache, all rendered with espeak-ng; returns where they are and how long the
    robot's longest pause inside a prompt is."""
    from asr_tts.audio import write_wav
    from asr_tts.settings import SpeechSettings
    from asr_tts.tts.espeak import EspeakSynthesizer
    from bot_engine.call.prompts import call_prompts
    from bot_engine.call.speech import CallSpeech
    from bot_engine.script import load_script

    assets.mkdir(parents=True, exist_ok=True)
    lines_dir = assets / "lines"
    lines_dir.mkdir(exist_ok=True)
    synth = EspeakSynthesizer()
    entries = []
    for index, text in enumerate(CALLER_LINES):
        wav = lines_dir / f"{index}.wav"
        if not wav.exists():
            pcm = b"".join([c async for c in synth.synthesize(text, CALLER_VOICE, 8000)])
            write_wav(wav, pcm, 8000)
        entries.append({"text": text, "wav": str(wav)})
    spec = assets / "lines.json"
    spec.write_text(json.dumps({"lines": entries}))
    script = load_script(SCRIPT_PATH.read_text()).script
    cache_dir = assets / "tts-cache"
    speech = CallSpeech.for_script(
        script, SpeechSettings(tts_cache_dir=cache_dir), asr_engine="yandex"
    )
    prompts = call_prompts(script, VARIABLES)
    await speech.prerender(prompts)
    longest_pause = 0
    for text in prompts:
        pcm = speech.cached(text)
        if pcm:
            longest_pause = max(longest_pause, inner_pause_ms(pcm))
    return {"lines": str(spec), "tts_cache": str(cache_dir), "longest_pause_ms": longest_pause}


def loud_frames(pcm: bytes) -> np.ndarray:
    """Indexes of the 20 ms frames louder than s16 RMS 300 (about -40 dBFS)."""
    samples = np.frombuffer(pcm[: len(pcm) // (2 * FRAME) * 2 * FRAME], dtype="<i2")
    rms = np.sqrt(np.mean(samples.reshape(-1, FRAME).astype(np.float64) ** 2, axis=1))
    return np.flatnonzero(rms >= 300)


def last_loud_frame(pcm: bytes) -> int:
    loud = loud_frames(pcm)
    return int(loud[-1]) if loud.size else len(pcm) // (2 * FRAME) - 1


def inner_pause_ms(pcm: bytes) -> int:
    """The longest run of quiet 20 ms frames between the first and last loud one."""
    loud = loud_frames(pcm)
    if loud.size < 2:
        return 0
    return int(np.max(np.diff(loud)) - 1) * 20


# -- the robot: the service app, measured from inside ------------------------------------


class WriteCounter:
    """Write statements (INSERT/UPDATE/DELETE rows) and commits on the service's engine."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.writes = 0
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    # SQLAlchemy's event signatures (before_cursor_execute, commit).
    def _statement(self, conn: Any, cursor: Any, statement: str, parameters: Any,  # noqa: ARG002
                   context: Any, executemany: bool) -> None:  # noqa: ARG002
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.writes += len(parameters) if executemany and parameters else 1

    def _commit(self, conn: Any) -> None:  # noqa: ARG002
        self.commits += 1


async def robot_main(http_port: int, data_dir: Path, db_url: str | None,
                     realtime: bool) -> None:
    import uvicorn

    from bot_engine.service.app import create_app
    from bot_engine.service.settings import ServiceSettings
    from bot_engine.storage import tenants
    from media_gateway.rtp.clock import shared_clock
    from media_gateway.rtp.session import RtpSession

    if realtime:  # as media servers run (Asterisk -p, FreeSWITCH -rp); see gateway_concurrency
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(10))
    settings = ServiceSettings(
        host="127.0.0.1",
        port=http_port,
        data_dir=data_dir,
        database_url=db_url,
        sip_host="127.0.0.1",
        sip_port=0,
        audiosocket_enabled=False,
        dialer="none",
        secret_key="bench",
    )
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=http_port, log_level="warning",
                       ws="websockets-sansio", lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    async with asyncio.timeout(120):
        while not server.started:
            if serving.done():
                serving.result()
            await asyncio.sleep(0.05)
    service = app.state.service
    async with service.db.write() as session:
        tenant = await tenants.find_tenant(session, "bench")
        if tenant is None:
            tenant = await tenants.create_tenant(session, "bench")
        key = await tenants.create_key(session, tenant)
    counter = WriteCounter(service.db.engine.sync_engine)
    gc_pauses = install_gc_probe()
    baseline = rss_bytes()
    emit({"sip_port": service.listeners.sip_port, "http_port": http_port, "api_key": key})
    measured: list[RtpSession] = []
    commands = await stdin_reader()
    while True:
        command = await read_command(commands)
        if command[0] == "measure":
            window = float(command[1])
            clock = shared_clock()
            # the clock's clients are the live calls' RTP sessions (read, not changed)
            live = [c for c in list(clock._clients.values()) if isinstance(c, RtpSession)]
            measured.extend(live)
            sent0 = [s.packets_sent for s in live]
            cpu0, wall0 = time.process_time(), time.perf_counter()
            waited0 = run_queue_wait_s()
            faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_majflt
            writes0, commits0 = counter.writes, counter.commits
            calls0 = service.inbound.active
            gc_pauses.clear()
            clock.reset_measurements()
            await asyncio.sleep(window)
            elapsed = time.perf_counter() - wall0
            cpu = (time.process_time() - cpu0) / elapsed
            lateness: list[float] = []
            for rtp, before in zip(live, sent0, strict=True):
                stats = rtp.stats()
                fresh = stats.packets_sent - before
                if fresh > 0:
                    lateness.extend(stats.send_lateness_ms[-fresh:])
            samples = np.array(lateness) if lateness else np.zeros(1)
            emit({
                "calls": calls0,
                "calls_after": service.inbound.active,
                "rtp_sessions": len(live),
                "send_p50_ms": float(np.percentile(samples, 50)),
                "send_p99_ms": float(np.percentile(samples, 99)),
                "send_max_ms": float(samples.max()),
                "samples": len(lateness),
                "cpu": cpu,
                "run_queue_wait": (run_queue_wait_s() - waited0) / elapsed,
                "major_faults": resource.getrusage(resource.RUSAGE_SELF).ru_majflt - faults0,
                "rss": rss_bytes(),
                "rss_growth": rss_bytes() - baseline,
                "writes_per_s": (counter.writes - writes0) / elapsed,
                "commits_per_s": (counter.commits - commits0) / elapsed,
                "gc_max_ms": max((ms for _, ms in gc_pauses), default=0.0),
                "gc_gen2": sum(1 for generation, _ in gc_pauses if generation == 2),
                "tick_late_p99_ms": clock.lateness_percentile_ms(99),
                "tick_work_p50_ms": clock.work_percentile_ms(50),
                "tick_work_p99_ms": clock.work_percentile_ms(99),
            })
        elif command[0] == "report":
            async with asyncio.timeout(float(command[1])):
                # The active-call count has no event to wait on.
                while service.inbound.active:  # noqa: ASYNC110
                    await asyncio.sleep(0.2)
            stats = [rtp.stats() for rtp in measured]
            found, odd = await outcomes(service.db)
            emit({
                "lost": sum(s.packets_lost for s in stats),
                "late": sum(s.packets_late for s in stats),
                "discarded": sum(s.packets_discarded for s in stats),
                "outcomes": found,
                "unexpected": odd,
                "writes": counter.writes,
                "recordings": sum(1 for _ in settings.recordings_path.rglob("*.wav")),
            })
        else:
            break
    server.should_exit = True
    with contextlib.suppress(Exception):
        await asyncio.wait_for(serving, 30)


async def outcomes(db: Any) -> tuple[dict[str, int], list[list[str]]]:
    """Calls per outcome, and the transcripts of up to three calls that did not reach the
    expected one (to tell a robot that fell behind from a misheard line)."""
    from sqlalchemy import select

    from bot_engine.storage import calls as call_repo
    from bot_engine.storage.models import Call

    async with db.sessions() as session:
        rows = (await session.execute(select(Call.id, Call.status, Call.result))).all()
        found: Counter[str] = Counter()
        odd: list[list[str]] = []
        for call_id, status, result in rows:
            outcome = (result or {}).get("outcome") or status
            found[outcome] += 1
            if outcome != EXPECTED_OUTCOME and len(odd) < 3:
                events = await call_repo.list_events(session, call_id)
                odd.append([f"{e.kind}: {e.data.get('role', '')} {e.data.get('text', '')}"[:90]
                            for e in events if e.kind in ("turn", "event")][:24])
    return dict(found), odd


# -- the callers: lean RTP that speaks lines and takes turns --------------------------------


def quiet_bytes() -> bytes:
    """G.711 mu-law bytes that decode to a sample quieter than |300| (silence, hiss)."""
    values = np.frombuffer(g711.decode(bytes(range(256)), "PCMU"), dtype="<i2")
    return bytes(i for i in range(256) if abs(int(values[i])) < 300)


QUIET = quiet_bytes()
LOUD_SAMPLES = 16
"""A packet with at least this many loud samples (of 160) carries the robot's voice."""


class Conversation:
    """What every caller shares: the lines, encoded once, and the turn-taking settings."""

    def __init__(self, lines: list[bytes], quiet_ms: int, think_ms: tuple[int, int],
                 seed: int) -> None:
        self.frames = [
            [g711.encode(pcm[i : i + 2 * FRAME].ljust(2 * FRAME, b"\0"), "PCMU")
             for i in range(0, len(pcm), 2 * FRAME)]
            for pcm in lines
        ]
        self.voice_ends = [last_loud_frame(pcm) + 1 for pcm in lines]
        """Per line, the frame after its last loud one: the end of speech (the WAV's
        trailing silence is not speech)."""
        self.silence = g711.silence("PCMU", FRAME)
        self.quiet_packets = quiet_ms // 20
        self.think_ticks = (think_ms[0] // 20, think_ms[1] // 20)
        self.random = random.Random(seed)
        self.gaps_ms: list[float] = []


class CallerMedia(LeanMedia):
    """One caller: silence until the robot has spoken and fallen quiet, then (after a
    thought) the next line; the time from the end of a line to the robot's first loud
    packet is the response gap at the caller's ear."""

    conversation: Conversation

    def __init__(self, owner: LeanMediaLoop, sock: socket.socket, ssrc: int) -> None:
        super().__init__(owner, sock, ssrc)
        self.turn = 0
        self._speaking: list[bytes] | None = None
        self._position = 0
        self._heard = False
        self._quiet = 0
        self._think = -1
        self._said_at: float | None = None

    @property
    def finished_lines(self) -> bool:
        return self.turn == len(self.conversation.frames) and self._speaking is None

    def next_payload(self) -> bytes | None:
        talk = self.conversation
        if self._speaking is not None:
            frame = self._speaking[self._position]
            self._position += 1
            if self._position == talk.voice_ends[self.turn - 1]:
                self._said_at = self._owner.now + 0.020  # when this last loud frame ends
            if self._position == len(self._speaking):
                self._speaking = None
            return frame
        if self._heard and self._quiet >= talk.quiet_packets and self.turn < len(talk.frames):
            if self._think < 0:
                self._think = talk.random.randint(*talk.think_ticks)
            elif self._think == 0:
                self._speaking, self._position = talk.frames[self.turn], 0
                self.turn += 1
                self._heard, self._think = False, -1
                return self.next_payload()
            else:
                self._think -= 1
        return talk.silence

    def on_payload(self, payload: bytes) -> None:
        if len(payload.translate(None, QUIET)) >= LOUD_SAMPLES:
            if self._said_at is not None:
                self.conversation.gaps_ms.append((self._owner.now - self._said_at) * 1000)
                self._said_at = None
            self._heard = True
            self._quiet = 0
        else:
            self._quiet += 1


async def converse(leg: SipCallLeg, max_call_s: float) -> bool:
    """Until the robot hangs up (True) or the call runs too long (hang up, False)."""
    try:
        async with asyncio.timeout(max_call_s):
            async for event in leg.events():
                if isinstance(event, CallEnded):
                    return True
    except TimeoutError:
        pass
    with contextlib.suppress(Exception):
        await leg.hangup()
    return False


async def caller_main(targets: list[str], calls: int, rate: float, lines_spec: Path,
                      quiet_ms: int, think_ms: tuple[int, int], seed: int,
                      max_call_s: float, realtime: bool) -> None:
    from asr_tts.audio import read_audio_file

    if realtime:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(5))
    lines = [read_audio_file(item["wav"], 8000)[0]
             for item in json.loads(lines_spec.read_text())["lines"]]
    CallerMedia.conversation = Conversation(lines, quiet_ms, think_ms, seed)
    lean = LeanMediaLoop(b"\0" * 2 * FRAME, media_class=CallerMedia)
    ua = await SipUserAgent.start(SipConfig(port=0, user="caller"), rtp_factory=lean.open)
    legs: list[SipCallLeg] = []
    failures: list[str] = []
    talks: list[asyncio.Task[bool]] = []

    async def place(index: int) -> None:
        await asyncio.sleep(index / rate)  # paced call setup, as a trunk would deliver them
        try:
            leg = await ua.call(targets[index % len(targets)], timeout_s=30)
        except CallFailed as failure:
            failures.append(str(failure))
            return
        legs.append(leg)
        talks.append(asyncio.create_task(converse(leg, max_call_s)))

    await asyncio.gather(*(place(i) for i in range(calls)))
    emit({"established": len(legs), "failures": failures[:5]})
    commands = await stdin_reader()
    await read_command(commands)  # "wait": until every call has ended
    ended = await asyncio.gather(*talks) if talks else []
    media = [leg.rtp for leg in legs if isinstance(leg.rtp, CallerMedia)]
    gaps = CallerMedia.conversation.gaps_ms
    emit({
        "ended_by_robot": sum(ended),
        "finished_lines": sum(1 for m in media if m.finished_lines),
        "lost": sum(m.lost for m in media),
        "late": sum(m.reordered for m in media),
        "received": sum(m.received for m in media),
        "gap_p50_ms": float(np.percentile(gaps, 50)) if gaps else None,
        "gap_p95_ms": float(np.percentile(gaps, 95)) if gaps else None,
        "turns": len(gaps),
    })
    await ua.close()


# -- the orchestrator ------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    window: float
    rate: float
    workers: int
    db: str
    quiet_ms: int
    think_ms: tuple[int, int]
    max_call_s: float
    seed: int
    profile: int | None
    realtime: bool
    realtime_caller: bool


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Databases:
    """SQLite per worker (the default), or one throwaway PostgreSQL cluster whose fresh
    database per step the workers share."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.server: Any = None
        self.steps = 0

    def __enter__(self) -> Databases:
        if self.kind == "postgres":
            from tests.service.postgres_server import PostgresServer

            self.server = PostgresServer()
            self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.stop()

    async def for_step(self) -> str | None:
        if self.server is None:
            return None
        self.steps += 1
        url: str = await self.server.create_database(f"bench{self.steps}")
        return url


async def start_robot(data: Path, db_url: str | None, env: dict[str, str], log: Any,
                      realtime: bool) -> tuple[asyncio.subprocess.Process, dict[str, Any]]:
    args = ["--role", "robot", "--data-dir", str(data), "--http-port", str(free_port())]
    if realtime:
        args.append("--realtime")
    if db_url:
        args += ["--db-url", db_url]
    process = await asyncio.create_subprocess_exec(
        sys.executable, os.path.abspath(__file__), *args, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log,
    )
    return process, await receive(process, 180)


async def configure_route(robot: dict[str, Any]) -> None:
    """Upload the script and route every SIP call to it, through the API."""
    import httpx

    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{robot['http_port']}", timeout=60,
        headers={"authorization": f"Bearer {robot['api_key']}"},
    ) as client:
        uploaded = await client.post("/v1/scripts", content=SCRIPT_PATH.read_text(),
                                     headers={"content-type": "application/yaml"})
        assert uploaded.status_code == 201, uploaded.text
        route = await client.post("/v1/inbound-routes", json={
            "match": {"channel": "sip"}, "script_id": "lead_qualification",
            "variables": VARIABLES,
        })
        assert route.status_code == 201, route.text


def profile_robot(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes] | None:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        print("       (py-spy is not installed: pip install py-spy)", flush=True)
        return None
    return subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "50",
         "--format", "raw", "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def print_profile(path: Path, top: int = 25) -> None:
    """The hottest functions of a py-spy raw profile (collapsed stacks): own samples, and
    inclusive samples of the project's own functions."""
    if not path.exists():
        return
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        own[frames[-1]] += samples
        for frame in set(frames):
            if any(part in frame for part in ("bot_engine/", "asr_tts/", "media_gateway/")):
                inclusive[frame] += samples
    print(f"       profile of the robot ({total} samples, {path}):", flush=True)
    for title, table in (("own", own), ("inclusive, project code", inclusive)):
        print(f"       -- {title}", flush=True)
        for frame, samples in table.most_common(top):
            print(f"       {100 * samples / max(1, total):5.1f}%  {frame}", flush=True)


async def run_step(calls: int, settings: Settings, assets: dict[str, Any],
                   databases: Databases, run_dir: Path) -> dict[str, Any]:
    step_dir = run_dir / f"step-{calls}"
    step_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT),
        "VOICEBOT_ASR_ENGINE": "yandex",
        "VOICEBOT_YANDEX_API_KEY": "bench",
        "VOICEBOT_YANDEX_TLS": "false",
        "VOICEBOT_TTS_CACHE_DIR": assets["tts_cache"],
    })
    from bot_engine.storage.sealing import new_key

    env["VOICEBOT_ENCRYPTION_KEY"] = new_key()
    log = (step_dir / "robots.log").open("ab")
    asr = caller = None
    robots: list[tuple[asyncio.subprocess.Process, dict[str, Any]]] = []
    try:
        asr = await harness.spawn(str(ROOT / "bench" / "speechkit_lines.py"),
                                  "--lines", assets["lines"])
        env["VOICEBOT_YANDEX_STT_ENDPOINT"] = (await receive(asr, 60))["endpoint"]
        db_url = await databases.for_step()
        for index in range(settings.workers):
            robot = await start_robot(step_dir / f"worker{index}", db_url, env, log,
                                      settings.realtime)
            robots.append(robot)
            if db_url is None or index == 0:  # a shared database needs the route once
                await configure_route(robot[1])
        targets = [f"sip:lead@127.0.0.1:{info['sip_port']}" for _, info in robots]
        caller = await harness.spawn(
            __file__, "--role", "caller", "--targets", ",".join(targets),
            "--calls", str(calls), "--rate", str(settings.rate), "--lines", assets["lines"],
            "--quiet-ms", str(settings.quiet_ms),
            "--think-ms", f"{settings.think_ms[0]},{settings.think_ms[1]}",
            "--seed", str(settings.seed), "--max-call-s", str(settings.max_call_s),
            *(["--realtime"] if settings.realtime_caller else []),
        )
        setup = await receive(caller, calls / settings.rate + 60)
        await asyncio.sleep(1.0)  # let jitter buffers and the clock settle before measuring
        profiler = None
        if settings.profile == calls:
            profiler = profile_robot(robots[0][0].pid, settings.window,
                                     ASSETS / f"robot-{calls}.pyspy.txt")
        others = {"caller": caller.pid, "asr": asr.pid}
        cpu0 = {name: cpu_seconds(pid) for name, pid in others.items()}
        wall0 = time.perf_counter()
        for process, _ in robots:
            await send(process, f"measure {settings.window}")
        canary = asyncio.create_task(machine_canary(settings.window))
        measured = [await receive(process, settings.window + 60) for process, _ in robots]
        elapsed = time.perf_counter() - wall0
        other_cpu = {name: (cpu_seconds(pid) - cpu0[name]) / elapsed
                     for name, pid in others.items()}
        canary_p99, canary_max = await canary
        load = load_average()
        await send(caller, "wait")
        caller_result = await receive(caller, settings.max_call_s + 60)
        ends = []
        for process, _ in reversed(robots):  # the first robot last: every call has ended
            await send(process, "report 60")
            ends.insert(0, await receive(process, 90))
        if db_url is not None:  # one shared database: count its calls once
            for end in ends[1:]:
                end["outcomes"], end["unexpected"] = {}, []
        if profiler is not None:
            profiler.wait(60)
            print_profile(ASSETS / f"robot-{calls}.pyspy.txt")
        return {
            "setup": setup, "robots": measured, "ends": ends, "caller": caller_result,
            "other_cpu": other_cpu, "canary_p99_ms": canary_p99, "canary_max_ms": canary_max,
            "load": load,
        }
    finally:
        for process, _ in robots:
            with contextlib.suppress(Exception):
                await send(process, "quit")
        if asr is not None:
            with contextlib.suppress(Exception):
                await send(asr, "quit")
        for process in [caller, asr, *(p for p, _ in robots)]:
            await harness.stop(process, 30)
        log.close()


def summarize(calls: int, step: dict[str, Any]) -> dict[str, Any]:
    robots, ends, caller = step["robots"], step["ends"], step["caller"]
    outcomes: Counter[str] = Counter()
    for end in ends:
        outcomes.update(end["outcomes"])
    p99 = max(r["send_p99_ms"] for r in robots)
    lost = sum(e["lost"] for e in ends) + caller["lost"]
    up = step["setup"]["established"]
    finished = outcomes.get(EXPECTED_OUTCOME, 0)
    robot_cpu = sum(r["cpu"] for r in robots)
    growth = sum(r["rss_growth"] for r in robots)
    return {
        "calls": calls,
        "up": up,
        "live": sum(r["calls"] for r in robots),
        "live_after": sum(r["calls_after"] for r in robots),
        "send_p50_ms": max(r["send_p50_ms"] for r in robots),
        "send_p99_ms": p99,
        "send_max_ms": max(r["send_max_ms"] for r in robots),
        "lost": lost,
        "late": sum(e["late"] for e in ends),
        "discarded": sum(e["discarded"] for e in ends),
        "finished": finished,
        "outcomes": dict(outcomes),
        "robot_cpu": robot_cpu,
        "cpu_ms_per_call_s": robot_cpu * 1000 / max(1, calls),
        "rss_total": sum(r["rss"] for r in robots),
        "rss_per_call": growth / max(1, calls),
        "writes_per_s": sum(r["writes_per_s"] for r in robots),
        "writes_per_call": sum(e["writes"] for e in ends) / max(1, up),
        "commits_per_s": sum(r["commits_per_s"] for r in robots),
        "ok": up == calls and finished == calls and p99 < JITTER_LIMIT_MS and lost == 0,
    }


async def orchestrate(ramp: list[int], settings: Settings) -> int:
    assets = await prepare_assets(ASSETS)
    print(
        f"machine: {os.cpu_count()} cores, load average {load_average()}; workers: "
        f"{settings.workers}; robot priority: "
        f"{'SCHED_RR' if settings.realtime else 'normal'}, callers "
        f"{'SCHED_RR' if settings.realtime_caller else 'normal'}; database: {settings.db}; "
        f"ASR: SpeechKit v3 wire protocol (local server); caller waits "
        f"{settings.quiet_ms} ms of robot silence (longest pause "
        f"inside a prompt: {assets['longest_pause_ms']} ms), thinks "
        f"{settings.think_ms[0]}-{settings.think_ms[1]} ms",
        flush=True,
    )
    if assets["longest_pause_ms"] >= settings.quiet_ms:
        print("warning: --quiet-ms is shorter than a pause inside a prompt: callers will "
              "speak over the robot", flush=True)
    print(
        f"{'calls':>6} {'up':>5} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'lost':>5} "
        f"{'done':>5} {'robot cpu':>9} {'cpu/call':>9} {'rss/call':>9} {'writes/s':>9}  verdict",
        flush=True,
    )
    run_dir = Path(tempfile.mkdtemp(prefix="vb-density-"))
    best = 0
    failures = 0
    previous: tuple[int, int] | None = None
    with Databases(settings.db) as databases:
        for calls in ramp:
            try:
                step = await asyncio.wait_for(
                    run_step(calls, settings, assets, databases, run_dir), STEP_TIMEOUT_S)
            except (TimeoutError, RuntimeError, AssertionError) as exc:
                print(f"{calls:>6} step failed: {exc!r} (logs in {run_dir})", flush=True)
                break
            s = summarize(calls, step)
            print(
                f"{calls:>6} {s['up']:>5} {s['send_p50_ms']:>7.2f} {s['send_p99_ms']:>7.2f} "
                f"{s['send_max_ms']:>7.2f} {s['lost']:>5} {s['finished']:>5} "
                f"{s['robot_cpu'] * 100:>8.0f}% {s['cpu_ms_per_call_s']:>6.2f} ms "
                f"{s['rss_per_call'] / 1024:>7.0f}KB {s['writes_per_s']:>9.0f}  "
                f"{'ok' if s['ok'] else 'FAIL'}",
                flush=True,
            )
            caller, other, robots = step["caller"], step["other_cpu"], step["robots"]
            marginal = ""
            if previous is not None and calls > previous[0]:
                slope = (s["rss_total"] - previous[1]) / (calls - previous[0])
                marginal = f"; RSS slope from the previous step {slope / 1024:.0f} KB/call"
            previous = (calls, s["rss_total"])
            print(
                f"       calls live in the window {s['live']} (at its end {s['live_after']}); "
                f"robot jitter buffers: {s['late']} late, {s['discarded']} discarded; "
                f"outcomes {s['outcomes']}; caller gap p50 {caller['gap_p50_ms'] or 0:.0f} "
                f"p95 {caller['gap_p95_ms'] or 0:.0f} ms over {caller['turns']} turns; "
                f"commits/s {s['commits_per_s']:.0f}, DB writes per call "
                f"{s['writes_per_call']:.0f}; RSS {s['rss_total'] / 2**20:.0f} MB"
                f"{marginal}",
                flush=True,
            )
            print(
                f"       CPU: robot {s['robot_cpu'] * 100:.0f}%, caller "
                f"{other['caller'] * 100:.0f}%, ASR server {other['asr'] * 100:.0f}%; "
                f"tick work p50 {max(r['tick_work_p50_ms'] for r in robots):.1f} p99 "
                f"{max(r['tick_work_p99_ms'] for r in robots):.1f} ms; robot waited for a CPU "
                f"{max(r['run_queue_wait'] for r in robots) * 1000:.0f} ms/s; gc max "
                f"{max(r['gc_max_ms'] for r in robots):.1f} ms "
                f"({sum(r['gc_gen2'] for r in robots)} full); idle canary p99 "
                f"{step['canary_p99_ms']:.1f} max {step['canary_max_ms']:.1f} ms; "
                f"load {step['load']}",
                flush=True,
            )
            if s["up"] < calls:
                print(f"       setup failures: {step['setup']['failures']}", flush=True)
            for end in step["ends"]:
                for transcript in end["unexpected"][:1]:
                    print("       a call that did not qualify: " + " | ".join(transcript),
                          flush=True)
            if s["ok"]:
                best = max(best, calls)
                failures = 0
            else:
                failures += 1
                if failures == 2:  # two failing steps in a row: larger N will not pass either
                    break
    shutil.rmtree(run_dir, ignore_errors=True)
    print(f"load average at the end: {load_average()}", flush=True)
    print(f"max_full_calls: {best}" + (f" ({settings.workers} workers)"
                                         if settings.workers > 1 else ""), flush=True)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ramp", default="100,150,200,250")
    parser.add_argument("--window", type=float, default=15.0, help="measurement seconds per N")
    parser.add_argument("--rate", type=float, default=50.0, help="call setups per second")
    parser.add_argument("--workers", type=int, default=1, choices=[1, 2, 3, 4])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quiet-ms", type=int, default=800,
                        help="robot silence the caller waits for before its next line")
    parser.add_argument("--think-ms", default="200,800", help="caller's pause range, ms")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--max-call-s", type=float, default=150.0)
    parser.add_argument("--profile", type=int, default=None,
                        help="record the first robot with py-spy during this N's window")
    parser.add_argument("--realtime", action="store_true",
                        help="robots at SCHED_RR priority (the callers and ASR stay normal)")
    parser.add_argument("--realtime-caller", action="store_true",
                        help="the load generator at SCHED_RR too (to find the robots' own "
                        "limit rather than the generator's)")
    parser.add_argument("--role", choices=["robot", "caller"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--http-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--targets", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--lines", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    think = tuple(int(x) for x in args.think_ms.split(","))
    if len(think) != 2 or think[0] > think[1] or think[0] < 0:
        parser.error("--think-ms takes MIN,MAX")
    if args.role == "robot":
        asyncio.run(robot_main(args.http_port, args.data_dir, args.db_url, args.realtime))
    elif args.role == "caller":
        asyncio.run(caller_main(args.targets.split(","), args.calls, args.rate, args.lines,
                                args.quiet_ms, (think[0], think[1]), args.seed,
                                args.max_call_s, args.realtime))
    else:
        ramp = [int(n) for n in args.ramp.split(",") if n.strip()][:8]
        settings = Settings(args.window, args.rate, args.workers, args.db, args.quiet_ms,
                            (think[0], think[1]), args.max_call_s, args.seed, args.profile,
                            args.realtime, args.realtime_caller)
        asyncio.run(orchestrate(ramp, settings))


if __name__ == "__main__":
    gc.collect()
    main()
