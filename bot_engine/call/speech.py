"""The speech side of a call: which ASR to run, and prompts from the TTS cache.

Kept apart from the session so the session never names an engine: it asks for a new
recognizer per utterance and for a prompt's audio, and gets PCM at the call's rate.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asr_tts.asr import StreamingRecognizer, create_recognizer, has_whisper_model
from asr_tts.errors import ModelNotFoundError, SpeechError
from asr_tts.settings import SpeechSettings, telephone_asr_settings
from asr_tts.tts import Synthesizer, create_synthesizer, espeak, festival
from asr_tts.tts.text_split import split_sentences
from asr_tts.tts_cache import PrerenderReport, PromptSpec, TtsCache
from asr_tts.turn import SmartEndpointing, SmartTurnSettings, load_smart_turn
from asr_tts.wheel_models import SMART_TURN
from bot_engine import nlu
from bot_engine.call.errors import CallError
from bot_engine.call.prompts import call_prompts
from bot_engine.script.model import Script
from media_gateway.call_leg import TELEPHONE_RATE

log = logging.getLogger(__name__)

CALL_RATE = TELEPHONE_RATE
LOCAL_ENGINES = frozenset({"vosk", "whisper"})
NLU_READY_WAIT_S = 5.0
"""The longest a call rings (or, outbound, holds its greeting) for its language's NLU
tables. Built from cold they took 2.7-3.6 s for Russian (word vectors and reply memory
are most of it) and 1.1-2.3 s for English on the development machine; a worker that
loaded the script earlier has them already (`nlu.warm_up`)."""


class NoOfflineAsr(CallError, ModelNotFoundError):
    """No recognizer this machine can run for the script's language."""


def choose_asr_engine(language: str, settings: SpeechSettings, explicit: str | None = None) -> str:
    """The ASR engine for a call: the one asked for, else whatever offline ASR can do the
    language here: Whisper from the packaged models (tiny.en for English, multilingual
    base for Russian), then a configured Vosk model, then Yandex when credentials are
    set."""
    if explicit:
        return explicit
    if "asr_engine" in settings.model_fields_set:
        return settings.asr_engine
    if has_whisper_model(settings, language):
        return "whisper"
    if settings.vosk_model_path is not None:
        return "vosk"
    if settings.yandex_api_key is not None or settings.yandex_iam_token is not None:
        return "yandex"
    raise NoOfflineAsr(
        f"no ASR for language {language!r} on this machine: install the models extra "
        f"(scripts/setup.sh), set VOICEBOT_VOSK_MODEL_PATH to a Vosk model for it "
        f"(`voicebot models fetch`), or Yandex SpeechKit credentials"
    )


def choose_tts_engine(language: str, settings: SpeechSettings, explicit: str | None = None) -> str:
    """The TTS engine for a script: the script's or the configured one, else the best
    offline voice for the language here: Festival's Russian voice for Russian (far
    more natural than espeak-ng's, which Whisper cannot even transcribe), espeak-ng
    otherwise."""
    if explicit:
        return explicit
    if "tts_engine" in settings.model_fields_set:
        return settings.tts_engine
    return best_offline_tts(language, settings.festival_binary)


def best_offline_tts(language: str, festival_binary: str = "festival") -> str:
    """Festival for Russian where its voice is installed, else espeak-ng."""
    if language.split("-")[0].lower() == "ru" and festival.voice_installed(
            festival.voice_for_language(language), festival_binary):
        return "festival"
    return "espeak"


def offline_fallback(settings: SpeechSettings, engine: str, language: str) -> SpeechSettings:
    """`settings` with espeak-ng behind Festival when no fallback is configured: a text
    Festival's voice cannot read is then spoken in the plainer voice, never skipped."""
    if engine != "festival" or settings.tts_fallback:
        return settings
    voice = espeak.voice_for_language(language)
    return settings.model_copy(update={"tts_fallback": ["espeak"],
                                       "tts_fallback_voices": {"espeak": voice}})


