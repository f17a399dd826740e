"""The one place the service's parts are built, in order, and stopped in reverse.

Each part is built from the parts before it (nothing is wired in afterwards): storage and
the guards, the speech pool, the call runner (what places calls), the call records (the
sink every call reports to) and the delivery worker they wake, dispatch and creation,
campaigns and callbacks, the answerer and the inbound listeners. Requests reach the parts
they need through `deps`; tests and tools through the `Service` this yields.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass, field

from asr_tts.settings import SpeechSettings
from bot_engine.call.answerer import Answerer
from bot_engine.call.dialer import Dialer, SpeechFor, own_user_agent, shared_user_agent
from bot_engine.call.spec import CallRunner, NoDialer
from bot_engine.call.speech_pool import SpeechPool
from bot_engine.call.text_calls import Speaker, TextCallRunner
from bot_engine.call.webhooks import WebhookRunner
from bot_engine.campaigns.clock import Clock
from bot_engine.campaigns.engine import CampaignEngine
from bot_engine.delivery.backoff import next_delay
from bot_engine.delivery.worker import DeliveryWorker
from bot_engine.net import SsrfGuard
from bot_engine.service.auth import FailureLimiter
from bot_engine.service.call_creation import CallCreation
from bot_engine.service.call_records import CallRecords
from bot_engine.service.callbacks import next_operator
from bot_engine.service.campaign_calls import ServiceCallPlacer
from bot_engine.service.dispatch import Dispatcher
from bot_engine.service.documents import ResultDocuments
from bot_engine.service.drain import Drain
from bot_engine.service.housekeeping import Housekeeping
from bot_engine.service.inbound import InboundCalls
from bot_engine.service.listeners import Listeners, start_listeners
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.nlu_preload import preload
from bot_engine.service.prerender import NoPrerender, Prerenderer, TtsCachePrerenderer
from bot_engine.service.recovery import recover
from bot_engine.service.script_cache import ScriptCache
from bot_engine.service.script_renders import ScriptRenders
from bot_engine.service.script_worker import ScriptWorkers
from bot_engine.service.settings import ServiceSettings
from bot_engine.service.telephony_policy import TelephonyPolicy
from bot_engine.service.workers import WorkerRegistry, unique_worker_id
from bot_engine.storage import Database, open_database
from bot_engine.storage.files import private_dir
from media_gateway.sip import SipConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Overrides:
    """What tests and embedders replace: `runner` the dialer chosen in settings, `speak` the
    TTS of text-call recordings, `call_speech` the ASR/TTS of live calls, `prerenderer`
    the prompt pre-rendering, `clock` the campaigns' clock (from start-up on, so the calls
    taken back when the service starts are stamped by it too)."""

    runner: CallRunner | None = None
    prerenderer: Prerenderer | None = None
    speak: Speaker | None = None
    call_speech: SpeechFor | None = None
    clock: Clock | None = None


@dataclass
class Service:
    """The running service's parts (built by `running_service`)."""

    settings: ServiceSettings
    db: Database
    secret_key: str
    metrics: ServiceMetrics
    guard: SsrfGuard
    webhooks: WebhookRunner
    """The one guarded runner of every script's webhooks (live, text calls, /v1/simulate)."""
    scripts: ScriptCache
    speech: SpeechPool
    telephony: TelephonyPolicy
    runner: CallRunner
    calls: CallRecords
    """The sink every call reports to."""
    documents: ResultDocuments
    worker: DeliveryWorker
    dispatch: Dispatcher
    creation: CallCreation
    campaigns: CampaignEngine
    inbound: InboundCalls
    listeners: Listeners
    prerenderer: Prerenderer
    housekeeping: Housekeeping
    auth_failures: FailureLimiter
    workers: WorkerRegistry
    """This worker's row among the workers sharing the database (docs/scaling.md)."""
    renders: ScriptRenders
    drain: Drain | None = None
    """Set once the listeners run: SIGTERM's graceful drain (`service.drain`)."""
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    """The service's own loops: delivery, housekeeping, campaigns; and the NLU built at
    start-up (`nlu`)."""

    def worker_alive(self) -> bool:
        task = self.tasks.get("delivery")
        return task is not None and not task.done()


