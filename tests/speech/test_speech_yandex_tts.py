"""The SpeechKit TTS v3 client against an in-process gRPC server, and TTS fallback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import numpy as np
import pytest
from yandex.cloud.ai.tts.v3 import tts_pb2

from asr_tts.audio import duration_s, rms_dbfs
from asr_tts.errors import (
    EngineAuthError,
    EngineRequestError,
    EngineTimeoutError,
    EngineUnavailableError,
    TextInputError,
)
from asr_tts.metrics import fallback_count
from asr_tts.settings import SpeechSettings
from asr_tts.tts import TtsOptions, create_synthesizer
from asr_tts.tts.espeak import EspeakSynthesizer
from asr_tts.tts.fallback import FallbackSynthesizer
from asr_tts.yandex.auth import YandexCredentials
from asr_tts.yandex.tts import YandexSynthesizer

from .yandex_fakes import TONE_HZ, FakeSynthesizer, start_server

CREDS = YandexCredentials(api_key="tts-key", folder_id="b1gtts")


@pytest.fixture
async def tts_server() -> AsyncIterator[tuple[FakeSynthesizer, str]]:
    servicer = FakeSynthesizer()
    server, endpoint = await start_server(servicer)
    yield servicer, endpoint
    servicer.hang.set()
    await server.stop(None)


def peak_hz(pcm: bytes, rate: int) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(float)
    return float(np.argmax(np.abs(np.fft.rfft(samples))) * rate / len(samples))


async def test_request_and_streamed_linear16(tts_server: tuple[FakeSynthesizer, str]) -> None:
    servicer, endpoint = tts_server
    tts = YandexSynthesizer(endpoint, CREDS, tls=False)
    text = "Добрый день! Удобно говорить?"
    options = TtsOptions(speed=1.2, role="friendly")
    chunks = [c async for c in tts.synthesize(text, "alena", 8000, options)]
    await tts.aclose()

    [request] = servicer.requests
    assert request.text == text
    raw = request.output_audio_spec.raw_audio
    assert raw.audio_encoding == tts_pb2.RawAudio.LINEAR16_PCM and raw.sample_rate_hertz == 8000
    hints = {h.WhichOneof("Hint"): h for h in request.hints}
    assert hints["voice"].voice == "alena"
    assert hints["speed"].speed == pytest.approx(1.2)
    assert hints["role"].role == "friendly"
    assert servicer.metadata[0]["authorization"] == "Api-Key tts-key"
    assert servicer.metadata[0]["x-folder-id"] == "b1gtts"

    assert len(chunks) > 1 and all(len(c) % 2 == 0 for c in chunks)
    pcm = b"".join(chunks)
    assert duration_s(pcm, 8000) == pytest.approx(len(text) * FakeSynthesizer.SECONDS_PER_CHAR)
    # samples stay aligned across odd-sized network chunks: the tone survives intact
    assert peak_hz(pcm, 8000) == pytest.approx(TONE_HZ, abs=3)


async def test_long_text_is_split_at_sentences(tts_server: tuple[FakeSynthesizer, str]) -> None:
    servicer, endpoint = tts_server
    sentences = [f"Предложение номер {i} рассказывает о нашем тарифе подробно." for i in range(10)]
    text = " ".join(sentences)
    assert len(text) > 500
    tts = YandexSynthesizer(endpoint, CREDS, tls=False)
    pcm = await tts.render(text, "alena", 16000)
    await tts.aclose()
    sent = [r.text for r in servicer.requests]
    assert len(sent) >= 3
    assert all(len(t) <= 250 and t.endswith(".") for t in sent)
    assert " ".join(sent) == text
    total_chars = sum(len(t) for t in sent)
    assert duration_s(pcm, 16000) == pytest.approx(total_chars * FakeSynthesizer.SECONDS_PER_CHAR)


async def test_unsupported_rate_is_resampled(tts_server: tuple[FakeSynthesizer, str]) -> None:
    servicer, endpoint = tts_server
    tts = YandexSynthesizer(endpoint, CREDS, tls=False)
    pcm = await tts.render("Проверка связи.", None, 44100)
    await tts.aclose()
    assert servicer.requests[0].output_audio_spec.raw_audio.sample_rate_hertz == 48000
    assert not any(h.WhichOneof("Hint") == "voice" for h in servicer.requests[0].hints)
    expected = len("Проверка связи.") * FakeSynthesizer.SECONDS_PER_CHAR
    assert duration_s(pcm, 44100) == pytest.approx(expected, abs=0.01)
    assert peak_hz(pcm, 44100) == pytest.approx(TONE_HZ, abs=3)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (grpc.StatusCode.UNAUTHENTICATED, EngineAuthError),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, EngineUnavailableError),
        (grpc.StatusCode.INVALID_ARGUMENT, EngineRequestError),
    ],
)
async def test_grpc_errors_are_clear(
    tts_server: tuple[FakeSynthesizer, str], code: grpc.StatusCode, error: type[Exception]
) -> None:
    servicer, endpoint = tts_server
    servicer.fail_with = (code, "nope")
    tts = YandexSynthesizer(endpoint, CREDS, tls=False)
    with pytest.raises(error, match=f"{code.name}: nope"):
        await tts.render("Привет.", "alena", 8000)
    await tts.aclose()


async def test_bad_text_never_reaches_the_server(tts_server: tuple[FakeSynthesizer, str]) -> None:
    servicer, endpoint = tts_server
    tts = YandexSynthesizer(endpoint, CREDS, tls=False)
    for text in ("", "?!"):
        with pytest.raises(TextInputError):
            await tts.render(text, "alena", 8000)
    assert servicer.requests == []


async def test_fallback_to_espeak_on_error(tts_server: tuple[FakeSynthesizer, str]) -> None:
    servicer, endpoint = tts_server
    servicer.fail_with = (grpc.StatusCode.UNAVAILABLE, "maintenance")
    settings = SpeechSettings(
        tts_engine="yandex",
        tts_fallback=["espeak"],
        yandex_api_key="k",
        yandex_tts_endpoint=endpoint,
        yandex_tls=False,
        tts_fallback_voices={"espeak": "ru"},
    )
    tts = create_synthesizer(settings)
    assert isinstance(tts, FallbackSynthesizer)
    assert tts.voices == {"espeak": "ru"}
    before = fallback_count("tts", "yandex", "espeak")
    pcm = await tts.render("Здравствуйте, это проверка.", "alena", 8000)
    await tts.aclose()
    assert fallback_count("tts", "yandex", "espeak") == before + 1
    assert len(servicer.requests) == 1
    assert duration_s(pcm, 8000) > 1.0 and rms_dbfs(pcm) > -30
    assert peak_hz(pcm, 8000) != pytest.approx(TONE_HZ, abs=3)  # espeak's voice, not the tone


async def test_fallback_on_timeout_before_first_chunk(
    tts_server: tuple[FakeSynthesizer, str],
) -> None:
    servicer, endpoint = tts_server
    servicer.hang_first = True
    slow = YandexSynthesizer(endpoint, CREDS, tls=False)
    tts = FallbackSynthesizer([slow, EspeakSynthesizer()], first_chunk_timeout_s=0.3)
    before = fallback_count("tts", "yandex", "espeak")
    pcm = await tts.render("Hello there.", None, 8000)
    await tts.aclose()
    assert fallback_count("tts", "yandex", "espeak") == before + 1
    assert duration_s(pcm, 8000) > 0.5


async def test_last_engine_error_is_raised(tts_server: tuple[FakeSynthesizer, str]) -> None:
    servicer, endpoint = tts_server
    servicer.hang_first = True
    slow = YandexSynthesizer(endpoint, CREDS, tls=False)
    tts = FallbackSynthesizer(
        [EspeakSynthesizer(binary="espeak-ng-missing"), slow], first_chunk_timeout_s=0.3
    )
    with pytest.raises(EngineTimeoutError, match=r"no audio in 0\.3 s"):
        await tts.render("Hello there.", None, 8000)
    await tts.aclose()
