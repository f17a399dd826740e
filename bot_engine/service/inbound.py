"""Answering inbound calls inside the service: route them from the database, record them
as calls, run the live session, and report through the same sink as outbound calls.

Whatever the transport (SIP, Twilio Media Streams WebSocket, Asterisk AudioSocket), a
call goes: find the route → `CallCreation.open_inbound` (the call row appears, `ringing`)
→ the one `Answerer` (prompts rendered and ASR loaded while it rings → answer → the live
session → turns and dialog state written as they happen → what the session measured →
`finish`: result, outbox).
A call that cannot be routed is refused at the edge (SIP 404, WebSocket/AudioSocket
closed) with a log line; one failing call never stops the others.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import replace
from typing import Any

from bot_engine.call.answerer import Answerer, CallRefused, OpenedCall
from bot_engine.call.routing import request_variables
from bot_engine.script import ScriptError
from bot_engine.service.call_creation import CallCreation
from bot_engine.service.errors import Invalid, NotFound, ServiceError
from bot_engine.service.inbound_routing import AmbiguousRoute, StoredRoute
from bot_engine.service.route_lookup import RouteLookup, RoutingBusy, stored_route
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage import inbound_routes as route_repo
from bot_engine.storage import scripts as script_repo
from bot_engine.tasks import TaskSet
from media_gateway.call_leg import CallInfo, CallLeg
from media_gateway.sip import IncomingCall

log = logging.getLogger(__name__)

__all__ = ["CallRefused", "InboundCalls"]


class InboundCalls:
    """Routes inbound calls from the stored routes, records them as calls, and hands them
    to the one `Answerer` (which reports to the service's sink like any call)."""

    def __init__(
        self, creation: CallCreation, answerer: Answerer, settings: ServiceSettings
    ) -> None:
        self.creation = creation
        self.answerer = answerer
        self.settings = settings
        self.db = creation.db
        self.routes = RouteLookup(self.db)
        self._tasks = TaskSet(log_errors="an inbound call handler")

    # --- routing -----------------------------------------------------------------------

    async def find(self, info: CallInfo) -> StoredRoute:
        """The route for a call, or CallRefused (no route: 404; routes of two tenants
        match: 404 too, so a caller never learns which tenants exist; too many calls
        waiting for routing: 503)."""
        try:
            route = await self.routes.find(info)
        except AmbiguousRoute as exc:
            raise CallRefused(f"ambiguous route: {exc}", 404, "No route") from None
        except RoutingBusy as exc:
            raise CallRefused(f"routing is busy: {exc}", 503, "Service Unavailable") from None
        if route is None:
            raise CallRefused("no route", 404, "No route")
        return route

    async def route_with_token(self, route_id: str, token: str) -> StoredRoute | None:
        """The route a WebSocket stream names, if its secret is right (constant-time)."""
        if not route_id or not token or len(route_id) > 64 or len(token) > 256:
            return None
        async with self.db.sessions() as session:
            row = await route_repo.route_by_id(session, route_id)
        if row is None:
            return None
        if not hmac.compare_digest(row.token_hash, route_repo.hash_token(token)):
            return None
        return stored_route(row)

    async def open(self, route: StoredRoute, info: CallInfo) -> OpenedCall:
        """Record the call (`ringing`) with its variables from the route and the request."""
        async with self.db.sessions() as session:
            script = await script_repo.get_script(session, route.tenant_id, route.script_id)
            version = (
                await script_repo.get_version(session, script, route.version) if script else None
            )
        if version is None:
            raise CallRefused(
                f"route {route.id}: script {route.script_id!r} is gone", 404, "Script not found"
            )
        try:  # parsed off the loop if not cached (after a restart)
            loaded = await self.creation.scripts.load(version)
        except (ScriptError, ServiceError) as exc:
            raise CallRefused(f"route {route.id}: {exc}", 503, "Service Unavailable") from None
        values = request_variables(route.rule(), loaded.script, info.params)
        try:
            spec = await self.creation.open_inbound(
                tenant_id=route.tenant_id,
                script_id=route.script_id,
                version=version.version,
                to_number=(info.callee or info.transport)[:64],
                from_number=info.caller[:64] or None,
                variables=values,
                delivery_target=route.webhook,
            )
        except Invalid as exc:
            problems = "; ".join(str(i.get("message", i)) for i in exc.issues or [])
            raise CallRefused(
                f"bad call variables: {problems or exc.message}", 400, "Bad call variables"
            ) from None
        except NotFound as exc:
            raise CallRefused(exc.message, 404, "Script not found") from None
        # only the route's own variables are the tenant's: whatever the request carried
        # (headers, stream parameters) is the caller's (see `TransferRules`)
        return OpenedCall(spec, trusted=dict(route.variables))

    # --- transports --------------------------------------------------------------------

    def take_sip(self, incoming: IncomingCall) -> None:
        """Handle an INVITE in its own task (the SIP listener loop never waits on a call)."""
        self._spawn(self.answer_sip(incoming), f"inbound-sip-{incoming.info.call_id}")

    async def answer_sip(self, incoming: IncomingCall) -> None:
        async def open_call(info: CallInfo) -> OpenedCall:
            route = await self.find(info)
            opened = await self.open(route, info)
            log.info("SIP call %s to %r: route %s", info.call_id, info.callee, route.id)
            return opened

        await self.answerer.answer_sip(incoming, open_call)

    async def answer_stream(self, leg: CallLeg, route: StoredRoute) -> None:
        """A Twilio Media Streams call, already authenticated for `route`."""
        if route.match.channel not in (None, "websocket"):
            log.warning(
                "stream %s refused: route %s is for %s calls",
                leg.info.call_id,
                route.id,
                route.match.channel,
            )
            await leg.hangup()
            return
        await self._answer_connected(leg, route, leg.info)

    async def answer_stream_params(self, leg: CallLeg) -> None:
        """A Twilio stream that names its route in `customParameters` (`route`, `token`)."""
        params = leg.info.params
        route = await self.route_with_token(params.get("route", ""), params.get("token", ""))
        if route is None:
            log.warning(
                "stream %s refused: unknown route or bad token in customParameters",
                leg.info.call_id,
            )
            await leg.hangup()
            return
        await self.answer_stream(leg, route)

    async def answer_audiosocket(self, leg: CallLeg) -> None:
        """AudioSocket carries only the call's UUID: a route's `audiosocket_uuid` names
        that route (and is required with `audiosocket_require_token`); any other UUID is
        matched as the dialled `to`."""
        route = await self.route_with_audiosocket_key(leg.info.call_id)
        if route is not None:
            info = replace(leg.info, callee=f"audiosocket:{route.id}")  # not the key itself
        elif self.settings.audiosocket_require_token:
            log.warning("AudioSocket call refused: its UUID is no route's audiosocket_uuid")
            await leg.hangup()
            return
        else:
            info = replace(leg.info, callee=leg.info.call_id)
            try:
                route = await self.find(info)
            except CallRefused as exc:
                log.warning("AudioSocket call %s refused: %s", info.call_id, exc)
                await leg.hangup()
                return
        await self._answer_connected(leg, route, info)

    async def route_with_audiosocket_key(self, key: str) -> StoredRoute | None:
        """The route whose AudioSocket key is `key` (compared in constant time)."""
        async with self.db.sessions() as session:
            rows = await route_repo.all_routes(session)
        found = None
        for row in rows:
            if row.match.get("channel") in (None, "audiosocket") and hmac.compare_digest(
                route_repo.audiosocket_uuid(row.token_hash), key.lower()
            ):
                found = row
        return stored_route(found) if found is not None else None

    async def _answer_connected(self, leg: CallLeg, route: StoredRoute, info: CallInfo) -> None:
        """Media streams arrive connected: open, prepare, run (or hang up on bad input)."""
        try:
            opened = await self.open(route, info)
        except CallRefused as exc:
            log.warning("%s call %s refused: %s", info.transport, info.call_id, exc)
            await leg.hangup()
            return
        log.info("%s call %s: route %s, call %s", info.transport, info.call_id, route.id,
                 opened.spec.call_id)
        await self.answerer.answer_connected(leg, opened)

    # --- lifecycle ---------------------------------------------------------------------

    def _spawn(self, coro: Any, name: str) -> None:
        self._tasks.spawn(coro, name=name)

    @property
    def active(self) -> int:
        return len(self._tasks)

    async def close(self, timeout_s: float = 10.0) -> None:
        """Calls still running after the listeners closed (their legs ended) get
        `timeout_s` to write their results, then are cancelled."""
        self.routes.close()
        await self._tasks.close(timeout_s)
