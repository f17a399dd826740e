"""Transfers to targets a caller could have chosen are limited to the tenant's allow-list.

A script's `transfer` is a template, and call variables can come from the caller (SIP
`X-Var-*` headers, stream parameters) or from what the caller said (slots). A REFER to a
caller-chosen number is toll fraud: the trunk places, and bills, a call anywhere. So a
transfer target is allowed when it is exactly what one of the script's `transfer`
templates gives with the trusted variables alone (those the tenant set: the call's API
variables, a route's static ones, script defaults), or when it matches the tenant's
allow-list of numbers and patterns (the routing pattern syntax: text is exact, a regex
must match the whole target). Anything else fails as a refused transfer (logged); the
session then hangs up, as after any failed transfer.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bot_engine.call.route_patterns import matches
from bot_engine.script.model import Connect, Script
from bot_engine.script.templates import TemplateProblem, render
from media_gateway.call_leg import CallLeg, InboundEvent, Playback

log = logging.getLogger(__name__)


def transfer_templates(script: Script) -> set[str]:
    """Every `transfer` value and `connect.to` target anywhere in the script (steps,
    transitions, handlers)."""
    templates: set[str] = set()
    for found in _transfers(script):
        if isinstance(found, Connect):
            templates.update([found.to] if isinstance(found.to, str) else found.to)
        else:
            templates.add(found)
    return templates


def connects(script: Script) -> list[Connect]:
    """Every `connect` anywhere in the script."""
    return [found for found in _transfers(script) if isinstance(found, Connect)]


def _transfers(node: Any) -> Iterator[str | Connect]:
    if isinstance(node, Connect):
        yield node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name == "transfer" and isinstance(value, str):
                yield value
            else:
                yield from _transfers(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _transfers(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _transfers(value)


@dataclass(frozen=True)
class TransferRules:
    trusted: frozenset[str]
    """Targets the script's templates give from trusted variables alone."""
    allowed: tuple[str, ...] = ()
    """The tenant's allow-list: numbers (exact) and full-match patterns."""

    @classmethod
    def for_call(
        cls, script: Script, trusted_variables: dict[str, Any], allowed: tuple[str, ...] = ()
    ) -> TransferRules:
        context: dict[str, Any] = {
            name: spec.default for name, spec in script.variables.items()
        }
        context.update(trusted_variables)
        targets: set[str] = set()
        for template in transfer_templates(script):
            try:
                targets.add(render(template, context))
            except TemplateProblem:
                continue  # needs values only the call provides: not trusted as such
        targets.discard("")
        return cls(frozenset(targets), allowed)

    def permits(self, target: str) -> bool:
        return target in self.trusted or any(matches(p, target) for p in self.allowed)


class TransferGuardedLeg(CallLeg):
    """The call's leg, with transfers checked against `TransferRules` first."""

    def __init__(self, leg: CallLeg, rules: TransferRules) -> None:
        self._leg = leg
        self.rules = rules
        self.info = leg.info
        self.sample_rate = leg.sample_rate

    def events(self) -> AsyncIterator[InboundEvent]:
        return self._leg.events()

    def play(self, pcm: bytes) -> Playback:
        return self._leg.play(pcm)

    async def send_dtmf(self, digits: str) -> None:
        await self._leg.send_dtmf(digits)

    async def hangup(self) -> None:
        await self._leg.hangup()

    async def transfer(self, target: str, *, wait_s: float | None = None) -> bool:
        if not self.rules.permits(target):
            log.warning(
                "call %s: transfer to %r refused: not a target of the script's own, and not "
                "in the tenant's transfer allow-list", self.info.call_id, target[:80]
            )
            return False
        return await self._leg.transfer(target, wait_s=wait_s)

    def __getattr__(self, name: str) -> Any:  # transport extras (hold, stats, ...)
        return getattr(self._leg, name)
