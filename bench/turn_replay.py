"""End-of-turn policies replayed offline on real human turns: every verdict the live call
would get, computed once, then each policy run frame by frame on the same turns.

    .venv/bin/python bench/turn_replay.py [--lang ru,en] [--per-lang 110] [--out F]
    .venv/bin/python bench/turn_replay.py --report [F ...]

A live call (`bench/turn_taking.py`) times the whole path but costs ~4 s per turn and its
gaps move with the machine's load, so comparing hundreds of policies on 440 turns that
way is out of reach. Here each turn goes once through the call's own VAD (`asr_tts.vad`,
the session's settings) with a long window; at every pause inside speech of 100 ms or
more, the audio the session would hold (pre-roll plus frames) is

- judged by Smart Turn at several silences (`CHECKS_MS`), timing the inference, and
- decoded by the call's ASR at the speculation point (100 ms), timing the decode.

`--report` (on the extraction kept in `bench/turn_replay_data`, made at load average
about 8) replays VAD windows and a grid of smart policies frame by frame with the code
the call runs (`asr_tts.vad.Endpointer` on the recorded VAD flags, `asr_tts.turn_policy`,
`bot_engine.dialog.completeness` on the transcript for a free-text step), each verdict
visible once its inference would have finished: with the times measured during the
extraction, and with a quiet machine's (`QUIET`). Per turn: cut off (the policy ended the
turn in a pause after which the caller went on) or, at the real end, the reply-ready
delay max(end of turn, speculative transcript ready) from the VAD's first silent frame.
A policy is chosen on the tuning half (`choose`) and reported on both halves.

Turns: Debian's `asterisk-core-sounds-{ru,en}-wav` one-sentence prompts (recorded human
speech; commas allowed, no sentence breaks inside), each used twice: whole, and with a pause
of 350-900 ms at the word boundary (Whisper's word timestamps) where the speaker's own
silence was longest, replacing that silence (a caller who pauses between two words and
goes on, so the "paused" label is right by construction). Prompts are split by a hash
of their name into a tuning half and a held-out half.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import itertools
import json
import random
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from asr_accuracy import SOUNDS
from typing_extensions import override

from asr_tts.audio import read_audio_file
from asr_tts.turn_policy import SmartTurnSettings, turn_over
from asr_tts.vad import Endpointer, SpeechEnd, SpeechStart

RATE = 8000
FRAME_MS = 20
FRAME = RATE * FRAME_MS // 1000 * 2
CHECKS_MS = (100, 160, 200, 260, 300, 400)
SPECULATE_MS = 100
TAIL_MS = 2000
PAUSES_MS = (350, 900)
DATA = Path(__file__).parent / "turn_replay_data"
"""The extraction behind docs/speech.md's table (load average about 8 while it ran)."""
VAD = {"speech_start_ms": 200, "pre_roll_ms": 300, "aggressiveness": 2, "floor_rms": 100.0}


@dataclass
class Pause:
    start_frame: int
    """Index of the first silent frame (the VAD's count starts here)."""
    length_ms: int
    """How long the silence lasted (to the next voiced frame, or the tail for the end)."""
    final: bool
    """The caller's turn ends here (anything ending the turn earlier is a cut-off)."""
    p: dict[int, float] = field(default_factory=dict)
    """Smart Turn's P(complete) asked at that much silence."""
    text: str | None = None
    decode_ms: float = 0.0


@dataclass
class ReplayTurn:
    lang: str
    name: str
    text: str
    split: str
    kind: str
    """"whole" or "paused"."""
    pause_ms: int
    pauses: list[Pause] = field(default_factory=list)
    infer_ms: float = 0.0
    voiced: str = ""
    """The VAD's flag per 20 ms frame ("1" voiced), from its speech start to the tail's
    end, so a VAD-only window is replayed exactly."""
    speech_start: int = 0
    pause_end: int = 0
    """Paused turns: the byte offset in the audio where the stretched pause ends."""


def _split(name: str) -> str:
    return "tune" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "held_out"


