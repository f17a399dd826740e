"""Response gap of live calls: end of caller speech → first robot audio packet.

Runs one call over SIP/RTP on 127.0.0.1 with at least 50 caller turns through the full
pipeline (webrtcvad endpointing, the offline ASR, the Dialog, prompts from the TTS cache,
the RTP sender). Every prompt is rendered before the call, as it would be while the
phone rings. Reports p50/p95 of the whole gap and of the engine-added part (the gap
minus the configured endpointing window and the ASR's own compute).

    .venv/bin/python bench/response_gap.py [--lang en|ru] [--turns 50] [--endpoint-ms 300]
        [--endpointing vad|smart] [--asr vosk] [--answers short|long] [--speculate-ms 100]
        [--classic-whisper] [--vad-floor-rms N] [--json]

`--lang ru` runs the call in Russian: Festival speaks for both sides and the robot hears
with multilingual Whisper base (English: espeak-ng and Whisper tiny.en).
`--endpointing smart` ends turns by Smart Turn's verdict (`asr_tts.turn`) instead of the
`--endpoint-ms` window.

`caller_heard_gap` is the gap at the simulated caller's ear: from the moment the last
frame of its sound left (the TTS's trailing pause is sent after it, separately) to the
first voiced robot audio it receives, so it includes both RTP paths and both jitter
buffers. It can come out below the robot's gap: the caller counts faint tails (samples
above a low level) as sound, where the robot's VAD has already heard the end.

The ASR of a turn is split into `asr_final` (after the endpoint: what the reply waited
for) and, for Whisper, the speculative decodes started at the caller's pause (started,
used, discarded because the caller spoke again, and their decode time). `--answers long`
speaks longer answers with commas, where callers pause mid-answer and speculation may
be wasted. `--speculate-ms 0` turns speculation off; `--classic-whisper` decodes as
before this bench's tuning (beam 5, word timestamps, 30 s window, all cores), to compare
old and new in the same minutes.

Targets (DESIGN.md): engine added ≤ 30 ms p95; whole gap ≤ 500 ms p50.
The last line is `engine_added_p95_ms: N`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from asr_tts.settings import SpeechSettings
from bot_engine.call.session import SessionSettings
from bot_engine.call.simulated_voices import caller_voice
from bot_engine.call.speech import CallSpeech
from bot_engine.call.timings import TimingSummary, percentile
from bot_engine.call.voice_simulator import simulate_call
from bot_engine.script import load_script

SCRIPT = """
id: response_gap_bench
language: {language}
settings:
  endpoint_ms: {endpoint_ms}
  endpointing: {endpointing}
  no_input_timeout_ms: 8000
  max_turns: 1000
result:
  outcomes: [done, unclear]
  endings: {{hangup: done, error: unclear}}
start: first
steps:
  first:
    ask: "{ask_first}"
    expect: {expect}
    on: {{{branches_first}}}
  second:
    ask: "{ask_second}"
    expect: {expect}
    on: {{{branches_second}}}