def _runner(
    settings: ServiceSettings,
    overrides: Overrides,
    webhooks: WebhookRunner,
    speech: SpeechFor,
    telephony: TelephonyPolicy,
    listeners: Listeners,
) -> CallRunner:
    if overrides.runner is not None:
        return overrides.runner
    if settings.dialer == "sip":
        if settings.sip_enabled:  # outbound calls through the one user agent of sip_port
            user_agents = shared_user_agent(lambda: listeners.sip)
        else:  # a user agent of its own per call
            user_agents = own_user_agent(SipConfig(
                host=settings.sip_host, port=0, user=settings.sip_caller,
                proxy=settings.sip_proxy, auth_username=settings.sip_username,
                password=settings.sip_password,
            ))
        return Dialer(speech, user_agents, policy=telephony, proxy=settings.sip_proxy,
                      caller=settings.sip_caller, amd=settings.sip_amd, webhooks=webhooks)
    if settings.dialer == "simulated":
        return TextCallRunner(speak=overrides.speak, webhooks=webhooks)
    return NoDialer()


@contextlib.asynccontextmanager
async def running_service(
    settings: ServiceSettings, overrides: Overrides | None = None
) -> AsyncIterator[Service]:
    """Build every part, recover what a previous process left, start the loops and the
    listeners; on exit, stop them in reverse."""
    overrides = overrides or Overrides()
    async with contextlib.AsyncExitStack() as stack:
        private_dir(settings.data_dir)
        db = await open_database(settings.db_url, box=settings.secret_box())
        stack.push_async_callback(db.close)
        private_dir(settings.recordings_path)
        secret_key = settings.resolved_secret_key()
        metrics = ServiceMetrics()
        guard = SsrfGuard(settings.ssrf_allowlist)
        webhooks = WebhookRunner(guard, settings.outbound)
        webhooks.open()
        stack.push_async_callback(webhooks.aclose)
        script_workers = ScriptWorkers(
            settings.script_limits,
            workers=settings.script_workers,
            timeout_s=settings.script_timeout_s,
            memory_mb=settings.script_worker_memory_mb,
        )
        stack.push_async_callback(script_workers.close)
        scripts = ScriptCache(workers=script_workers)
        speech = SpeechPool(SpeechSettings())
        speech_for = overrides.call_speech or speech.for_script
        telephony = TelephonyPolicy(settings, db)
        listeners = Listeners()
        runner = _runner(settings, overrides, webhooks, speech_for, telephony, listeners)
        stack.push_async_callback(runner.close)

        documents = ResultDocuments(settings, secret_key)
        worker = DeliveryWorker(
            db,
            settings.delivery,
            guard,
            documents.build_job,
            limits=settings.outbound,
            concurrency=settings.delivery_concurrency,
            poll_s=settings.delivery_poll_s,
            lease_s=settings.delivery_lease_s,
            on_attempt=metrics.attempt,
        )
        calls = CallRecords(db, scripts, metrics, settings.recordings_path, worker.wake)
        housekeeping = Housekeeping(db, settings)
        worker_id = settings.worker_id or unique_worker_id()
        dispatch = Dispatcher(
            calls, runner,
            # text calls record every call: the recordings cap is checked before each one
            before_start=housekeeping.make_room if isinstance(runner, TextCallRunner) else None,
            worker_id=worker_id,
        )
        stack.push_async_callback(dispatch.close)
        creation = CallCreation(calls, dispatch, guard, telephony, metrics)
        campaigns = CampaignEngine(
            db,
            ServiceCallPlacer(creation),
            settings.campaigns,
            guard=guard,
            retry_delay=lambda attempt: next_delay(attempt, settings.delivery),
            registry=metrics.registry,
            clock=overrides.clock,
            limits=settings.outbound,
        )
        calls.on_finish(campaigns.call_finished)
        calls.after_finish(lambda call_id, result: next_operator(creation, call_id, result))
        answerer = Answerer(calls, speech_for, policy=telephony, webhooks=webhooks)
        inbound = InboundCalls(creation, answerer, settings)

        async def take_over(taken: Collection[str]) -> int:
            """A dead worker's calls (or, at start-up, the previous run's): campaign calls
            never dialled go back to their leads, the others are recovered or placed."""
            await campaigns.recover(taken)
            return await recover(calls, dispatch, taken)

        registry = WorkerRegistry(
            db,
            worker_id,
            take_over,
            address=settings.sip_advertised_host or settings.sip_host,
            http_port=settings.port,
            sip_port=lambda: listeners.sip_port,
            heartbeat_s=settings.worker_heartbeat_s,
            lease_s=settings.worker_lease_s,
        )
        if not registry.single:
            campaigns.dispatcher.share = registry.campaign_share
        prerenderer = overrides.prerenderer or (
            TtsCachePrerenderer(speech) if settings.prerender_prompts else NoPrerender())
        renders = ScriptRenders(db, scripts, prerenderer, registry.id)
        registry.chores.append(renders.sweep)
        service = Service(
            settings=settings,
            db=db,
            secret_key=secret_key,
            metrics=metrics,
            guard=guard,
            webhooks=webhooks,
            scripts=scripts,
            speech=speech,
            telephony=telephony,
            runner=runner,
            calls=calls,
            documents=documents,
            worker=worker,
            dispatch=dispatch,
            creation=creation,
            campaigns=campaigns,
            inbound=inbound,
            listeners=listeners,
            prerenderer=prerenderer,
            housekeeping=housekeeping,
            auth_failures=FailureLimiter(
                settings.auth_failure_burst,
                settings.auth_failure_refill_s,
                settings.auth_limiter_addresses,
            ),
            workers=registry,
            renders=renders,
        )

        recovered = await registry.start()  # what a previous run or dead workers left
        if recovered:
            log.warning("ended %d calls interrupted by the previous shutdown", recovered)
        service.tasks["nlu"] = asyncio.create_task(
            preload(settings.nlu_preload, freeze_heap=settings.freeze_heap))
        stack.push_async_callback(_cancelled, service.tasks["nlu"])
        service.tasks["workers"] = asyncio.create_task(registry.run())
        stack.push_async_callback(_stopped, service.tasks["workers"], registry.leave)
        service.tasks["delivery"] = asyncio.create_task(worker.run())
        stack.push_async_callback(_stopped, service.tasks["delivery"], worker.stop)
        service.tasks["housekeeping"] = asyncio.create_task(housekeeping.run())
        stack.push_async_callback(_stopped, service.tasks["housekeeping"], housekeeping.stop)
        stack.push_async_callback(inbound.close)
        await start_listeners(settings, inbound, listeners)
        stack.push_async_callback(listeners.close)
        if settings.campaigns.dispatch:
            service.tasks["campaigns"] = asyncio.create_task(campaigns.run())
        stack.push_async_callback(_stopped, service.tasks.get("campaigns"), campaigns.stop)
        service.drain = Drain(
            registry,
            timeout_s=settings.drain_timeout_s,
            stop_taking=[dispatch.stop_placing, listeners.stop_accepting],
            stop_claiming=[
                lambda: _stopped(service.tasks.get("campaigns"), campaigns.stop),
                worker.stop,
            ],
        )
        yield service


async def _cancelled(task: asyncio.Task[None]) -> None:
    """Stop waiting for a task that has no stop of its own (its thread finishes alone)."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _stopped(
    task: asyncio.Task[None] | None, stop: Callable[[], Awaitable[None] | None]
) -> None:
    """Ask a loop to stop (`stop()`, sync or async), then wait for its task."""
    result = stop()
    if result is not None:
        await result
    if task is not None:
        await task
