"""The root of every error the outbound-HTTP package raises (the model: `asr_tts/errors.py`);
each also keeps the base its callers catch (`ValueError`, httpx's transport errors)."""

from __future__ import annotations


class NetError(Exception):
    """Base of every error of `bot_engine.net`."""
