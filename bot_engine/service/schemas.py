"""Request and response bodies of the HTTP API (a call's transcript turns are the call
record's own model, `bot_engine.record.TranscriptTurn`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from bot_engine.delivery.payload import CampaignRef
from bot_engine.delivery.targets import DeliveryTarget
from bot_engine.record import TranscriptTurn
from bot_engine.service.inbound_routing import RouteMatch


def _in_utc(value: datetime) -> datetime:
    """Naive means UTC; the value must exist in UTC (`9999-12-31T23:59:59-12:00` does not)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the date is out of range once converted to UTC") from None


UtcDatetime = Annotated[datetime, AfterValidator(_in_utc)]
"""A datetime a client sends (body or query): timezone-aware, in UTC, within range."""

TurnText = Annotated[str, Field(max_length=2000)]
MAX_VARIABLES = 200
"""Names in one `variables` object (a script declares a handful; each unknown one is an
issue in the 422)."""
"""One caller turn (text or a simulator command), as long as a turn on a call can be."""


class Problem(BaseModel):
    """Every error response: a code, a human message, and details where they help."""

    error: str
    message: str
    issues: list[dict[str, Any]] | None = None


class Issue(BaseModel):
    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str
    limit: str | None = Field(
        default=None, description="The limit a script went over (`max_depth`, ...), if any."
    )


class ScriptVersionOut(BaseModel):
    script_id: str
    version: int
    created_at: datetime
    render_status: str
    render_detail: dict[str, Any] = Field(default_factory=dict)
    warnings: list[Issue] = Field(default_factory=list)


class ScriptOut(BaseModel):
    script_id: str
    latest_version: int
    created_at: datetime
    updated_at: datetime
    latest: ScriptVersionOut | None = None
    source: str | None = None


class ValidationOut(BaseModel):
    valid: bool
    script_id: str | None = None
    issues: list[Issue] = Field(default_factory=list)


class CallCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: str = Field(
        pattern=r"^\+?[0-9A-Za-z@.:_-]{1,64}$",
        description="E.164 number (or a SIP user) to call.",
        examples=["+79001234567"],
    )
    script_id: str = Field(min_length=1, max_length=200)
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    variables: dict[str, Any] = Field(default_factory=dict, max_length=MAX_VARIABLES)
    webhook: AnyHttpUrl | DeliveryTarget | None = Field(
        default=None,
        description="Where the result goes: a URL (signed JSON webhook) or a typed target.",
    )


class CallCreated(BaseModel):
    id: str
    status: str


class CallOut(BaseModel):
    id: str
    direction: str
    to: str
    from_: str | None = Field(default=None, serialization_alias="from")
    status: str
    script_id: str
    script_version: int
    variables: dict[str, Any]
    result: dict[str, Any] | None = None
    transcript: list[TranscriptTurn] = Field(default_factory=list)
    timings: dict[str, Any] = Field(default_factory=dict)
    hangup_cause: str | None = None
    recording: str | None = Field(default=None, description="Path of GET .../recording")
    prerender_status: str
    error: str | None = None
    barge_ins: list[dict[str, Any]] = Field(
        default_factory=list, description="Where the caller spoke over a prompt.")
    resumed_prompts: list[dict[str, Any]] = Field(
        default_factory=list, description="Prompts paused by a noise, then resumed.")
    amd: dict[str, Any] | None = Field(
        default=None, description="The answering-machine verdict, if AMD ran.")
    campaign: CampaignRef | None = Field(
        default=None, description="The campaign, lead and attempt that placed this call."
    )


class CallSummary(BaseModel):
    id: str
    direction: str
    to: str
    status: str
    created_at: datetime
    outcome: str | None = None


class SimulateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    script_id: str | None = Field(default=None, max_length=200)
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    script: str | dict[str, Any] | None = Field(
        default=None, description="An inline script (YAML/JSON text or an object)."
    )
    variables: dict[str, Any] = Field(default_factory=dict, max_length=MAX_VARIABLES)
    turns: list[TurnText] = Field(default_factory=list, max_length=200)


class AttemptOut(BaseModel):
    attempt: int
    started_at: datetime
    finished_at: datetime
    ok: bool
    status_code: int | None = None
    error: str | None = None
    steps: list[dict[str, Any]] = Field(default_factory=list)


class DeliveryOut(BaseModel):
    id: str
    call_id: str
    target_type: str
    status: Literal["pending", "delivered", "dead"] | str
    attempts: int
    idempotency_key: str
    next_attempt_at: datetime | None = None
    created_at: datetime
    delivered_at: datetime | None = None
    last_error: str | None = None
    log: list[AttemptOut] | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded", "draining"]
    database: bool
    delivery_worker: bool
    dialer: str
    listeners: dict[str, Any] = Field(
        default_factory=dict,
        description="sip and audiosocket: enabled, listening, port.",
    )
    worker: str | None = Field(None, description="This worker's id in the cluster.")
    nlu: dict[str, bool] = Field(
        default_factory=dict,
        description="Per language this worker builds at start-up: are its NLU tables built "
        "(until they are, a call in it waits for them while its phone rings).",
    )
    workers: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Every worker sharing the database: id, address, http_port, sip_port, "
        "active_calls, draining, heartbeat_age_s, alive.",
    )


class InboundRouteCreate(BaseModel):
    """Which script answers inbound calls that match, and where their results go."""

    model_config = ConfigDict(extra="forbid")

    match: RouteMatch = Field(default_factory=RouteMatch)
    script_id: str = Field(min_length=1, max_length=200)
    version: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Pin a version; default: the latest."
    )
    variables: dict[str, Any] = Field(
        default_factory=dict,
        max_length=MAX_VARIABLES,
        description="Static defaults; the request may override them.",
    )
    variable_headers: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_VARIABLES,
        description="Variable → SIP header (or WebSocket custom parameter) that carries it, "
        'e.g. {"lead_name": "X-Lead-Name"}. `X-Var-<name>` headers and customParameters '
        "named like a variable work without this.",
    )
    webhook: AnyHttpUrl | DeliveryTarget | None = Field(
        default=None, description="Where each call's result goes (as on POST /v1/calls)."
    )
    priority: int = Field(
        default=0,
        ge=-1000,
        le=1000,
        description="Orders this tenant's own equally specific routes (higher first); "
        "it never decides between tenants.",
    )

    @field_validator("variable_headers")
    @classmethod
    def _header_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name, header in value.items():
            if not header.strip() or len(header) > 100 or not header.isprintable():
                raise ValueError(f"variable {name!r}: bad header name {header!r}")
        return value


class InboundRouteOut(BaseModel):
    id: str
    match: RouteMatch
    script_id: str
    version: int | None = None
    variables: dict[str, Any]
    variable_headers: dict[str, str]
    webhook: dict[str, Any] | None = None
    priority: int
    created_at: datetime


class InboundRouteCreated(InboundRouteOut):
    token: str = Field(
        description="The route's secret for WebSocket media streams, shown once (stored hashed)."
    )
    twilio_stream_url: str = Field(
        description="What to put in Twilio's `<Stream url=...>` for this route."
    )
    audiosocket_uuid: str | None = Field(
        default=None,
        description="The route's AudioSocket key (routes for AudioSocket calls): "
        "`AudioSocket(<uuid>,host:port)` reaches this route, shown once.",
    )
