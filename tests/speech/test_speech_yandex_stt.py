"""The SpeechKit STT v3 client against an in-process gRPC server from the same stubs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import grpc
import pytest
from yandex.cloud.ai.stt.v3 import stt_pb2

from asr_tts.asr import AsrResult, create_recognizer
from asr_tts.asr.fallback import FallbackRecognizer
from asr_tts.errors import (
    EngineAuthError,
    EngineError,
    EngineRequestError,
    EngineTimeoutError,
    EngineUnavailableError,
)
from asr_tts.metrics import fallback_count
from asr_tts.settings import SpeechSettings
from asr_tts.yandex.auth import YandexCredentials
from asr_tts.yandex.channel import open_channel
from asr_tts.yandex.errors import map_rpc_error
from asr_tts.yandex.stt import YandexRecognizer

from .yandex_fakes import NORMALIZED, RAW_TEXT, FakeRecognizer, start_server, tone_pcm

KEY = YandexCredentials(api_key="test-key", folder_id="b1gfolder")


@pytest.fixture
async def stt() -> AsyncIterator[tuple[FakeRecognizer, str]]:
    servicer = FakeRecognizer()
    server, endpoint = await start_server(servicer)
    yield servicer, endpoint
    await server.stop(None)


def recognizer(endpoint: str, creds: YandexCredentials = KEY, **kwargs: object) -> YandexRecognizer:
    options: dict = {"tls": False, "realtime_pacing": False, **kwargs}
    return YandexRecognizer(endpoint, creds, **options)


async def transcribe(
    rec: YandexRecognizer | FallbackRecognizer, pcm: bytes, rate: int = 8000
) -> list[AsrResult]:
    await rec.start("ru-RU", rate)
    step = rate // 10 * 2
    for i in range(0, len(pcm), step):
        await rec.feed(pcm[i : i + step])
    await rec.close()
    return [r async for r in rec]


async def test_request_sequence_auth_and_results(stt: tuple[FakeRecognizer, str]) -> None:
    servicer, endpoint = stt
    pcm = tone_pcm(8000, 1.0)
    results = await transcribe(recognizer(endpoint), pcm)

    [session] = servicer.sessions
    assert session.metadata["authorization"] == "Api-Key test-key"
    assert session.metadata["x-folder-id"] == "b1gfolder"
    first, *rest = session.requests
    assert first.WhichOneof("Event") == "session_options"
    model = first.session_options.recognition_model
    assert model.model == "general"
    assert model.audio_format.raw_audio.audio_encoding == stt_pb2.RawAudio.LINEAR16_PCM
    assert model.audio_format.raw_audio.sample_rate_hertz == 8000
    assert list(model.language_restriction.language_code) == ["ru-RU"]
    assert model.text_normalization.text_normalization == (
        stt_pb2.TextNormalizationOptions.TEXT_NORMALIZATION_ENABLED
    )
    assert all(r.WhichOneof("Event") == "chunk" for r in rest)
    assert session.audio == pcm

    partials = [r for r in results if not r.is_final]
    finals = [r for r in results if r.is_final]
    assert partials and all(p.text == RAW_TEXT[0] for p in partials)
    assert results.index(finals[0]) > results.index(partials[-1])
    [final] = finals
    assert final.text == NORMALIZED  # final_refinement replaced the raw text
    assert [w.word for w in final.words] == RAW_TEXT
    assert final.words[-1].end_s == pytest.approx(0.999, abs=0.002)
    assert [a.text for a in final.alternatives] == ["двадцать пять рубли"]
    assert final.engine == "yandex"


async def test_iam_token_is_sent_as_bearer(stt: tuple[FakeRecognizer, str]) -> None:
    servicer, endpoint = stt
    await transcribe(
        recognizer(endpoint, YandexCredentials(iam_token="t1.abc")), tone_pcm(8000, 0.3)
    )
    metadata = servicer.sessions[0].metadata
    assert metadata["authorization"] == "Bearer t1.abc"
    assert "x-folder-id" not in metadata


async def test_raw_final_without_normalization(stt: tuple[FakeRecognizer, str]) -> None:
    servicer, endpoint = stt
    results = await transcribe(recognizer(endpoint, normalize=False), tone_pcm(16000, 0.5), 16000)
    options = servicer.sessions[0].requests[0].session_options.recognition_model
    assert options.text_normalization.text_normalization == (
        stt_pb2.TextNormalizationOptions.TEXT_NORMALIZATION_DISABLED
    )
    assert options.audio_format.raw_audio.sample_rate_hertz == 16000
    assert [r.text for r in results if r.is_final] == [" ".join(RAW_TEXT)]


async def test_final_without_refinement_is_released_at_eou(
    stt: tuple[FakeRecognizer, str],
) -> None:
    servicer, endpoint = stt
    servicer.refine = False
    servicer.final_after_bytes = 8000
    rec = recognizer(endpoint)
    await rec.start("ru-RU", 8000)
    await rec.feed(tone_pcm(8000, 0.5))
    # the stream stays open (a live call): the EOU update alone releases the final
    results = aiter(rec)
    final = await asyncio.wait_for(anext(r async for r in results if r.is_final), 10)
    assert final.text == " ".join(RAW_TEXT)
    await rec.close()


async def test_refined_final_arrives_while_the_stream_is_open(
    stt: tuple[FakeRecognizer, str],
) -> None:
    servicer, endpoint = stt
    servicer.final_after_bytes = 8000
    rec = recognizer(endpoint)
    await rec.start("ru-RU", 8000)
    await rec.feed(tone_pcm(8000, 0.5))
    final = await asyncio.wait_for(anext(r async for r in rec if r.is_final), 10)
    assert final.text == NORMALIZED
    await rec.close()


async def test_call_frames_go_out_in_larger_chunks(stt: tuple[FakeRecognizer, str]) -> None:
    """A call feeds 20 ms frames; one gRPC message per frame costs the client more than
    the audio is worth, so frames are coalesced (the last chunk may be shorter)."""
    servicer, endpoint = stt
    pcm = tone_pcm(8000, 0.53)
    rec = recognizer(endpoint)
    await rec.start("ru-RU", 8000)
    for i in range(0, len(pcm), 320):
        await rec.feed(pcm[i : i + 320])
    await rec.close()
    results = [r async for r in rec]

    [session] = servicer.sessions
    chunks = [r.chunk.data for r in session.requests if r.HasField("chunk")]
    assert session.audio == pcm
    assert all(len(c) >= 1600 for c in chunks[:-1])
    assert len(chunks) <= len(pcm) // 1600 + 1
    assert [r.text for r in results if r.is_final] == [NORMALIZED]


async def test_reconnects_before_session_limit(stt: tuple[FakeRecognizer, str]) -> None:
    servicer, endpoint = stt
    pcm = tone_pcm(8000, 2.5)
    rec = recognizer(endpoint, session_limit_s=1.0)
    results = await transcribe(rec, pcm)

    assert len(servicer.sessions) == 3 == rec.sessions_opened
    for session in servicer.sessions:
        assert session.requests[0].WhichOneof("Event") == "session_options"
        assert session.metadata["authorization"] == "Api-Key test-key"
    assert [len(s.audio) for s in servicer.sessions] == [16000, 16000, 8000]
    assert b"".join(s.audio for s in servicer.sessions) == pcm
    finals = [r for r in results if r.is_final]
    assert len(finals) == 3
    # word times continue across sessions: callers never see the reconnect
    assert [f.words[0].start_s for f in finals] == pytest.approx([0.0, 1.0, 2.0], abs=0.01)
    assert finals[-1].words[-1].end_s == pytest.approx(2.5, abs=0.01)


async def test_audio_is_paced_in_real_time(stt: tuple[FakeRecognizer, str]) -> None:
    servicer, endpoint = stt
    rec = recognizer(endpoint, realtime_pacing=True)
    await transcribe(rec, tone_pcm(8000, 1.0))
    arrivals = servicer.sessions[0].arrivals
    # 1 s of audio fed at once must not reach the server faster than real time allows
    assert arrivals[-1] - arrivals[0] >= 1.0 - 0.2 - 0.1 - 0.05


async def test_status_warning_is_logged(
    stt: tuple[FakeRecognizer, str], caplog: pytest.LogCaptureFixture
) -> None:
    servicer, endpoint = stt
    servicer.send_warning = True
    with caplog.at_level(logging.WARNING, logger="asr_tts.yandex.stt"):
        await transcribe(recognizer(endpoint), tone_pcm(8000, 0.3))
    assert "SpeechKit warning: too fast" in caplog.text


async def test_auth_error_is_clear(stt: tuple[FakeRecognizer, str]) -> None:
    servicer, endpoint = stt
    servicer.fail_with = (grpc.StatusCode.UNAUTHENTICATED, "The token is invalid")
    rec = recognizer(endpoint)
    await rec.start("ru-RU", 8000)
    # no audio is in flight when the server refuses: gRPC's client reports a write that
    # races the server's status as INTERNAL, which would hide the real code
    with pytest.raises(EngineAuthError, match="UNAUTHENTICATED: The token is invalid"):
        async for _ in rec:
            pass
    await rec.feed(tone_pcm(8000, 0.1))  # feeding a failed stream is harmless
    await rec.close()


async def test_failure_mid_stream_after_partials(stt: tuple[FakeRecognizer, str]) -> None:
    servicer, endpoint = stt
    servicer.fail_after_bytes = 8000
    rec = recognizer(endpoint)
    await rec.start("ru-RU", 8000)
    pcm = tone_pcm(8000, 0.5)  # exactly 8000 bytes: the last chunk triggers the failure
    for i in range(0, len(pcm), 1600):
        await rec.feed(pcm[i : i + 1600])
    seen: list[AsrResult] = []
    with pytest.raises(EngineUnavailableError, match="backend restarted"):
        async for result in rec:
            seen.append(result)
    await rec.close()
    assert seen and not any(r.is_final for r in seen)


async def test_unreachable_server_is_unavailable() -> None:
    rec = recognizer("127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(EngineUnavailableError):
        await transcribe(rec, tone_pcm(8000, 0.2))


async def test_fallback_replays_the_utterance_to_the_next_engine(
    stt: tuple[FakeRecognizer, str],
) -> None:
    broken, broken_endpoint = stt
    broken.fail_after_bytes = 4800
    healthy = FakeRecognizer()
    server, healthy_endpoint = await start_server(healthy)
    try:
        before = fallback_count("asr", "primary", "backup")
        rec = FallbackRecognizer(
            [
                ("primary", lambda: recognizer(broken_endpoint)),
                ("backup", lambda: recognizer(healthy_endpoint)),
            ]
        )
        pcm = tone_pcm(8000, 1.0)
        results = await transcribe(rec, pcm)
    finally:
        await server.stop(None)
    assert fallback_count("asr", "primary", "backup") == before + 1
    assert rec.active_engine == "backup"
    # the backup heard the whole utterance, from its first byte
    assert healthy.sessions[0].audio == pcm
    assert [r.text for r in results if r.is_final] == [NORMALIZED]


async def test_create_recognizer_from_settings(stt: tuple[FakeRecognizer, str]) -> None:
    servicer, endpoint = stt
    settings = SpeechSettings(
        asr_engine="yandex",
        yandex_api_key="k2",
        yandex_folder_id="f2",
        yandex_stt_endpoint=endpoint,
        yandex_tls=False,
        yandex_realtime_pacing=False,
    )
    rec = create_recognizer(settings)
    await rec.start("en-US", 8000)
    await rec.feed(tone_pcm(8000, 0.2))
    await rec.close()
    assert [r.text async for r in rec if r.is_final] == [NORMALIZED]
    assert servicer.sessions[0].metadata["authorization"] == "Api-Key k2"


def test_credentials_required() -> None:
    with pytest.raises(EngineAuthError, match="VOICEBOT_YANDEX_API_KEY"):
        YandexCredentials(folder_id="x")


def test_plain_text_only_to_loopback() -> None:
    with pytest.raises(ValueError, match="only loopback"):
        open_channel("stt.api.cloud.yandex.net:443", tls=False)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (grpc.StatusCode.UNAUTHENTICATED, EngineAuthError),
        (grpc.StatusCode.PERMISSION_DENIED, EngineAuthError),
        (grpc.StatusCode.UNAVAILABLE, EngineUnavailableError),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, EngineUnavailableError),
        (grpc.StatusCode.DEADLINE_EXCEEDED, EngineTimeoutError),
        (grpc.StatusCode.INVALID_ARGUMENT, EngineRequestError),
        (grpc.StatusCode.INTERNAL, EngineError),
    ],
)
def test_grpc_errors_map_to_clear_exceptions(
    code: grpc.StatusCode, error: type[EngineError]
) -> None:
    rpc_error = grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details="boom")
    mapped = map_rpc_error(rpc_error, "yandex", "recognition")
    assert type(mapped) is error
    assert f"{code.name}: boom" in str(mapped) and mapped.engine == "yandex"
