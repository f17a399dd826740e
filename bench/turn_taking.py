"""Turn-taking: false cut-offs and response gaps, VAD-only windows against Smart Turn.

Caller turns with natural mid-turn pauses ("ну, … давайте в четверг", a phone number
read in groups, lists) and plain complete answers, in Russian (Festival) and English
(espeak-ng). Each turn is rendered as one utterance with commas where the pauses go, so
the voice's own intonation marks the unfinished phrase; the comma's short silence is then
stretched to a pause of 350-900 ms (fixed pseudo-random draw). Every configuration runs
one live call per language over SIP/RTP on 127.0.0.1 through the full pipeline (webrtcvad,
Smart Turn where asked, Whisper, the Dialog, cached prompts); the robot answers every
turn with a short acknowledgement.

- false cut-off: the robot's voice reached the caller before the caller's turn ended
  (it replied in a mid-turn pause; a whole turn's own comma pause can be cut too, so the
  count may exceed the paused turns);
- gap: from the end of the caller's last sound to the robot's first audio at the
  caller's ear (both RTP paths included), over the turns that were not cut off; and over
  the whole (unpaused) turns alone, which no configuration cuts, so every configuration
  is timed on the same turns.

`--voices human` (or `synthetic,human`) runs the same on real recorded speech: one-sentence
prompts from Debian's `asterisk-core-sounds-{ru,en}-wav` (`turn_replay.build_turns`),
`--human-prompts` of them per language from the held-out half (the smart policy's
defaults were tuned on the other half with `bench/turn_replay.py`), each once whole and
once with a 350-900 ms pause at a word boundary.

    .venv/bin/python bench/turn_taking.py [--lang ru,en] [--voices synthetic,human]
        [--windows 300,500,800] [--human-prompts 20] [--human-split held_out|tune]
        [--no-smart] [--smart-before] [--smart-check-ms …] [--smart-recheck-ms …]
        [--smart-complete-ms …] [--smart-unsure-ms …] [--smart-incomplete-ms …]
        [--smart-cap-ms …] [--smart-threshold …] [--smart-no-text]
        [--speculate-ms …] [--repeat 1] [--trace] [--json]

`smart` is `SmartTurnSettings()` (the defaults) unless flags change it; `--smart-before`
adds the policy before calibration (one look at 100 ms, 150/1000 ms, threshold 0.5, no
text) to the same run.

`--trace` (`bench/turn_trace.py`) adds where each configuration's gap went, per stage, in
ms after the caller's last voiced frame (p50 over the turns heard): the speculative decode
(start, wait for the Whisper thread, decode), the Smart Turn inference, the transcript's
verdict, the end of turn and the evidence that ended it, the reply's first packet;
`--trace-turns` prints every turn's marks. `--speculate-ms` moves the speculative decode.
`--show-cuts` prints the prompt of each turn cut off.

Also prints Smart Turn's verdicts on the rendered audio alone (no call): P(complete) at
each mid-turn pause and at each turn's end. The last line is the target check against
VAD-only at 300 ms: smart gap p50 no higher, false cut-offs at most half.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import json
import logging
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr_tts.settings import SpeechSettings
from asr_tts.turn import SmartTurnSettings
from bot_engine.call.session import SessionSettings
from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.simulated_voices import caller_synthesizer, caller_voice
from bot_engine.call.speech import CallSpeech
from bot_engine.call.timings import percentile
from bot_engine.call.voice_simulator import loopback_call
from bot_engine.script import load_script

sys.path.insert(0, str(Path(__file__).parent))
from turn_trace import breakdown, summary, tracing

STAGE_NOTES = (
    "spec_start: speculative decode started", "decode_queued: it waited for the Whisper "
    "thread", "decode_ms: its decode", "decode_end", "infer_start / infer_ms: Smart Turn",
    "text_at: its verdict reached the policy", "end_of_turn", "transcript: final text",
    "heard: max(end of turn, text)", "first_packet: the reply's first RTP packet left")
RATE = 8000
FRAME = RATE // 50 * 2

TURNS = {
    "ru": [
        "ну | давайте в четверг",
        "мой номер | восемь девятьсот двенадцать | триста сорок пять шестьдесят семь",
        "нам нужна кухня | шкаф | и ещё стол",
        "бюджет | где-то двести тысяч",
        "я думаю | в следующем месяце",
        "да | но лучше перезвоните завтра",
        "сейчас посмотрю | в понедельник после обеда",
        "адрес | улица Ленина | дом пять",
        "да, это я",
        "нет, спасибо",
        "в четверг",
        "конечно",
        "перезвоните завтра",
        "двести тысяч",
    ],
    "en": [
        "well | let's say Thursday",
        "my number is | five five five | one two three four",
        "we need a kitchen | a wardrobe | and a table",
        "the budget is | about two thousand dollars",
        "I think | next month",
        "yes | but please call me tomorrow",
        "let me check | Monday afternoon",
        "the address is | twelve Main Street",
        "yes, speaking",
        "no, thank you",
        "on Thursday",
        "sure",
        "call me tomorrow",
        "two thousand dollars",
    ],
}
PAUSES_MS = (350, 900)
HUMAN_PROMPTS = [20]
"""How many held-out human prompts per language (`--human-prompts`)."""
HUMAN_SPLIT = ["held_out"]
"""Which half of the human prompts (`--human-split`): `tune` to choose a setting on,
`held_out` to report it on."""
ACK = {"ru": ("Угу.", "Так."), "en": ("Okay.", "Right.")}
BEFORE = SmartTurnSettings(check_ms=100, complete_ms=150, incomplete_ms=1000, cap_ms=1500,
                           threshold=0.5)
"""The smart policy before calibration, for comparison in the same run."""

SCRIPT = """
id: turn_taking_bench
language: {language}
settings:
  endpoint_ms: {window}
  endpointing: {endpointing}
  barge_in: false
  no_input_timeout_ms: 4000
  max_turns: 1000
  no_input: {{retries: 10, then: first}}
  no_match: {{retries: 10, then: first}}