"""
ASKS = {"en": ("Say yes or no.", "And once more, yes or no?"),
        "ru": ("Скажите да или нет.", "И ещё раз: да или нет?")}


SHORT_ANSWERS = {"en": ["yes", "no"], "ru": ["да", "нет"]}
LONG_ANSWERS = {"en": ["yes, it is still relevant", "no, not right now, thank you",
                       "yes please, go ahead", "no, I am not interested"],
                "ru": ["да, заявка ещё актуальна", "нет, сейчас не нужно, спасибо",
                       "да, конечно, давайте", "нет, мне это не интересно"]}
KOREAN_LINES = ["네", "아니요"]
"""With the packaged Korean Vosk model (the only streaming offline model here) the caller
speaks Korean and the steps take free text: the figure measured is the pipeline's timing,
not English understanding."""


def bench_script(endpoint_ms: int, free_text: bool, lang: str = "en",
                 endpointing: str = "vad") -> str:
    common = {"endpoint_ms": endpoint_ms, "endpointing": endpointing,
              "language": "ru-RU" if lang == "ru" else "en-US",
              "ask_first": ASKS[lang][0], "ask_second": ASKS[lang][1]}
    if free_text:
        return SCRIPT.format(**common, expect="text",
                             branches_first="ok: second", branches_second="ok: first")
    return SCRIPT.format(**common, expect="confirm",
                         branches_first="yes: second, no: second",
                         branches_second="yes: first, no: first")


CLASSIC_WHISPER = {"whisper_beam_size": 5, "whisper_word_timestamps": True,
                   "whisper_window_s": 30.0, "whisper_cpu_threads": 0}


async def run(turns: int, endpoint_ms: int, asr: str | None, cache_dir: Path, *,
              answers: str = "short", speculate_ms: int = 100,
              classic_whisper: bool = False,
              vad_floor_rms: float | None = None, lang: str = "en",
              endpointing: str = "vad") -> dict[str, object]:
    vosk = asr == "vosk"
    script = load_script(bench_script(endpoint_ms, vosk, lang, endpointing)).script
    settings = SpeechSettings(tts_cache_dir=cache_dir,
                              **(CLASSIC_WHISPER if classic_whisper else {}))  # type: ignore[arg-type]
    speech = CallSpeech.for_script(script, settings, asr_engine=asr)
    spoken = KOREAN_LINES if vosk else (LONG_ANSWERS if answers == "long"
                                        else SHORT_ANSWERS)[lang]
    lines = (spoken * turns)[:turns]
    session = SessionSettings(speculate_ms=speculate_ms or None)
    if vad_floor_rms is not None:
        session = dataclasses.replace(session, vad_floor_rms=vad_floor_rms)
    load_before = os.getloadavg()[0]
    sim = await simulate_call(script, {}, lines, speech, timeout_s=60 + turns * 20, quiet_ms=500,
                              caller_voice="ko" if vosk else None, settings=session)
    report = sim.report
    timings = report.timings
    if not timings:
        raise SystemExit(f"no turn was timed; transcript: {report.transcript}")
    summary = TimingSummary.of(timings)
    heard = [t.text for t in report.transcript if t.role == "caller"]
    spec = speech.speculation
    return {
        "language": lang,
        "endpointing": endpointing,
        "asr_engine": speech.asr_engine,
        "tts_engine": speech.tts_engine,
        "caller_voice": caller_voice(speech).engine if not vosk else "espeak",
        "whisper": "classic" if classic_whisper else "telephone",
        "answers": answers,
        "endpoint_ms": endpoint_ms,
        "turns_spoken": len(lines),
        "turns_timed": summary.turns,
        "turns_understood": sum(1 for t in heard if not t.startswith("[")),
        "uncached_prompts": speech.streamed,
        "gap_p50_ms": summary.gap_p50_ms,
        "gap_p95_ms": summary.gap_p95_ms,
        "endpointing_p50_ms": percentile([t.endpointing_ms for t in timings], 50),
        "asr_final_p50_ms": percentile([t.asr_final_ms for t in timings], 50),
        "asr_final_p95_ms": percentile([t.asr_final_ms for t in timings], 95),
        "dialogue_p95_ms": percentile([t.dialogue_ms for t in timings], 95),
        "tts_p95_ms": percentile([t.tts_ms for t in timings], 95),
        "send_p95_ms": percentile([t.send_ms for t in timings], 95),
        "speculate_ms": speculate_ms or None,
        "vad_floor_rms": session.vad_floor_rms,
        "speculation_started": spec.started,
        "speculation_used": spec.used,
        "speculation_discarded": spec.discarded,
        "speculation_wasted_pct": round(100 * spec.discarded / spec.started, 1)
        if spec.started else 0.0,
        "speculative_decode_p50_ms": round(percentile(spec.durations_s, 50) * 1000, 1)
        if spec.durations_s else None,
        "speculative_decode_p95_ms": round(percentile(spec.durations_s, 95) * 1000, 1)
        if spec.durations_s else None,
        "caller_heard_gap_p50_ms": percentile(sim.caller.reply_gaps_ms, 50)
        if sim.caller.reply_gaps_ms else None,
        "caller_heard_gap_p95_ms": percentile(sim.caller.reply_gaps_ms, 95)
        if sim.caller.reply_gaps_ms else None,
        "engine_added_p50_ms": summary.engine_added_p50_ms,
        "engine_added_p95_ms": summary.engine_added_p95_ms,
        "outcome": report.result.outcome,
        "heard_sample": sorted(set(heard))[:6],
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["en", "ru"], default="en")
    parser.add_argument("--endpointing", choices=["vad", "smart"], default="vad")
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--endpoint-ms", type=int, default=300)
    parser.add_argument("--asr", default=None,
                        help="whisper (default: English, utterance-level) or vosk (streaming, "
                        "the packaged Korean model)")
    parser.add_argument("--answers", choices=["short", "long"], default="short",
                        help="short: yes/no; long: answers with commas (mid-answer pauses)")
    parser.add_argument("--speculate-ms", type=int, default=100,
                        help="silence before a speculative decode; 0 turns it off")
    parser.add_argument("--classic-whisper", action="store_true",
                        help="beam 5, word timestamps, 30 s window: Whisper as before tuning")
    parser.add_argument("--vad-floor-rms", type=float, default=None,
                        help="frames quieter than this s16 RMS are silence (default: the "
                        "session's setting)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.turns < 1:
        parser.error("--turns must be positive")
    if args.speculate_ms < 0:
        parser.error("--speculate-ms must not be negative")
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(run(args.turns, args.endpoint_ms, args.asr, Path(tmp),
                                  answers=args.answers, speculate_ms=args.speculate_ms,
                                  classic_whisper=args.classic_whisper,
                                  vad_floor_rms=args.vad_floor_rms, lang=args.lang,
                                  endpointing=args.endpointing))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            if key != "engine_added_p95_ms":
                print(f"{key}: {value}")
    print(f"engine_added_p95_ms: {figures['engine_added_p95_ms']}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
