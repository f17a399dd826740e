"""Whisper (faster-whisper, CTranslate2) in utterance mode.

Whisper is not a streaming model: it transcribes whole utterances. The recognizer runs
the same VAD endpointer as a call session, collects each utterance with its pre-roll,
and transcribes it in a worker thread when speech ends (or at close). It emits finals
only, with word times relative to the stream (unless `word_timestamps=False`).

Telephone answers are short, but faster-whisper always pads the encoder input to 30 s,
and the encoder on 30 s is most of a decode. `window_s` pads short utterances only to
that window instead and decodes with CTranslate2 directly (`whisper_fast.py`):
measured on this 2-core CPU with tiny.en int8, 20 espeak-ng answers, a "yes" took
~70 ms instead of ~400 ms, with the same words.

Whisper invents text on silence and noise (subtitle credits, "music" captions): results
that are only such a text are dropped (`whisper_hallucinations`). Decodes are bounded:
at most `MAX_UTTERANCE_S` of audio, a token budget per second of speech, and
`decode_timeout_s` of wall time, after which the utterance counts as nothing heard.

`model_path` may be a function of the stream's language: the packaged models differ
per language (tiny.en for English, multilingual base for the rest).

Decodes run one at a time in one thread per process. A stream whose result nobody waits
for any more is `abort()`ed: its decode leaves that thread's queue, or stops after the
encoder when it is already running, so the next stream's decode (the caller's pause after
a talked-over speculative decode) does not wait behind it. Opening a stream (the model
lookup) goes through a second thread, never behind a decode.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from asr_tts.asr.base import AsrResult, StreamingRecognizer, WordTiming
from asr_tts.asr.whisper_fast import (
    FULL_WINDOW_S,
    TOKENS_PER_S,
    DecodeStopped,
    WindowedDecoder,
    looped,
)
from asr_tts.asr.whisper_hallucinations import is_hallucination
from asr_tts.audio import SAMPLE_WIDTH, FrameSplitter, resample
from asr_tts.decode_threads import lower_thread_priority, single_threaded_blas
from asr_tts.errors import (
    EngineError,
    EngineRequestError,
    EngineTimeoutError,
    ModelNotFoundError,
)
from asr_tts.vad import Endpointer, SpeechEnd, SpeechStart

log = logging.getLogger(__name__)

WHISPER_RATE = 16000
MAX_UTTERANCE_S = 30.0
"""Longer utterances are cut to their first 30 s (one Whisper window) before decoding."""
DEFAULT_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
"""faster-whisper's fallback schedule, kept for whole-file transcription only."""
ECHO_MIN_CONFIDENCE = 0.5
"""Below this, a result that repeats part of the prompt is taken for an echo of it."""
MAX_PROMPT_CHARS = 200
"""Phrase hints beyond this (from the end) are dropped: Whisper's prompt is bounded."""
ModelPath = str | Path | Callable[[str], str | Path]
_models: dict[tuple[Path, str, int], Any] = {}
_models_lock = threading.Lock()
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper",
                               initializer=lower_thread_priority)
"""One decode at a time: CTranslate2 already spreads one decode over `cpu_threads`, and
two at once on 2 cores only make both late."""
_loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper-load",
                             initializer=lower_thread_priority)
"""Model and decoder look-ups at stream start (instant once loaded): not behind a decode."""
_decoders: dict[tuple[int, str, float], WindowedDecoder] = {}


def load_whisper(path: str | Path, compute_type: str = "int8", cpu_threads: int = 0) -> Any:
    """The shared `faster_whisper.WhisperModel` for a folder, loaded once per process.
    `cpu_threads` 0 lets CTranslate2 choose (all cores)."""
    folder = Path(path).expanduser().resolve()
    key = (folder, compute_type, cpu_threads)
    with _models_lock:
        model = _models.get(key)
        if model is not None:
            return model
        if not (folder / "model.bin").is_file():
            raise ModelNotFoundError(f"no CTranslate2 Whisper model (model.bin) in {folder}")
        from faster_whisper import WhisperModel

        single_threaded_blas()

        try:
            model = WhisperModel(str(folder), device="cpu", compute_type=compute_type,
                                 cpu_threads=cpu_threads)
        except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError variants
            raise ModelNotFoundError(f"cannot load Whisper model in {folder}: {exc}") from exc
        _models[key] = model
        return model


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def whisper_language(language: str) -> str:
    """BCP-47 (`ru-RU`) to Whisper's two-letter code (`ru`)."""
    return language.split("-")[0].split("_")[0].lower()


