"""Inbound routes of all tenants as one routing table: which route answers a call.

Pure logic (no I/O). The patterns mean what they mean in `voicebot serve-calls` routing
files (`bot_engine.call.routing.Match`: plain text is exact, text with a regex
metacharacter is a full-match regular expression), and per-call variables come from the
request the same way (`request_variables`: SIP `X-` headers, `X-Var-<name>`, WebSocket
`customParameters`).

A number belongs to at most one tenant, whatever field or pattern matches it:
- a route's *numbers* are its `to` and `sip_user` patterns (one namespace: a trunk puts
  the dialled number in both); a route with neither claims every number of its channels;
- creating a route whose numbers may overlap another tenant's on a shared channel is a
  conflict (`conflict_with`, using `route_patterns.may_overlap`, which never calls two
  overlapping patterns disjoint). WebSocket streams are addressed by route id and secret,
  not matched, so a `websocket`-only route claims no number;
- at call time, a call that routes of two tenants match is refused (`AmbiguousRoute`,
  naming both routes), never given to either; routes created before this rule can still
  lead there;
- within the one tenant whose routes match, the most specific wins (an exact `to`/
  `sip_user` before a pattern, a pattern before a route that matches any number), then
  the higher `priority`, then the older route. Priority never reaches across tenants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot_engine.call.route_patterns import is_regex, may_overlap
from bot_engine.call.routing import Match, Rule
from media_gateway.call_leg import CallInfo

Channel = Literal["sip", "websocket", "audiosocket"]


class RouteMatch(BaseModel):
    """What an incoming call must look like. Empty: any call on any channel."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    to: str | None = Field(
        default=None,
        max_length=200,
        description="The dialled number or SIP user (To header; the UUID on AudioSocket): "
        "exact text, or a regular expression such as `^\\+7495\\d+$`.",
    )
    from_: str | None = Field(
        default=None, alias="from", max_length=200, description="The caller: exact or regex."
    )
    sip_user: str | None = Field(
        default=None,
        max_length=200,
        description="The user part of the SIP Request-URI (what the trunk dialled).",
    )
    channel: Channel | None = Field(
        default=None, description="Only calls arriving over sip, websocket or audiosocket."
    )

    @field_validator("to", "from_", "sip_user")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            if not value.strip():
                raise ValueError("an empty pattern matches nothing; leave the field out")
            try:
                Match(callee=value)
            except ValidationError as exc:
                raise ValueError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
        return value

    def as_match(self) -> Match:
        return Match(
            callee=self.to, caller=self.from_, transport=self.channel, request_user=self.sip_user
        )

    @property
    def exact_to(self) -> str | None:
        return self.to if self.to is not None and not is_regex(self.to) else None

    def specificity(self) -> int:
        """2: an exact number or user; 1: a pattern; 0: any number."""
        targets = [t for t in (self.to, self.sip_user) if t is not None]
        if any(not is_regex(t) for t in targets):
            return 2
        if targets:
            return 1
        return 0


MATCHED_CHANNELS: tuple[Channel, ...] = ("sip", "audiosocket")
"""Channels whose calls are matched by number (WebSocket streams name their route)."""


def claimed_channels(match: RouteMatch) -> set[str]:
    """The matched channels whose numbers the route claims."""
    matched: set[str] = set(MATCHED_CHANNELS)
    return matched & {match.channel} if match.channel else matched


def numbers(match: RouteMatch) -> list[str]:
    """The route's number patterns (`to`, `sip_user`); empty: it matches every number."""
    return [p for p in (match.to, match.sip_user) if p is not None]


def conflict_with(new: RouteMatch, existing: RouteMatch) -> str | None:
    """Why `new` (one tenant's) could take calls `existing` (another tenant's) matches, or
    None. Callers and priorities do not matter: a number belongs to one tenant."""
    shared = claimed_channels(new) & claimed_channels(existing)
    if not shared:
        return None
    where = " and ".join(sorted(shared))
    mine, theirs = numbers(new), numbers(existing)
    if not mine:
        return (
            f"a route without `to` or `sip_user` takes every number on {where}, and another "
            "tenant already routes numbers there"
        )
    if not theirs:
        return f"another tenant already takes every number on {where}"
    for pattern in mine:
        if any(may_overlap(pattern, other) for other in theirs):
            kind = "pattern" if is_regex(pattern) else "number"
            return (
                f"the {kind} {pattern!r} could match a number another tenant already routes "
                f"on {where}"
            )
    return None


@dataclass(frozen=True)
class StoredRoute:
    """One tenant's route in matching form (built from the database row)."""

    id: str
    tenant_id: str
    match: RouteMatch
    script_id: str
    version: int | None
    variables: dict[str, Any]
    variable_headers: dict[str, str]
    """Variable name → request header (or custom parameter) that carries it."""
    webhook: dict[str, Any] | None
    priority: int
    created_at: datetime

    def rule(self) -> Rule:
        """The same rule a routing file would hold, so variables are read the same way."""
        return Rule(
            match=self.match.as_match(),
            script=self.script_id,
            variables=self.variables,
            headers={header: name for name, header in self.variable_headers.items()},
        )

    @cached_property
    def matcher(self) -> Match:
        return self.match.as_match()

    def rank(self) -> tuple[int, int]:
        return (self.match.specificity(), self.priority)


class AmbiguousRoute(Exception):
    """Routes of more than one tenant match a call: it is given to neither."""

    def __init__(self, routes: list[StoredRoute]) -> None:
        self.route_ids = [r.id for r in routes]
        described = ", ".join(f"{r.id} (tenant {r.tenant_id})" for r in routes)
        super().__init__(f"routes of {len({r.tenant_id for r in routes})} tenants match: "
                         f"{described}")


def choose(routes: list[StoredRoute], info: CallInfo) -> StoredRoute | None:
    """The route that answers the call, or None. Raises AmbiguousRoute when routes of
    different tenants match (whatever their specificity or priority)."""
    best: dict[str, StoredRoute] = {}
    for route in routes:
        if not route.matcher.matches(info):
            continue
        current = best.get(route.tenant_id)
        if current is None or _better(route, current):
            best[route.tenant_id] = route
    if len(best) > 1:
        raise AmbiguousRoute(sorted(best.values(), key=lambda r: r.tenant_id))
    return next(iter(best.values()), None)


def _better(route: StoredRoute, than: StoredRoute) -> bool:
    """One tenant's order: specificity, then priority, then the older route."""
    if route.rank() != than.rank():
        return route.rank() > than.rank()
    return (route.created_at, route.id) < (than.created_at, than.id)
