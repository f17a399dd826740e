"""Inbound routes of all tenants as one routing table: which route answers a call.

Pure logic (no I/O). The patterns mean what they mean in `voicebot serve-calls` routing
files (`bot_engine.call.routing.Match`: plain text is exact, text with a regex
metacharacter is a full-match regular expression), and per-call variables come from the
request the same way (`request_variables`: SIP `X-` headers, `X-Var-<name>`, WebSocket
`customParameters`).

A dialled number must lead to exactly one route, whatever tenant owns it:
- the most specific match wins: an exact `to`/`sip_user` before a pattern, a pattern
  before a route that matches any number; then the higher `priority`; then the older route;
- creating a route whose exact `to` (or catch-all on the same channel) another tenant
  already has is a conflict (`conflict_with`), and if patterns of two tenants still tie
  at run time the call is refused (`AmbiguousRoute`) rather than given to either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot_engine.call.routing import Match, Rule, is_regex
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

    @property
    def catch_all(self) -> bool:
        return self.to is None and self.from_ is None and self.sip_user is None

    def specificity(self) -> int:
        """2: an exact number or user; 1: a pattern; 0: any number."""
        targets = [t for t in (self.to, self.sip_user) if t is not None]
        if any(not is_regex(t) for t in targets):
            return 2
        if targets:
            return 1
        return 0


def conflict_with(new: RouteMatch, existing: RouteMatch) -> str | None:
    """Why `new` (one tenant's) would take calls `existing` (another tenant's) gets."""
    if not _channels_overlap(new.channel, existing.channel):
        return None
    if new.exact_to is not None and new.exact_to == existing.exact_to:
        return f"the number {new.exact_to!r} is already routed by another tenant"
    if (
        new.sip_user is not None
        and not is_regex(new.sip_user)
        and (new.sip_user == existing.sip_user)
    ):
        return f"the SIP user {new.sip_user!r} is already routed by another tenant"
    if new.catch_all and existing.catch_all:
        channel = new.channel or existing.channel or "every channel"
        return f"another tenant already has a catch-all route on {channel}"
    return None


def _channels_overlap(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


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

    def rank(self) -> tuple[int, int]:
        return (self.match.specificity(), self.priority)


class AmbiguousRoute(Exception):
    """Routes of more than one tenant match a call equally well."""


def choose(routes: list[StoredRoute], info: CallInfo) -> StoredRoute | None:
    """The route that answers the call, or None. Raises AmbiguousRoute when the best
    matches belong to different tenants."""
    candidates = [r for r in routes if r.match.as_match().matches(info)]
    if not candidates:
        return None
    best = max(r.rank() for r in candidates)
    top = [r for r in candidates if r.rank() == best]
    tenants = {r.tenant_id for r in top}
    if len(tenants) > 1:
        raise AmbiguousRoute(
            f"routes {sorted(r.id for r in top)} of {len(tenants)} tenants all match"
        )
    return min(top, key=lambda r: (r.created_at, r.id))
