"""The root of every error `media_gateway` raises (the model: `asr_tts/errors.py`).

One `except GatewayError` catches anything telephony can raise: malformed packets and
messages (also `ValueError`s, as callers parsing input expect), refused calls and
registrations, unusable SDP, transfer targets and media setup.
"""

from __future__ import annotations


class GatewayError(Exception):
    """Base of every media-gateway error."""
