"""What the campaign engine needs from the layer above: scripts and the one way to place a
call. The service implements it over its own call path (`POST /v1/calls` uses the same),
so a campaign call is an ordinary call: same validation, dialer, sink, result and delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.script.model import Script


@dataclass(frozen=True)
class ScriptRef:
    version_id: str
    script_id: str
    version: int
    script: Script


class CallPlacer(Protocol):
    async def find_script(
        self, session: AsyncSession, tenant_id: str, script_id: str, version: int | None
    ) -> ScriptRef | None:
        """A tenant's script version (the latest when `version` is None)."""

    async def script_of(self, session: AsyncSession, version_id: str) -> ScriptRef: ...

    async def create_call(
        self,
        session: AsyncSession,
        *,
        tenant_id: str,
        script_version_id: str,
        to: str,
        variables: dict[str, Any],
        from_number: str | None,
        delivery_target: dict[str, Any] | None,
    ) -> str:
        """Create a queued call inside the caller's transaction; returns its id. Raises
        ValueError when the variables do not match the script."""

    def start_call(self, call_id: str) -> None:
        """Hand a committed queued call to the dialer."""
