"""Audio helpers: file reading with clear errors, resampling, framing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asr_tts.audio import (
    FrameSplitter,
    StreamResampler,
    check_call_rate,
    duration_s,
    read_audio_file,
    resample,
    rms_dbfs,
    write_wav,
)
from asr_tts.errors import AudioInputError, SpeechError


def _tone(rate: int, seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_read_stereo_float_file_resampled_to_call_rate(tmp_path: Path) -> None:
    path = tmp_path / "tone.flac"
    stereo = np.stack([_tone(44100, 1.0), _tone(44100, 1.0)], axis=1)
    sf.write(path, stereo, 44100)
    pcm, rate = read_audio_file(path, 8000)
    assert rate == 8000
    assert duration_s(pcm, rate) == pytest.approx(1.0, abs=0.01)
    assert rms_dbfs(pcm) == pytest.approx(-9.0, abs=0.5)  # 0.5 amplitude sine


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(100))
    with pytest.raises(AudioInputError, match="cannot read audio file"):
        read_audio_file(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AudioInputError, match="not found"):
        read_audio_file(tmp_path / "nope.wav")


def test_odd_rate_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "odd.wav"
    sf.write(path, np.zeros(100, dtype=np.int16), 1000, subtype="PCM_16")
    with pytest.raises(AudioInputError, match="odd sample rate 1000"):
        read_audio_file(path)


def test_unusual_but_valid_rate_is_converted(tmp_path: Path) -> None:
    path = tmp_path / "odd.wav"
    sf.write(path, _tone(11025, 0.5), 11025)
    pcm, rate = read_audio_file(path, 16000)
    assert rate == 16000 and duration_s(pcm, rate) == pytest.approx(0.5, abs=0.01)


def test_call_rate_check() -> None:
    check_call_rate(8000)
    check_call_rate(16000)
    with pytest.raises(SpeechError, match="8000 or 16000"):
        check_call_rate(44100)


def test_resample_keeps_duration_and_frequency(tmp_path: Path) -> None:
    src = (_tone(22050, 1.0, 1000.0) * 32767).astype("<i2").tobytes()
    out = resample(src, 22050, 8000)
    samples = np.frombuffer(out, dtype="<i2").astype(float)
    assert len(samples) == 8000
    peak_hz = np.argmax(np.abs(np.fft.rfft(samples))) * 8000 / len(samples)
    assert peak_hz == pytest.approx(1000.0, abs=2.0)


def test_stream_resampler_matches_length() -> None:
    src = (_tone(48000, 1.0) * 32767).astype("<i2").tobytes()
    stream = StreamResampler(48000, 8000)
    out = b"".join(stream.push(src[i : i + 960]) for i in range(0, len(src), 960))
    out += stream.push(b"", last=True)
    assert len(out) // 2 == pytest.approx(8000, abs=2)


def test_frame_splitter_keeps_remainder() -> None:
    splitter = FrameSplitter(320)
    frames = splitter.push(bytes(500)) + splitter.push(bytes(500))
    assert [len(f) for f in frames] == [320, 320, 320]
    assert len(splitter.remainder()) == 40


def test_write_wav_round_trip(tmp_path: Path) -> None:
    pcm = (_tone(8000, 0.25) * 32767).astype("<i2").tobytes()
    write_wav(tmp_path / "a.wav", pcm, 8000)
    info = sf.info(str(tmp_path / "a.wav"))
    assert (info.samplerate, info.channels, info.subtype) == (8000, 1, "PCM_16")
    assert read_audio_file(tmp_path / "a.wav") == (pcm, 8000)
