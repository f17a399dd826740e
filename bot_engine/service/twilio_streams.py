"""The service's Twilio glue: request signatures on the Media Streams upgrade and transfers
through Twilio's REST API, both from the `twilio_*` settings.

Signature URL. Twilio signs the URL it connected to (the `wss://` URL of the TwiML
`<Stream url>`), which behind a TLS-terminating proxy is not the URL this process sees
(`ws://127.0.0.1:8000/...`). So when `public_base_url` is configured (anything other than
its default `http://HOST:PORT`), the URL is rebuilt as that base, with `https` read as
`wss` and `http` as `ws`, plus the request's path and query; otherwise the request's own
URL is used (Host header, `ws`/`wss` as the server saw it).
"""

from __future__ import annotations

import logging

from starlette.websockets import WebSocket

from bot_engine.service.settings import ServiceSettings
from media_gateway.twilio_rest import TwilioCalls, TwilioCredentials
from media_gateway.twilio_signature import HEADER, valid_signature

log = logging.getLogger(__name__)


def twilio_calls(settings: ServiceSettings) -> TwilioCalls | None:
    """The REST client for transfers, when the account and token are configured."""
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        return None
    return TwilioCalls(
        TwilioCredentials(
            settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base
        )
    )


def signed_url(settings: ServiceSettings, websocket: WebSocket) -> str:
    """The URL Twilio signed for this upgrade request (see the module docstring)."""
    base = (settings.public_base_url or "").rstrip("/")
    if not base or base == f"http://{settings.host}:{settings.port}":
        return str(websocket.url)
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    query = websocket.url.query
    return base + websocket.url.path + (f"?{query}" if query else "")


def signature_ok(settings: ServiceSettings, websocket: WebSocket) -> bool:
    """True without a `twilio_auth_token` (the route token alone authenticates), else only
    with a valid `X-Twilio-Signature`; a refusal is logged with the URL checked."""
    token = settings.twilio_auth_token
    if not token:
        return True
    url = signed_url(settings, websocket)
    signature = websocket.headers.get(HEADER)
    if valid_signature(token, url, signature):
        return True
    peer = websocket.client.host if websocket.client else "?"
    log.warning(
        "media stream from %s refused: %s X-Twilio-Signature for %s",
        peer,
        "bad" if signature else "missing",
        _redacted(url),
    )
    return False


def _redacted(url: str) -> str:
    """The URL without the route token (`/v1/media/twilio/{route}/{token}`) for the log."""
    head, _, query = url.partition("?")
    scheme, _, rest = head.partition("://")
    host, _, path = rest.partition("/")
    parts = path.split("/")
    if len(parts) >= 5 and parts[:3] == ["v1", "media", "twilio"]:
        parts[4] = "***"
    return f"{scheme}://{host}/{'/'.join(parts)}" + (f"?{query}" if query else "")
