"""Speech configuration, read from the environment (prefix `VOICEBOT_`) or built in code.

Engines are chosen by name; the fallback lists give the order in which other engines take
over when the first one errors or times out. Model paths left empty fall back to the
offline models shipped as PyPI packages, so a fresh checkout works with no setup.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SpeechSettings(BaseSettings):
    """Everything the speech layer needs to build engines."""

    model_config = SettingsConfigDict(env_prefix="VOICEBOT_", extra="ignore")

    # engine choice
    asr_engine: str = "vosk"
    asr_fallback: list[str] = Field(default_factory=list)
    tts_engine: str = "espeak"
    tts_fallback: list[str] = Field(default_factory=list)
    tts_fallback_voices: dict[str, str] = Field(default_factory=dict)
    """Voice per fallback engine, e.g. {"espeak": "ru"}: voices are engine-specific."""
    engine_timeout_s: float = Field(default=5.0, gt=0)
    """How long a TTS engine may take to produce its first chunk before the next one
    takes over."""

    # offline models
    vosk_model_path: Path | None = None
    whisper_model_path: Path | None = None
    whisper_compute_type: str = "int8"
    whisper_beam_size: int = Field(default=5, ge=1)
    whisper_word_timestamps: bool = True
    whisper_window_s: float = Field(default=30.0, ge=1.0, le=30.0)
    """Encoder window for short utterances (under 30 s needs word timestamps off); see
    `asr_tts.asr.whisper_fast`. Live calls use `telephone_asr_settings`."""
    whisper_cpu_threads: int = Field(default=0, ge=0)
    """CTranslate2 threads per decode; 0 lets it use every core."""
    whisper_prompt_hints: bool = False
    """Bias the short-window decoder with the step's expected answers (Whisper's initial
    prompt). Off: measured in `bench/asr_accuracy.py --prompt`, see docs/speech.md."""
    whisper_decode_timeout_s: float = Field(default=10.0, gt=0, le=120)
    """A decode that takes longer ends the utterance with an engine error (heard nothing)."""
    smart_turn_model_path: Path | None = None
    """Smart Turn ONNX model; default: `models_dir/smart-turn-v3.2-cpu.onnx`, which
    `voicebot models prepare` takes out of the pinned `pipecat-ai` wheel."""
    festival_binary: str = "festival"
    vosk_max_alternatives: int = Field(default=0, ge=0)
    """0: per-word confidences; N > 0: N alternatives (Vosk then gives no confidences)."""
    models_dir: Path = Path("var/models")
    models_base_url: str = "https://alphacephei.com/vosk/models"

    # Yandex SpeechKit v3
    yandex_api_key: SecretStr | None = None
    yandex_iam_token: SecretStr | None = None
    yandex_folder_id: str | None = None
    yandex_stt_endpoint: str = "stt.api.cloud.yandex.net:443"
    yandex_tts_endpoint: str = "tts.api.cloud.yandex.net:443"
    yandex_tls: bool = True
    """TLS to Yandex. Only a loopback test server may turn it off."""
    yandex_stt_model: str = "general"
    yandex_session_limit_s: float = Field(default=290.0, gt=0)
    """Yandex ends a streaming session after 5 minutes; reconnect a little before."""
    yandex_realtime_pacing: bool = True
    yandex_tts_model: str = ""

    # prerecorded prompts
    audio_dir: Path = Path("prompts")

    # TTS cache
    tts_cache_dir: Path = Path("var/tts-cache")
    tts_cache_max_bytes: int = Field(default=512 * 1024 * 1024, gt=0)


TELEPHONE_ASR = {
    "whisper_beam_size": 1,
    "whisper_word_timestamps": False,
    "whisper_window_s": 10.0,
    "whisper_cpu_threads": 1,
}
"""Whisper for live calls: turns are short, the reply waits on the decode, and a call needs
text and confidence, not word times. Measured in `bench/response_gap.py`. One thread: a
short turn's decode is mostly the token loop, small memory-bound products that a second
thread only slows (Russian base: ~8 against ~12 ms a token), and the other core stays with
Smart Turn and the call."""


def telephone_asr_settings(settings: SpeechSettings) -> SpeechSettings:
    """`settings` with the live-call ASR options, except the ones set explicitly."""
    update = {k: v for k, v in TELEPHONE_ASR.items() if k not in settings.model_fields_set}
    return settings.model_copy(update=update) if update else settings