result:
  outcomes: [done, unclear]
  endings: {{hangup: done, error: unclear}}
start: first
steps:
  first:
    ask: "{ack0}"
    expect: text
    on: {{ok: second}}
  second:
    ask: "{ack1}"
    expect: text
    on: {{ok: first}}
"""


@dataclass
class Turn:
    text: str
    pcm: bytes
    pauses_ms: list[int]
    pause_ends: list[int]
    """Byte offsets in `pcm` where each stretched pause ends (for the model-only check)."""


def _frames_rms(pcm: bytes, frame: int) -> np.ndarray:
    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % frame], dtype="<i2")
    frames = samples.reshape(-1, frame // 2).astype(np.float64)
    return np.sqrt(np.mean(frames * frames, axis=1))


def stretch_pauses(pcm: bytes, pauses_ms: list[int], rate: int = RATE
                   ) -> tuple[bytes, list[int]] | None:
    """Replace the len(pauses_ms) longest internal silences of `pcm` (in time order) with
    silences of the given lengths; None when the voice made fewer silences."""
    frame = rate // 100 * 2  # 10 ms
    quiet = _frames_rms(pcm, frame) < 150.0
    loud = np.flatnonzero(~quiet)
    if loud.size == 0:
        return None
    runs: list[tuple[int, int]] = []
    start = None
    for i in range(int(loud[0]), int(loud[-1]) + 1):
        if quiet[i] and start is None:
            start = i
        elif not quiet[i] and start is not None:
            if i - start >= 4:
                runs.append((start, i))
            start = None
    if len(runs) < len(pauses_ms):
        return None
    chosen = sorted(sorted(runs, key=lambda r: r[0] - r[1])[: len(pauses_ms)])
    out, at, ends = bytearray(), 0, []
    for (first, last), pause in zip(chosen, pauses_ms, strict=True):
        out += pcm[at : first * frame]
        out += bytes(rate * pause // 1000 * 2)
        ends.append(len(out))
        at = last * frame
    out += pcm[at:]
    return bytes(out), ends


@functools.cache
def human_turns(language: str, seed: int, prompts: int = 20,
                split: str | None = "held_out") -> list[Turn]:
    """Recorded human prompts (`turn_replay.build_turns`): each whole and with a pause at
    a word boundary; `prompts` of them from the held-out half (the policies' thresholds
    were tuned on the other half). Built once per run (Whisper finds the word gaps)."""
    from turn_replay import build_turns

    return [Turn(t.text, pcm, [t.pause_ms] if t.pause_ms else [],
                 [t.pause_end] if t.pause_ms else [])
            for t, pcm in build_turns(language, seed, prompts, split)]


async def render_turns(speech: CallSpeech, language: str, seed: int,
                       voices: str = "synthetic") -> list[Turn]:
    from asr_tts.tts_cache import PromptSpec

    if voices == "human":
        return human_turns(language, seed, HUMAN_PROMPTS[0], HUMAN_SPLIT[0])
    rng = random.Random(seed)
    voice = caller_voice(speech)
    synthesizer = caller_synthesizer(speech, voice.engine)
    turns = []
    for text in TURNS[language]:
        parts = [p.strip() for p in text.split("|")]
        spec = PromptSpec(engine=voice.engine, voice=voice.voice, options=voice.options,
                          sample_rate=RATE, text=", ".join(parts))
        pcm = await speech.cache.get_or_render(spec, synthesizer)
        pauses = [rng.randrange(PAUSES_MS[0], PAUSES_MS[1] + 1, 10) for _ in parts[1:]]
        stretched = stretch_pauses(pcm, pauses) if pauses else (pcm, [])
        if stretched is None:
            print(f"# skipped (the voice made no pause at each comma): {text}",
                  file=sys.stderr)
            continue
        turns.append(Turn(text, stretched[0], pauses, stretched[1]))
    return turns


def bench_script(language: str, window: int, endpointing: str) -> str:
    lang = language[:2]
    return SCRIPT.format(language="ru-RU" if lang == "ru" else "en-US", window=window,
                         endpointing=endpointing, ack0=ACK[lang][0], ack1=ACK[lang][1])


@dataclass
class Result:
    voices: str
    language: str
    endpointing: str
    window_ms: int
    turns: int
    paused_turns: int
    cut_offs: int
    gaps_ms: list[float]
    unanswered: int
    whole_gaps_ms: list[float] = dataclasses.field(default_factory=list)
    stages: list[dict[str, object]] = dataclasses.field(default_factory=list)
    """Per-turn stage marks (`--trace`, `turn_trace.breakdown`)."""
    speculations: tuple[int, int, int] = (0, 0, 0)
    """Speculative decodes started, used, discarded (the caller spoke on)."""
    cut_texts: list[str] = dataclasses.field(default_factory=list)
    """The prompts of the turns cut off (`--show-cuts`)."""

    def row(self) -> dict[str, object]:
        gaps = self.gaps_ms
        return {
            "voices": self.voices,
            "language": self.language,
            "endpointing": self.endpointing if self.endpointing.startswith("smart")
            else f"vad {self.window_ms} ms",
            "turns": self.turns,
            "false_cut_offs": self.cut_offs,
            "of_paused_turns": self.paused_turns,
            "gap_p50_ms": round(percentile(gaps, 50)) if gaps else None,
            "gap_p95_ms": round(percentile(gaps, 95)) if gaps else None,
            "gaps_timed": len(gaps),
            "whole_turn_gap_p50_ms": round(percentile(self.whole_gaps_ms, 50))
            if self.whole_gaps_ms else None,
            "whole_turn_gap_p95_ms": round(percentile(self.whole_gaps_ms, 95))
            if self.whole_gaps_ms else None,
            "unanswered": self.unanswered,
        }


async def run_call(language: str, endpointing: str, window: int, cache_dir: Path,
                   smart: SmartTurnSettings, repeat: int, seed: int,
                   voices: str = "synthetic", speculate_ms: int | None = None) -> Result:
    """One call; `endpointing` is "vad" or a smart policy's label ("smart", "smart-…")."""
    mode = "smart" if endpointing.startswith("smart") else "vad"
    script = load_script(bench_script(language, window, mode)).script
    speech = CallSpeech.for_script(script, SpeechSettings(tts_cache_dir=cache_dir))
    turns: list[Turn] = []
    outcome = Result(voices, language, endpointing, window, 0, 0, 0, [], 0)

    async def drive(caller: SimulatedCaller) -> None:
        turns.extend(await render_turns(speech, language, seed, voices))
        for _ in range(repeat):
            for turn in turns:
                if not await caller.wait_robot_quiet() or caller.ended.is_set():
                    return
                gaps_before = len(caller.log.reply_gaps_ms)
                cut = await caller.say_audio(turn.pcm)
                answered = await caller.wait_robot_speaking(timeout=8.0)
                outcome.turns += 1
                outcome.paused_turns += bool(turn.pauses_ms)
                outcome.cut_offs += cut
                if cut:
                    kind = "paused" if turn.pauses_ms else "whole"
                    outcome.cut_texts.append(f"{kind}: {turn.text}")
                if not answered:
                    outcome.unanswered += 1
                elif not cut and len(caller.log.reply_gaps_ms) > gaps_before:
                    outcome.gaps_ms.append(caller.log.reply_gaps_ms[gaps_before])
                    if not turn.pauses_ms:
                        outcome.whole_gaps_ms.append(caller.log.reply_gaps_ms[gaps_before])
        await caller.wait_robot_quiet()

    settings = SessionSettings(endpointing=mode,  # type: ignore[arg-type]
                               smart_turn=smart)
    if speculate_ms is not None:
        settings = dataclasses.replace(settings, speculate_ms=speculate_ms or None)
        if speculate_ms:
            settings = dataclasses.replace(
                settings, smart_turn=dataclasses.replace(smart, speculate_ms=speculate_ms))
    most = max(len(TURNS[language]), 2 * HUMAN_PROMPTS[0])
    with tracing() as trace:
        await loopback_call(script, {}, speech, drive, settings=settings, quiet_ms=500,
                            timeout_s=120 + 30 * most * repeat)
    outcome.stages = breakdown(trace, smart.threshold)
    spec = speech.speculation
    outcome.speculations = (spec.started, spec.used, spec.discarded)
    return outcome


