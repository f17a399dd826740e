"""CLI commands for the service layer: `serve`, `tenants create`, `keys create`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer

from bot_engine.service.settings import ServiceSettings

tenants_app = typer.Typer(help="Manage tenants.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)

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
    sip_port: Annotated[int | None, typer.Option(help="SIP port.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Run the HTTP API (with delivery worker and dialer) in one process."""
    import uvicorn

    from bot_engine.service.app import create_app

    settings = _settings(data_dir, host=host, port=port, sip_port=sip_port)
    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


async def _create_tenant(settings: ServiceSettings, name: str) -> tuple[str, str, str]:
    from bot_engine.storage import open_database, tenants

    db = await open_database(settings.db_url)
    try:
        async with db.write() as session:
            tenant = await tenants.create_tenant(session, name)
            key = await tenants.create_key(session, tenant)
        return tenant.id, tenant.webhook_secret, key
    finally:
        await db.close()


async def _create_key(settings: ServiceSettings, tenant_name: str) -> str | None:
    from bot_engine.storage import open_database, tenants

    db = await open_database(settings.db_url)
    try:
        async with db.write() as session:
            tenant = await tenants.find_tenant(session, tenant_name)
            if tenant is None:
                return None
            return await tenants.create_key(session, tenant)
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
        typer.echo("error: the name must be 1 to 200 characters", err=True)
        raise typer.Exit(2)
    try:
        tenant_id, secret, key = asyncio.run(_create_tenant(_settings(data_dir), name))
    except TenantExists:
        typer.echo(f"error: tenant {name!r} already exists", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"tenant: {name} ({tenant_id})")
    typer.echo(f"webhook secret: {secret}")
    typer.echo(f"api key (shown once): {key}")


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Argument(help="Tenant name or id.")],
    data_dir: DataDir = None,
) -> None:
    """Create another API key for a tenant (printed once; only its hash is stored)."""
    key = asyncio.run(_create_key(_settings(data_dir), tenant))
    if key is None:
        typer.echo(f"error: no tenant {tenant!r}", err=True)
        raise typer.Exit(1)
    typer.echo(key)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("serve")(serve)
    app.add_typer(tenants_app, name="tenants")
    app.add_typer(keys_app, name="keys")
