"""What an endpoint may depend on: one narrow `Annotated` dependency per part of the running
service (`composition.Service`), so each endpoint names exactly the parts it uses."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from bot_engine.call.spec import CallRunner
from bot_engine.call.webhooks import WebhookRunner
from bot_engine.campaigns.engine import CampaignEngine
from bot_engine.delivery.worker import DeliveryWorker
from bot_engine.service.auth import FailureLimiter
from bot_engine.service.call_creation import CallCreation
from bot_engine.service.call_records import CallRecords
from bot_engine.service.composition import Service
from bot_engine.service.dispatch import Dispatcher
from bot_engine.service.drain import Drain
from bot_engine.service.inbound import InboundCalls
from bot_engine.service.listeners import Listeners
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.prerender import Prerenderer
from bot_engine.service.script_cache import ScriptCache
from bot_engine.service.script_renders import ScriptRenders
from bot_engine.service.settings import ServiceSettings
from bot_engine.service.workers import WorkerRegistry
from bot_engine.storage import Database


def running(connection: HTTPConnection) -> Service:
    """The running service (requests and WebSockets alike)."""
    service: Service = connection.app.state.service
    return service


def _settings(connection: HTTPConnection) -> ServiceSettings:
    return running(connection).settings


def _db(connection: HTTPConnection) -> Database:
    return running(connection).db


def _secret_key(connection: HTTPConnection) -> str:
    return running(connection).secret_key


def _metrics(connection: HTTPConnection) -> ServiceMetrics:
    return running(connection).metrics


def _webhooks(connection: HTTPConnection) -> WebhookRunner:
    return running(connection).webhooks


def _scripts(connection: HTTPConnection) -> ScriptCache:
    return running(connection).scripts


def _runner(connection: HTTPConnection) -> CallRunner:
    return running(connection).runner


def _calls(connection: HTTPConnection) -> CallRecords:
    return running(connection).calls


def _creation(connection: HTTPConnection) -> CallCreation:
    return running(connection).creation


def _dispatch(connection: HTTPConnection) -> Dispatcher:
    return running(connection).dispatch


def _worker(connection: HTTPConnection) -> DeliveryWorker:
    return running(connection).worker


def _campaigns(connection: HTTPConnection) -> CampaignEngine:
    return running(connection).campaigns


def _inbound(connection: HTTPConnection) -> InboundCalls:
    return running(connection).inbound


def _listeners(connection: HTTPConnection) -> Listeners:
    return running(connection).listeners


def _prerenderer(connection: HTTPConnection) -> Prerenderer:
    return running(connection).prerenderer


def _auth_failures(connection: HTTPConnection) -> FailureLimiter:
    return running(connection).auth_failures


def _workers(connection: HTTPConnection) -> WorkerRegistry:
    return running(connection).workers


def _renders(connection: HTTPConnection) -> ScriptRenders:
    return running(connection).renders


def _drain(connection: HTTPConnection) -> Drain | None:
    return running(connection).drain


def _delivery_alive(connection: HTTPConnection) -> bool:
    return running(connection).worker_alive()


SettingsDep = Annotated[ServiceSettings, Depends(_settings)]
DbDep = Annotated[Database, Depends(_db)]
SecretKeyDep = Annotated[str, Depends(_secret_key)]
MetricsDep = Annotated[ServiceMetrics, Depends(_metrics)]
WebhooksDep = Annotated[WebhookRunner, Depends(_webhooks)]
ScriptsDep = Annotated[ScriptCache, Depends(_scripts)]
RunnerDep = Annotated[CallRunner, Depends(_runner)]
CallsDep = Annotated[CallRecords, Depends(_calls)]
CreationDep = Annotated[CallCreation, Depends(_creation)]
DispatchDep = Annotated[Dispatcher, Depends(_dispatch)]
WorkerDep = Annotated[DeliveryWorker, Depends(_worker)]
CampaignsDep = Annotated[CampaignEngine, Depends(_campaigns)]
InboundDep = Annotated[InboundCalls, Depends(_inbound)]
ListenersDep = Annotated[Listeners, Depends(_listeners)]
PrerendererDep = Annotated[Prerenderer, Depends(_prerenderer)]
AuthFailuresDep = Annotated[FailureLimiter, Depends(_auth_failures)]
DeliveryAliveDep = Annotated[bool, Depends(_delivery_alive)]
WorkersDep = Annotated[WorkerRegistry, Depends(_workers)]
RendersDep = Annotated[ScriptRenders, Depends(_renders)]
DrainDep = Annotated[Drain | None, Depends(_drain)]
