"""What an outbound call may dial, and through where.

A call's `to` comes from a tenant. A number (or a user name at the trunk) is dialled as
`sip:NUMBER@TRUNK` through the configured trunk or proxy, which is where calls are meant
to go (and be paid for). A `sip:` URI names a host of its own: a tenant could point the
robot at an internal PBX or any address inside the network (SSRF over SIP), so a SIP URI
is only for tenants allowed it explicitly, and its host must resolve to public addresses
only, unless the operator allow-lists the host or its network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot_engine.call.errors import CallError
from bot_engine.net import SsrfGuard, TargetRefused
from media_gateway.sip.address import SipUri
from media_gateway.sip.message import SipParseError

NUMBER = re.compile(r"^\+?[0-9A-Za-z_.*#-]{1,64}$")
"""A number or a user name at the trunk: no scheme, no host."""


class DialRefused(CallError, ValueError):
    """The target may not be dialled; the text says why."""


class NoTrunk(DialRefused):
    """A number, and no trunk to dial it through."""


def is_sip_uri(to: str) -> bool:
    return to.lower().startswith(("sip:", "sips:"))


def target_uri(to: str, proxy: str | None) -> str:
    """`sip:NUMBER@TRUNK` for a number, or a SIP URI as given (its host is checked by
    `HostRules`). DialRefused for anything else, or a number with no trunk configured."""
    if is_sip_uri(to):
        try:
            SipUri.parse(to)
        except SipParseError as exc:
            raise DialRefused(str(exc)) from None
        return to
    if not NUMBER.match(to):
        raise DialRefused(f"{to[:70]!r} is neither a number nor a SIP URI")
    if not proxy:
        raise NoTrunk(f"{to!r} is a number, and no trunk (sip_proxy / --proxy) is set")
    host = proxy.rpartition(":")[0] or proxy
    return f"sip:{to}@{host}"


class HostRules:
    """Hosts a SIP URI may name: public addresses, or what the operator allow-listed
    (host names or CIDR ranges, as `ssrf_allowlist`). The address rule is the one
    `SsrfGuard` applies to every outbound HTTP request."""

    def __init__(self, guard: SsrfGuard | None = None) -> None:
        self.guard = guard or SsrfGuard()

    @classmethod
    def from_allowlist(cls, entries: Iterable[str]) -> HostRules:
        return cls(SsrfGuard(entries))

    async def check(self, uri: str) -> None:
        """DialRefused unless every address the URI's host resolves to may be called.
        (The user agent resolves the name again when it dials; the window is the same as
        for any DNS-named trunk.)"""
        try:
            host, port = SipUri.parse(uri).address()
        except SipParseError as exc:
            raise DialRefused(str(exc)) from None
        try:
            await self.guard.resolve(host.lower().rstrip("."), port)
        except TargetRefused as exc:
            raise DialRefused(
                f"{exc}; a SIP URI may only name such a host if it is allow-listed"
            ) from None
