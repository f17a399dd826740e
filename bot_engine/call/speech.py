"""The speech side of a call: which ASR to run, and prompts from the TTS cache.

Kept apart from the session so the session never names an engine: it asks for a new
recognizer per utterance and for a prompt's audio, and gets PCM at the call's rate.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

from asr_tts.asr import StreamingRecognizer, create_recognizer
from asr_tts.errors import ModelNotFoundError
from asr_tts.packaged_models import packaged_whisper_model
from asr_tts.settings import SpeechSettings, telephone_asr_settings
from asr_tts.tts import Synthesizer, create_synthesizer
from asr_tts.tts.espeak import voice_for_language
from asr_tts.tts.text_split import split_sentences
from asr_tts.tts_cache import PrerenderReport, PromptSpec, TtsCache
from bot_engine.script.model import Script

log = logging.getLogger(__name__)

CALL_RATE = 8000
LOCAL_ENGINES = frozenset({"vosk", "whisper"})


class NoOfflineAsr(ModelNotFoundError):
    """No recognizer this machine can run for the script's language."""


def choose_asr_engine(language: str, settings: SpeechSettings, explicit: str | None = None) -> str:
    """The ASR engine for a call: the one asked for, else whatever offline ASR can do the
    language here. English: Whisper (the packaged base.en) before Vosk. Russian: a
    configured Vosk model, else Yandex when credentials are set."""
    if explicit:
        return explicit
    if "asr_engine" in settings.model_fields_set:
        return settings.asr_engine
    lang = language.split("-")[0].lower()
    whisper = settings.whisper_model_path or packaged_whisper_model()
    if lang == "en" and whisper is not None:
        return "whisper"
    if settings.vosk_model_path is not None:
        return "vosk"
    if settings.yandex_api_key is not None or settings.yandex_iam_token is not None:
        return "yandex"
    raise NoOfflineAsr(
        f"no ASR for language {language!r} on this machine: set VOICEBOT_VOSK_MODEL_PATH to a "
        f"Vosk model for it (`voicebot models fetch`), or Yandex SpeechKit credentials"
        + ("" if lang == "en" else "; the packaged Whisper base.en speaks English only")
    )


@dataclass
class SpeculationStats:
    """How speculative decodes fared (per CallSpeech, across its calls)."""

    started: int = 0
    used: int = 0
    """Became the final result."""
    discarded: int = 0
    """Dropped because the caller spoke again before the endpoint (wasted decodes)."""
    durations_s: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    """Decode time of the last 1000 speculative decodes that finished."""


@dataclass
class CallSpeech:
    """ASR factory and prompt audio for the calls of one script."""

    settings: SpeechSettings
    language: str
    asr_engine: str
    tts_engine: str
    voice: str | None
    synthesizer: Synthesizer
    cache: TtsCache
    sample_rate: int = CALL_RATE
    streamed: int = 0
    """Prompts that were not in the cache and streamed from the engine during calls."""
    speculation: SpeculationStats = field(default_factory=SpeculationStats)
    """Speculative decodes at caller pauses: started, used as the final, discarded."""
    _memory: dict[str, bytes] = field(default_factory=dict)
    _asr_settings: SpeechSettings | None = None

    @classmethod
    def for_script(
        cls,
        script: Script,
        settings: SpeechSettings | None = None,
        *,
        asr_engine: str | None = None,
        cache: TtsCache | None = None,
    ) -> CallSpeech:
        cfg = settings or SpeechSettings()
        engine = choose_asr_engine(script.language, cfg, asr_engine)
        tts_engine = script.settings.tts_engine or cfg.tts_engine
        synthesizer = create_synthesizer(cfg, tts_engine)
        voice = script.settings.voice
        if voice is None and tts_engine == "espeak":
            voice = voice_for_language(script.language)
        if cache is None:
            cache = TtsCache(cfg.tts_cache_dir, cfg.tts_cache_max_bytes,
                             synthesizers={tts_engine: synthesizer})
        return cls(cfg, script.language, engine, tts_engine, voice, synthesizer, cache)

    # -- ASR ---------------------------------------------------------------------------

    @property
    def prestart(self) -> bool:
        """Open the next stream before the caller speaks: only for local engines, since
        an idle network stream (Yandex) is closed by the far end."""
        return self.asr_engine in LOCAL_ENGINES

    def new_recognizer(self) -> StreamingRecognizer:
        """A recognizer with the live-call options (`telephone_asr_settings`)."""
        if self._asr_settings is None:
            self._asr_settings = telephone_asr_settings(self.settings)
        return create_recognizer(self._asr_settings, self.asr_engine)

    async def warm_up(self) -> None:
        """Load the shared model before the call is answered (the first utterance must not
        pay for it)."""
        rec = self.new_recognizer()
        await rec.start(self.language, self.sample_rate)
        await rec.close()
        async for _ in rec:
            pass

    # -- TTS ---------------------------------------------------------------------------

    def spec(self, text: str) -> PromptSpec:
        return PromptSpec(engine=self.tts_engine, voice=self.voice, sample_rate=self.sample_rate,
                          text=text)

    def cached(self, text: str) -> bytes | None:
        """The prompt's audio if rendered already (memory, then the disk cache); never
        synthesizes, so it is safe on the hot path."""
        key = self.spec(text).key
        pcm = self._memory.get(key)
        if pcm is None:
            pcm = self.cache.get(self.spec(text))
            if pcm is not None:
                self._memory[key] = pcm
        return pcm

    async def prerender(self, texts: list[str]) -> PrerenderReport:
        """Render into the cache and keep the audio in memory for this process's calls."""
        report = await self.cache.prerender([self.spec(t) for t in texts])
        for text in texts:
            self.cached(text)
        return report

    def caller_synthesizer(self) -> Synthesizer:
        """espeak-ng for simulated callers, whatever engine the robot speaks with."""
        from asr_tts.tts.espeak import EspeakSynthesizer

        return EspeakSynthesizer()

    async def stream(self, text: str) -> AsyncGenerator[bytes, None]:
        """Uncached text: chunks as the engine produces them, a sentence at a time (the
        first sentence plays while the next is synthesized). Once the whole prompt is
        out, its audio goes into the cache, so the next call with this text hits it; a
        prompt cut short (barge-in) is not stored."""
        self.streamed += 1
        spec = self.spec(text)
        parts: list[bytes] = []
        for sentence in split_sentences(text) or [text]:
            async for chunk in self.synthesizer.synthesize(sentence, self.voice,
                                                           self.sample_rate):
                parts.append(chunk)
                yield chunk
        pcm = b"".join(parts)
        self._memory[spec.key] = pcm
        try:
            await self.cache.put(spec, pcm)
        except OSError as exc:  # a full disk must not break the call
            log.warning("cannot store a streamed prompt in the TTS cache: %s", exc)
