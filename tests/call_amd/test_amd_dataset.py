"""The labelled AMD set is reproducible: the same seed gives the same audio and labels."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import soundfile


def test_same_seed_same_set(dataset: ModuleType, tmp_path: Path) -> None:
    first = dataset.build_dataset(tmp_path / "a", seed=5, per_label=3)
    second = dataset.build_dataset(tmp_path / "b", seed=5, per_label=3)
    assert [(s.name, s.label, s.text, s.speech_end_ms) for s in first] == [
        (s.name, s.label, s.text, s.speech_end_ms) for s in second
    ]
    assert [s.path.read_bytes() for s in first] == [s.path.read_bytes() for s in second]
    assert {s.label for s in first} == {"human", "machine"}
    for s in first:
        info = soundfile.info(str(s.path))
        assert (info.samplerate, info.channels, info.subtype) == (8000, 1, "PCM_16")
        assert info.frames / 8000 * 1000 > s.speech_end_ms
