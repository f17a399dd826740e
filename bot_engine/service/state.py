"""Everything one running service holds, reachable from requests as `app.state.service`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot_engine.call.spec import CallRunner
from bot_engine.call.webhooks import WebhookRunner
from bot_engine.campaigns.engine import CampaignEngine
from bot_engine.delivery.worker import DeliveryWorker
from bot_engine.net import SsrfGuard
from bot_engine.service.auth import FailureLimiter
from bot_engine.service.calls import CallService
from bot_engine.service.inbound import InboundCalls
from bot_engine.service.listeners import Listeners
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.prerender import Prerenderer
from bot_engine.service.script_cache import ScriptCache
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage import Database


@dataclass
class ServiceState:
    settings: ServiceSettings
    db: Database
    scripts: ScriptCache
    metrics: ServiceMetrics
    guard: SsrfGuard
    webhooks: WebhookRunner
    """The one guarded runner of every script's webhooks (live, simulated, /v1/simulate)."""
    runner: CallRunner
    calls: CallService
    worker: DeliveryWorker
    prerenderer: Prerenderer
    secret_key: str
    inbound: InboundCalls
    listeners: Listeners = field(default_factory=Listeners)
    worker_task: asyncio.Task[None] | None = field(default=None)
    auth_failures: FailureLimiter = field(default_factory=FailureLimiter)
    campaigns: CampaignEngine | None = field(default=None)
    campaigns_task: asyncio.Task[None] | None = field(default=None)

    def worker_alive(self) -> bool:
        return self.worker_task is not None and not self.worker_task.done()