def default_voice(engine: str, language: str) -> str | None:
    """The voice of an offline engine for a language (other engines choose their own)."""
    if engine == "espeak":
        return espeak.voice_for_language(language)
    if engine == "festival":
        return festival.voice_for_language(language)
    return None


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
    nlu_wait_s: float = NLU_READY_WAIT_S
    """How long `prepare` waits for the language's NLU tables."""
    _memory: dict[str, bytes] = field(default_factory=dict)
    _asr_settings: SpeechSettings | None = None
    _smart_warned: bool = False

    @classmethod
    def for_script(
        cls,
        script: Script,
        settings: SpeechSettings | None = None,
        *,
        asr_engine: str | None = None,
        cache: TtsCache | None = None,
        synthesizers: Callable[[str, str], Synthesizer] | None = None,
    ) -> CallSpeech:
        """The speech of one script's calls. A `SpeechPool` passes its shared `cache` and
        `synthesizers` (one engine object per engine name and language); alone, it makes
        its own."""
        cfg = settings or SpeechSettings()
        engine = choose_asr_engine(script.language, cfg, asr_engine)
        tts_engine = choose_tts_engine(script.language, cfg, script.settings.tts_engine)
        if synthesizers is not None:
            synthesizer = synthesizers(tts_engine, script.language)
        else:
            synthesizer = create_synthesizer(offline_fallback(cfg, tts_engine, script.language),
                                             tts_engine)
        voice = script.settings.voice or default_voice(tts_engine, script.language)
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

    def new_recognizer(self, *, primed: bool = False) -> StreamingRecognizer:
        """A recognizer with the live-call options (`telephone_asr_settings`). `primed`
        makes a decoder that takes its hints as a prompt always bias by them
        (`whisper_prompt_hints`), whatever the setting: for a closed set of expected
        phrases such as AMD's carrier and voicemail announcements, which tiny.en mishears
        without them ("leave a message after the beep" as "believe my massive naphtha")."""
        if self._asr_settings is None:
            self._asr_settings = telephone_asr_settings(self.settings)
        settings = self._asr_settings
        if primed and not settings.whisper_prompt_hints:
            settings = settings.model_copy(update={"whisper_prompt_hints": True})
        return create_recognizer(settings, self.asr_engine)

    async def warm_up(self) -> None:
        """Load the shared models before the call is answered (the first utterance must
        not pay for them): the ASR model and, where installed, Smart Turn."""
        rec = self.new_recognizer()
        await rec.start(self.language, self.sample_rate)
        await rec.close()
        async for _ in rec:
            pass
        if self.smart_turn_path() is not None:
            await asyncio.to_thread(self.smart_turn_model)

    # -- end of turn -------------------------------------------------------------------

    def smart_turn_path(self) -> Path | None:
        path = self.settings.smart_turn_model_path or (
            self.settings.models_dir / SMART_TURN.filename)
        return path if path.is_file() else None

    def smart_turn_model(self) -> Any:
        path = self.smart_turn_path()
        if path is None:
            raise ModelNotFoundError("Smart Turn is not installed: run `voicebot models prepare`")
        pinned = None if self.settings.smart_turn_model_path else SMART_TURN.sha256
        return load_smart_turn(path, pinned)

    def smart_endpointing(self, sample_rate: int,
                          settings: SmartTurnSettings | None = None) -> SmartEndpointing | None:
        """The semantic end-of-turn policy for one call, or None (logged once) when the
        model cannot be had here: the call then ends turns by the VAD window alone."""
        try:
            model = self.smart_turn_model()
        except SpeechError as exc:
            if not self._smart_warned:
                log.warning("smart endpointing is off, the VAD window decides: %s", exc)
                self._smart_warned = True
            return None
        return SmartEndpointing(model, sample_rate, settings)

    # -- TTS ---------------------------------------------------------------------------

    def spec(self, text: str) -> PromptSpec:
        return PromptSpec(engine=self.tts_engine, voice=self.voice, sample_rate=self.sample_rate,
                          text=text)

    def cached(self, text: str) -> bytes | None:
        """The prompt's audio if rendered already (memory, then the disk cache); never
        synthesizes, so it is safe on the hot path."""
        spec = self.spec(text)
        pcm = self._memory.get(spec.key)
        if pcm is None:
            pcm = self.cache.get(spec)
            if pcm is not None:
                self._memory[spec.key] = pcm
        return pcm

    async def prepare(self, script: Script, variables: dict[str, Any]) -> None:
        """What happens while the phone rings: the prompts this call's variables determine
        go into the cache, the ASR model is loaded, and the script's NLU is built (its
        runtime, then its language's tables), so the first caller turn pays for none of
        them."""
        # listing the prompts compiles the script's runtime (intent matchers) on first
        # use: 0.1-0.2 s, kept off the event loop the other calls share
        texts = await asyncio.to_thread(call_prompts, script, variables)
        await asyncio.gather(self.prerender(texts), self.warm_up(),
                             self.nlu_ready(script.language))

    async def nlu_ready(self, language: str) -> None:
        """Wait, in a thread and for at most `nlu_wait_s`, until the NLU tables of
        `language` are built (`nlu.ready`). A turn runs on the event loop, so a table it
        has to build stalls every call of the process. Past the bound (or if building
        fails) the call goes on, logged: its first turn waits for the rest."""
        if nlu.is_ready(language):
            return
        try:
            async with asyncio.timeout(self.nlu_wait_s):
                await asyncio.to_thread(nlu.ready, language)
        except TimeoutError:
            log.warning("the NLU of %s is not ready after %.1f s: the call goes on, its "
                        "first turn waits for the rest", language, self.nlu_wait_s)
        except Exception:
            log.exception("cannot build the NLU tables of %s ahead of the call", language)

    async def prerender(self, texts: list[str]) -> PrerenderReport:
        """Render into the cache and keep the audio in memory for this process's calls."""
        report = await self.cache.prerender([self.spec(t) for t in texts])
        for text in texts:
            self.cached(text)
        return report

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
