"""CLI commands for the service layer: `serve`, `tenants create`, `keys create|list|revoke`,
`keys new-encryption-key`."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot_engine.cli.console import err, out
from bot_engine.service.settings import ServiceSettings

tenants_app = typer.Typer(help="Manage tenants.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
T = TypeVar("T")

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Where the database and recordings live.")
]


def _settings(data_dir: Path | None, **extra: Any) -> ServiceSettings:
    values: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return ServiceSettings(**values)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="HTTP port.")] = None,
    sip_port: Annotated[
        int | None, typer.Option(help="SIP port for inbound calls (0: any free port).")
    ] = None,
    sip_host: Annotated[
        str | None, typer.Option(help="Address the SIP user agent and RTP bind to.")
    ] = None,
    audiosocket_port: Annotated[
        int | None,
        typer.Option(help="Asterisk AudioSocket TCP port (default 9092; 0: any free port)."),
    ] = None,
    sip: Annotated[
        bool | None, typer.Option("--sip/--no-sip", help="Answer inbound SIP calls.")
    ] = None,
    audiosocket: Annotated[
        bool | None,
        typer.Option("--audiosocket/--no-audiosocket", help="Run the AudioSocket server."),
    ] = None,
    data_dir: DataDir = None,
    log_format: Annotated[
        str, typer.Option(help="text (the default) or json: one JSON object per line, with "
                               "the call id and tenant as fields.")
    ] = "text",
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Run everything in one process: the HTTP API (with the Twilio Media Streams WebSocket
    at /v1/media/twilio), the delivery worker, the dialer, the SIP user agent and the
    AudioSocket server. Inbound calls are routed by the tenants' /v1/inbound-routes."""
    import uvicorn
    from pydantic import ValidationError

    from bot_engine import log_context
    from bot_engine.service.app import create_app
    from bot_engine.service.settings import ConfigurationError

    if log_format not in log_context.LOG_FORMATS:
        raise typer.BadParameter("expected text or json", param_hint="--log-format")
    if log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise typer.BadParameter("expected debug, info, warning or error",
                                 param_hint="--log-level")
    fmt: log_context.LogFormat = "json" if log_format == "json" else "text"
    log_context.configure(fmt, log_level.upper())
    try:
        settings = _settings(
            data_dir,
            host=host,
            port=port,
            sip_port=sip_port,
            sip_host=sip_host,
            audiosocket_port=audiosocket_port,
            sip_enabled=sip,
            audiosocket_enabled=audiosocket,
        )
        settings.secret_box()  # a missing or malformed encryption key stops us here, clearly
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            err.error(f"{where}: {error['msg']}")
        raise typer.Exit(2) from None
    except ConfigurationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    app = create_app(settings)
    shown = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    typer.echo(f"web console: http://{shown}:{settings.port}/ui (sign in with an API key)",
               err=True)
    # websockets' sans-I/O implementation for the media stream endpoint (the legacy one is
    # deprecated by the websockets library).
    # In JSON, uvicorn's own loggers get no config of their own and propagate to the root's
    # JSON handler; in text, uvicorn keeps its usual format.
    from uvicorn.config import LOGGING_CONFIG

    uvicorn.run(
        app, host=settings.host, port=settings.port, log_level=log_level.lower(),
        ws="websockets-sansio", log_config=None if fmt == "json" else LOGGING_CONFIG,
    )


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a storage command; a missing or wrong encryption key is a clear error, exit 2."""
    from bot_engine.service.settings import ConfigurationError
    from bot_engine.storage.sealing import SecretsLocked

    try:
        return asyncio.run(coro)
    except (ConfigurationError, SecretsLocked) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


async def _open(settings: ServiceSettings) -> Any:
    from bot_engine.storage import open_database

    return await open_database(settings.db_url, box=settings.secret_box())


async def _create_tenant(settings: ServiceSettings, name: str) -> tuple[str, str, str]:
    from bot_engine.storage import tenants

    db = await _open(settings)
    try:
        async with db.write() as session:
            tenant = await tenants.create_tenant(session, name)
            key = await tenants.create_key(session, tenant)
        return tenant.id, tenant.webhook_secret, key
    finally:
        await db.close()


async def _create_key(settings: ServiceSettings, tenant_name: str) -> str | None:
    from bot_engine.storage import tenants

    db = await _open(settings)
    try:
        async with db.write() as session:
            tenant = await tenants.find_tenant(session, tenant_name)
            if tenant is None:
                return None
            return await tenants.create_key(session, tenant)
    finally:
        await db.close()


async def _list_keys(settings: ServiceSettings, tenant_name: str) -> list[str] | None:
    from bot_engine.storage import tenants

    db = await _open(settings)
    try:
        async with db.sessions() as session:
            tenant = await tenants.find_tenant(session, tenant_name)
            if tenant is None:
                return None
            keys = await tenants.list_keys(session, tenant.id)
    finally:
        await db.close()
    return [
        f"{k.id}  created {k.created_at:%Y-%m-%d %H:%M}  "
        + (f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active")
        for k in keys
    ]


async def _revoke_key(settings: ServiceSettings, key_id: str) -> bool:
    from bot_engine.storage import tenants

    db = await _open(settings)
    try:
        async with db.write() as session:
            return await tenants.revoke_key(session, key_id)
    finally:
        await db.close()


@tenants_app.command("create")
def tenants_create(
    name: Annotated[str, typer.Argument(help="A unique tenant name.")],
    data_dir: DataDir = None,
) -> None:
    """Create a tenant and its first API key (printed once)."""
    from bot_engine.storage.tenants import TenantExists

    if not name.strip() or len(name) > 200:
        err.error("the name must be 1 to 200 characters")
        raise typer.Exit(2)
    try:
        tenant_id, secret, key = _run(_create_tenant(_settings(data_dir), name))
    except TenantExists:
        err.error(f"tenant {name!r} already exists")
        raise typer.Exit(1) from None
    out.plain(f"tenant: {name} ({tenant_id})")
    out.plain(f"webhook secret: {secret}")
    out.plain(f"api key (shown once): {key}")


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Argument(help="Tenant name or id.")],
    data_dir: DataDir = None,
) -> None:
    """Create another API key for a tenant (printed once; only its hash is stored)."""
    key = _run(_create_key(_settings(data_dir), tenant))
    if key is None:
        err.error(f"no tenant {tenant!r}")
        raise typer.Exit(1)
    out.plain(key)


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str, typer.Argument(help="Tenant name or id.")],
    data_dir: DataDir = None,
) -> None:
    """A tenant's keys: id, creation and revocation times (secrets are never stored)."""
    lines = _run(_list_keys(_settings(data_dir), tenant))
    if lines is None:
        typer.echo(f"error: no tenant {tenant!r}", err=True)
        raise typer.Exit(1)
    for line in lines:
        typer.echo(line)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[
        str, typer.Argument(help="The key's id: the part between `vb_` and the next `_`.")
    ],
    data_dir: DataDir = None,
) -> None:
    """Revoke a key. Running servers refuse it from their next request on."""
    from bot_engine.storage.tenants import key_id_of

    key_id = key_id_of(key_id) or key_id  # a whole key is accepted too
    if not _run(_revoke_key(_settings(data_dir), key_id)):
        typer.echo(f"error: no key {key_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")


@keys_app.command("new-encryption-key")
def keys_new_encryption_key() -> None:
    """Print a fresh key for `encryption_key` (VOICEBOT_ENCRYPTION_KEY)."""
    from bot_engine.storage.sealing import new_key

    typer.echo(new_key())


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("serve")(serve)
    app.add_typer(tenants_app, name="tenants")
    app.add_typer(keys_app, name="keys")
