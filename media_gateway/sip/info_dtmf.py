"""DTMF carried in SIP INFO bodies (application/dtmf-relay and application/dtmf)."""

from __future__ import annotations

VALID_DIGITS = frozenset("0123456789*#ABCDabcd")
_EVENT_DIGITS = "0123456789*#ABCD"


def parse_info_dtmf(content_type: str, body: bytes) -> str | None:
    """The digit in an INFO body, or None when the body carries none."""
    text = body.decode("utf-8", "replace").strip()
    if content_type == "application/dtmf-relay":
        for line in text.splitlines():
            name, _, value = line.partition("=")
            if name.strip().lower() == "signal":
                return _digit(value.strip())
        return None
    if content_type == "application/dtmf":
        return _digit(text)
    return None


def _digit(value: str) -> str | None:
    if len(value) == 1 and value in VALID_DIGITS:
        return value.upper()
    if value.isdigit() and int(value) < len(_EVENT_DIGITS):
        return _EVENT_DIGITS[int(value)]
    return None
