"""A SpeechKit STT v3 server for benchmarks: it "recognizes" a known set of caller lines.

It speaks the real wire protocol (the `yandexcloud` stubs: `Recognizer.RecognizeStreaming`,
status, partials, final, final refinement, EOU update, CLOSED), so the robot's own gRPC
client runs exactly as against the cloud, and it costs little, so the robot's own work is
what a density benchmark measures. It runs in its own process (`main`), as the cloud
would be elsewhere.

Recognition is by the shape of the sound: each known line's features (log RMS and the
log energy of four frequency bands per 20 ms, silence trimmed) are a template, and a
stream is matched to the nearest template (allowing a few frames of shift and penalizing
a different length). While audio flows, every 200 ms of speech brings a partial with the
first words of the best guess so far; at the end of the request stream come the final
(words timed over the speech), its refinement, the EOU update and CLOSED.

    python bench/speechkit_lines.py --lines lines.json     # prints {"endpoint": "127.0.0.1:PORT"}

`lines.json`: `{"lines": [{"text": "...", "wav": "path.wav"}, ...]}`. Commands on stdin:
`stats` (sessions, matches per line, CPU seconds), `quit`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from typing_extensions import override
from yandex.cloud.ai.stt.v3 import stt_pb2, stt_service_pb2_grpc

from asr_tts.audio import read_audio_file
from bench.process_harness import emit, read_command, stdin_reader

FRAME_S = 0.020
SPEECH_LOG_RMS = math.log10(300.0)
"""Frames under this s16 RMS (about -40 dBFS) are silence (the session's speech floor)."""
MAX_SHIFT = 3
PARTIAL_EVERY_FRAMES = 10


BANDS_HZ = (0, 500, 1000, 2000, 4000)
"""Band edges of the features: enough spectral shape to tell "go ahead" from "no thanks"."""


def envelope(pcm: bytes, rate: int) -> np.ndarray:
    """Per whole 20 ms frame: log10 RMS (column 0), then log10 energy in each band."""
    size = int(rate * FRAME_S)
    samples = np.frombuffer(pcm[: len(pcm) // (2 * size) * 2 * size], dtype="<i2")
    if not samples.size:
        return np.zeros((0, len(BANDS_HZ)))
    frames = samples.reshape(-1, size).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    edges = [round(hz * size / rate) for hz in BANDS_HZ]
    bands = [power[:, a : max(a + 1, b)].sum(axis=1) for a, b in itertools.pairwise(edges)]
    return np.log10(np.column_stack([rms, *bands]) + 1.0)


def voiced(env: np.ndarray) -> tuple[int, np.ndarray]:
    """(index of the first speech frame, the features from the first to the last one)."""
    loud = np.flatnonzero(env[:, 0] >= SPEECH_LOG_RMS) if env.size else np.zeros(0, int)
    if not loud.size:
        return 0, env[:0]
    return int(loud[0]), env[loud[0] : loud[-1] + 1]


@dataclass(frozen=True)
class Line:
    text: str
    shape: np.ndarray


def distance(heard: np.ndarray, template: np.ndarray, *, prefix: bool = False) -> float:
    """Mean absolute difference of the features at the best small shift, plus a penalty
    for a length that differs (not for a prefix still being spoken)."""
    if not len(heard):
        return math.inf
    best = math.inf
    for shift in range(-MAX_SHIFT, MAX_SHIFT + 1):
        a = heard[max(0, shift) :]
        b = template[max(0, -shift) :]
        n = min(len(a), len(b))
        if n < 3:
            continue
        best = min(best, float(np.mean(np.abs(a[:n] - b[:n]))))
    if not prefix:
        best += 0.02 * abs(len(heard) - len(template))
    elif len(heard) > len(template) + MAX_SHIFT:
        best += 0.02 * (len(heard) - len(template))
    return best


def warped_distance(heard: np.ndarray, template: np.ndarray) -> float:
    """Dynamic time warping with local slopes 1/2, 1 and 2 (each frame of one matched to
    one or two of the other): a few frames dropped by a jitter buffer after a burst, or
    spoken a little faster, still match their line. Mean cost per frame of the best path;
    infinite when the lengths differ by more than a factor of two."""
    n, m = len(heard), len(template)
    if not n or not m or n > 2 * m or m > 2 * n:
        return math.inf
    cost = np.abs(heard[:, None, :] - template[None, :, :]).mean(axis=2)
    acc = np.full((n + 2, m + 2), math.inf)  # acc[i + 2, j + 2]: best path to (i, j)
    for i in range(n):
        previous, before = acc[i + 1], acc[i]
        steps = np.minimum(np.minimum(previous[1 : m + 1], previous[:m]), before[1 : m + 1])
        if i == 0:
            steps[0] = 0.0
        acc[i + 2, 2:] = cost[i] + steps
    return float(acc[n + 1, m + 1] / (n + m))


class LineRecognizer(stt_service_pb2_grpc.RecognizerServicer):
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.sessions = 0
        self.matched: Counter[str] = Counter()

    def best(self, shape: np.ndarray, *, prefix: bool = False) -> Line | None:
        """The nearest line: by warped distance for a whole utterance (the shifted one
        when no line is within a factor of two in length), by the shifted distance of
        its beginning for a partial."""
        if not len(shape):
            return None
        if not prefix:
            warped = [(warped_distance(shape, line.shape), line) for line in self.lines]
            score, line = min(warped, key=lambda pair: pair[0])
            if score < math.inf:
                return line
        return min(self.lines, key=lambda line: distance(shape, line.shape, prefix=prefix))

    @override
    async def RecognizeStreaming(
        self,
        request_iterator: AsyncIterator[stt_pb2.StreamingRequest],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[stt_pb2.StreamingResponse]:
        self.sessions += 1
        yield stt_pb2.StreamingResponse(
            status_code=stt_pb2.StatusCode(code_type=stt_pb2.WORKING, message="ok")
        )
        rate = 8000
        pending = b""
        features: list[np.ndarray] = []
        received = 0
        spoken = 0
        next_partial = PARTIAL_EVERY_FRAMES
        async for request in request_iterator:
            if request.HasField("session_options"):
                raw = request.session_options.recognition_model.audio_format.raw_audio
                rate = raw.sample_rate_hertz or rate
                continue
            if not request.HasField("chunk"):
                continue
            data = pending + request.chunk.data
            received += len(request.chunk.data)
            env = envelope(data, rate)
            pending = data[len(env) * int(rate * FRAME_S) * 2 :]
            features.append(env)
            spoken += int(np.count_nonzero(env[:, 0] >= SPEECH_LOG_RMS))
            if spoken >= next_partial:
                next_partial += PARTIAL_EVERY_FRAMES
                _, shape = voiced(np.concatenate(features))
                guess = self.best(shape, prefix=True)
                if guess is not None:
                    words = guess.text.split()
                    count = max(1, min(len(words), round(len(words) * len(shape)
                                                         / max(1, len(guess.shape)))))
                    yield stt_pb2.StreamingResponse(
                        partial=stt_pb2.AlternativeUpdate(
                            alternatives=[stt_pb2.Alternative(text=" ".join(words[:count]))]
                        ),
                        audio_cursors=stt_pb2.AudioCursors(
                            received_data_ms=received * 500 // rate
                        ),
                    )
        start, shape = voiced(np.concatenate(features) if features
                              else np.zeros((0, len(BANDS_HZ))))
        line = self.best(shape)
        total_ms = received * 500 // rate
        if line is not None:
            self.matched[line.text] += 1
            for response in final_responses(line.text, start, len(shape), total_ms):
                yield response
        else:
            self.matched["(silence)"] += 1
            yield stt_pb2.StreamingResponse(eou_update=stt_pb2.EouUpdate(time_ms=total_ms))
        yield stt_pb2.StreamingResponse(
            status_code=stt_pb2.StatusCode(code_type=stt_pb2.CLOSED, message="bye")
        )


def final_responses(
    text: str, start_frame: int, frames: int, total_ms: int
) -> list[stt_pb2.StreamingResponse]:
    """A final with the words spread over the speech, its refinement and the EOU update."""
    words = text.split()
    begin_ms = round(start_frame * FRAME_S * 1000)
    span_ms = round(frames * FRAME_S * 1000)
    step = span_ms // max(1, len(words))
    timed = [
        stt_pb2.Word(text=w, start_time_ms=begin_ms + i * step,
                     end_time_ms=begin_ms + (i + 1) * step)
        for i, w in enumerate(words)
    ]
    return [
        stt_pb2.StreamingResponse(
            final=stt_pb2.AlternativeUpdate(
                alternatives=[
                    stt_pb2.Alternative(text=text, words=timed, start_time_ms=begin_ms,
                                        end_time_ms=begin_ms + span_ms, confidence=0.9)
                ]
            ),
            audio_cursors=stt_pb2.AudioCursors(final_index=0, final_time_ms=total_ms),
        ),
        stt_pb2.StreamingResponse(
            final_refinement=stt_pb2.FinalRefinement(
                final_index=0,
                normalized_text=stt_pb2.AlternativeUpdate(
                    alternatives=[stt_pb2.Alternative(text=text)]
                ),
            )
        ),
        stt_pb2.StreamingResponse(eou_update=stt_pb2.EouUpdate(time_ms=total_ms)),
    ]


def load_lines(spec: Path) -> list[Line]:
    lines = []
    for item in json.loads(spec.read_text())["lines"]:
        pcm, rate = read_audio_file(item["wav"])
        _, shape = voiced(envelope(pcm, rate))
        lines.append(Line(item["text"], shape))
    return lines


async def serve(spec: Path) -> None:
    recognizer = LineRecognizer(load_lines(spec))
    server = grpc.aio.server()
    stt_service_pb2_grpc.add_RecognizerServicer_to_server(recognizer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    emit({"endpoint": f"127.0.0.1:{port}"})
    commands = await stdin_reader()
    while True:
        command = await read_command(commands)
        if command[0] == "stats":
            emit({"sessions": recognizer.sessions, "matched": dict(recognizer.matched),
                  "cpu_s": time.process_time()})
        else:
            break
    await server.stop(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=Path, required=True)
    asyncio.run(serve(parser.parse_args().lines))


if __name__ == "__main__":
    main()
