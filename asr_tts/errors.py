"""Exceptions of the speech layer.

Every failure a caller can cause or meet (bad audio, a missing model, an engine that
breaks mid-stream, unusable text) has its own class, so a call session can decide what to
do (fall back, re-prompt, hang up) without parsing messages. All derive from
`SpeechError`, so one `except SpeechError` keeps the process alive.
"""

from __future__ import annotations


class SpeechError(Exception):
    """Base of every speech-layer error."""


class AudioInputError(SpeechError, ValueError):
    """Audio that cannot be used: unreadable file, unsupported rate, odd frame size."""


class TextInputError(SpeechError, ValueError):
    """Text that cannot be spoken: empty, or only punctuation."""


class ModelNotFoundError(SpeechError, FileNotFoundError):
    """A model path that does not exist or does not hold a model."""


class ModelChecksumError(ModelNotFoundError):
    """A model file whose SHA-256 is not the pinned one: never loaded."""


class UnknownEngineError(SpeechError, LookupError):
    """An engine name that no registry knows."""


class EngineError(SpeechError):
    """An engine failed while working. `engine` names it for logs and fallback."""

    def __init__(self, message: str, *, engine: str = "") -> None:
        super().__init__(message)
        self.engine = engine


class EngineUnavailableError(EngineError):
    """The engine cannot be reached (network, server down); another engine may work."""


class EngineAuthError(EngineError):
    """The engine rejected our credentials; retrying will not help."""


class EngineTimeoutError(EngineError):
    """The engine did not answer in time."""


class EngineRequestError(EngineError):
    """The engine rejected the request as invalid (bad options, text too long)."""


class ModelFetchError(SpeechError):
    """Downloading, verifying or unpacking a model failed."""