class WhisperRecognizer(StreamingRecognizer):
    """Utterance-level recognizer on an offline Whisper model given by path."""

    name = "whisper"
    utterance_level = True

    def __init__(
        self,
        model_path: ModelPath,
        *,
        compute_type: str = "int8",
        beam_size: int = 5,
        speech_end_ms: int = 600,
        word_timestamps: bool = True,
        window_s: float = FULL_WINDOW_S,
        cpu_threads: int = 0,
        prompt_hints: bool = False,
        decode_timeout_s: float = 10.0,
    ) -> None:
        """`window_s` under 30 (with `word_timestamps=False`) decodes utterances that fit
        in a window that short; longer ones still get the full 30 s. `prompt_hints`
        gives the short-window decoder the hints as Whisper's initial prompt too (the
        full-window decode always takes them)."""
        super().__init__()
        self._model_source = model_path
        self.model_path = Path(model_path) if not callable(model_path) else Path()
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.speech_end_ms = speech_end_ms
        self.word_timestamps = word_timestamps
        self.window_s = window_s
        self.cpu_threads = cpu_threads
        self.prompt_hints = prompt_hints
        self.decode_timeout_s = decode_timeout_s
        self._model: Any = None
        self._fast: WindowedDecoder | None = None
        self._lang = "en"
        self._prompt: str | None = None
        self._endpointer: Endpointer | None = None
        self._splitter: FrameSplitter | None = None
        self._utterance: list[bytes] = []
        self._utterance_start_s = 0.0
        self._jobs: asyncio.Queue[tuple[bytes, float] | None] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._stop = threading.Event()
        """Set by `abort()`: the decode thread drops this stream's work."""

    async def _start(
        self, language: str, sample_rate: int, hints: list[str], grammar: list[str]
    ) -> None:
        loop = asyncio.get_running_loop()
        self._model = await loop.run_in_executor(_loader, self._load, language)
        self._lang = whisper_language(language)
        if not self._model.model.is_multilingual and self._lang != "en":
            raise EngineRequestError(
                f"the Whisper model in {self.model_path} is English-only; "
                f"it cannot recognize language {language!r}",
                engine=self.name,
            )
        phrases = [*hints, *grammar]
        self._prompt = ", ".join(phrases)[-MAX_PROMPT_CHARS:] if phrases else None
        if not self.word_timestamps and self.window_s < FULL_WINDOW_S:
            self._fast = await loop.run_in_executor(_loader, self._decoder)
        self._endpointer = Endpointer(sample_rate, 20, speech_end_ms=self.speech_end_ms)
        self._splitter = FrameSplitter(self._endpointer.frame_size)
        self._worker = asyncio.create_task(self._run(), name="whisper-stream")

    async def _feed(self, pcm: bytes) -> None:
        assert self._endpointer is not None and self._splitter is not None
        for frame in self._splitter.push(pcm):
            events = self._endpointer.push(frame)
            in_speech_before = bool(self._utterance)
            for event in events:
                if isinstance(event, SpeechStart):
                    self._utterance = [event.audio]
                    self._utterance_start_s = event.audio_start_s
                elif isinstance(event, SpeechEnd):
                    self._utterance.append(frame)
                    self._submit()
            if in_speech_before and not events:
                self._utterance.append(frame)

    def _submit(self) -> None:
        if self._utterance:
            self._jobs.put_nowait((b"".join(self._utterance), self._utterance_start_s))
        self._utterance = []

    def abort(self) -> None:
        """Nobody waits for this stream's result any more: a decode still queued never
        runs, a running one stops after the encoder, and the stream ends with no result."""
        self._stop.set()
        if self._worker is not None:
            self._worker.cancel()

    async def _close(self) -> None:
        if self._stop.is_set():
            self._finish()
            return
        if self._splitter is not None and self._utterance:
            self._utterance.append(self._splitter.remainder())
        self._submit()
        self._jobs.put_nowait(None)
        if self._worker is not None:
            await asyncio.shield(self._worker)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while (job := await self._jobs.get()) is not None:
                pcm, offset = job
                decode = loop.run_in_executor(_executor, self._transcribe, pcm, offset)
                try:
                    result = await asyncio.wait_for(decode, self.decode_timeout_s)
                except TimeoutError:
                    raise EngineTimeoutError(
                        f"Whisper took over {self.decode_timeout_s:g} s for one utterance",
                        engine=self.name) from None
                if result is not None and (is_hallucination(result.text)
                                           or self._echoes_prompt(result)):
                    log.info("dropped a Whisper hallucination: %r", result.text)
                    result = None
                if result is not None:
                    self._emit(result)
        except EngineError as exc:
            self._fail(exc)
        except Exception as exc:
            self._fail(EngineError(f"Whisper failed: {exc}", engine=self.name))
        finally:
            self._finish()

    def _echoes_prompt(self, result: AsrResult) -> bool:
        """The decoder gave back three words or more of its own prompt (seen on line noise
        with phrase hints as the prompt): its end, or, unsure of them, a run of words from
        elsewhere in it ("в следующем месяце," at confidence 0.38; a caller who says a hint
        is heard at 0.66-0.91, Festival's Russian voice, eight hints)."""
        said = _words(result.text)
        if not self._prompt or len(said) < 3:
            return False
        prompt = _words(self._prompt)
        if said == prompt[-len(said):]:
            return True
        unsure = result.confidence is None or result.confidence < ECHO_MIN_CONFIDENCE
        return unsure and any(prompt[i : i + len(said)] == said
                              for i in range(len(prompt) - len(said) + 1))

    def _load(self, language: str) -> Any:
        source = self._model_source
        if callable(source):
            self.model_path = Path(source(language))
        return load_whisper(self.model_path, self.compute_type, self.cpu_threads)

    def _decoder(self) -> WindowedDecoder:
        """The shared windowed decoder of this model, language and window, warmed up: the
        first CTranslate2 call on a new input shape is several times slower."""
        key = (id(self._model), self._lang, self.window_s)
        with _models_lock:
            decoder = _decoders.get(key)
            if decoder is None:
                decoder = WindowedDecoder(self._model, self._lang, self.window_s)
                decoder.warm_up()
                _decoders[key] = decoder
        return decoder

    def _transcribe(self, pcm: bytes, offset_s: float) -> AsrResult | None:
        try:
            return self._transcribe_unless_stopped(pcm, offset_s)
        except DecodeStopped:
            return None

    def _transcribe_unless_stopped(self, pcm: bytes, offset_s: float) -> AsrResult | None:
        if self._stop.is_set():
            raise DecodeStopped
        audio16 = resample(pcm, self.sample_rate, WHISPER_RATE)
        if len(audio16) < SAMPLE_WIDTH * WHISPER_RATE // 10:  # under 100 ms: nothing to say
            return None
        samples = np.frombuffer(audio16, dtype="<i2").astype(np.float32) / 32768.0
        samples = samples[: int(MAX_UTTERANCE_S * WHISPER_RATE)]
        if self._fast is not None and self._fast.fits(samples):
            prompt = self._prompt if self.prompt_hints else None
            decoded = self._fast.decode(samples, prompt=prompt, stop=self._stop)
            if decoded is not None:
                if not decoded.text:
                    return None
                return AsrResult(text=decoded.text, is_final=True,
                                 confidence=decoded.confidence, engine=self.name)
            # a repetition loop in the short window: decode again the classic way
        if self._stop.is_set():
            raise DecodeStopped
        segments, _info = self._model.transcribe(
            samples,
            language=self._lang,
            beam_size=self.beam_size,
            word_timestamps=self.word_timestamps,
            without_timestamps=not self.word_timestamps,
            initial_prompt=self._prompt,
            condition_on_previous_text=False,
            vad_filter=False,
            max_new_tokens=8 + math.ceil(len(samples) / WHISPER_RATE * TOKENS_PER_S),
            # live calls: one greedy pass, no re-decoding at rising temperatures (measured:
            # a looping decode of line noise with a prompt retried up to 6 times, >10 s)
            temperature=0.0 if self._fast is not None else DEFAULT_TEMPERATURES,
        )
        texts: list[str] = []
        words: list[WordTiming] = []
        logprobs: list[float] = []
        for seg in segments:
            texts.append(seg.text.strip())
            logprobs.append(float(seg.avg_logprob))
            for w in seg.words or ():
                words.append(
                    WordTiming(
                        word=w.word.strip(),
                        start_s=round(offset_s + float(w.start), 3),
                        end_s=round(offset_s + float(w.end), 3),
                        conf=float(w.probability),
                    )
                )
        text = " ".join(t for t in texts if t).strip()
        if not text or looped(text):
            if text:
                log.info("dropped a looping Whisper decode: %r", text[:120])
            return None
        confs = [w.conf for w in words if w.conf is not None]
        confidence: float | None
        if confs:
            confidence = sum(confs) / len(confs)
        else:
            confidence = math.exp(sum(logprobs) / len(logprobs)) if logprobs else None
        return AsrResult(
            text=text, is_final=True, confidence=confidence, words=tuple(words), engine=self.name
        )
