"""Shared helpers: real espeak-ng speech on an 8 kHz telephone line, via bench/amd_dataset."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

_BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dataset() -> ModuleType:
    """bench/amd_dataset.py: espeak-ng synthesis, tones, the telephone-line model."""
    return _load("amd_dataset")


def to_pcm(audio: np.ndarray) -> bytes:
    """Float audio (-1..1) to s16le bytes."""
    return (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def speech(
    dataset: ModuleType, text: str, voice: str = "ru", level: float = 0.6, speed: int = 160
) -> np.ndarray:
    audio = dataset.synthesize(text, voice, speed, 50)
    return np.asarray(audio * (level / float(np.max(np.abs(audio)))))


def call_audio(dataset: ModuleType, *parts: np.ndarray, noise_dbfs: float = -55.0) -> bytes:
    """Concatenate parts, add a fixed line-noise floor, pass a telephone line, to PCM."""
    audio = np.concatenate(parts)
    noise = np.random.default_rng(7).normal(0.0, 10 ** (noise_dbfs / 20), audio.size)
    return to_pcm(dataset.telephone_line(np.clip(audio + noise, -1.0, 1.0)))
