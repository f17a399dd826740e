"""Callbacks: call the operator first, announce the lead, then call the lead and bridge.

A callback is an ordinary outbound call (the same creation path, queue, dialer, results
and CRM delivery as any call, so campaign pacing and windows can apply to it like to any
call) to the operator, running a callback script (`dialogs/callback.ru.yaml` is the
shipped one): it announces the lead, and on the operator's yes its `connect` step calls
the lead and bridges the two.

Several operators are tried in turn, one call each: the operators still to try ride in
the call's own variables (`operators_next`), so the next call is created from what is
stored with the finished call, when that call ended without the operator answering.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, TypeAdapter

from bot_engine.delivery.targets import DeliveryTarget
from bot_engine.dialog.actions import DialogResult
from bot_engine.service.call_creation import CallCreation
from bot_engine.service.schemas import CallCreate
from bot_engine.storage.models import Call, ScriptRecord, ScriptVersion, Tenant

log = logging.getLogger(__name__)

NEXT_OPERATORS = "operators_next"
"""The variable that carries the operators still to try (comma-separated)."""
UNANSWERED = frozenset({"no_answer", "voicemail"})
Number = Annotated[str, Field(pattern=r"^\+?[0-9A-Za-z@.:_-]{1,64}$")]


class CallbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_phone: Number = Field(description="Whom to call back.", examples=["+79161234567"])
    operator: Number | Annotated[list[Number], Field(min_length=1, max_length=5)] = Field(
        description="The operator's number, or several tried in turn (at most 5).",
        examples=["+74950000001", ["+74950000001", "+74950000002"]],
    )
    announce: str = Field(default="", max_length=300,
                          description="Said to the operator before the lead is called.")
    script_id: str = Field(default="callback", min_length=1, max_length=200)
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    variables: dict[str, Any] = Field(default_factory=dict,
                                      description="More call variables (lead_name, source…).")
    webhook: AnyHttpUrl | DeliveryTarget | None = None

    def operators(self) -> list[str]:
        return [self.operator] if isinstance(self.operator, str) else list(self.operator)


class CallbackCreated(BaseModel):
    id: str
    status: str
    operator: str
    operators_next: list[str] = Field(default_factory=list)


async def create_callback(calls: CallCreation, tenant: Tenant, body: CallbackCreate) -> Call:
    operators = body.operators()
    variables = {**body.variables, "lead_phone": body.lead_phone}
    if body.announce:
        variables["announce"] = body.announce
    if len(operators) > 1:
        variables[NEXT_OPERATORS] = ",".join(operators[1:])
    return await calls.create(tenant, CallCreate(
        to=operators[0], script_id=body.script_id, version=body.version, variables=variables,
        webhook=body.webhook,
    ))


async def next_operator(calls: CallCreation, call_id: str, result: DialogResult) -> None:
    """After a callback call the operator did not answer: the same callback to the next
    operator, if any is left (a hook of `CallRecords.after_finish`)."""
    if result.ending not in UNANSWERED:
        return
    async with calls.db.sessions() as session:
        call = await session.get(Call, call_id)
        remaining = str((call.variables or {}).get(NEXT_OPERATORS) or "") if call else ""
        if call is None or not remaining:
            return
        version = await session.get(ScriptVersion, call.script_version_id)
        tenant = await session.get(Tenant, call.tenant_id)
        script = await session.get(ScriptRecord, version.script_id) if version else None
    if version is None or tenant is None or script is None:
        return
    operators = [o for o in remaining.split(",") if o]
    variables = {**call.variables, NEXT_OPERATORS: ",".join(operators[1:])}
    target = call.delivery_target
    webhook = TypeAdapter(DeliveryTarget).validate_python(target) if target else None
    created = await calls.create(tenant, CallCreate(
        to=operators[0], script_id=script.name, version=version.version, variables=variables,
        webhook=webhook,
    ))
    log.info("callback %s: %s did not answer, calling %s (call %s)", call_id, call.to_number,
             operators[0], created.id)
