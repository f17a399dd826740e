"""In-process SpeechKit v3 servers built from the `yandexcloud` stubs, on 127.0.0.1.

They speak the real wire protocol (the same generated messages and method paths as the
cloud) and record what the client sent, so tests check both directions.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import grpc
import numpy as np
from yandex.cloud.ai.stt.v3 import stt_pb2, stt_service_pb2_grpc
from yandex.cloud.ai.tts.v3 import tts_pb2, tts_service_pb2_grpc

RAW_TEXT = ["двадцать", "пять", "рублей"]
NORMALIZED = "25 рублей"
TONE_HZ = 400.0


def fail(context: grpc.aio.ServicerContext, code: grpc.StatusCode, details: str) -> None:
    """End the call with a status, as SpeechKit does (from inside a streaming handler)."""
    context.set_code(code)
    context.set_details(details)


@dataclass
class SttSession:
    metadata: dict[str, str]
    requests: list[stt_pb2.StreamingRequest] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)

    @property
    def audio(self) -> bytes:
        return b"".join(r.chunk.data for r in self.requests if r.HasField("chunk"))


class FakeRecognizer(stt_service_pb2_grpc.RecognizerServicer):
    """Answers like SpeechKit: status, partials while audio flows, then at the end of the
    request stream a final, its normalized refinement, an EOU update and CLOSED."""

    def __init__(self) -> None:
        self.sessions: list[SttSession] = []
        self.fail_with: tuple[grpc.StatusCode, str] | None = None
        self.fail_after_bytes: int | None = None
        self.partial_every_bytes = 3200
        self.send_warning = False
        self.refine = True
        self.final_after_bytes: int | None = None

    async def RecognizeStreaming(
        self,
        request_iterator: AsyncIterator[stt_pb2.StreamingRequest],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[stt_pb2.StreamingResponse]:
        session = SttSession(metadata={k: v for k, v in context.invocation_metadata() or ()})
        self.sessions.append(session)
        if self.fail_with is not None:
            fail(context, *self.fail_with)
            return
        yield stt_pb2.StreamingResponse(
            status_code=stt_pb2.StatusCode(code_type=stt_pb2.WORKING, message="ok")
        )
        if self.send_warning:
            yield stt_pb2.StreamingResponse(
                status_code=stt_pb2.StatusCode(code_type=stt_pb2.WARNING, message="too fast")
            )
        rate = 8000
        received = 0
        final_sent = False
        next_partial = self.partial_every_bytes
        loop = asyncio.get_running_loop()
        async for request in request_iterator:
            session.requests.append(request)
            session.arrivals.append(loop.time())
            if request.HasField("session_options"):
                raw = request.session_options.recognition_model.audio_format.raw_audio
                rate = raw.sample_rate_hertz or rate
            elif request.HasField("chunk"):
                received += len(request.chunk.data)
                if self.fail_after_bytes is not None and received >= self.fail_after_bytes:
                    fail(context, grpc.StatusCode.UNAVAILABLE, "backend restarted")
                    return
                after = self.final_after_bytes
                if after is not None and not final_sent and received >= after:
                    final_sent = True
                    for response in self.final_responses(received, rate):
                        yield response
                    continue
                if received >= next_partial:
                    next_partial += self.partial_every_bytes
                    yield stt_pb2.StreamingResponse(
                        partial=stt_pb2.AlternativeUpdate(
                            alternatives=[stt_pb2.Alternative(text=RAW_TEXT[0])]
                        ),
                        audio_cursors=stt_pb2.AudioCursors(received_data_ms=received * 500 // rate),
                    )
        if not final_sent:
            for response in self.final_responses(received, rate):
                yield response
        yield stt_pb2.StreamingResponse(
            status_code=stt_pb2.StatusCode(code_type=stt_pb2.CLOSED, message="bye")
        )

    def final_responses(self, received: int, rate: int) -> list[stt_pb2.StreamingResponse]:
        """A final over the audio received so far, its refinement and the EOU update."""
        out: list[stt_pb2.StreamingResponse] = []
        total_ms = received * 1000 // (2 * rate)
        step = total_ms // len(RAW_TEXT)
        words = [
            stt_pb2.Word(text=w, start_time_ms=i * step, end_time_ms=(i + 1) * step)
            for i, w in enumerate(RAW_TEXT)
        ]
        final_index = len(self.sessions) - 1
        out.append(
            stt_pb2.StreamingResponse(
                final=stt_pb2.AlternativeUpdate(
                    alternatives=[
                        stt_pb2.Alternative(
                            text=" ".join(RAW_TEXT),
                            words=words,
                            start_time_ms=0,
                            end_time_ms=total_ms,
                        ),
                        stt_pb2.Alternative(text="двадцать пять рубли", confidence=0.1),
                    ]
                ),
                audio_cursors=stt_pb2.AudioCursors(final_index=final_index, final_time_ms=total_ms),
            )
        )
        if self.refine:
            out.append(
                stt_pb2.StreamingResponse(
                    final_refinement=stt_pb2.FinalRefinement(
                        final_index=final_index,
                        normalized_text=stt_pb2.AlternativeUpdate(
                            alternatives=[stt_pb2.Alternative(text=NORMALIZED)]
                        ),
                    )
                )
            )
        out.append(stt_pb2.StreamingResponse(eou_update=stt_pb2.EouUpdate(time_ms=total_ms)))
        return out


def tone_pcm(rate: int, seconds: float) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    return (0.4 * 32767 * np.sin(2 * math.pi * TONE_HZ * t)).astype("<i2").tobytes()


class FakeSynthesizer(tts_service_pb2_grpc.SynthesizerServicer):
    """Answers each request with a 400 Hz tone, 40 ms per character, in odd-sized chunks
    (so a chunk may end mid-sample, as a network stream may)."""

    SECONDS_PER_CHAR = 0.04

    def __init__(self) -> None:
        self.requests: list[tts_pb2.UtteranceSynthesisRequest] = []
        self.metadata: list[dict[str, str]] = []
        self.fail_with: tuple[grpc.StatusCode, str] | None = None
        self.hang = asyncio.Event()
        self.hang_first = False

    async def UtteranceSynthesis(
        self, request: tts_pb2.UtteranceSynthesisRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[tts_pb2.UtteranceSynthesisResponse]:
        self.requests.append(request)
        self.metadata.append({k: v for k, v in context.invocation_metadata() or ()})
        if self.fail_with is not None:
            fail(context, *self.fail_with)
            return
        if self.hang_first:
            await self.hang.wait()
        rate = request.output_audio_spec.raw_audio.sample_rate_hertz
        pcm = tone_pcm(rate, len(request.text) * self.SECONDS_PER_CHAR)
        for start in range(0, len(pcm), 1001):
            yield tts_pb2.UtteranceSynthesisResponse(
                audio_chunk=tts_pb2.AudioChunk(data=pcm[start : start + 1001])
            )


async def start_server(*servicers: object) -> tuple[grpc.aio.Server, str]:
    server = grpc.aio.server()
    for servicer in servicers:
        if isinstance(servicer, FakeRecognizer):
            stt_service_pb2_grpc.add_RecognizerServicer_to_server(servicer, server)
        elif isinstance(servicer, FakeSynthesizer):
            tts_service_pb2_grpc.add_SynthesizerServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, f"127.0.0.1:{port}"
