"""Standard Webhooks signatures (`webhook-id`, `webhook-timestamp`, `webhook-signature`).

The id is the result's idempotency key and stays the same across retries, which is what lets
a receiver deduplicate.
"""

from __future__ import annotations

from datetime import UTC, datetime

from standardwebhooks import Webhook


def signed_headers(
    secret: str, msg_id: str, body: str, now: datetime | None = None
) -> dict[str, str]:
    at = (now or datetime.now(UTC)).replace(microsecond=0)
    signature = Webhook(secret).sign(msg_id, at, body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def verify(secret: str, body: bytes | str, headers: dict[str, str]) -> object:
    """Check a received webhook; raises `standardwebhooks.WebhookVerificationError`."""
    return Webhook(secret).verify(body, headers)
