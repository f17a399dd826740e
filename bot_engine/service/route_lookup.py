"""Finding an inbound call's route without stalling the event loop.

Every tenant's route patterns are matched for every INVITE (a number belongs to one
tenant, so all of them must be asked), and patterns come from tenants. The matching runs
in one worker thread (patterns run in linear time: `bot_engine.tenant_regex`), and only a
bounded number of calls may wait for the worker:
beyond that a call is refused as busy rather than queued without bound. Routes are
immutable once created, so each is parsed once and kept until it is deleted.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bot_engine.service.inbound_routing import RouteMatch, StoredRoute, choose
from bot_engine.storage import inbound_routes as route_repo
from bot_engine.storage.db import Database
from bot_engine.storage.models import InboundRoute
from media_gateway.call_leg import CallInfo

MAX_WAITING = 32
"""Calls waiting for the routing worker beyond this are refused as busy."""


class RoutingBusy(Exception):
    """Too many calls are waiting for their route already."""


def stored_route(row: InboundRoute) -> StoredRoute:
    return StoredRoute(
        id=row.id,
        tenant_id=row.tenant_id,
        match=RouteMatch.model_validate(row.match),
        script_id=row.script_name,
        version=row.version,
        variables=dict(row.variables),
        variable_headers={str(k): str(v) for k, v in row.variable_headers.items()},
        webhook=row.webhook,
        priority=row.priority,
        created_at=row.created_at,
    )


class RouteLookup:
    def __init__(self, db: Database, *, max_waiting: int = MAX_WAITING) -> None:
        self.db = db
        self.max_waiting = max_waiting
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbound-routing")
        self._parsed: dict[str, StoredRoute] = {}
        """Only the worker thread reads and writes this."""
        self._waiting = 0

    async def find(self, info: CallInfo) -> StoredRoute | None:
        """The call's route or None; AmbiguousRoute when two tenants' routes match it,
        RoutingBusy when too many calls are waiting already."""
        if self._waiting >= self.max_waiting:
            raise RoutingBusy(f"{self._waiting} calls are waiting for their route")
        self._waiting += 1
        try:
            async with self.db.sessions() as session:
                # loaded and detached: the worker reads their columns, never the database
                rows = await route_repo.all_routes(session)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, self._choose, rows, info)
        finally:
            self._waiting -= 1

    def _choose(self, rows: list[InboundRoute], info: CallInfo) -> StoredRoute | None:
        routes = [self._parsed.get(row.id) or self._parse(row) for row in rows]
        if len(self._parsed) > len(rows):
            live = {row.id for row in rows}
            for gone in [key for key in self._parsed if key not in live]:
                del self._parsed[gone]
        return choose(routes, info)

    def _parse(self, row: InboundRoute) -> StoredRoute:
        route = self._parsed[row.id] = stored_route(row)
        return route

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