async def model_only(language: str, cache_dir: Path, seed: int,
                     voices: str = "synthetic") -> dict[str, object]:
    """Smart Turn's P(complete) on the rendered audio alone: at each pause (the audio up
    to 100 ms into it) and at each turn's end (100 ms of trailing silence)."""
    script = load_script(bench_script(language, 300, "smart")).script
    speech = CallSpeech.for_script(script, SpeechSettings(tts_cache_dir=cache_dir))
    model = speech.smart_turn_model()
    turns = await render_turns(speech, language, seed, voices)
    at_pause, at_end = [], []
    hundred = RATE // 10 * 2
    for turn in turns:
        for end, pause in zip(turn.pause_ends, turn.pauses_ms, strict=True):
            start = end - RATE * pause // 1000 * 2
            at_pause.append(model.probability(turn.pcm[: start + hundred], RATE))
        quiet = _frames_rms(turn.pcm, FRAME) >= 150.0
        last = (int(np.flatnonzero(quiet)[-1]) + 1) * FRAME if quiet.any() else len(turn.pcm)
        at_end.append(model.probability(turn.pcm[:last] + bytes(hundred), RATE))
    return {
        "voices": voices,
        "language": language,
        "pauses": len(at_pause),
        "pauses_judged_complete": sum(p >= 0.5 for p in at_pause),
        "p_complete_at_pauses": [round(p, 2) for p in at_pause],
        "ends": len(at_end),
        "ends_judged_complete": sum(p >= 0.5 for p in at_end),
        "p_complete_at_ends": [round(p, 2) for p in at_end],
        "auc": round(sum(1.0 if e > p else 0.5 if e == p else 0.0
                         for e in at_end for p in at_pause)
                     / max(1, len(at_end) * len(at_pause)), 2),
    }


