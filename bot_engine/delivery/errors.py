"""The root of every error the delivery package raises (the model: `asr_tts/errors.py`)."""

from __future__ import annotations


class DeliveryError(Exception):
    """Base of every error of `bot_engine.delivery`."""
