"""Outbound HTTP to tenant-chosen URLs: the SSRF guard and the one pinned, bounded client.

Used by result delivery (webhooks, Bitrix24, amoCRM) and by mid-call webhooks alike. It sits
beside delivery, script and storage and imports none of the layers above it.
"""

from bot_engine.net.client import (
    OutboundSettings,
    RequestTooSlow,
    ResponseRefused,
    ResponseTooLarge,
    guarded_client,
)
from bot_engine.net.guard import SsrfGuard, TargetRefused, is_public

__all__ = [
    "OutboundSettings",
    "RequestTooSlow",
    "ResponseRefused",
    "ResponseTooLarge",
    "SsrfGuard",
    "TargetRefused",
    "guarded_client",
    "is_public",
]
