"""The root of every error the storage package raises (the model: `asr_tts/errors.py`)."""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error of `bot_engine.storage`."""
