"""Yandex SpeechKit STT v3: `Recognizer.RecognizeStreaming`.

Protocol, as the service expects it: the first request carries `session_options`, then
audio chunks follow at real-time pace. The server answers with `partial` hypotheses,
`final` results, a `final_refinement` with normalized text for each final ("двадцать пять"
→ "25"), `eou_update` at the end of an utterance and periodic `status_code` messages.

A session may last 5 minutes. Before that, the client half-closes the request stream,
drains the last results and opens a new session; word times keep counting from the start
of the whole stream, so callers never see the switch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import grpc
from typing_extensions import override
from yandex.cloud.ai.stt.v3 import stt_pb2, stt_service_pb2_grpc

from asr_tts.asr.base import AsrAlternative, AsrResult, StreamingRecognizer, WordTiming
from asr_tts.errors import EngineError
from asr_tts.yandex.auth import YandexCredentials
from asr_tts.yandex.channel import open_channel
from asr_tts.yandex.errors import map_rpc_error

log = logging.getLogger(__name__)

PACING_SLACK_S = 0.2
"""How far ahead of real time audio may run before the sender waits."""
CHUNK_S = 0.1
"""Audio goes out in messages of at least this much (the last one may be shorter). A call
feeds 20 ms frames, and each gRPC message costs the client more than the audio it carries:
at 100 full calls the per-frame writes were 13 % of the robot's CPU
(`bench/full_stack_density.py`). Coalescing delays only partials, never the final: the
end of audio flushes what is buffered at once."""


def session_options(
    language: str, sample_rate: int, model: str, normalize: bool
) -> stt_pb2.StreamingRequest:
    """The first request of every session."""
    norm = stt_pb2.TextNormalizationOptions
    return stt_pb2.StreamingRequest(
        session_options=stt_pb2.StreamingOptions(
            recognition_model=stt_pb2.RecognitionModelOptions(
                model=model,
                audio_format=stt_pb2.AudioFormatOptions(
                    raw_audio=stt_pb2.RawAudio(
                        audio_encoding=stt_pb2.RawAudio.LINEAR16_PCM,
                        sample_rate_hertz=sample_rate,
                        audio_channel_count=1,
                    )
                ),
                text_normalization=norm(
                    text_normalization=(
                        norm.TEXT_NORMALIZATION_ENABLED
                        if normalize
                        else norm.TEXT_NORMALIZATION_DISABLED
                    ),
                    profanity_filter=False,
                    literature_text=False,
                ),
                language_restriction=stt_pb2.LanguageRestrictionOptions(
                    restriction_type=stt_pb2.LanguageRestrictionOptions.WHITELIST,
                    language_code=[language],
                ),
                audio_processing_type=stt_pb2.RecognitionModelOptions.REAL_TIME,
            ),
            eou_classifier=stt_pb2.EouClassifierOptions(
                default_classifier=stt_pb2.DefaultEouClassifier()
            ),
        )
    )


def alternatives_to_result(
    update: stt_pb2.AlternativeUpdate, *, is_final: bool, offset_s: float, engine: str
) -> AsrResult | None:
    """Convert a partial or final update; None when it holds no text."""
    if not update.alternatives:
        return None
    best = update.alternatives[0]
    text = best.text.strip()
    if not text:
        return None
    words = tuple(
        WordTiming(
            word=w.text,
            start_s=round(offset_s + w.start_time_ms / 1000.0, 3),
            end_s=round(offset_s + w.end_time_ms / 1000.0, 3),
        )
        for w in best.words
    )
    others = tuple(
        AsrAlternative(text=a.text.strip(), confidence=a.confidence or None)
        for a in update.alternatives[1:]
        if a.text.strip()
    )
    return AsrResult(
        text=text,
        is_final=is_final,
        confidence=best.confidence or None,  # SpeechKit sends 0 while it does not score
        alternatives=others,
        words=words,
        engine=engine,
    )


class YandexRecognizer(StreamingRecognizer):
    """Streaming recognition through SpeechKit v3. Hints and grammars are not part of the
    v3 streaming API; they are accepted and ignored."""

    name = "yandex"

    def __init__(
        self,
        endpoint: str,
        credentials: YandexCredentials,
        *,
        tls: bool = True,
        model: str = "general",
        normalize: bool = True,
        session_limit_s: float = 290.0,
        realtime_pacing: bool = True,
    ) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.credentials = credentials
        self.tls = tls
        self.model = model
        self.normalize = normalize
        self.session_limit_s = session_limit_s
        self.realtime_pacing = realtime_pacing
        self.sessions_opened = 0
        self._audio: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._channel: grpc.aio.Channel | None = None
        self._runner: asyncio.Task[None] | None = None
        self._pending: dict[int, AsrResult] = {}

    @override
    async def _start(
        self, language: str, sample_rate: int, hints: list[str], grammar: list[str]
    ) -> None:
        if hints or grammar:
            log.debug(
                "SpeechKit v3 streaming has no phrase hints; %d ignored", len(hints) + len(grammar)
            )
        self._channel = open_channel(self.endpoint, tls=self.tls)
        self._runner = asyncio.create_task(self._run(), name="yandex-stt")

    async def _feed(self, pcm: bytes) -> None:
        self._audio.put_nowait(pcm)

    async def _close(self) -> None:
        self._audio.put_nowait(None)
        if self._runner is not None:
            await asyncio.shield(self._runner)

    async def _run(self) -> None:
        assert self._channel is not None
        stub = stt_service_pb2_grpc.RecognizerStub(self._channel)
        offset_s = 0.0
        try:
            while True:
                state = _SessionState()
                call = stub.RecognizeStreaming(metadata=self.credentials.metadata())
                self.sessions_opened += 1
                # Writing and reading run apart: when the server ends the call early (bad
                # key, quota), the writer's failure must not hide the server's status.
                # (grpc-python still reports INTERNAL if a write races the status; that
                # maps to EngineError, which the fallback chain treats like any failure.)
                writer = asyncio.create_task(self._write(call, state), name="yandex-stt-write")
                try:
                    async for response in call:
                        self._handle(response, offset_s)
                finally:
                    if not writer.done():
                        writer.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await writer
                self._flush_pending()
                if state.end_of_audio:
                    break
                offset_s += state.audio_s
                log.info("SpeechKit session rotated after %.1f s of audio", state.audio_s)
        except grpc.aio.AioRpcError as exc:
            self._fail(map_rpc_error(exc, self.name, "streaming recognition"))
        except Exception as exc:
            self._fail(EngineError(f"SpeechKit stream failed: {exc}", engine=self.name))
        finally:
            self._finish()
            await self._channel.close()

    async def _write(self, call: grpc.aio.StreamStreamCall, state: _SessionState) -> None:
        """Send session options, then audio, until the end of audio or the session limit."""
        try:
            await call.write(
                session_options(self.language, self.sample_rate, self.model, self.normalize)
            )
            async for request in self._chunks(state):
                await call.write(request)
            await call.done_writing()
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError, grpc.aio.UsageError) as exc:
            log.debug("SpeechKit call ended while writing: %s", exc)

    async def _chunks(self, state: _SessionState) -> AsyncIterator[stt_pb2.StreamingRequest]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        limit_bytes = round(self.session_limit_s * self.sample_rate) * 2
        chunk_bytes = round(CHUNK_S * self.sample_rate) * 2
        buffered = bytearray()
        while True:
            pcm = await self._audio.get()
            if pcm is not None:
                buffered += pcm
                if len(buffered) < chunk_bytes:
                    continue
            if buffered:
                yield stt_pb2.StreamingRequest(chunk=stt_pb2.AudioChunk(data=bytes(buffered)))
                state.audio_bytes += len(buffered)
                buffered.clear()
                state.audio_s = state.audio_bytes / (2 * self.sample_rate)
            if pcm is None:
                state.end_of_audio = True
                return
            elapsed = loop.time() - started
            if self.realtime_pacing and state.audio_s - elapsed > PACING_SLACK_S:
                await asyncio.sleep(state.audio_s - elapsed - PACING_SLACK_S)
            if state.audio_bytes >= limit_bytes or loop.time() - started >= self.session_limit_s:
                return  # half-close; _run opens the next session

    def _handle(self, response: stt_pb2.StreamingResponse, offset_s: float) -> None:
        kind = response.WhichOneof("Event")
        if kind == "partial":
            result = alternatives_to_result(
                response.partial, is_final=False, offset_s=offset_s, engine=self.name
            )
            if result is not None:
                self._emit(result)
        elif kind == "final":
            result = alternatives_to_result(
                response.final, is_final=True, offset_s=offset_s, engine=self.name
            )
            if result is not None:
                if self.normalize:
                    # hold it until its normalized text arrives (or the utterance ends)
                    self._pending[response.audio_cursors.final_index] = result
                else:
                    self._emit(result)
        elif kind == "final_refinement":
            refinement = response.final_refinement
            raw = self._pending.pop(refinement.final_index, None)
            alts = refinement.normalized_text.alternatives
            if raw is not None:
                text = alts[0].text.strip() if alts else ""
                self._emit(_with_text(raw, text or raw.text))
        elif kind == "eou_update":
            self._flush_pending()
        elif kind == "status_code":
            status = response.status_code
            if status.code_type == stt_pb2.WARNING:
                log.warning("SpeechKit warning: %s", status.message)
            elif status.code_type == stt_pb2.CLOSED:
                log.info("SpeechKit closed the session: %s", status.message)

    def _flush_pending(self) -> None:
        for index in sorted(self._pending):
            self._emit(self._pending[index])
        self._pending.clear()


class _SessionState:
    __slots__ = ("audio_bytes", "audio_s", "end_of_audio")

    def __init__(self) -> None:
        self.audio_bytes = 0
        self.audio_s = 0.0
        self.end_of_audio = False


def _with_text(result: AsrResult, text: str) -> AsrResult:
    return AsrResult(
        text=text,
        is_final=result.is_final,
        confidence=result.confidence,
        alternatives=result.alternatives,
        words=result.words,
        engine=result.engine,
    )
