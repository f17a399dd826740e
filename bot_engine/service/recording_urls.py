"""Expiring, authenticated recording links for CRMs: HMAC over (call id, expiry)."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime


def _sig(secret: str, call_id: str, expires: int) -> str:
    message = f"{call_id}.{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_recording_url(
    base_url: str, secret: str, call_id: str, ttl_s: int, now: float | None = None
) -> tuple[str, datetime]:
    expires = int((now if now is not None else time.time()) + ttl_s)
    url = (
        f"{base_url.rstrip('/')}/recordings/{call_id}.wav"
        f"?expires={expires}&signature={_sig(secret, call_id, expires)}"
    )
    return url, datetime.fromtimestamp(expires, UTC)


def check_signature(
    secret: str, call_id: str, expires: int, signature: str, now: float | None = None
) -> bool:
    if expires < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(_sig(secret, call_id, expires).encode(), signature.encode())
