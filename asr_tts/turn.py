"""Semantic end of turn: the VAD finds the pause, Smart Turn decides whether the turn is over.

A silence window alone cannot tell "ну… давайте в четверг" (a pause mid-turn) from
"давайте в четверг." (done): a short window cuts the first caller off, a long one makes
every reply late. Smart Turn v3.2 (Pipecat's open model, BSD-2-Clause; 8 MB int8 ONNX,
23 languages including Russian) judges from the last 8 s of the caller's audio — the
intonation and the words' rhythm — whether the speaker has finished.

`SmartEndpointing` runs the policy of `asr_tts.turn_policy` on a live stream, frame by
frame:
- at `check_ms` of silence inside speech it asks the model, in a worker thread, about the
  audio so far (one inference ≈ 25 ms of one core here), and again at `recheck_ms` when
  the first verdict was below the threshold;
- the shell may add what the transcript so far says (`expect_text`, `hear_text`): the
  dialog layer judges it for the current step;
- `turn_over` turns the latest verdict, the text and the silence into the decision; with
  no verdict (the model failed or is late) the VAD's own window ends the turn, `cap_ms`,
  the hard cap no turn's pause outlasts;
- the caller speaking again drops the verdicts and the text; the next pause asks again.

Features are Whisper's log-mel spectrogram of the 8 s window (zero-padded in front,
waveform normalized), computed with faster-whisper's feature extractor, which gives the
same numbers as the model's reference extractor (max difference 3e-7, checked once).
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from asr_tts.audio import resample
from asr_tts.checksums import verify
from asr_tts.decode_threads import single_threaded_blas
from asr_tts.errors import ModelNotFoundError
from asr_tts.turn_policy import Completeness, SmartTurnSettings, ask_at, turn_over

__all__ = ["Completeness", "SmartEndpointing", "SmartTurnModel", "SmartTurnSettings",
           "Verdict", "load_smart_turn"]

MODEL_RATE = 16000
WINDOW_S = 8
_models: dict[Path, SmartTurnModel] = {}
_models_lock = threading.Lock()
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smart-turn")


class SmartTurnModel:
    """Smart Turn v3.x: the probability that a speaker's turn is complete."""

    def __init__(self, path: str | Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from faster_whisper.feature_extractor import FeatureExtractor

        self.path = Path(path)
        single_threaded_blas()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(str(self.path), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf types
            raise ModelNotFoundError(f"cannot load Smart Turn from {self.path}: {exc}") from exc
        self._input = self._session.get_inputs()[0].name
        self._features = FeatureExtractor(feature_size=80, chunk_length=WINDOW_S)

    def features(self, samples: np.ndarray) -> np.ndarray:
        """(80, 800) log-mel features of the last 8 s of float32 16 kHz audio."""
        window = MODEL_RATE * WINDOW_S
        audio = np.asarray(samples, dtype=np.float32)[-window:]
        if audio.size < window:
            audio = np.pad(audio, (window - audio.size, 0))
        audio = (audio - audio.mean()) / np.sqrt(audio.var() + 1e-7)
        return np.asarray(self._features(audio, padding=0), dtype=np.float32)

    def probability(self, pcm: bytes, sample_rate: int) -> float:
        """P(the turn is complete) for PCM16 mono audio ending at the pause."""
        audio16 = resample(pcm, sample_rate, MODEL_RATE)
        samples = np.frombuffer(audio16, dtype="<i2").astype(np.float32) / 32768.0
        features = self.features(samples)[None]
        output = self._session.run(None, {self._input: features})[0]
        return float(np.asarray(output).reshape(-1)[0])


def load_smart_turn(path: str | Path, sha256: str | None = None) -> SmartTurnModel:
    """The shared model for a file, loaded once per process; with `sha256`, the file is
    verified first."""
    file = Path(path).expanduser().resolve()
    with _models_lock:
        model = _models.get(file)
        if model is not None:
            return model
    if not file.is_file():
        raise ModelNotFoundError(
            f"no Smart Turn model at {file}: run `voicebot models prepare`")
    if sha256 is not None:
        verify(file, sha256, what="Smart Turn model")
    model = SmartTurnModel(file)
    with _models_lock:
        return _models.setdefault(file, model)


@dataclass(frozen=True, slots=True)
class Verdict:
    probability: float
    complete: bool
    at_silence_ms: int


class SmartEndpointing:
    """The end-of-turn policy for one stream (see the module docstring). Feed every frame
    of a turn with the silence the VAD counts after it; `push` says when to end."""

    def __init__(self, model: Any, sample_rate: int,
                 settings: SmartTurnSettings | None = None,
                 executor: Executor | None = None) -> None:
        """`model` has `probability(pcm, sample_rate) -> float` (a `SmartTurnModel`); it
        runs in `executor` (default: one shared thread per process)."""
        self.model = model
        self._executor = executor or _executor
        self.sample_rate = sample_rate
        self.settings = settings or SmartTurnSettings()
        self._audio: deque[bytes] = deque()
        self._bytes = 0
        self._max_bytes = sample_rate * 2 * WINDOW_S
        self._pending: Future[float] | None = None
        self._asked = 0
        self._pause = 0
        """Counts pauses, so a transcript of an earlier pause is not taken for this one."""
        self._text: Completeness | None = None
        self._text_pending = False
        self._silence_ms = 0
        self.verdict: Verdict | None = None
        self.verdicts: list[Verdict] = []
        """Every verdict of this turn (for reports and benchmarks)."""
        self.errors = 0

    def start(self, audio: bytes) -> None:
        """A turn began with this audio (the VAD's pre-roll)."""
        self._audio.clear()
        self._bytes = 0
        self._drop()
        self.verdicts = []
        self._append(audio)

    def _append(self, pcm: bytes) -> None:
        self._audio.append(pcm)
        self._bytes += len(pcm)
        while self._bytes - len(self._audio[0]) >= self._max_bytes:
            self._bytes -= len(self._audio.popleft())

    def _drop(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
        self._pending = None
        self._asked = 0
        self.verdict = None
        self._pause += 1
        self._text = None
        self._text_pending = False

    def expect_text(self) -> int:
        """A transcript of the audio so far is being made; returns the token to hand back
        with its completeness (`hear_text`). Until then the turn does not end."""
        self._text_pending = True
        return self._pause

    def hear_text(self, token: int, completeness: Completeness | None) -> bool:
        """What the transcript says (None: no transcript, e.g. the decode failed); ignored
        when the caller has spoken since it was asked for. True when the turn is over now,
        at the silence of the last frame: the caller need not wait for the next frame."""
        if token != self._pause:
            return False
        self._text_pending = False
        self._text = completeness
        return self._over()

    def _over(self) -> bool:
        probability = None if self.verdict is None else self.verdict.probability
        return turn_over(self.settings, self._silence_ms, probability, self._text,
                         self._text_pending)

    @property
    def text(self) -> Completeness | None:
        return self._text

    def push(self, frame: bytes, silence_ms: int) -> bool:
        """One frame of the turn and the silence so far (0 after a voiced frame); True
        when the turn is over by the policy. The VAD window (`cap_ms`) ends it otherwise."""
        self._append(frame)
        self._silence_ms = silence_ms
        if silence_ms == 0:
            self._drop()
            return False
        s = self.settings
        probability = None if self.verdict is None else self.verdict.probability
        if self._pending is None and ask_at(s, silence_ms, self._asked, probability):
            self._asked += 1
            self._pending = self._executor.submit(self.model.probability, b"".join(self._audio),
                                                  self.sample_rate)
        pending = self._pending
        if pending is not None and pending.done():
            self._pending = None
            try:
                probability = pending.result()
            except Exception:  # a failing model leaves the VAD window (`cap_ms`) in charge
                self.errors += 1
            else:
                self.verdict = Verdict(round(probability, 4), probability >= s.threshold,
                                       silence_ms)
                self.verdicts.append(self.verdict)
        return self._over()
