"""Speech synthesis: the interface, options and the engine registry.

tts = create_synthesizer(SpeechSettings())        # engine (and fallbacks) by name
async for chunk in tts.synthesize("Здравствуйте!", "ru", 8000): ...
"""

from __future__ import annotations

from collections.abc import Callable

from asr_tts.engine_registry import EngineRegistry
from asr_tts.settings import SpeechSettings
from asr_tts.tts.base import Synthesizer, TtsOptions, check_text
from asr_tts.tts.fallback import FallbackSynthesizer

__all__ = [
    "Synthesizer",
    "TtsOptions",
    "check_text",
    "create_engine_synthesizer",
    "create_synthesizer",
    "register_tts_engine",
    "tts_engine_names",
]

TtsFactory = Callable[[SpeechSettings], Synthesizer]


def _espeak(config: SpeechSettings) -> Synthesizer:  # noqa: ARG001 (a TtsFactory; espeak-ng needs no settings)
    from asr_tts.tts.espeak import EspeakSynthesizer

    return EspeakSynthesizer()


def _festival(config: SpeechSettings) -> Synthesizer:
    from asr_tts.tts.festival import FestivalSynthesizer

    return FestivalSynthesizer(config.festival_binary)


def _audio(config: SpeechSettings) -> Synthesizer:
    from asr_tts.tts.audio_files import AudioFileSynthesizer

    return AudioFileSynthesizer(config.audio_dir)


def _yandex(config: SpeechSettings) -> Synthesizer:
    from asr_tts.yandex.auth import YandexCredentials
    from asr_tts.yandex.tts import YandexSynthesizer

    return YandexSynthesizer(
        config.yandex_tts_endpoint,
        YandexCredentials.from_settings(config),
        tls=config.yandex_tls,
        model=config.yandex_tts_model,
    )


_ENGINES: EngineRegistry[Synthesizer] = EngineRegistry(
    "TTS", {"espeak": _espeak, "festival": _festival, "audio": _audio, "yandex": _yandex}
)


def register_tts_engine(name: str, factory: TtsFactory) -> None:
    """Add (or replace) an engine under a configuration name."""
    _ENGINES.register(name, factory)


def tts_engine_names() -> list[str]:
    return _ENGINES.names()


def create_engine_synthesizer(name: str, config: SpeechSettings) -> Synthesizer:
    """One engine by name, without fallback."""
    return _ENGINES.create(name, config)


def create_synthesizer(
    config: SpeechSettings | None = None, engine: str | None = None
) -> Synthesizer:
    """The configured engine (or `engine`), wrapped in a fallback chain when
    `config.tts_fallback` names more engines."""
    cfg = config or SpeechSettings()
    names = list(dict.fromkeys([engine or cfg.tts_engine, *cfg.tts_fallback]))
    engines = [create_engine_synthesizer(name, cfg) for name in names]
    if len(engines) == 1:
        return engines[0]
    return FallbackSynthesizer(
        engines, first_chunk_timeout_s=cfg.engine_timeout_s, voices=cfg.tts_fallback_voices
    )
