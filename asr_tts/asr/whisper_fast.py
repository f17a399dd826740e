"""Whisper decoding in a short encoder window, straight through CTranslate2.

faster-whisper pads every input to 30 s of features, and on this CPU the encoder over
30 s is ~280 ms of the ~320 ms a one-word answer costs. CTranslate2's Whisper encoder
accepts shorter inputs (10 s: ~37 ms), so a telephone answer is padded only to a short
window and decoded greedily without timestamps.

Measured on 20 espeak-ng English answers (tiny.en, int8, 2 threads), against the 30 s
window: a 10 s window gave the same words at ~70 ms median instead of ~400 ms. Windows
of 5 s or "utterance + 1 s" fell into repetition loops ("no no no ..."), and so did an
initial prompt (phrase hints) even at 10 s with tiny.en, so the prompt is optional
(`prompt=`) and off by default; `bench/asr_accuracy.py --prompt` measures it on the
multilingual model. A decode that still loops (zlib compression ratio above 2.4,
Whisper's own test) returns None and the caller decodes again in the full window.

The encoder and the token decoder run as two calls, so a decode nobody waits for any more
(a speculative decode the caller talked over) stops after the encoder (`stop`) instead of
holding the one decode thread for its whole length.
"""

from __future__ import annotations

import math
import threading
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from asr_tts.errors import SpeechError

FULL_WINDOW_S = 30.0
HOP = 160
"""Samples per feature frame at 16 kHz."""
MARGIN_S = 0.5
"""An utterance must leave this much of the window empty: the decoder needs to see its end."""
MAX_COMPRESSION_RATIO = 2.4
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
TOKENS_PER_S = 8
"""Upper bound of tokens per second of speech: caps a runaway decode."""
MAX_PROMPT_TOKENS = 64
"""Longer prompts are cut to their last tokens (Whisper allows 223)."""


def looped(text: str) -> bool:
    """Whisper's own test for a repetition loop: the text compresses too well."""
    raw = text.encode("utf-8")
    return bool(raw) and len(raw) / len(zlib.compress(raw)) > MAX_COMPRESSION_RATIO


class DecodeStopped(SpeechError):
    """The decode was stopped (`stop` set) before its result was made."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    """Empty when the window held no speech."""
    confidence: float


class WindowedDecoder:
    """Greedy decoding of one `faster_whisper.WhisperModel` in a `window_s` window. Shared
    by the streams of a process; CTranslate2 calls are thread-safe."""

    def __init__(self, model: Any, language: str, window_s: float) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        if not 1.0 <= window_s <= FULL_WINDOW_S:
            raise ValueError(f"window_s must be in [1, {FULL_WINDOW_S:g}], not {window_s}")
        self.model = model
        self.window_s = window_s
        self.frames = int(window_s * 100)
        self._tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual,
                                    task="transcribe", language=language)
        self._prompt = [*self._tokenizer.sot_sequence, self._tokenizer.no_timestamps]
        self._suppress = get_suppressed_tokens(self._tokenizer, [-1])
        self.loops = 0
        """Decodes that looped (and were handed back for a full-window decode)."""

    def fits(self, samples: np.ndarray) -> bool:
        return len(samples) / 16000 + MARGIN_S <= self.window_s

    def warm_up(self) -> None:
        self.decode(np.zeros(16000, dtype=np.float32))

    def prompt_tokens(self, prompt: str | None) -> list[int]:
        """The decoder's prefix: Whisper's "previous text" (the prompt), then the task."""
        if not prompt or not prompt.strip():
            return self._prompt
        previous = self._tokenizer.encode(" " + prompt.strip())[-MAX_PROMPT_TOKENS:]
        return [self._tokenizer.sot_prev, *previous, *self._prompt]

    def decode(self, samples: np.ndarray, prompt: str | None = None,
               stop: threading.Event | None = None) -> Decoded | None:
        """Float32 16 kHz mono audio that `fits`; None when the result is a repetition loop.
        `prompt` biases the decoder towards its words (Whisper's initial prompt). Raises
        `DecodeStopped` when `stop` is set before the token decoder starts."""
        import ctranslate2

        features = self.model.feature_extractor(samples)
        features = features[:, : self.frames]
        if features.shape[-1] < self.frames:
            features = np.pad(features, ((0, 0), (0, self.frames - features.shape[-1])))
        storage = ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None]))
        encoded = self.model.model.encode(storage)
        if stop is not None and stop.is_set():
            raise DecodeStopped
        prefix = self.prompt_tokens(prompt)
        max_length = len(prefix) + 8 + math.ceil(len(samples) / 16000 * TOKENS_PER_S)
        result = self.model.model.generate(
            encoded, [prefix], beam_size=1, max_length=max_length, return_scores=True,
            return_no_speech_prob=True, suppress_blank=True, suppress_tokens=self._suppress,
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1) if tokens else -math.inf
        if result.no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOW_LOGPROB:
            return Decoded("", 0.0)
        text = self._tokenizer.decode(tokens).strip()
        if not any(ch.isalnum() for ch in text):  # line noise comes out as ". . . ."
            return Decoded("", 0.0)
        if looped(text) or len(tokens) >= max_length - len(prefix) - 1:  # or capped
            self.loops += 1
            return None
        return Decoded(text, min(1.0, math.exp(avg_logprob)))
