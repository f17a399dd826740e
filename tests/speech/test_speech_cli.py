"""`voicebot tts` and `voicebot asr` as a user runs them (the installed entry point)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asr_tts.audio import rms_dbfs

VOICEBOT = Path(sys.executable).parent / "voicebot"
pytestmark = pytest.mark.cli


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VOICEBOT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_tts_writes_a_wav_at_the_requested_rate(tmp_path: Path) -> None:
    out = tmp_path / "hello.wav"
    result = run(
        "tts",
        "Здравствуйте! Это голосовой робот.",
        "--engine",
        "espeak",
        "--lang",
        "ru",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    info = sf.info(str(out))
    assert (info.samplerate, info.channels, info.subtype) == (8000, 1, "PCM_16")
    assert 1.0 < info.duration < 6.0
    data, _ = sf.read(str(out), dtype="int16")
    assert rms_dbfs(data.tobytes()) > -30
    wide = tmp_path / "wide.wav"
    assert run("tts", "Hello", "--lang", "en", "--rate", "16000", "-o", str(wide)).returncode == 0
    assert sf.info(str(wide)).samplerate == 16000


@pytest.mark.parametrize(
    ("text", "message"), [("", "empty text"), ("?!...", "no letters or digits")]
)
def test_tts_bad_text_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    result = run("tts", text, "-o", str(tmp_path / "x.wav"))
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_tts_unknown_engine(tmp_path: Path) -> None:
    result = run("tts", "hi", "--engine", "nope", "-o", str(tmp_path / "x.wav"))
    assert result.returncode == 1 and "unknown TTS engine 'nope'" in result.stderr


@pytest.mark.slow
def test_asr_whisper_json_transcript(tmp_path: Path) -> None:
    wav = tmp_path / "call.wav"
    assert (
        run(
            "tts",
            "Please call me back tomorrow.",
            "--lang",
            "en",
            "--rate",
            "16000",
            "-o",
            str(wav),
        ).returncode
        == 0
    )
    result = run("asr", str(wav), "--engine", "whisper", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("final: ")
    transcript = json.loads(lines[-1])
    assert "call me back tomorrow" in transcript["text"].lower()
    [segment] = transcript["segments"]
    assert segment["words"] and segment["end"] > segment["start"] >= 0


@pytest.mark.slow
def test_asr_vosk_prints_partials_and_finals(tmp_path: Path) -> None:
    wav = tmp_path / "ko.wav"
    text = "오늘 날씨가 정말 좋네요. 내일 다시 전화 주세요."
    # espeak-ng at 22.05 kHz, an odd rate for a recognizer: the CLI resamples it
    wav.write_bytes(
        subprocess.run(
            ["espeak-ng", "-v", "ko", "--stdout", text], capture_output=True, check=True
        ).stdout
    )
    result = run("asr", str(wav), "--engine", "vosk", "--lang", "ko")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("partial: ") for line in lines)
    assert any(line.startswith("final: ") for line in lines)


def test_asr_bad_inputs_are_clear_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"this is not audio at all")
    result = run("asr", str(garbage), "--engine", "vosk")
    assert result.returncode == 1 and "cannot read audio file" in result.stderr
    odd = tmp_path / "odd.wav"
    sf.write(str(odd), np.zeros(500, dtype=np.int16), 2000, subtype="PCM_16")
    result = run("asr", str(odd), "--engine", "vosk")
    assert result.returncode == 1 and "odd sample rate 2000" in result.stderr
    sf.write(str(odd), np.zeros(8000, dtype=np.int16), 8000, subtype="PCM_16")
    result = run("asr", str(odd), "--engine", "vosk", "--model", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "Vosk model folder not found" in result.stderr
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream


def test_asr_yandex_without_credentials(tmp_path: Path) -> None:
    wav = tmp_path / "s.wav"
    sf.write(str(wav), np.zeros(8000, dtype=np.int16), 8000, subtype="PCM_16")
    env = {"VOICEBOT_YANDEX_API_KEY": "", "VOICEBOT_YANDEX_IAM_TOKEN": ""}
    result = run("asr", str(wav), "--engine", "yandex", env=env)
    assert result.returncode == 1 and "VOICEBOT_YANDEX_API_KEY" in result.stderr


async def test_asr_yandex_against_local_speechkit(tmp_path: Path) -> None:
    import asyncio

    from .yandex_fakes import NORMALIZED, FakeRecognizer, start_server, tone_pcm

    wav = tmp_path / "tone.wav"
    sf.write(str(wav), np.frombuffer(tone_pcm(8000, 1.0), dtype="<i2"), 8000, subtype="PCM_16")
    servicer = FakeRecognizer()
    server, endpoint = await start_server(servicer)
    env = {
        **os.environ,
        "VOICEBOT_YANDEX_API_KEY": "cli-key",
        "VOICEBOT_YANDEX_STT_ENDPOINT": endpoint,
        "VOICEBOT_YANDEX_TLS": "false",
    }
    try:
        proc = await asyncio.create_subprocess_exec(
            str(VOICEBOT),
            "asr",
            str(wav),
            "--engine",
            "yandex",
            "--lang",
            "ru-RU",
            "--json",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 120)
    finally:
        await server.stop(None)
    assert proc.returncode == 0, stderr.decode()
    assert json.loads(stdout.decode().splitlines()[-1])["text"] == NORMALIZED
    [session] = servicer.sessions
    assert session.metadata["authorization"] == "Api-Key cli-key"
    assert len(session.audio) == 16000
    # The CLI paces a file in real time, as SpeechKit expects: the 1 s of audio is spread
    # over at least 0.7 s (0.2 s of allowed lead, one 0.1 s chunk). A lower bound only, and
    # half of that, since load can delay the first chunk's arrival but never speed up the
    # last; unpaced, all ten chunks would arrive within milliseconds.
    assert session.arrivals[-1] - session.arrivals[1] >= 0.35
