"""Where a live turn's response gap goes: stage marks of each caller turn, for
`bench/turn_taking.py --trace`.

The bench runs the robot in its own process, so the marks are taken by wrapping the
call's own functions for the length of one call (nothing in the product changes):

- the session's turn marks (`CallTimeline.turn_heard`, `first_packet`): the caller's
  last voiced frame as the VAD saw it, the end of turn, the transcript, the first packet;
- each speculative decode (`Utterance.speculate`) and each Whisper decode that ran
  (`WhisperRecognizer._transcribe`: when its thread began and ended);
- each Smart Turn inference (`SmartTurnModel.probability`), each transcript verdict that
  reached the policy (`SmartEndpointing.hear_text`), and the evidence that ended the turn
  (`asr_tts.turn.turn_over`).

`breakdown()` turns them into per-turn stages, in ms after the caller's last voiced
frame, and their p50.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from asr_tts import turn as turn_module
from asr_tts.asr import whisper_engine
from asr_tts.turn import SmartEndpointing, SmartTurnModel
from bot_engine.call import utterance as utterance_module
from bot_engine.call.timeline import CallTimeline
from bot_engine.call.timings import percentile


@dataclass
class Trace:
    turns: list[tuple[float, float, float]] = field(default_factory=list)
    """(speech_end, endpoint, asr_final) per turn heard."""
    packets: list[float] = field(default_factory=list)
    speculations: list[float] = field(default_factory=list)
    decodes: list[tuple[float, float]] = field(default_factory=list)
    inferences: list[tuple[float, float]] = field(default_factory=list)
    texts: list[tuple[float, str | None]] = field(default_factory=list)
    decisions: list[tuple[float, int, float | None, str | None]] = field(default_factory=list)
    """(time, silence_ms, P, text) each time the policy said "over"."""


@contextlib.contextmanager
def tracing() -> Iterator[Trace]:
    """Wrap the call's functions while a call runs; yields the marks it collects."""
    trace = Trace()
    now = time.monotonic
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, make: Any) -> None:
        original = getattr(owner, name)
        saved.append((owner, name, original))
        setattr(owner, name, make(original))

    def turn_heard(original: Any) -> Any:
        def heard(self: Any, step: Any, speech_end: float, endpoint: float,
                  asr_final: float) -> None:
            trace.turns.append((speech_end, endpoint, asr_final))
            original(self, step, speech_end, endpoint, asr_final)
        return heard

    def first_packet(original: Any) -> Any:
        def packet(self: Any, sent_at: float) -> None:
            if self.pending is not None:
                trace.packets.append(sent_at)
            original(self, sent_at)
        return packet

    def speculate(original: Any) -> Any:
        def spec(self: Any) -> None:
            before = self.speculation
            original(self)
            if self.speculation is not None and self.speculation is not before:
                trace.speculations.append(now())
        return spec

    def timed(target: list[tuple[float, float]]) -> Any:
        def make(original: Any) -> Any:
            def run(*args: Any, **kwargs: Any) -> Any:
                began = now()
                try:
                    return original(*args, **kwargs)
                finally:
                    target.append((began, now()))
            return run
        return make

    def hear_text(original: Any) -> Any:
        def hear(self: Any, token: int, completeness: Any) -> bool:
            if token == self._pause:
                trace.texts.append((now(), completeness))
            return bool(original(self, token, completeness))
        return hear

    def turn_over(original: Any) -> Any:
        def over(settings: Any, silence_ms: int, probability: float | None,
                 text: Any = None, text_pending: bool = False) -> bool:
            result = bool(original(settings, silence_ms, probability, text, text_pending))
            if result:
                trace.decisions.append((now(), silence_ms, probability, text))
            return result
        return over

    wrap(CallTimeline, "turn_heard", turn_heard)
    wrap(CallTimeline, "first_packet", first_packet)
    wrap(utterance_module.Utterance, "speculate", speculate)
    wrap(whisper_engine.WhisperRecognizer, "_transcribe", timed(trace.decodes))
    wrap(SmartTurnModel, "probability", timed(trace.inferences))
    wrap(SmartEndpointing, "hear_text", hear_text)
    wrap(turn_module, "turn_over", turn_over)
    try:
        yield trace
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


def _last(times: list[float], before: float, after: float) -> float | None:
    chosen = [t for t in times if after <= t <= before]
    return chosen[-1] if chosen else None


def breakdown(trace: Trace, threshold: float) -> list[dict[str, Any]]:
    """One row per turn heard: stage marks in ms after the caller's last voiced frame."""
    rows = []
    previous = 0.0
    for speech_end, endpoint, asr_final in trace.turns:
        heard = max(endpoint, asr_final)

        def ms(t: float | None, base: float = speech_end) -> float | None:
            return None if t is None else round((t - base) * 1000)

        spec = _last(trace.speculations, endpoint, previous)
        decode = next(((b, e) for b, e in reversed(trace.decodes)
                       if spec is not None and b >= spec and e <= heard + 1e-3), None)
        stale = sum(1 for b, e in trace.decodes
                    if spec is not None and b < spec < e)
        infer = next(((b, e) for b, e in reversed(trace.inferences)
                      if speech_end <= b <= endpoint), None)
        text = next(((t, c) for t, c in reversed(trace.texts) if speech_end <= t <= heard
                     + 1e-3), None)
        decision = next((d for d in reversed(trace.decisions)
                         if speech_end <= d[0] <= endpoint + 1e-3), None)
        packet = next((p for p in trace.packets if p >= heard), None)
        rule = "vad window"
        if decision is not None:
            _, _, p, said = decision
            rule = (f"text {said}" if said in ("complete", "incomplete")
                    else "P complete" if p is not None and p >= threshold else "P graded")
        rows.append({
            "spec_start": ms(spec),
            "decode_queued": None if decode is None or spec is None
            else round((decode[0] - spec) * 1000),
            "decode_ms": None if decode is None else round((decode[1] - decode[0]) * 1000),
            "decode_end": ms(decode[1]) if decode else None,
            "stale_decodes": stale,
            "infer_start": ms(infer[0]) if infer else None,
            "infer_ms": None if infer is None else round((infer[1] - infer[0]) * 1000),
            "text_at": ms(text[0]) if text else None,
            "text": text[1] if text else None,
            "end_of_turn": ms(endpoint),
            "rule": rule,
            "transcript": ms(asr_final),
            "heard": ms(heard),
            "first_packet": ms(packet),
        })
        previous = heard
    return rows


STAGES = ("spec_start", "decode_queued", "decode_ms", "decode_end", "infer_start",
          "infer_ms", "text_at", "end_of_turn", "transcript", "heard", "first_packet")


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """p50 of each stage, and how often each rule ended the turn."""
    out: dict[str, Any] = {"turns": len(rows)}
    for stage in STAGES:
        values = [r[stage] for r in rows if r[stage] is not None]
        out[stage] = round(percentile(values, 50)) if values else None
    out["stale_decodes"] = sum(r["stale_decodes"] for r in rows)
    rules: dict[str, int] = {}
    for r in rows:
        rules[r["rule"]] = rules.get(r["rule"], 0) + 1
    out["rules"] = rules
    return out
