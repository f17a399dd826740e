"""A call's timeline for the player: who spoke when, and the marks (barge-ins, keys, webhooks,
the transfer, consent), in seconds from the answer, which is where the recording starts.

Speech comes from the recording itself (caller left, robot right): what the caller heard is
what the timeline shows, whether or not a turn was recognized. Marks come from the call's
events: the live session's `timeline` event (offsets measured on the recording's clock) where
there is one, else each event's wall-clock time minus the answer time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import soundfile

FRAME_S = 0.02
MERGE_GAP_S = 0.3
"""Pauses shorter than this inside one stretch of speech do not split it."""
MIN_SPEECH_S = 0.08
FLOOR_DB = -50.0
"""Frames quieter than this are silence whatever the noise floor (the robot sends digital
silence between prompts; a phone line's hiss sits around -60 dBFS)."""
ABOVE_NOISE_DB = 12.0
MAX_SEGMENTS = 2000
"""Per lane: a pathological recording draws a bounded picture."""

MarkKind = Literal["barge_in", "dtmf", "webhook", "transfer", "consent"]


@dataclass(frozen=True)
class Span:
    start: float
    end: float


@dataclass(frozen=True)
class Mark:
    kind: MarkKind
    at: float
    label: str
    end: float | None = None


@dataclass
class Timeline:
    duration: float
    caller: list[Span] = field(default_factory=list)
    robot: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    def pct(self, seconds: float) -> float:
        """Position on the drawing, 0-100."""
        if self.duration <= 0:
            return 0.0
        return round(min(100.0, max(0.0, seconds / self.duration * 100)), 3)


def _spans(loud: np.ndarray) -> list[Span]:
    """Runs of loud frames, short pauses bridged, blips dropped."""
    if not loud.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.astype(np.int8), [0]))))
    runs = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    merged: list[list[int]] = []
    gap = round(MERGE_GAP_S / FRAME_S)
    for start, end in runs:
        if merged and start - merged[-1][1] <= gap:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    shortest = round(MIN_SPEECH_S / FRAME_S)
    return [
        Span(round(a * FRAME_S, 3), round(b * FRAME_S, 3))
        for a, b in merged[:MAX_SEGMENTS]
        if b - a >= shortest
    ]


def _loud(levels_db: np.ndarray) -> np.ndarray:
    if levels_db.size == 0:
        return levels_db.astype(bool)
    floor = float(np.percentile(levels_db, 10))
    return levels_db > max(FLOOR_DB, floor + ABOVE_NOISE_DB)


def speech(path: Path) -> tuple[float, list[Span], list[Span]]:
    """(duration, caller spans, robot spans) of a stereo recording, read in blocks so a long
    call needs little memory. A mono file is taken as the robot's side only."""
    info = soundfile.info(str(path))
    rate = int(info.samplerate)
    frame = max(1, round(rate * FRAME_S))
    levels: list[np.ndarray] = []
    for block in soundfile.blocks(
        str(path), blocksize=frame * 500, dtype="float32", always_2d=True, fill_value=0.0
    ):
        usable = block.shape[0] // frame * frame
        if usable == 0:
            continue
        frames = block[:usable].reshape(-1, frame, block.shape[1])
        power = np.mean(np.square(frames, dtype=np.float64), axis=1)
        levels.append(10 * np.log10(np.maximum(power, 1e-12)))
    duration = info.frames / rate if rate else 0.0
    if not levels:
        return duration, [], []
    db = np.concatenate(levels)
    if db.shape[1] == 1:
        return duration, [], _spans(_loud(db[:, 0]))
    return duration, _spans(_loud(db[:, 0])), _spans(_loud(db[:, 1]))


@functools.lru_cache(maxsize=64)
def _cached_speech(
    path: str, mtime_ns: int, size: int  # noqa: ARG001 (the file version: part of the cache key)
) -> tuple[float, list[Span], list[Span]]:
    return speech(Path(path))


def recording_speech(path: Path) -> tuple[float, list[Span], list[Span]] | None:
    """`speech` of a recording, remembered per file version; None if it cannot be read."""
    try:
        stat = path.stat()
        return _cached_speech(str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, RuntimeError, ValueError, soundfile.LibsndfileError):
        return None


def _offset(at: Any, answered: datetime | None) -> float | None:
    if answered is None or at is None:
        return None
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return None
    return float(max(0.0, (at - answered).total_seconds()))


def _event_mark(text: str) -> MarkKind | None:
    if text.startswith("webhook"):
        return "webhook"
    if text.startswith("transfer"):
        return "transfer"
    return None


def marks(events: list[dict[str, Any]], answered: datetime | None) -> list[Mark]:
    """The marks of a call from its events (as `GET /v1/calls/{id}/events` gives them)."""
    found: list[Mark] = []
    measured = next((e["data"] for e in events if e["kind"] == "timeline"), None)
    if measured is not None:
        for turn in measured.get("turns", []):
            start = turn.get("start_ms")
            if start is None:
                continue
            text = str(turn.get("text", ""))
            if turn.get("role") == "caller" and turn.get("interrupted"):
                found.append(Mark("barge_in", start / 1000, text))
            kind = _event_mark(text) if turn.get("role") == "event" else None
            if kind is not None:
                found.append(Mark(kind, start / 1000, text))
    for event in events:
        data, kind = event["data"], event["kind"]
        at = _offset(event["at"], answered)
        text = str(data.get("text", ""))
        if kind == "turn" and data.get("role") == "caller" and text.startswith("[dtmf"):
            if at is not None:
                found.append(Mark("dtmf", at, text.strip("[]")))
        elif kind == "dtmf" and at is not None:
            found.append(Mark("dtmf", at, f"dtmf {data.get('digits', '')}"))
        elif kind == "event" and measured is None and at is not None:
            mark = _event_mark(text)
            if mark is not None:
                found.append(Mark(mark, at, text))
        elif kind == "consent":
            start, end = data.get("audio_start_ms"), data.get("audio_end_ms")
            if isinstance(start, int | float) and isinstance(end, int | float):
                found.append(Mark("consent", start / 1000, str(data.get("utterance", "")),
                                  end / 1000))
    return sorted(found, key=lambda m: m.at)


def build(
    recording: Path | None,
    events: list[dict[str, Any]],
    answered: datetime | None,
    ended: datetime | None,
) -> Timeline:
    heard = recording_speech(recording) if recording is not None else None
    if heard is not None:
        duration, caller, robot = heard
    else:
        duration = _offset(ended, answered) or 0.0
        caller, robot = [], []
    found = marks(events, answered)
    if found:
        duration = max(duration, max((m.end or m.at) for m in found))
    return Timeline(duration=duration, caller=caller, robot=robot, marks=found)
