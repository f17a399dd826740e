"""The root of every error the dialogue engine raises (the model: `asr_tts/errors.py`)."""

from __future__ import annotations


class DialogError(Exception):
    """Base of every error of `bot_engine.dialog`."""


class StateMismatch(DialogError, ValueError):
    """A saved dialog state restored against another script than its own."""
