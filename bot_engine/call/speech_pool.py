"""One speech stack per process: a `CallSpeech` per kind of voice and one `TtsCache` per
cache folder, shared by prerendering (script upload, call creation), inbound and outbound
calls.

So a prompt rendered at upload is the one a call finds in memory, "rendered once" holds per
folder (two calls missing the same prompt share one synthesis), and the cache's size bound
holds for the folder as a whole, not per copy of it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from asr_tts.settings import SpeechSettings
from asr_tts.tts import Synthesizer, create_synthesizer
from asr_tts.tts_cache import TtsCache
from bot_engine.call.speech import CallSpeech, offline_fallback
from bot_engine.script.model import Script

DEFAULT_SIZE = 64
"""Kinds of voice (language, TTS engine, voice) kept; the least recently used goes first."""


class SpeechPool:
    def __init__(
        self,
        settings: SpeechSettings | None = None,
        *,
        asr_engine: str | None = None,
        size: int = DEFAULT_SIZE,
    ) -> None:
        self.settings = settings or SpeechSettings()
        self.asr_engine = asr_engine
        self.size = size
        self._caches: dict[Path, TtsCache] = {}
        self._synthesizers: dict[tuple[str, str | None], Synthesizer] = {}
        self._speeches: OrderedDict[tuple[str, str | None, str | None], CallSpeech] = (
            OrderedDict())
        self._lock = threading.Lock()

    def synthesizer(self, engine: str, language: str | None = None) -> Synthesizer:
        """The one engine object of a TTS engine (a Festival process, a gRPC channel);
        with a `language`, one whose offline fallback speaks it (`offline_fallback`)."""
        settings = (self.settings if language is None
                    else offline_fallback(self.settings, engine, language))
        key = (engine, language if settings is not self.settings else None)
        with self._lock:
            found = self._synthesizers.get(key)
            if found is None:
                found = self._synthesizers[key] = create_synthesizer(settings, engine)
            return found

    def cache(self, folder: Path | None = None) -> TtsCache:
        """The one cache of a folder (default: the settings' `tts_cache_dir`)."""
        key = (folder or self.settings.tts_cache_dir).resolve()
        with self._lock:
            found = self._caches.get(key)
            if found is None:
                found = self._caches[key] = TtsCache(
                    key, self.settings.tts_cache_max_bytes, synthesizers=self.synthesizer)
            return found

    def for_script(self, script: Script) -> CallSpeech:
        """The speech of a script's calls: shared by every script with the same language,
        TTS engine and voice (what decides the audio, and so the cache keys)."""
        key = (script.language, script.settings.tts_engine, script.settings.voice)
        with self._lock:
            found = self._speeches.get(key)
            if found is not None:
                self._speeches.move_to_end(key)
                return found
        speech = CallSpeech.for_script(script, self.settings, asr_engine=self.asr_engine,
                                       cache=self.cache(), synthesizers=self.synthesizer)
        with self._lock:
            found = self._speeches.setdefault(key, speech)
            while len(self._speeches) > self.size:
                self._speeches.popitem(last=False)
        return found
