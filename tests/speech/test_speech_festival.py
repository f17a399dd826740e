"""The Festival engine on the real Debian `festival` + `festvox-ru`: one persistent process,
normalized text, bounded waiting, restart after a failure."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
from pathlib import Path

import numpy as np
import pytest

from asr_tts.audio import duration_s
from asr_tts.errors import EngineTimeoutError, EngineUnavailableError, TextInputError
from asr_tts.settings import SpeechSettings
from asr_tts.tts import create_synthesizer, tts_engine_names
from asr_tts.tts.festival import FestivalProcess, FestivalSynthesizer, voice_installed

VOICE = "msu_ru_nsh_clunits"


def rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples * samples))) if samples.size else 0.0


def test_festival_and_the_russian_voice_are_installed() -> None:
    assert voice_installed(VOICE), "apt-get install festival festvox-ru (scripts/setup.sh)"
    assert "festival" in tts_engine_names()
    assert create_synthesizer(SpeechSettings(tts_engine="festival")).name == "festival"


async def test_speaks_russian_at_the_call_rate() -> None:
    tts = FestivalSynthesizer()
    pcm8 = await tts.render("Здравствуйте! Вам удобно говорить?", None, 8000)
    pcm16 = await tts.render("Здравствуйте! Вам удобно говорить?", None, 16000)
    assert 1.0 < duration_s(pcm8, 8000) < 8.0
    assert abs(duration_s(pcm8, 8000) - duration_s(pcm16, 16000)) < 0.05
    assert rms(pcm8) > 500  # speech, not silence


async def test_the_voice_starts_speaking_at_once() -> None:
    # Festival puts 160-220 ms of near-silence before every utterance: response gap
    pcm = await FestivalSynthesizer().render("Скажите да или нет.", None, 8000)
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    first_sound_ms = int(np.flatnonzero(samples > 64)[0]) * 1000 // 8000
    assert first_sound_ms <= 25


async def test_one_process_serves_every_request_and_synthesizer() -> None:
    first, second = FestivalSynthesizer(), FestivalSynthesizer()
    await first.render("Первая фраза.", None, 8000)
    pid = first.process.pid
    assert pid is not None
    await second.render("Вторая фраза.", None, 8000)
    await first.render("Третья фраза.", VOICE, 8000)
    assert second.process is first.process and first.process.pid == pid


async def test_text_festival_would_abort_on_is_normalized_and_spoken() -> None:
    tts = FestivalSynthesizer()
    # Festival's voice gives up on `%`, `—`, `:` and reads "200 000" as «двести»
    text = "Скидка 15% — до 1 декабря: звоните 8 800 555-35-35, бюджет 200 000 рублей."
    spoken = tts.prepare(text, VOICE)
    assert "восемьсот" in spoken and "двести тысяч" in spoken
    pcm = await tts.render(text, None, 8000)
    assert duration_s(pcm, 8000) > 5.0  # all of it, not an abort after a few words


async def test_a_killed_process_is_replaced_on_the_next_request() -> None:
    tts = FestivalSynthesizer()
    await tts.render("Проверка.", None, 8000)
    process = tts.process
    pid, restarts = process.pid, process.restarts
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    pcm = await tts.render("Снова работает.", None, 8000)
    assert rms(pcm) > 500
    assert process.pid not in (None, pid)
    assert process.restarts == restarts + 1


async def test_requests_beyond_the_bound_fail_at_once() -> None:
    tts = FestivalSynthesizer(max_pending=1)
    results = await asyncio.gather(tts.render("Первая.", None, 8000),
                                   tts.render("Вторая.", None, 8000), return_exceptions=True)
    assert sum(isinstance(r, bytes) for r in results) == 1
    assert sum(isinstance(r, EngineUnavailableError) for r in results) == 1


async def test_a_hung_process_times_out_and_is_killed(tmp_path: Path) -> None:
    fake = tmp_path / "festival"
    fake.write_text("#!/bin/sh\nexec sleep 600\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    process = FestivalProcess(str(fake), start_timeout_s=0.5)
    try:
        with pytest.raises(EngineTimeoutError):
            await asyncio.to_thread(process.render, "тест", VOICE, 1.0, 0.5)
        assert process.pid is None and process.restarts == 1
    finally:
        process.shutdown()


async def test_missing_binary_and_bad_input_are_clear_errors() -> None:
    with pytest.raises(EngineUnavailableError, match="not installed"):
        await FestivalSynthesizer("no-such-festival-binary").render("Привет.", None, 8000)
    with pytest.raises(TextInputError):
        await FestivalSynthesizer().render(" — … ", None, 8000)
    with pytest.raises(Exception, match="voice"):
        await FestivalSynthesizer().render("Привет.", "bad voice (x)", 8000)


@pytest.mark.parametrize(
    ("voice", "text"),
    [
        # a lead's website in a callback prompt: the Russian voice had no rule for Latin
        (VOICE, "Обратный звонок: клиент Иван, заявка с kuhni.example. Соединить?"),
        (VOICE, "Пишите на info@mebel-shop.ru, мы есть в WhatsApp и в CRM."),
        (VOICE, "Café Müller, Ελλάδα и 東京: остальное скажу по-русски."),
        ("kal_diphone", "Hello Иван, your order from Москва is ready."),
    ],
)
async def test_words_in_another_alphabet_are_spoken_not_refused(voice: str, text: str) -> None:
    pcm = await FestivalSynthesizer().render(text, voice, 8000)
    assert duration_s(pcm, 8000) > 1.0
    assert rms(pcm) > 500
