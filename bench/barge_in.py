"""Barge-in: how fast the robot goes quiet when the caller speaks over a prompt, and what
short noise costs.

One call over SIP/RTP on 127.0.0.1 with the full pipeline (webrtcvad, Whisper tiny.en,
the Dialog, espeak-ng prompts from the cache). The robot reads long prompts; in every
cycle the simulated caller first makes an 80 ms click over the prompt (noise shorter
than a word), then says "yes please" over it. Reported, as p50 / p95:

- `robot_onset_to_stop`: from the start of the caller's first loud voiced frame as it
  reached the robot to the robot's send queue being cleared (the issue's "within 100 ms
  of speech start");
- `caller_ear_onset_to_quiet`: from the caller's first loud sample leaving its RTP sender
  to the end of the last loud robot frame the caller's leg delivered, so both RTP paths
  and both jitter buffers are included;
- what the clicks did: prompts paused and resumed, interruptions (target 0), and how long
  the caller heard nothing;
- whether the words that interrupted were recognized from their first syllable.

    .venv/bin/python bench/barge_in.py [--cycles 20] [--onset-ms 60] [--json]

`--onset-ms 0` turns onset pausing off (the prompt stops at the VAD's speech start, as
before), to compare. The last line is `barge_in_stop_p95_ms: N` (robot side).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from asr_tts.settings import SpeechSettings
from asr_tts.tts_cache import PromptSpec
from bot_engine.call.session import SessionSettings
from bot_engine.call.simulated_caller import VOICED_LEVEL, SimulatedCaller
from bot_engine.call.simulated_voices import caller_synthesizer, caller_voice
from bot_engine.call.speech import CallSpeech
from bot_engine.call.timings import percentile
from bot_engine.call.voice_simulator import loopback_call
from bot_engine.script import load_script

PROMPT = ("Thank you for taking our call today. We have several new offers this month, "
          "including free delivery, an extended warranty and a discount on installation. "
          "Before I go through all of them in detail, would you like to hear about them?")

SCRIPT = f"""
id: barge_in_bench
language: en-US
settings:
  endpoint_ms: 300
  no_input_timeout_ms: 8000
  max_turns: 1000
result:
  outcomes: [done, unclear]
  endings: {{hangup: done, error: unclear}}
start: first
steps:
  first:
    ask: "{PROMPT}"
    expect: confirm
    on: {{yes: second, no: second}}
  second:
    ask: "Great. {PROMPT}"
    expect: confirm
    on: {{yes: first, no: first}}
"""

WORDS = "yes please"


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def click(rng: np.random.Generator, rate: int) -> bytes:
    """80 ms of loud noise: a cough, a knock, a door."""
    samples = rng.normal(0, 6000, rate * 80 // 1000).clip(-32000, 32000)
    return samples.astype("<i2").tobytes()


def first_loud_s(pcm: bytes, rate: int) -> float:
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    loud = np.flatnonzero(samples > VOICED_LEVEL * 4)
    return float(loud[0]) / rate if loud.size else 0.0


LOOK_S = 0.4
"""How long after the caller's onset the robot's last loud frame is looked for: longer
than any stop, shorter than the words plus the endpointing window (no reply yet)."""


async def speak_over(caller: SimulatedCaller, pcm: bytes, onset_s: float) -> float:
    """Play `pcm` over the robot; returns the caller's onset to the robot's quiet (ms)."""
    leg = caller.leg
    frame = leg.sample_rate * 20 // 1000 * 2
    marker = leg.play(pcm[:frame])
    rest = leg.play(pcm[frame:])
    await marker.wait()
    onset = time.monotonic() + onset_s  # the first frame left now
    await asyncio.sleep(max(0.0, onset + LOOK_S - time.monotonic()))
    quiet = caller.last_robot_voice_at + 0.020  # the end of that frame at the ear
    await rest.wait()
    return round((quiet - onset) * 1000, 1)


async def run(cycles: int, onset_ms: int, cache_dir: Path) -> dict[str, object]:
    script = load_script(SCRIPT).script
    speech = CallSpeech.for_script(script, SpeechSettings(tts_cache_dir=cache_dir),
                                   asr_engine="whisper")
    rate = speech.sample_rate
    settings = SessionSettings(barge_in_onset_ms=onset_ms or None)
    voice = caller_voice(speech)
    words_spec = PromptSpec(engine=voice.engine, voice=voice.voice, options=voice.options,
                            sample_rate=rate, text=WORDS)
    words_pcm = await speech.cache.get_or_render(words_spec,
                                                 caller_synthesizer(speech, voice.engine))
    words_onset_s = first_loud_s(words_pcm, rate)
    rng = np.random.default_rng(0)
    pick = random.Random(0)
    ear_ms: list[float] = []

    async def drive(caller: SimulatedCaller) -> None:
        for _ in range(cycles):
            if not await caller.wait_robot_speaking(for_ms=pick.randrange(600, 1400, 20)):
                return
            await caller.leg.play(click(rng, rate)).wait()
            if not await caller.wait_robot_speaking(for_ms=pick.randrange(400, 1000, 20)):
                return
            ear_ms.append(await speak_over(caller, words_pcm, words_onset_s))
        await caller.wait_robot_speaking()

    load_before = os.getloadavg()[0]
    sim = await loopback_call(script, {}, speech, drive, settings=settings,
                              timeout_s=60 + cycles * 30)
    report = sim.report
    barge = report.barge_ins
    stops = [b.onset_to_stop_ms for b in barge]
    answers = [t for t in report.transcript if t.role == "caller"]
    recognized = sum(1 for t in answers if t.interrupted and set(_words(t.text)) >= {"please"}
                     and set(_words(t.text)) & {"yes", "yeah"})
    paused = [r.paused_ms for r in report.resumed_prompts]
    return {
        "asr_engine": speech.asr_engine,
        "onset_ms": onset_ms or None,
        "cycles": cycles,
        "barge_ins": len(barge),
        "triggers": {k: sum(1 for b in barge if b.trigger == k) for k in ("onset", "speech")},
        "robot_onset_to_stop_p50_ms": percentile(stops, 50) if stops else None,
        "robot_onset_to_stop_p95_ms": percentile(stops, 95) if stops else None,
        "caller_ear_onset_to_quiet_p50_ms": percentile(ear_ms, 50) if ear_ms else None,
        "caller_ear_onset_to_quiet_p95_ms": percentile(ear_ms, 95) if ear_ms else None,
        "clicks": cycles,
        "clicks_resumed": len(paused),
        "clicks_interrupted": max(0, len(barge) - cycles),
        "click_pause_p50_ms": percentile(paused, 50) if paused else None,
        "click_pause_p95_ms": percentile(paused, 95) if paused else None,
        "words_recognized": f"{recognized}/{len(barge)}",
        "heard_sample": sorted({t.text for t in answers})[:4],
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "barge_in_stop_p95_ms": percentile(stops, 95) if stops else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--onset-ms", type=int, default=SessionSettings().barge_in_onset_ms or 0,
                        help="loud voiced audio that pauses a prompt; 0 turns pausing off")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.cycles < 1:
        parser.error("--cycles must be positive")
    if args.onset_ms < 0:
        parser.error("--onset-ms must not be negative")
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(run(args.cycles, args.onset_ms, Path(tmp)))
    last = figures.pop("barge_in_stop_p95_ms")
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
    print(f"barge_in_stop_p95_ms: {last}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
