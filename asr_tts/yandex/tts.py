"""Yandex SpeechKit TTS v3: `Synthesizer.UtteranceSynthesis`, raw LINEAR16 at the call rate.

One request per part of at most 250 characters (the service limit), split at sentence
boundaries; the audio of each part streams back in chunks and is passed on as it comes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from yandex.cloud.ai.tts.v3 import tts_pb2, tts_service_pb2_grpc

from asr_tts.audio import StreamResampler, check_output_rate
from asr_tts.tts.base import Synthesizer, TtsOptions, check_text
from asr_tts.tts.text_split import split_text
from asr_tts.yandex.auth import YandexCredentials
from asr_tts.yandex.channel import open_channel
from asr_tts.yandex.errors import map_rpc_error

TEXT_LIMIT = 250
SERVICE_RATES = (8000, 16000, 22050, 48000)


def synthesis_request(
    text: str, voice: str | None, rate: int, options: TtsOptions, model: str = ""
) -> tts_pb2.UtteranceSynthesisRequest:
    hints: list[tts_pb2.Hints] = []
    if voice:
        hints.append(tts_pb2.Hints(voice=voice))
    if options.speed != 1.0:
        hints.append(tts_pb2.Hints(speed=options.speed))
    if options.role:
        hints.append(tts_pb2.Hints(role=options.role))
    if options.volume is not None:
        hints.append(tts_pb2.Hints(volume=options.volume))
    return tts_pb2.UtteranceSynthesisRequest(
        model=model,
        text=text,
        hints=hints,
        output_audio_spec=tts_pb2.AudioFormatOptions(
            raw_audio=tts_pb2.RawAudio(
                audio_encoding=tts_pb2.RawAudio.LINEAR16_PCM, sample_rate_hertz=rate
            )
        ),
        loudness_normalization_type=tts_pb2.UtteranceSynthesisRequest.LUFS,
    )


class YandexSynthesizer(Synthesizer):
    name = "yandex"

    def __init__(
        self,
        endpoint: str,
        credentials: YandexCredentials,
        *,
        tls: bool = True,
        model: str = "",
        timeout_s: float = 30.0,
    ) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.tls = tls
        self.model = model
        self.timeout_s = timeout_s
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> tts_service_pb2_grpc.SynthesizerStub:
        if self._channel is None:
            self._channel = open_channel(self.endpoint, tls=self.tls)
        return tts_service_pb2_grpc.SynthesizerStub(self._channel)

    async def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        clean = check_text(text)
        check_output_rate(sample_rate)
        opts = options or TtsOptions()
        service_rate = sample_rate if sample_rate in SERVICE_RATES else 48000
        stub = self._stub()
        for part in split_text(clean, TEXT_LIMIT):
            request = synthesis_request(part, voice, service_rate, opts, self.model)
            carry = b""  # a chunk may end in the middle of a sample
            resampler = StreamResampler(service_rate, sample_rate)
            try:
                async for response in stub.UtteranceSynthesis(
                    request, metadata=self.credentials.metadata(), timeout=self.timeout_s
                ):
                    data = carry + response.audio_chunk.data
                    cut = len(data) - len(data) % 2
                    carry = data[cut:]
                    if cut:
                        out = resampler.push(data[:cut])
                        if out:
                            yield out
            except grpc.aio.AioRpcError as exc:
                raise map_rpc_error(exc, self.name, "synthesis") from exc
            tail = resampler.push(b"", last=True)
            if tail:
                yield tail

    async def aclose(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None