def _total(results: list[Result], voices: str, endpointing: str, window: int) -> Result:
    chosen = [r for r in results if r.endpointing == endpointing and r.voices == voices
              and (endpointing != "vad" or r.window_ms == window)]
    return Result(voices, "both", endpointing, window, sum(r.turns for r in chosen),
                  sum(r.paused_turns for r in chosen), sum(r.cut_offs for r in chosen),
                  [g for r in chosen for g in r.gaps_ms], sum(r.unanswered for r in chosen),
                  [g for r in chosen for g in r.whole_gaps_ms])


async def main(args: argparse.Namespace) -> None:
    languages = [lang.strip() for lang in args.lang.split(",") if lang.strip()]
    voice_sets = [v.strip() for v in args.voices.split(",") if v.strip()]
    windows = [int(w) for w in args.windows.split(",") if w.strip()]
    smart = SmartTurnSettings(check_ms=args.smart_check_ms,
                              complete_ms=max(args.smart_check_ms, args.smart_complete_ms),
                              incomplete_ms=args.smart_incomplete_ms,
                              cap_ms=max(args.smart_incomplete_ms, args.smart_cap_ms),
                              threshold=args.smart_threshold, recheck_ms=args.smart_recheck_ms,
                              unsure_ms=args.smart_unsure_ms, use_text=not args.smart_no_text)
    policies = {"smart": smart}
    if args.smart_before:
        policies["smart-before"] = BEFORE
    load_before = os.getloadavg()[0]
    results: list[Result] = []
    verdicts = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        for voices in voice_sets:
            for language in languages:
                verdicts.append(await model_only(language, cache, args.seed, voices))
                configs = [("vad", w, smart) for w in windows]
                if not args.no_smart:
                    configs += [(name, p.cap_ms, p) for name, p in policies.items()]
                for endpointing, window, policy in configs:
                    results.append(await run_call(language, endpointing, window, cache, policy,
                                                  args.repeat, args.seed, voices,
                                                  args.speculate_ms))
    rows = [r.row() for r in results]
    totals = []
    for voices in voice_sets:
        totals += [_total(results, voices, "vad", w).row() for w in windows]
        if not args.no_smart:
            totals += [_total(results, voices, name, 0).row() for name in policies]
    figures = {
        "smart_turn": {name: dataclasses.asdict(p) for name, p in policies.items()},
        "model_only": verdicts,
        "per_language": rows,
        "stages": [{"voices": r.voices, "language": r.language,
                    "endpointing": r.row()["endpointing"], **summary(r.stages)}
                   for r in results] if args.trace else [],
        "both_languages": totals,
        "wall_s": round(time.monotonic() - started, 1),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        for verdict in verdicts:
            print(f"model only, {verdict['voices']} {verdict['language']}: mid-turn pauses "
                  f"judged complete "
                  f"{verdict['pauses_judged_complete']}/{verdict['pauses']}, turn ends judged "
                  f"complete {verdict['ends_judged_complete']}/{verdict['ends']}; AUC (an end "
                  f"scores above a pause) {verdict['auc']}")
        print("voices | language | endpointing | false cut-offs (paused turns) | gap p50 | "
              "gap p95 | gaps timed | whole turns: gap p50 | p95 | unanswered")
        for row in [*rows, *totals]:
            print(f"{row['voices']} | {row['language']} | {row['endpointing']} | "
                  f"{row['false_cut_offs']} ({row['of_paused_turns']}) | "
                  f"{row['gap_p50_ms']} | {row['gap_p95_ms']} | "
                  f"{row['gaps_timed']} | {row['whole_turn_gap_p50_ms']} | "
                  f"{row['whole_turn_gap_p95_ms']} | {row['unanswered']}")
        if args.trace:
            print("stages, p50 ms after the caller's last voiced frame (VAD): " +
                  ", ".join(STAGE_NOTES))
            for result in results:
                started, used, discarded = result.speculations
                print(f"{result.voices} | {result.language} | {result.row()['endpointing']} | "
                      + json.dumps(summary(result.stages), ensure_ascii=False)
                      + f" | speculative decodes: {started} started, {used} used, "
                      f"{discarded} talked over")
                for stage in result.stages if args.trace_turns else ():
                    print("    " + json.dumps(stage, ensure_ascii=False))
        for result in results if args.show_cuts else ():
            for text in result.cut_texts:
                print(f"cut off | {result.language} | {result.row()['endpointing']} | {text}")
        print(f"load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
              f"wall {figures['wall_s']} s")
    for voices in voice_sets:
        by_name = {row["endpointing"]: row for row in totals if row["voices"] == voices}
        vad300, smart_row = by_name.get("vad 300 ms"), by_name.get("smart")
        if not (vad300 and smart_row and vad300["gap_p50_ms"] is not None
                and smart_row["gap_p50_ms"] is not None):
            continue
        cut_ok = 2 * int(str(smart_row["false_cut_offs"])) <= int(str(vad300["false_cut_offs"]))
        for key, label in (("gap_p50_ms", "answered turns"),
                           ("whole_turn_gap_p50_ms", "whole turns")):
            if smart_row[key] is None or vad300[key] is None:
                continue
            gap_ok = int(str(smart_row[key])) <= int(str(vad300[key]))
            print(f"target_met_{voices} ({label}): {gap_ok and cut_ok} (smart gap p50 "
                  f"{smart_row[key]} ms vs vad-300 {vad300[key]} ms; false cut-offs "
                  f"{smart_row['false_cut_offs']} vs {vad300['false_cut_offs']})")


if __name__ == "__main__":
    defaults = SmartTurnSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ru,en")
    parser.add_argument("--voices", default="synthetic,human",
                        help="synthetic (the offline voices), human (recorded prompts)")
    parser.add_argument("--windows", default="300,500,800")
    parser.add_argument("--no-smart", action="store_true")
    parser.add_argument("--smart-check-ms", type=int, default=defaults.check_ms)
    parser.add_argument("--smart-complete-ms", type=int, default=defaults.complete_ms)
    parser.add_argument("--smart-incomplete-ms", type=int,
                        default=defaults.incomplete_ms)
    parser.add_argument("--smart-cap-ms", type=int, default=defaults.cap_ms)
    parser.add_argument("--smart-threshold", type=float, default=defaults.threshold)
    parser.add_argument("--smart-recheck-ms", type=int, default=defaults.recheck_ms)
    parser.add_argument("--smart-unsure-ms", type=int, default=defaults.unsure_ms)
    parser.add_argument("--smart-no-text", action="store_true",
                        help="the policy without the transcript's completeness")
    parser.add_argument("--smart-before", action="store_true",
                        help="also run the policy before calibration (one look at 100 ms, "
                        "150/1000 ms waits, threshold 0.5)")
    parser.add_argument("--human-prompts", type=int, default=HUMAN_PROMPTS[0],
                        help="human prompts per language (each whole and paused)")
    parser.add_argument("--human-split", choices=("held_out", "tune"), default="held_out",
                        help="the half of the human prompts: tune a setting on `tune`, "
                        "report it on `held_out`")
    parser.add_argument("--speculate-ms", type=int, default=None,
                        help="silence before the speculative decode, both endpointings "
                        "(default: 100 ms with VAD, the smart policy's 60 ms; 0: none)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--trace", action="store_true",
                        help="print where the gap goes, per stage (bench/turn_trace.py)")
    parser.add_argument("--trace-turns", action="store_true",
                        help="with --trace, also each turn's stages")
    parser.add_argument("--show-cuts", action="store_true",
                        help="print the prompt of each turn cut off")
    parser.add_argument("--json", action="store_true")
    logging.basicConfig(level=logging.ERROR)
    arguments = parser.parse_args()
    HUMAN_PROMPTS[0] = arguments.human_prompts
    HUMAN_SPLIT[0] = arguments.human_split
    asyncio.run(main(arguments))
