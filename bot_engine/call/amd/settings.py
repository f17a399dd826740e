"""Every AMD threshold in one typed settings model.

The defaults follow Asterisk's app_amd (amd.conf) where a number exists there, adjusted
for webrtcvad frames of 20 ms; each can be overridden from the environment
(`VOICEBOT_AMD_GREETING_MS=2000`) or in code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class BeepSettings(BaseSettings):
    """Goertzel beep detector: a stable dominant tone in the usual voicemail range."""

    model_config = SettingsConfigDict(env_prefix="VOICEBOT_AMD_BEEP_", frozen=True)

    min_hz: float = Field(400.0, gt=0)
    max_hz: float = Field(2000.0, gt=0)
    step_hz: float = Field(12.5, gt=0)
    """Grid of candidate tones. A 20 ms frame resolves 50 Hz; a finer grid keeps an
    off-grid tone within 6 Hz of a candidate so most of its energy lands in one filter."""
    min_duration_ms: int = Field(150, ge=40)
    """The tone must hold this long to count as a beep (speech vowels rarely do)."""
    min_tone_ratio: float = Field(0.7, gt=0, le=1)
    """Share of the frame's energy in the strongest candidate; 1.0 for a pure tone."""
    max_drift_hz: float = Field(40.0, ge=0)
    """How far the dominant frequency may wander between frames of one beep."""
    min_rms: float = Field(200.0, ge=0)
    """Frames quieter than this (s16 RMS, about -44 dBFS) are never tones."""

    @model_validator(mode="after")
    def _range(self) -> BeepSettings:
        if self.max_hz <= self.min_hz:
            raise ValueError("beep max_hz must be above min_hz")
        if self.max_hz >= 4000.0:
            raise ValueError("beep max_hz must be below 4000 Hz (Nyquist at 8 kHz)")
        return self


class AmdSettings(BaseSettings):
    """Thresholds of the answering-machine detector (milliseconds of call audio)."""

    model_config = SettingsConfigDict(env_prefix="VOICEBOT_AMD_", frozen=True)

    initial_silence_ms: int = Field(2500, gt=0)
    """Silence before any speech longer than this decides `initial_silence_decision`."""
    initial_silence_decision: Literal["machine", "not_sure"] = "machine"
    """app_amd says machine: a person who picks up usually speaks first. Set to
    not_sure where callers are known to wait silently."""
    greeting_ms: int = Field(1500, gt=0)
    """Total speech in the greeting longer than this is a machine (a long greeting)."""
    after_greeting_silence_ms: int = Field(1000, gt=0)
    """Silence after a short greeting this long means a person waiting for an answer.
    app_amd uses 800; espeak-ng and real voicemail greetings pause up to ~800 ms
    between sentences, and on the tuning seed of our labelled set 1000 made 4 errors
    in 200 where 800 made 7."""
    total_analysis_ms: int = Field(5000, gt=0)
    """Hard cap: undecided at this point means not_sure."""
    min_word_ms: int = Field(100, gt=0)
    """Speech shorter than this is noise, not a word."""
    between_words_silence_ms: int = Field(60, gt=0)
    """Silence longer than this ends a word (app_amd: between_words_silence)."""
    max_words: int = Field(3, ge=1)
    """More words than this in the greeting is a machine. A word here is a burst of
    speech between pauses, so it counts phrases more than dictionary words."""
    max_word_ms: int = Field(5000, gt=0)
    """One uninterrupted burst of speech longer than this is a machine (app_amd)."""
    vad_mode: int = Field(3, ge=0, le=3)
    """webrtcvad aggressiveness; 3 rejects most line noise."""
    min_speech_rms: float = Field(150.0, ge=0)
    """Frames quieter than this are silence whatever the VAD says (like app_amd's
    silence_threshold), so faint line noise does not start a greeting."""
    speech_over_noise: float = Field(1.5, ge=1.0)
    """A speech frame must be this many times louder (RMS) than the line's noise floor
    (the quietest frame so far); 1.5 is 3.5 dB. Higher values cut weak speech frames
    and split words into bursts too short to count."""
    phrase_min_score: float = Field(85.0, ge=0, le=100)
    """rapidfuzz partial-ratio score (0–100) for a carrier/voicemail phrase match."""
    text_grace_ms: int = Field(0, ge=0)
    """When the session also feeds ASR text, a timing-based `human` verdict waits up to
    this long for the text of the greeting, so a short carrier phrase is still caught.
    0 (the default, no ASR) decides at once. The wait never runs past
    `total_analysis_ms`."""
    beep: BeepSettings = Field(default_factory=BeepSettings)

    @model_validator(mode="after")
    def _consistent(self) -> AmdSettings:
        if self.min_word_ms > self.max_word_ms:
            raise ValueError("min_word_ms must not exceed max_word_ms")
        return self
