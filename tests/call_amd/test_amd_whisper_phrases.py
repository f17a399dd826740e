"""The phrase path on real ASR, as a live call runs it: the AMD gate holds the human verdict
timing reached and has the call's Whisper recognizer (the language's offline default with
the live-call options: one greedy pass, so the same audio always gives the same text)
transcribe the greeting."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import ModuleType

import pytest

from asr_tts.asr import has_whisper_model
from asr_tts.settings import SpeechSettings
from asr_tts.tts.espeak import EspeakSynthesizer
from asr_tts.tts_cache import TtsCache
from bot_engine.call.amd import AmdDecision, AmdReason, AmdResult, AmdSettings, phrase_hints
from bot_engine.call.amd.phrases import PhraseMatcher
from bot_engine.call.amd_gate import AmdGate
from bot_engine.call.speech import CallSpeech

from .conftest import call_audio, speech

pytestmark = pytest.mark.slow

FRAME_BYTES = 320  # 20 ms at 8 kHz


def whisper_speech(tmp_path: Path, language: str) -> CallSpeech:
    settings = SpeechSettings(tts_cache_dir=tmp_path)
    assert has_whisper_model(settings, language), "scripts/setup.sh installs the models"
    synthesizer = EspeakSynthesizer(default_voice=language)
    cache = TtsCache(tmp_path, 1 << 20, synthesizers={"espeak": synthesizer})
    return CallSpeech(settings, language, "whisper", "espeak", None, synthesizer, cache)


async def run_gate(speech_: CallSpeech, pcm: bytes) -> tuple[AmdResult, list[str]]:
    """Stream the call into the gate; a transcription it starts is awaited before the next
    frame, so the verdict does not depend on how fast the machine decodes."""
    spawned: list[asyncio.Task[None]] = []
    decided: list[AmdResult] = []
    gate = AmdGate(AmdSettings(text_grace_ms=1500), speech_, 8000,
                   spawn=lambda job: spawned.append(asyncio.ensure_future(job)),
                   on_decided=decided.append)
    heard: list[str] = []
    feed_text = gate.detector.feed_text

    def record(text: str, at_ms: int | None = None, final: bool = True) -> AmdResult | None:
        heard.append(text)
        return feed_text(text, at_ms, final)

    gate.detector.feed_text = record  # type: ignore[method-assign]
    for off in range(0, len(pcm), FRAME_BYTES):
        gate.feed(pcm[off : off + FRAME_BYTES])
        if spawned:
            await asyncio.wait_for(asyncio.gather(*spawned), 60)
            spawned.clear()
        if decided:
            break
    verdict = gate.ended()
    assert decided == [verdict]
    return verdict, heard


@pytest.mark.parametrize(
    ("text", "voice", "speed", "decision", "reason"),
    [
        # without the carrier phrases as Whisper's prompt, tiny.en heard this one as
        # "believe my massive naphtha" and the voicemail went to the dialog as a person
        ("Leave a message after the beep.", "en-us", 175, AmdDecision.MACHINE, AmdReason.PHRASE),
        (
            "Please leave a message after the tone.",
            "en-gb",
            180,
            AmdDecision.MACHINE,
            AmdReason.PHRASE,
        ),
        ("Hello?", "en-us", 160, AmdDecision.HUMAN, AmdReason.SILENCE_AFTER_GREETING),
        ("Yes, who is this?", "en-us", 160, AmdDecision.HUMAN, AmdReason.SILENCE_AFTER_GREETING),
        ("Алло, слушаю.", "ru+m7", 160, AmdDecision.HUMAN, AmdReason.SILENCE_AFTER_GREETING),
    ],
)
async def test_whisper_text_settles_a_held_verdict(
    dataset: ModuleType,
    tmp_path: Path,
    text: str,
    voice: str,
    speed: int,
    decision: AmdDecision,
    reason: AmdReason,
) -> None:
    said = speech(dataset, text, voice, speed=speed)
    pcm = call_audio(dataset, dataset.silence(0.4), said, dataset.silence(3))
    language = "ru-RU" if voice.startswith("ru") else "en-US"
    verdict, heard = await run_gate(whisper_speech(tmp_path, language), pcm)
    assert len(heard) == 1  # timing held a human verdict, the ASR settled it
    assert (verdict.decision, verdict.reason) == (decision, reason), heard


@pytest.mark.parametrize(("voice", "speed"), [("ru+m3", 140), ("ru+f4", 140)])
async def test_a_greeting_whisper_cannot_make_out_is_not_given_back_as_a_machine_phrase(
    dataset: ModuleType, tmp_path: Path, voice: str, speed: int
) -> None:
    """Primed with the carrier phrases alone, Whisper base gave one back for these
    («абонент временно недоступен», «абонент выключен»): a person taken for a machine."""
    said = speech(dataset, "Алло, слушаю.", voice, speed=speed)
    pcm = call_audio(dataset, dataset.silence(0.4), said, dataset.silence(0.3))
    rec = whisper_speech(tmp_path, "ru-RU").new_recognizer(primed=True)
    await rec.start("ru-RU", 8000, list(phrase_hints("ru-RU")))
    await rec.feed(pcm)
    await rec.close()
    heard = " ".join([r.text async for r in rec])
    assert PhraseMatcher(min_score=70).match(heard) is None, heard
