"""The service's background housekeeping: sealing old rows once, then purging expired calls
every `purge_interval_s`; and the cap on simulated-call recordings.

Retention: a call older than its tenant's `retention_days` (or the service default) is
deleted with its events, deliveries, attempts and recording file. Work is done in batches of
`purge_batch` calls, each one short transaction, and the loop yields between batches, so a
purge of millions of rows never holds the database or the event loop for long. Files are
removed in a worker thread, before their rows: a crash in between leaves a row without its
file (which reads as "no recording"), never a file nobody will ever delete.

The clock is injectable (`clock`), so tests move time instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot_engine.call.spec import CallSpec
from bot_engine.service.call_status import TERMINAL
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage import Database, purge
from bot_engine.storage.models import utcnow
from bot_engine.storage.resealing import reseal

log = logging.getLogger(__name__)

MAX_BATCHES_PER_TENANT = 50
"""Per pass: a tenant with a huge backlog cannot starve the others; the next pass goes on."""


@dataclass
class PurgeReport:
    calls: int = 0
    recordings: int = 0


class Housekeeping:
    def __init__(
        self,
        db: Database,
        settings: ServiceSettings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self._stop = asyncio.Event()

    # --- the background task -----------------------------------------------------------

    async def run(self) -> None:
        """Reseal once, then purge until `stop()`. Errors are logged and retried next pass."""
        try:
            sealed = await reseal(self.db, self.settings.purge_batch)
            if sealed:
                log.info("sealed %d stored secrets with the current encryption key", sealed)
        except Exception:
            log.exception("sealing stored secrets failed; retried at the next start")
        while not self._stop.is_set():
            try:
                report = await self.purge_once()
                if report.calls or report.recordings:
                    log.info(
                        "retention: purged %d calls and %d recordings",
                        report.calls,
                        report.recordings,
                    )
            except Exception:
                log.exception("retention purge failed; retried at the next pass")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.purge_interval_s)

    def stop(self) -> None:
        self._stop.set()

    # --- retention ---------------------------------------------------------------------

    def retention_of(self, tenant_days: int | None) -> int | None:
        return tenant_days if tenant_days is not None else self.settings.default_retention_days

    async def purge_once(self) -> PurgeReport:
        report = PurgeReport()
        async with self.db.sessions() as session:
            tenants = await purge.tenant_retention(session)
        now = self.clock()
        for tenant_id, own_days in tenants:
            days = self.retention_of(own_days)
            if days is None:
                continue
            try:
                await self._purge_tenant(tenant_id, now - timedelta(days=days), report)
            except Exception:  # one tenant's trouble must not keep the others' data forever
                log.exception("retention purge failed for tenant %s", tenant_id)
        return report

    async def _purge_tenant(self, tenant_id: str, cutoff: datetime, report: PurgeReport) -> None:
        for _ in range(MAX_BATCHES_PER_TENANT):
            async with self.db.sessions() as session:
                batch = await purge.expired_calls(
                    session, tenant_id, cutoff, TERMINAL, self.settings.purge_batch
                )
            if not batch:
                return
            report.recordings += await self._remove_files(batch)
            async with self.db.write() as session:
                await purge.delete_calls(session, [call_id for call_id, _ in batch])
            report.calls += len(batch)
            await asyncio.sleep(0)  # let calls and requests run between batches
            if len(batch) < self.settings.purge_batch:
                return

    # --- the cap on simulated-call recordings ------------------------------------------

    async def make_room(self, spec: CallSpec) -> None:
        """Before a simulated call starts recording: keep only the newest
        `simulated_recordings_per_tenant - 1` recordings of its tenant. A failure is logged,
        never a reason not to place the call."""
        try:
            await self.trim_recordings(
                spec.tenant_id, self.settings.simulated_recordings_per_tenant - 1
            )
        except Exception:
            log.exception("cannot trim the recordings of tenant %s", spec.tenant_id)

    async def trim_recordings(self, tenant_id: str, keep: int) -> int:
        removed = 0
        for _ in range(MAX_BATCHES_PER_TENANT):
            async with self.db.sessions() as session:
                batch = await purge.surplus_recordings(
                    session, tenant_id, keep, TERMINAL, self.settings.purge_batch
                )
            if not batch:
                break
            removed += await self._remove_files(batch)
            async with self.db.write() as session:
                await purge.forget_recordings(session, [call_id for call_id, _ in batch])
            if len(batch) < self.settings.purge_batch:
                break
        return removed

    async def _remove_files(self, batch: Iterable[purge.CallFile]) -> int:
        paths = [Path(p) for call_id, p in batch if p and Path(p).name == f"{call_id}.wav"]
        return await asyncio.to_thread(_unlink_all, paths)


def _unlink_all(paths: list[Path]) -> int:
    removed = 0
    for path in paths:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("cannot remove recording %s: %s", path, exc)
    return removed
