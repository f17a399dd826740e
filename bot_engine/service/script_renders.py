"""Rendering a script version's static prompts into the TTS cache, once per cluster.

An upload starts the rendering on the worker that took it, under the lease
`render:<version id>` (`storage.leases`). A worker that dies mid-render leaves the version
`pending` or `rendering` with a lease that runs out; every worker's sweep looks for such
versions and renders them under the lease again, so one worker, and only one, finishes it.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot_engine.service.prerender import Prerenderer
from bot_engine.service.script_cache import ScriptCache, warm
from bot_engine.storage import Database, leases
from bot_engine.storage import scripts as repo
from bot_engine.storage.models import ScriptVersion, utcnow

log = logging.getLogger(__name__)

UNFINISHED = ("pending", "rendering")


class ScriptRenders:
    def __init__(
        self,
        db: Database,
        scripts: ScriptCache,
        prerenderer: Prerenderer,
        owner: str,
        *,
        lease_s: float = 600.0,
        stale_s: float = 60.0,
        sweep_every_s: float = 30.0,
    ) -> None:
        self.db = db
        self.scripts = scripts
        self.prerenderer = prerenderer
        self.owner = owner
        self.lease_s = lease_s
        self.stale_s = stale_s
        self.sweep_every_s = sweep_every_s
        self._swept = 0.0

    async def render(self, version_id: str, script: Any) -> bool:
        """Render under the lease; False when another worker holds it."""
        name = f"render:{version_id}"
        async with self.db.write() as session:
            if not await leases.acquire(session, name, self.owner, self.lease_s, utcnow()):
                return False
        try:
            await warm(script)  # the intent matchers, before the first call
            async with self.db.write() as session:
                await repo.set_render_status(session, version_id, "rendering", {})
            detail = await self.prerenderer.script_prompts(script)
            async with self.db.write() as session:
                await repo.set_render_status(
                    session, version_id, str(detail.get("status")), detail
                )
        finally:
            async with self.db.write() as session:
                await leases.release(session, name, self.owner)
        return True

    async def sweep(self) -> int:
        """Render versions left unfinished (at most every `sweep_every_s`); how many."""
        if time.monotonic() - self._swept < self.sweep_every_s:
            return 0
        self._swept = time.monotonic()
        before = utcnow() - timedelta(seconds=self.stale_s)
        async with self.db.sessions() as session:
            versions = list(
                await session.scalars(
                    select(ScriptVersion)
                    .where(
                        ScriptVersion.render_status.in_(UNFINISHED),
                        ScriptVersion.created_at < before,
                    )
                    .limit(20)
                )
            )
        done = 0
        for version in versions:
            try:
                loaded = await self.scripts.load(version)
                if await self.render(version.id, loaded.script):
                    log.warning("rendered the prompts of version %s left unfinished", version.id)
                    done += 1
            except Exception:
                log.exception("cannot render the prompts of version %s", version.id)
        return done
