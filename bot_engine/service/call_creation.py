"""Creating calls: outbound ones from the API (and, inside their own transaction, from
campaigns and callbacks), inbound ones as they ring. Variables are validated against the
script; targets are checked by the SSRF guard and the telephony policy."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import AnyHttpUrl

from bot_engine.call.dial_targets import DialRefused
from bot_engine.call.spec import CallSpec
from bot_engine.delivery.targets import WebhookTarget, target_urls
from bot_engine.net import SsrfGuard, TargetRefused
from bot_engine.script import ScriptError, validate_variables
from bot_engine.service.call_records import CallRecords, jsonable
from bot_engine.service.dispatch import Dispatcher
from bot_engine.service.errors import Invalid, NotFound
from bot_engine.service.metrics import ServiceMetrics
from bot_engine.service.schemas import CallCreate
from bot_engine.service.telephony_policy import TelephonyPolicy
from bot_engine.storage import calls as call_repo
from bot_engine.storage import scripts as script_repo
from bot_engine.storage.models import Call, ScriptVersion, Tenant

log = logging.getLogger(__name__)


def issues_of(exc: ScriptError) -> list[dict[str, Any]]:
    return [issue.model_dump() for issue in exc.issues]


class CallCreation:
    def __init__(
        self,
        records: CallRecords,
        dispatcher: Dispatcher,
        guard: SsrfGuard,
        telephony: TelephonyPolicy,
        metrics: ServiceMetrics,
    ) -> None:
        self.records = records
        self.dispatcher = dispatcher
        self.db = records.db
        self.scripts = records.scripts
        self.guard = guard
        self.telephony = telephony
        self.metrics = metrics

    async def checked_target(self, webhook: Any) -> Any:
        """A webhook URL or typed target, normalised and checked by the SSRF guard."""
        target = webhook
        if isinstance(target, AnyHttpUrl):
            target = WebhookTarget(url=target)
        if target is not None:
            for url in target_urls(target):
                try:
                    await self.guard.check(url)
                except TargetRefused as exc:
                    raise Invalid(f"webhook target refused: {exc}") from exc
        return target

    async def create(self, tenant: Tenant, request: CallCreate, *, prerender: bool = True) -> Call:
        target = await self.checked_target(request.webhook)
        try:
            await self.telephony.check_to(tenant.id, request.to)
        except DialRefused as exc:
            raise Invalid(f"`to` refused: {exc}", [{"path": "to", "message": str(exc)}]) from None
        async with self.db.write() as session:
            call = await self.create_in(
                session,
                tenant_id=tenant.id,
                script_id=request.script_id,
                version=request.version,
                to=request.to,
                variables=request.variables,
                delivery_target=target.model_dump(mode="json") if target is not None else None,
                prerender=prerender,
            )
        self.metrics.calls_created.inc()
        self.dispatcher.spawn(self.dispatcher.dispatch(call.id))
        return call

    async def create_in(
        self,
        session: Any,
        *,
        tenant_id: str,
        script_id: str,
        version: int | None,
        to: str,
        variables: dict[str, Any],
        delivery_target: dict[str, Any] | None,
        from_number: str | None = None,
        prerender: bool = True,
    ) -> Call:
        """Create a queued call inside the caller's transaction (campaigns claim a lead and
        create its call in one); the caller hands it to `dispatch` after the commit."""
        version_row, _, values = await self._script_and_variables(
            session, tenant_id, script_id, version, variables
        )
        call = await call_repo.create_call(
            session,
            tenant_id=tenant_id,
            script_version_id=version_row.id,
            to_number=to,
            from_number=from_number,
            variables=jsonable(values),
            delivery_target=delivery_target,
            worker_id=self.dispatcher.worker_id,
        )
        if not prerender:
            call.prerender_status = "skipped"
        await call_repo.add_event(session, call, "status", {"status": "queued"})
        return call

    async def _script_and_variables(
        self,
        session: Any,
        tenant_id: str,
        script_id: str,
        version: int | None,
        variables: dict[str, Any],
    ) -> tuple[ScriptVersion, Any, dict[str, Any]]:
        """The script version a new call runs, and its variables validated against it.
        Raises NotFound or Invalid."""
        script = await script_repo.get_script(session, tenant_id, script_id)
        if script is None:
            raise NotFound(f"no script {script_id!r}")
        version_row = await script_repo.get_version(session, script, version)
        if version_row is None:
            raise NotFound(f"script {script_id!r} has no version {version}")
        try:
            loaded = self.scripts.get(version_row)
            values = validate_variables(loaded.script, variables)
        except ScriptError as exc:
            raise Invalid("the variables do not match the script", issues_of(exc)) from exc
        return version_row, loaded, values

    async def open_inbound(
        self,
        *,
        tenant_id: str,
        script_id: str,
        to_number: str,
        from_number: str | None,
        variables: dict[str, Any],
        version: int | None = None,
        delivery_target: dict[str, Any] | None = None,
    ) -> CallSpec:
        """Record an answered-to-be inbound call (it shows up in the same list as outbound
        calls) and return the spec its session runs with; the session then reports through
        this sink like any call. Raises NotFound or Invalid (bad variables)."""
        async with self.db.write() as session:
            version_row, loaded, values = await self._script_and_variables(
                session, tenant_id, script_id, version, variables
            )
            call = await call_repo.create_call(
                session,
                tenant_id=tenant_id,
                script_version_id=version_row.id,
                to_number=to_number,
                from_number=from_number,
                direction="inbound",
                variables=jsonable(values),
                delivery_target=delivery_target,
                status="ringing",
                worker_id=self.dispatcher.worker_id,
            )
            call.ringing_at = call.created_at
            call.prerender_status = "skipped"
            await call_repo.add_event(session, call, "status", {"status": "ringing"})
        return CallSpec(
            call_id=call.id,
            tenant_id=tenant_id,
            to=to_number,
            from_=from_number,
            direction="inbound",
            script=loaded.script,
            script_version=version_row.version,
            variables=dict(values),
            recording_path=self.records.recording_path(call.id),
        )
