"""Twilio request signatures (`X-Twilio-Signature`), as Twilio documents them under
"Webhooks security": base64(HMAC-SHA1(auth token, URL + the POST parameters sorted by
name, each name followed by its value)). A Media Streams WebSocket upgrade is a GET, so
only the URL is signed: the `wss://` URL exactly as written in the TwiML `<Stream url>`.

The URL is the one Twilio connected to, not the one this process sees. Behind a TLS
proxy the request arrives as `ws://internal:8000/...`; the caller reconstructs the public
URL (see `bot_engine.service.routers.media`). Twilio may sign with or without an explicit
default port, so both forms are tried, as Twilio's own helper libraries do.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

HEADER = "X-Twilio-Signature"
_DEFAULT_PORTS = {"https": 443, "wss": 443, "http": 80, "ws": 80}


def compute_signature(auth_token: str, url: str, params: Mapping[str, str] | None = None) -> str:
    fields = params or {}
    data = url + "".join(name + fields[name] for name in sorted(fields))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def url_variants(url: str) -> list[str]:
    """The URL as given, and with its default port added or removed."""
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if default is None:
        return [url]
    try:
        port = parts.port
    except ValueError:
        return [url]
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    if port is None:
        other = urlunsplit(parts._replace(netloc=f"{prefix}{host}:{default}"))
    elif port == default:
        other = urlunsplit(parts._replace(netloc=f"{prefix}{host}"))
    else:
        return [url]
    return [url, other]


def valid_signature(
    auth_token: str,
    url: str,
    signature: str | None,
    params: Mapping[str, str] | None = None,
) -> bool:
    """True when `signature` is Twilio's for `url` (constant-time comparison)."""
    if not auth_token or not signature:
        return False
    given = signature.strip().encode()
    return any(
        hmac.compare_digest(compute_signature(auth_token, variant, params).encode(), given)
        for variant in url_variants(url)
    )
