"""This worker in a cluster of `voicebot serve` processes sharing one database.

It registers itself in the `workers` table, keeps its heartbeat fresh (with its active
calls and whether it is draining), and on every beat looks for dead workers: one survivor
takes each (`storage.leases`), ends its calls in progress with a result from their saved
dialog state (the same crash recovery a restart runs) and places its queued calls, so
nothing is lost and nothing is done twice.

On SQLite there is one worker by definition: at start-up every other row is dead and
every unfinished call is recovered, as a restart always did.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage import Database, leases
from bot_engine.storage.models import utcnow

log = logging.getLogger(__name__)

Recover = Callable[[Collection[str]], Awaitable[int]]
"""Ends the given calls in progress and places the given queued ones (`CallService`)."""


def default_worker_id(host: str, port: int) -> str:
    """`voicebot serve`'s id: its HTTP address, stable across restarts in place."""
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    return f"{shown}:{port}"


def unique_worker_id() -> str:
    """An app not started by `serve` (embedded, tests): an id of its own."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class WorkerRegistry:
    def __init__(
        self,
        db: Database,
        worker_id: str,
        recover: Recover,
        *,
        address: str,
        http_port: int | None,
        sip_port: Callable[[], int | None] = lambda: None,
        heartbeat_s: float = 2.0,
        lease_s: float = 10.0,
    ) -> None:
        self.db = db
        self.id = worker_id
        self.recover = recover
        self.address = address
        self.http_port = http_port
        self.sip_port = sip_port
        self.heartbeat_s = heartbeat_s
        self.lease_s = lease_s
        self.draining = False
        self.active_calls = 0
        self.chores: list[Callable[[], Awaitable[Any]]] = []
        """Other periodic claims, run after each sweep (unfinished prompt renderings)."""
        self._wake = asyncio.Event()
        self._stopping = False

    @property
    def single(self) -> bool:
        """SQLite: one worker only (several processes would not share its write lock)."""
        return self.db.is_sqlite

    async def register(self) -> None:
        async with self.db.write() as session:
            await leases.register(
                session,
                self.id,
                address=self.address,
                http_port=self.http_port,
                sip_port=self.sip_port(),
                now=utcnow(),
            )

    async def start(self) -> int:
        """Register, then take over what dead workers (and a previous run of this one) left;
        returns how many calls in progress were ended."""
        async with self.db.write() as session:
            await leases.disown(session, self.id)
        await self.register()
        return await self.sweep(everyone_else=self.single)

    async def beat(self) -> None:
        """Refresh our row (with the SIP port, known once the listeners run)."""
        async with self.db.write() as session:
            active = await leases.heartbeat(
                session, self.id, draining=self.draining, now=utcnow(), sip_port=self.sip_port()
            )
        if active is None:
            log.warning("worker %s was taken for dead; registering again", self.id)
            await self.register()
            active = 0
        self.active_calls = active

    async def sweep(self, *, everyone_else: bool = False) -> int:
        """Take over dead workers' calls: end those in progress, place the queued ones."""
        async with self.db.write() as session:
            dead = await leases.take_dead(
                session, utcnow(), self.lease_s, all_but=self.id if everyone_else else None
            )
            orphans = await leases.adopt_orphans(session, self.id, queued=not self.draining)
        if dead:
            log.warning("workers %s stopped beating: taking their calls over", dead)
        if not orphans.active and not orphans.queued:
            return 0
        log.warning(
            "took over %d calls in progress and %d queued calls",
            len(orphans.active), len(orphans.queued),
        )
        return await self.recover([*orphans.active, *orphans.queued])

    async def run(self) -> None:
        """Beat and sweep until `stop()`; database errors are logged and retried."""
        while not self._stopping:
            self._wake.clear()
            try:
                await self.beat()
                if not self.single:  # SQLite: nobody else to take over after start-up
                    await self.sweep()
                if not self.draining:
                    for chore in self.chores:
                        await chore()
            except Exception:
                log.exception("worker heartbeat failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.heartbeat_s)

    def wake(self) -> None:
        self._wake.set()

    async def drain(self) -> None:
        """Mark this worker draining (shown to the others and on /healthz at once)."""
        self.draining = True
        await self.beat()

    async def leave(self) -> None:
        """A clean exit: queued calls go to the other workers, the row goes away."""
        self._stopping = True
        self._wake.set()
        try:
            async with self.db.write() as session:
                released = await leases.release_queued(session, self.id)
                await leases.remove(session, self.id)
        except Exception:  # the others take over when the lease runs out, as after a crash
            log.exception("cannot leave the cluster cleanly")
            return
        if released:
            log.info("handed %d queued calls to the other workers", released)

    async def campaign_share(
        self, session: AsyncSession, campaign_id: str, max_concurrent: int
    ) -> int:
        """How many more of the campaign's calls this worker may place: its even share of
        `max_concurrent` among the workers taking calls, less what it holds already."""
        workers = max(1, await leases.taking_calls(session, utcnow(), self.lease_s))
        mine = await leases.campaign_calls_here(session, campaign_id, self.id)
        return max(0, math.ceil(max_concurrent / workers) - mine)

    async def snapshot(self) -> list[dict[str, Any]]:
        """Every worker's row, for /healthz."""
        async with self.db.sessions() as session:
            rows = await leases.list_workers(session)
        now = utcnow()
        return [_row(worker, now, self.lease_s) for worker in rows]


def _row(worker: Any, now: datetime, lease_s: float) -> dict[str, Any]:
    age = (now - worker.heartbeat_at).total_seconds()
    return {
        "id": worker.id,
        "address": worker.address,
        "http_port": worker.http_port,
        "sip_port": worker.sip_port,
        "active_calls": worker.active_calls,
        "draining": worker.draining,
        "heartbeat_age_s": round(age, 1),
        "alive": age <= lease_s,
    }
