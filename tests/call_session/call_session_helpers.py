"""Small helpers for checking what a call produced."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from bot_engine.call.report import CallReport, TranscriptTurn
from bot_engine.script import load_script_file
from bot_engine.script.model import Script

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def load(name: str) -> Script:
    """A test script from ./scripts, else a shipped one from dialogs/."""
    path = HERE / "scripts" / name
    if not path.exists():
        path = ROOT / "dialogs" / name
    return load_script_file(path).script


def channel_rms(path: Path | str) -> tuple[float, float]:
    """RMS of the caller (left) and robot (right) channels of a recording."""
    data, rate = soundfile.read(str(path), dtype="int16", always_2d=True)
    assert data.shape[1] == 2, "the recording must be stereo"
    assert rate == 8000
    left = data[:, 0].astype(np.float64)
    right = data[:, 1].astype(np.float64)
    return float(np.sqrt(np.mean(left**2))), float(np.sqrt(np.mean(right**2)))


def turns(report: CallReport, role: str) -> list[TranscriptTurn]:
    return [t for t in report.transcript if t.role == role]


def words(text: str) -> set[str]:
    return {w.strip(".,!?").lower() for w in text.split()}
