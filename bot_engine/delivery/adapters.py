"""Picks the adapter for a stored target (the only place that knows all of them)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from bot_engine.delivery.amocrm import AmoCrmAdapter
from bot_engine.delivery.base import Adapter
from bot_engine.delivery.bitrix24 import Bitrix24Adapter
from bot_engine.delivery.targets import (
    AmoCrmTarget,
    Bitrix24Target,
    DeliveryTarget,
    WebhookTarget,
)
from bot_engine.delivery.webhook import WebhookAdapter

_targets: TypeAdapter[WebhookTarget | Bitrix24Target | AmoCrmTarget] = TypeAdapter(DeliveryTarget)


def parse_target(data: dict[str, Any]) -> WebhookTarget | Bitrix24Target | AmoCrmTarget:
    return _targets.validate_python(data)


def adapter_for(data: dict[str, Any]) -> Adapter:
    target = parse_target(data)
    if isinstance(target, WebhookTarget):
        return WebhookAdapter(target)
    if isinstance(target, Bitrix24Target):
        return Bitrix24Adapter(target)
    return AmoCrmAdapter(target)