def _rms10(pcm: bytes) -> np.ndarray:
    frame = RATE // 100 * 2
    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % frame], dtype="<i2")
    frames = samples.reshape(-1, frame // 2).astype(np.float64)
    return np.sqrt(np.mean(frames * frames, axis=1))


def word_boundaries(pcm: bytes, lang: str) -> list[float]:
    """Times (s) between consecutive words, from Whisper's word timestamps (the
    multilingual base model, for both languages)."""
    from asr_tts.asr.whisper_engine import load_whisper
    from asr_tts.audio import resample
    from asr_tts.packaged_models import WHISPER_BASE_FOLDER
    from asr_tts.settings import SpeechSettings

    model = load_whisper(SpeechSettings().models_dir / WHISPER_BASE_FOLDER)
    audio = np.frombuffer(resample(pcm, RATE, 16000), dtype="<i2").astype(np.float32) / 32768
    segments, _ = model.transcribe(audio, language=lang, beam_size=1, word_timestamps=True,
                                   condition_on_previous_text=False, vad_filter=False)
    words = [w for segment in segments for w in (segment.words or [])]
    return [(a.end + b.start) / 2 for a, b in itertools.pairwise(words)]


def pause_point(pcm: bytes, boundaries: list[float]) -> tuple[int, int] | None:
    """Where a caller's pause goes: at the word boundary with the longest natural quiet
    run (10 ms frames under RMS 150 within 80 ms of it), that run (or the quietest 10 ms
    there, when the speaker ran the words together) as (first, end) 10 ms frames."""
    rms = _rms10(pcm)
    quiet = rms < 150.0
    loud = np.flatnonzero(~quiet)
    if loud.size == 0:
        return None
    best: tuple[int, tuple[int, int]] | None = None
    for at in boundaries:
        centre = int(at * 100)
        if not loud[0] + 10 < centre < loud[-1] - 10:
            continue  # a boundary Whisper put at the edges of the sound
        low, high = max(0, centre - 8), min(len(rms), centre + 9)
        run: tuple[int, int] | None = None
        i = low
        while i < high:
            if quiet[i]:
                j = i
                while j < len(quiet) and quiet[j]:
                    j += 1
                k = i
                while k > 0 and quiet[k - 1]:
                    k -= 1
                if run is None or j - k > run[1] - run[0]:
                    run = (k, j)
                i = j
            i += 1
        if run is None:
            quietest = low + int(np.argmin(rms[low:high]))
            run = (quietest, quietest + 1)
        if best is None or run[1] - run[0] > best[0]:
            best = (run[1] - run[0], run)
    return best[1] if best is not None else None


def prompts(lang: str, max_s: float = 6.0) -> list[tuple[str, str, bytes]]:
    """One-sentence human prompts of 3+ words (commas allowed), 1-`max_s` s long."""
    folder, transcripts = SOUNDS[lang]
    if not transcripts.is_file():
        raise SystemExit(f"{transcripts} is missing: apt-get install asterisk-core-sounds-{lang}"
                         f" asterisk-core-sounds-{lang}-wav")
    with gzip.open(transcripts, "rt", encoding="utf-8") as handle:
        lines = sorted(line.strip() for line in handle if ": " in line
                       and not line.startswith(";"))
    out, seen = [], set()
    for line in lines:
        name, _, text = line.partition(": ")
        body = text.strip().rstrip(".!?… ")
        path = folder / f"{name}.wav"
        if ("[" in text or name in seen or re.search(r"[.;:!?…—«»\"()]|\s-\s", body)
                or len(body.split()) < 3 or not path.is_file()):
            continue
        pcm, _ = read_audio_file(path, RATE)
        if not 1.0 <= len(pcm) / (2 * RATE) <= max_s:
            continue
        seen.add(name)
        out.append((name, text.strip(), pcm))
    return out


def build_turns(lang: str, seed: int = 15, per_lang: int | None = None,
                split: str | None = None) -> list[tuple[ReplayTurn, bytes]]:
    """Each prompt whole and paused; `per_lang` prompts (of `split` only, if given) drawn
    at random (fixed seed)."""
    rng = random.Random(f"{seed}-{lang}")
    chosen = [p for p in prompts(lang) if split is None or _split(f"{lang}/{p[0]}") == split]
    if per_lang is not None and per_lang < len(chosen):
        chosen = sorted(random.Random(seed).sample(chosen, per_lang))
    turns = []
    for name, text, pcm in chosen:
        half = _split(f"{lang}/{name}")
        turns.append((ReplayTurn(lang, name, text, half, "whole", 0), pcm))
        gap = pause_point(pcm, word_boundaries(pcm, lang))
        if gap is None:
            continue
        pause = rng.randrange(PAUSES_MS[0], PAUSES_MS[1] + 1, 10)
        step = RATE // 100 * 2
        head = pcm[: gap[0] * step] + bytes(RATE * pause // 1000 * 2)
        paused = ReplayTurn(lang, name, text, half, "paused", pause, pause_end=len(head))
        turns.append((paused, head + pcm[gap[1] * step:]))
    return turns


def trace(pcm: bytes, cap_ms: int = TAIL_MS
          ) -> tuple[list[tuple[int, int, int]], int, list[bool]]:
    """The VAD over the turn (window `cap_ms`, then `TAIL_MS` of silence): every silent run
    inside speech as (first silent frame, length in frames, speech start frame), the
    frame of the last voiced frame's end, and every frame's voiced flag."""
    vad = Endpointer(RATE, FRAME_MS, speech_end_ms=cap_ms, **VAD)  # type: ignore[arg-type]
    audio = pcm[: len(pcm) - len(pcm) % FRAME] + bytes(RATE * TAIL_MS // 1000 * 2)
    runs: list[tuple[int, int, int]] = []
    speech_start = -1
    run_start = None
    last_voiced = 0
    flags = []
    for i in range(len(audio) // FRAME):
        events = vad.push(audio[i * FRAME:(i + 1) * FRAME])
        flags.append(vad.last_voiced)
        for event in events:
            if isinstance(event, SpeechStart):
                speech_start = i + 1 - len(event.audio) // FRAME
        if vad.last_voiced:
            last_voiced = i + 1
        if vad.in_speech and not vad.last_voiced:
            if run_start is None:
                run_start = i
        elif run_start is not None:
            runs.append((run_start, i - run_start, speech_start))
            run_start = None
        if any(isinstance(e, SpeechEnd) for e in events) and run_start is not None:
            runs.append((run_start, i + 1 - run_start, speech_start))
            run_start = None
    if run_start is not None:
        runs.append((run_start, len(audio) // FRAME - run_start, speech_start))
    return runs, last_voiced, flags


async def extract(lang: str, seed: int = 15, per_lang: int | None = None) -> list[ReplayTurn]:
    """Every verdict a smart call would get on each turn (see the module docstring)."""
    from asr_tts.settings import SpeechSettings
    from bot_engine.call.speech import CallSpeech
    from bot_engine.script import load_script

    script = load_script(_SCRIPT.format(language="ru-RU" if lang == "ru" else "en-US")).script
    speech = CallSpeech.for_script(script, SpeechSettings())
    model = speech.smart_turn_model()
    out = []
    for turn, pcm in build_turns(lang, seed, per_lang):
        runs, last_voiced, flags = trace(pcm)
        turn.speech_start = next((run[2] for run in runs), 0)
        turn.voiced = "".join("1" if f else "0" for f in flags[turn.speech_start:])
        infer = []
        for first, length, speech_start in runs:
            if length * FRAME_MS < CHECKS_MS[0]:
                continue  # shorter than any policy's first look: it ends nothing
            begin = max(0, speech_start) * FRAME
            final = first >= last_voiced
            pause = Pause(first, length * FRAME_MS, final)
            for check in CHECKS_MS:
                if check > pause.length_ms:
                    break
                upto = (first + check // FRAME_MS) * FRAME
                audio = pcm[begin:upto] if upto <= len(pcm) else (
                    pcm[begin:] + bytes(upto - len(pcm)))
                began = time.perf_counter()
                pause.p[check] = round(model.probability(audio, RATE), 4)
                infer.append((time.perf_counter() - began) * 1000)
            if pause.length_ms >= SPECULATE_MS:
                upto = (first + SPECULATE_MS // FRAME_MS) * FRAME
                audio = pcm[begin:upto] if upto <= len(pcm) else (
                    pcm[begin:] + bytes(upto - len(pcm)))
                rec = speech.new_recognizer()
                began = time.perf_counter()
                await rec.start(speech.language, RATE)
                await rec.feed(audio)
                await rec.close()
                text = " ".join([r.text.strip() async for r in rec if r.is_final])
                pause.decode_ms = round((time.perf_counter() - began) * 1000, 1)
                pause.text = text.strip()
            turn.pauses.append(pause)
        turn.infer_ms = round(float(np.median(infer)), 1) if infer else 0.0
        print(f"{turn.lang} {turn.kind} {turn.name}: {len(turn.pauses)} pauses", flush=True)
        if not any(p.final for p in turn.pauses):
            print(f"# no final pause found, skipped: {turn.lang} {turn.name}", file=sys.stderr)
            continue
        out.append(turn)
    return out


_SCRIPT = """
id: turn_replay
language: {language}
result:
  outcomes: [done]
  endings: {{hangup: done, error: done}}
start: first
steps:
  first:
    ask: "?"
    expect: text
    on: {{ok: first}}
"""


def save(turns: list[ReplayTurn], path: Path) -> None:
    path.write_text(json.dumps([asdict(t) for t in turns], ensure_ascii=False, indent=1))


def load(path: Path) -> list[ReplayTurn]:
    turns = []
    for raw in json.loads(path.read_text()):
        pauses = [Pause(**{**p, "p": {int(k): v for k, v in p["p"].items()}})
                  for p in raw.pop("pauses")]
        turns.append(ReplayTurn(**raw, pauses=pauses))
    return turns


class _Flags(Endpointer):
    """The call's VAD fed recorded per-frame flags instead of audio (replays a window)."""

    def __init__(self, flags: str, window_ms: int) -> None:
        super().__init__(RATE, FRAME_MS, speech_end_ms=window_ms, **VAD)  # type: ignore[arg-type]
        self._next = iter(flags)

    @override
    def is_speech(self, frame: bytes) -> bool:
        return next(self._next) == "1"

    @override
    def _loud(self, frame: bytes) -> bool:
        return True


@dataclass(frozen=True)
class Timing:
    """Inference times to replay with instead of those measured during the extraction
    (which ran at a load average of about 8 on 2 cores)."""

    decode_ms: dict[str, float]
    """Speculative decode per language."""
    infer_ms: float
    """One Smart Turn verdict."""


QUIET = Timing({"ru": 147.0, "en": 87.0}, 31.0)
"""docs/speech.md at load about 1: speculative decode p50 (`bench/response_gap.py`) and
one Smart Turn verdict (`bench/speech.py`)."""


@dataclass(frozen=True)
class Smart:
    """A smart policy, and whether its text check reads Whisper's punctuation."""

    settings: SmartTurnSettings
    punctuated: bool = True


@dataclass
class Outcome:
    cut: bool
    end_ms: int | None = None
    """At the real end: the silence at which the turn ended."""
    ready_ms: float | None = None
    """At the real end: when the reply could go: max(end, speculative transcript ready)."""


def replay(turn: ReplayTurn, policy: Smart | int, timing: Timing | None = None) -> Outcome:
    """One turn under a VAD window (an int, ms) or a smart policy, frame by frame; with
    `timing`, inferences take those times instead of the measured ones."""
    decode_ms = None if timing is None else timing.decode_ms[turn.lang]
    infer_ms = turn.infer_ms if timing is None else timing.infer_ms
    window = policy if isinstance(policy, int) else policy.settings.cap_ms
    vad = _Flags(turn.voiced, window)
    pauses = {p.start_frame: p for p in turn.pauses}
    final = next(p for p in turn.pauses if p.final)
    current: Pause | None = None
    began = False
    dummy = bytes(FRAME)
    for offset in range(len(turn.voiced)):
        frame = turn.speech_start + offset
        events = vad.push(dummy)
        if any(isinstance(e, SpeechStart) for e in events):
            began = True
            continue
        if not began:
            continue
        silence = vad.unvoiced_run_ms
        if silence == FRAME_MS:
            current = pauses.get(frame)
        ended = any(isinstance(e, SpeechEnd) for e in events)
        if not ended and not isinstance(policy, int) and current is not None and silence:
            ended = _smart_ends(policy, current, silence, infer_ms, turn.lang, decode_ms)
        if ended:
            if current is not final:
                return Outcome(cut=True)
            decode = final.decode_ms if decode_ms is None else decode_ms
            ready = SPECULATE_MS + decode
            at = float(silence)
            if (not isinstance(policy, int) and policy.settings.use_text
                    and silence - FRAME_MS < ready <= silence
                    and _smart_ends(policy, final, ready, infer_ms, turn.lang, decode_ms)):
                at = ready  # the transcript ended the turn between frames (`on_over`)
            return Outcome(False, silence, max(at, ready))
    raise AssertionError(f"{turn.name}: the turn never ended")


def _smart_ends(policy: Smart, pause: Pause, silence: float, infer_ms: float, lang: str,
                decode_ms: float | None) -> bool:
    """The policy at this frame, knowing what would have arrived by now."""
    from bot_engine.dialog.completeness import text_completeness

    s = policy.settings
    probability = None
    if silence >= s.check_ms + infer_ms:
        probability = pause.p[s.check_ms]
        if (s.recheck_ms is not None and probability < s.threshold
                and silence >= s.recheck_ms + infer_ms):
            probability = pause.p[s.recheck_ms]
    text = None
    pending = False
    if s.use_text and pause.text is not None:
        decode = pause.decode_ms if decode_ms is None else decode_ms
        if silence >= SPECULATE_MS + decode:
            text = text_completeness(pause.text, lang, policy.punctuated)
        else:
            pending = silence >= SPECULATE_MS
    return turn_over(s, silence, probability, text, pending)  # type: ignore[arg-type]


def percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def evaluate(turns: list[ReplayTurn], policy: Smart | int,
             timing: Timing | None = None) -> dict[str, Any]:
    """False cut-offs and waits of one policy over these turns."""
    outcomes = [(turn, replay(turn, policy, timing)) for turn in turns]
    ends = [o.end_ms for _, o in outcomes if o.end_ms is not None]
    ready = [o.ready_ms for _, o in outcomes if o.ready_ms is not None]
    whole = [o.ready_ms for t, o in outcomes if t.kind == "whole" and o.ready_ms is not None]
    return {
        "turns": len(turns),
        "paused": sum(t.kind == "paused" for t in turns),
        "cut_paused": sum(o.cut for t, o in outcomes if t.kind == "paused"),
        "cut_whole": sum(o.cut for t, o in outcomes if t.kind == "whole"),
        "end_p50": percentile(ends, 50), "end_p95": percentile(ends, 95),
        "ready_p50": percentile(ready, 50), "ready_p95": percentile(ready, 95),
        "whole_ready_p50": percentile(whole, 50), "whole_ready_p95": percentile(whole, 95),
    }


def describe(policy: Smart | int) -> str:
    if isinstance(policy, int):
        return f"vad {policy}"
    s = policy.settings
    parts = [f"smart t={s.threshold:g} {s.check_ms}"]
    if s.recheck_ms is not None:
        parts.append(f"+{s.recheck_ms}")
    parts.append(f" {s.complete_ms}/")
    parts.append(f"{s.unsure_ms}~{s.incomplete_ms}" if s.unsure_ms is not None
                 else f"{s.incomplete_ms}")
    if s.use_text:
        parts.append(" +text" + ("/punct" if policy.punctuated else "/words"))
    return "".join(parts)


def grid() -> list[Smart]:
    """The smart policies compared: threshold, when to look (and look again), graded or
    two fixed waits, with and without the words."""
    out = []
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        for check, complete in ((100, 150), (160, 200)):
            for recheck in (None, 260, 300, 400):
                if recheck is not None and recheck <= check:
                    continue
                for unsure, incomplete in ((None, 1000), (300, 1000), (500, 1000),
                                           (None, 700), (300, 700)):
                    for text, punctuated in ((False, False), (True, False), (True, True)):
                        out.append(Smart(SmartTurnSettings(
                            check_ms=check, complete_ms=complete, incomplete_ms=incomplete,
                            cap_ms=1500, threshold=threshold, recheck_ms=recheck,
                            unsure_ms=unsure, use_text=text), punctuated))
    return out


BASELINE = Smart(SmartTurnSettings(check_ms=100, complete_ms=150, incomplete_ms=1000,
                                   cap_ms=1500, threshold=0.5), punctuated=False)
"""The policy before calibration (one look at 100 ms, 150/1000 ms waits)."""
WINDOWS = (300, 500, 800)


def choose(turns: list[ReplayTurn], candidates: list[Smart], timings: list[Timing | None]
           ) -> Smart:
    """On these (tuning) turns: the policy that meets the target against VAD 300 ms under
    every timing (false cut-offs at most half; reply-ready p50 no higher on the whole
    turns, which every policy answers, so both are timed on the same turns: the paused
    turns a policy does not cut are longer and decode later), with the lowest worst-case
    p95 there; failing that, the one closest to the target's p50 with the fewest cut-offs."""
    vads = [evaluate(turns, 300, timing) for timing in timings]

    def score(policy: Smart) -> tuple[bool, float, float, int]:
        results = [evaluate(turns, policy, timing) for timing in timings]
        cuts = max(r["cut_paused"] + r["cut_whole"] for r in results)
        half = all(2 * (r["cut_paused"] + r["cut_whole"]) <= v["cut_paused"] + v["cut_whole"]
                   for r, v in zip(results, vads, strict=True))
        excess = max(r["whole_ready_p50"] - v["whole_ready_p50"]
                     for r, v in zip(results, vads, strict=True))
        p95 = max(r["whole_ready_p95"] for r in results)
        return (not (half and excess <= 0), max(0.0, excess), p95, cuts)

    return min(candidates, key=score)


def _row(name: str, split: str, lang: str, result: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    return (f"{split:8} | {lang:5} | {name:34} | {result['cut_paused']:3}/{result['paused']:<3} "
            f"| {result['cut_whole']:3} | {ms(result['end_p50']):>5} | {ms(result['end_p95']):>5} "
            f"| {ms(result['ready_p50']):>5} | {ms(result['ready_p95']):>5} "
            f"| {ms(result['whole_ready_p50']):>5} | {ms(result['whole_ready_p95']):>5}")


def report(turns: list[ReplayTurn]) -> dict[str, Any]:
    """Tune on one half, report both halves under both timings (as measured, and a quiet
    machine's): VAD windows, the policy before calibration, the best audio-only policy,
    the policy chosen for both languages together and one chosen per language."""
    candidates = grid()
    timings: list[Timing | None] = [None, QUIET]
    by = {(split, lang): [t for t in turns if t.split == split and (lang == "both"
                                                                    or t.lang == lang)]
          for split in ("tune", "held_out") for lang in ("ru", "en", "both")}
    chosen = {"both": choose(by["tune", "both"], candidates, timings)}
    audio_only = choose(by["tune", "both"], [c for c in candidates if not c.settings.use_text],
                        timings)
    for lang in ("ru", "en"):
        if by["tune", lang]:
            chosen[lang] = choose(by["tune", lang], candidates, timings)
    rows: dict[str, Any] = {}
    for timing in timings:
        print(f"\ninference times: {'as measured' if timing is None else 'quiet machine'}")
        print("split    | lang  | policy                             | cut paused "
              "| cut whole | end p50 | p95 | ready p50 | p95 | whole turns ready p50 | p95")
        for split in ("tune", "held_out"):
            for lang in ("ru", "en", "both"):
                group = by[split, lang]
                if not group:
                    continue
                policies: list[tuple[str, Smart | int]] = [(f"vad {w}", w) for w in WINDOWS]
                policies += [("smart (before)", BASELINE),
                             (f"audio only: {describe(audio_only)}", audio_only),
                             (f"chosen: {describe(chosen['both'])}", chosen["both"])]
                if lang in chosen and lang != "both":
                    policies.append((f"per lang: {describe(chosen[lang])}", chosen[lang]))
                for name, policy in policies:
                    result = evaluate(group, policy, timing)
                    rows[f"{'measured' if timing is None else 'quiet'}/{split}/{lang}/{name}"] = (
                        result)
                    print(_row(name, split, lang, result))
    return {"chosen": {k: describe(v) for k, v in chosen.items()},
            "audio_only": describe(audio_only), "rows": rows}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ru,en")
    parser.add_argument("--out", type=Path, default=Path("var/turn_replay.json"))
    parser.add_argument("--report", nargs="*", type=Path,
                        help="replay the policies on these extracted files instead (without "
                        "files: the extraction kept in bench/turn_replay_data)")
    parser.add_argument("--per-lang", type=int, default=110,
                        help="prompts per language (each gives a whole and a paused turn)")
    args = parser.parse_args()
    if args.report is not None:
        files = args.report or sorted(DATA.glob("*.json"))
        loaded = [turn for path in files for turn in load(path)]
        print(json.dumps(report(loaded)["chosen"], indent=1))
        raise SystemExit(0)
    every: list[ReplayTurn] = []
    for language in args.lang.split(","):
        every += asyncio.run(extract(language.strip(), per_lang=args.per_lang))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save(every, args.out)
    print(f"{len(every)} turns -> {args.out}")
