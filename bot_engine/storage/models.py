"""Tables. Timestamps are always timezone-aware UTC, whatever the backend stores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from typing_extensions import override

from bot_engine.storage.sealing import SealedJSON, SealedText


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """SQLite drops the offset; this puts UTC back so comparisons never mix naive and aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @override
    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    @override
    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    webhook_secret: Mapped[str] = mapped_column(SealedText)
    """Sealed at rest (`storage.sealing`): it signs every webhook of the tenant."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retention_days: Mapped[int | None] = mapped_column(Integer, default=None)
    """Days a call (its events, deliveries and recording) is kept; None: the service's
    `retention_days` setting."""


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class ScriptRecord(Base):
    __tablename__ = "scripts"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    """The script's own `id`, which customers use as `script_id`."""
    latest_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class ScriptVersion(Base):
    """Immutable once written; calls point at the version they were created with."""

    __tablename__ = "script_versions"
    __table_args__ = (UniqueConstraint("script_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    script_id: Mapped[str] = mapped_column(ForeignKey("scripts.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(10))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    render_status: Mapped[str] = mapped_column(String(20), default="pending")
    render_detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_tenant_created", "tenant_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    script_version_id: Mapped[str] = mapped_column(ForeignKey("script_versions.id"))
    direction: Mapped[str] = mapped_column(String(10), default="outbound")
    to_number: Mapped[str] = mapped_column(String(64))
    from_number: Mapped[str | None] = mapped_column(String(64), default=None)
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    delivery_target: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, default=None)
    """Sealed at rest: CRM tokens, custom webhook secrets, Bitrix24 webhook URLs."""
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    prerender_status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    ringing_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    hangup_cause: Mapped[str | None] = mapped_column(String(64), default=None)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    dialog_state: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    recording_path: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    worker_id: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    """The worker that places or runs the call (`storage.leases`): when it dies, another
    worker takes its calls over."""


class Worker(Base):
    """One `voicebot serve` process of a cluster, kept alive by its heartbeat. A row whose
    heartbeat is older than the lease is a dead worker: its calls are taken over."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    address: Mapped[str] = mapped_column(String(200))
    http_port: Mapped[int | None] = mapped_column(Integer, default=None)
    sip_port: Mapped[int | None] = mapped_column(Integer, default=None)
    active_calls: Mapped[int] = mapped_column(Integer, default=0)
    draining: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Lease(Base):
    """A named piece of singleton work (a script's prompt rendering, ...) held by one
    worker until `expires_at`; a dead holder's lease simply runs out."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column()


class CallEvent(Base):
    """Written as things happen, so a crash loses at most the event being written."""

    __tablename__ = "call_events"
    __table_args__ = (UniqueConstraint("call_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Delivery(Base):
    """The outbox row: created in the transaction that ends the call."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    target: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    """A copy of the call's target, sealed like it."""
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    progress: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Adapter state kept across attempts (e.g. the Bitrix24 CALL_ID), so retries never
    repeat a step that already succeeded."""


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime] = mapped_column()
    ok: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    steps: Mapped[list[Any]] = mapped_column(default=list)


class InboundRoute(Base):
    """Which of a tenant's scripts answers an inbound call (SIP, WebSocket, AudioSocket).

    `match` holds the patterns (`to`, `from`, `sip_user`, `channel`); `exact_to` repeats
    `to` when it is a plain number, so the cross-tenant uniqueness check is one indexed
    query. The WebSocket secret is stored hashed, like API keys.
    """

    __tablename__ = "inbound_routes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    match: Mapped[dict[str, Any]] = mapped_column(default=dict)
    exact_to: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    script_name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int | None] = mapped_column(Integer, default=None)
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    variable_headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    webhook: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, default=None)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsoleSession(Base):
    """A web console sign-in. The cookie carries a random token; only its SHA-256 is stored
    (`id`). Bound to the API key it was opened with: revoking the key ends the session."""

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
