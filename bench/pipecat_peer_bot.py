"""The Pipecat side of `bench/peer_pipecat.py`: a Twilio Media Streams bot built with
Pipecat from PyPI, run with the interpreter of its own virtual environment (never the
project's: Pipecat is no dependency of voicebot, and nothing here imports voicebot).

The pipeline is the one Pipecat's Twilio examples build, with the parts voicebot uses:

    FastAPIWebsocketTransport(TwilioFrameSerializer).input()
      -> VADProcessor(SileroVADAnalyzer())          Pipecat's default VADParams
      -> WhisperSTTService(model=<the same CTranslate2 files voicebot loads>)
      -> UserTurnProcessor()                        default strategies: VAD start,
                                                    Smart Turn v3 stop
      -> Replies                                    the two prompts of the bench script
      -> EspeakTTSService                           espeak-ng, as voicebot speaks
      -> transport.output()

`Replies` stands where an LLM would: when the user's turn is over and its transcript has
arrived, it says the next prompt, alternating like voicebot's bench script. Every setting
not named here is Pipecat's default (its recommended settings).

    var/pipecat-venv/bin/python bench/pipecat_peer_bot.py --port P --whisper-model DIR
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncGenerator, AsyncIterator

import uvicorn
from fastapi import FastAPI, WebSocket
from loguru import logger
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.frames.frames import (
    Frame,
    StartFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.serializers.twilio import TwilioFrameSerializer
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.services.whisper.stt import WhisperSTTService
from pipecat.transports.websocket.fastapi import (
    FastAPIWebsocketParams,
    FastAPIWebsocketTransport,
)
from pipecat.turns.user_turn_processor import UserTurnProcessor
from pipecat.workers.runner import WorkerRunner

PROMPTS = ["Say yes or no.", "And once more, yes or no?"]
ESPEAK_RATE = 22050


class EspeakTTSService(TTSService):
    """espeak-ng as a Pipecat TTS service (Pipecat ships none): one espeak-ng process
    per utterance, its WAV read as it is written, resampled by Pipecat to the output
    rate."""

    def __init__(self, voice: str = "en-us", **kwargs: object) -> None:
        super().__init__(
            push_start_frame=True, push_stop_frames=True,
            settings=TTSSettings(model=None, voice=voice, language=None), **kwargs,
        )
        self._voice = voice

    def can_generate_metrics(self) -> bool:
        return True

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame, None]:
        process = await asyncio.create_subprocess_exec(
            "espeak-ng", "-v", self._voice, "--stdout", text,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )
        assert process.stdout is not None
        stdout = process.stdout

        async def pcm() -> AsyncIterator[bytes]:
            await stdout.readexactly(44)  # the WAV header (espeak-ng: 22050 Hz mono s16)
            carry = b""
            while chunk := await stdout.read(4410):
                chunk = carry + chunk
                cut = len(chunk) - len(chunk) % 2
                carry = chunk[cut:]
                if cut:
                    yield chunk[:cut]

        try:
            await self.start_tts_usage_metrics(text)
            async for frame in self._stream_audio_frames_from_iterator(
                pcm(), in_sample_rate=ESPEAK_RATE, context_id=context_id
            ):
                await self.stop_ttfb_metrics()
                yield frame
        finally:
            await self.stop_ttfb_metrics()
            if process.returncode is None:
                process.kill()
            await process.wait()


class Replies(FrameProcessor):
    """Where an LLM would be: greets, then answers each finished user turn that has a
    transcript with the next prompt."""

    def __init__(self) -> None:
        super().__init__()
        self._turn_over = False
        self._heard: list[str] = []
        self._said = 0

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self._say()
        elif isinstance(frame, UserStartedSpeakingFrame):
            self._turn_over = False
        elif isinstance(frame, TranscriptionFrame) and frame.text.strip():
            self._heard.append(frame.text.strip())
            await self._maybe_reply()
        elif isinstance(frame, UserStoppedSpeakingFrame):
            self._turn_over = True
            await self._maybe_reply()

    async def _maybe_reply(self) -> None:
        if self._turn_over and self._heard:
            self._turn_over = False
            self._heard.clear()
            await self._say()

    async def _say(self) -> None:
        await self.push_frame(TTSSpeakFrame(PROMPTS[self._said % len(PROMPTS)]))
        self._said += 1


def build_app(whisper_model: str, compute_type: str) -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.websocket("/ws")
    async def media(websocket: WebSocket) -> None:
        await websocket.accept()
        stream_sid = call_sid = ""
        async for text in websocket.iter_text():  # "connected", then "start"
            message = json.loads(text)
            if message.get("event") == "start":
                stream_sid = message["start"]["streamSid"]
                call_sid = message["start"].get("callSid", "")
                break
        serializer = TwilioFrameSerializer(
            stream_sid, call_sid,
            params=TwilioFrameSerializer.InputParams(auto_hang_up=False),
        )
        transport = FastAPIWebsocketTransport(
            websocket,
            FastAPIWebsocketParams(audio_in_enabled=True, audio_out_enabled=True,
                                   add_wav_header=False, serializer=serializer),
        )
        stt = WhisperSTTService(
            device="cpu", compute_type=compute_type,
            settings=WhisperSTTService.Settings(model=whisper_model),
        )
        pipeline = Pipeline([
            transport.input(),
            VADProcessor(vad_analyzer=SileroVADAnalyzer()),
            stt,
            UserTurnProcessor(),
            Replies(),
            EspeakTTSService(),
            transport.output(),
        ])
        # Whisper reads 16 kHz audio (WhisperSTTService does not resample): the serializer
        # resamples Twilio's 8 kHz input to the pipeline's input rate.
        worker = PipelineWorker(
            pipeline,
            params=PipelineParams(audio_in_sample_rate=16000, audio_out_sample_rate=8000),
        )

        @transport.event_handler("on_client_disconnected")
        async def on_client_disconnected(  # pipecat's event signature
            transport: object, client: object  # noqa: ARG001
        ) -> None:
            await worker.cancel()

        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        await runner.run()

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--whisper-model", required=True)
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--compute-type", default="default",
                        help="WhisperSTTService compute_type (Pipecat's default: default)")
    args = parser.parse_args()
    logger.remove()
    logger.add(sys.stderr, level=args.log_level)
    uvicorn.run(build_app(args.whisper_model, args.compute_type), host="127.0.0.1", port=args.port,
                log_level="warning")


if __name__ == "__main__":
    main()
