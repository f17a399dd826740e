"""Scripts and their immutable versions, scoped by tenant. Deletion is soft."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.ids import new_id
from bot_engine.storage.models import ScriptRecord, ScriptVersion, utcnow


async def add_version(
    session: AsyncSession,
    tenant_id: str,
    name: str,
    source: str,
    source_format: str,
    warnings: list[dict[str, Any]],
) -> tuple[ScriptRecord, ScriptVersion]:
    """Append a version (creating or undeleting the script)."""
    script = await session.scalar(
        select(ScriptRecord)
        .where(ScriptRecord.tenant_id == tenant_id, ScriptRecord.name == name)
        .with_for_update()
    )
    now = utcnow()
    if script is None:
        script = ScriptRecord(id=new_id(), tenant_id=tenant_id, name=name, latest_version=0)
        session.add(script)
    script.latest_version += 1
    script.updated_at = now
    script.deleted_at = None
    version = ScriptVersion(
        id=new_id(),
        script_id=script.id,
        version=script.latest_version,
        source=source,
        source_format=source_format,
        warnings=warnings,
        render_status="pending",
        render_detail={},
        created_at=now,
    )
    session.add(version)
    await session.flush()
    return script, version


async def list_scripts(session: AsyncSession, tenant_id: str) -> list[ScriptRecord]:
    rows = await session.scalars(
        select(ScriptRecord)
        .where(ScriptRecord.tenant_id == tenant_id, ScriptRecord.deleted_at.is_(None))
        .order_by(ScriptRecord.name)
    )
    return list(rows)


async def get_script(session: AsyncSession, tenant_id: str, name: str) -> ScriptRecord | None:
    return await session.scalar(
        select(ScriptRecord).where(
            ScriptRecord.tenant_id == tenant_id,
            ScriptRecord.name == name,
            ScriptRecord.deleted_at.is_(None),
        )
    )


async def list_versions(session: AsyncSession, script: ScriptRecord) -> list[ScriptVersion]:
    rows = await session.scalars(
        select(ScriptVersion)
        .where(ScriptVersion.script_id == script.id)
        .order_by(ScriptVersion.version)
    )
    return list(rows)


async def get_version(
    session: AsyncSession, script: ScriptRecord, version: int | None = None
) -> ScriptVersion | None:
    number = script.latest_version if version is None else version
    return await session.scalar(
        select(ScriptVersion).where(
            ScriptVersion.script_id == script.id, ScriptVersion.version == number
        )
    )


async def version_by_id(session: AsyncSession, version_id: str) -> ScriptVersion | None:
    return await session.get(ScriptVersion, version_id)


async def soft_delete(session: AsyncSession, script: ScriptRecord) -> None:
    script.deleted_at = utcnow()
    await session.flush()


async def set_render_status(
    session: AsyncSession, version_id: str, status: str, detail: dict[str, Any]
) -> None:
    version = await session.get(ScriptVersion, version_id)
    if version is not None:
        version.render_status = status
        version.render_detail = detail
        await session.flush()
