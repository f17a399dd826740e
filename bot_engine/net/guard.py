"""SSRF guard: tenants choose the URLs we call (result webhooks, CRM portals, mid-call
webhooks), so a URL must not reach the robot's own network.

A target is refused unless every address its host resolves to is a public unicast address
(`is_global`, and not multicast; IPv6 only in 2000::/3 and not 6to4 2002::/16, whose
embedded IPv4 may be private), or the host or the address is on the operator's allow-list
(hostnames or CIDR ranges, `ssrf_allowlist`). So loopback, RFC 1918, link-local,
carrier-grade NAT 100.64.0.0/10 (cloud metadata at 100.100.100.200 lives there), the
documentation and benchmarking ranges, NAT64 and IPv4-mapped forms of any of these are all
refused.

`resolve` is the one place a name becomes addresses: the pinned transport
(`bot_engine.net.client`) connects to exactly the addresses it returned, so DNS cannot
answer one thing to the check and another to the connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from bot_engine.net.errors import NetError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
"""(host, port) → the addresses to connect to, in the order to try them."""

_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_IETF_PROTOCOL_V4 = ipaddress.IPv4Network("192.0.0.0/24")
"""Not globally reachable (RFC 6890); Python 3.11's `is_global` knows only parts of it."""


class TargetRefused(NetError, ValueError):
    """The URL is not an allowed target (bad URL, internal address, does not resolve)."""


def is_public(addr: IPAddress) -> bool:
    """True for an address on the public internet; False for anything internal."""
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return is_public(addr.ipv4_mapped)
        return addr in _GLOBAL_UNICAST_V6 and addr not in _SIX_TO_FOUR and addr.is_global
    return addr.is_global and not addr.is_multicast and addr not in _IETF_PROTOCOL_V4


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The system's resolver (getaddrinfo in the loop's executor), answers in its order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"{host} does not resolve: {exc}") from exc
    found: list[IPAddress] = []
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if addr not in found:
            found.append(addr)
    return found


class SsrfGuard:
    def __init__(self, allowlist: Iterable[str] = (), resolver: Resolver | None = None) -> None:
        self._hosts: set[str] = set()
        self._networks: list[Network] = []
        for entry in allowlist:
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self._hosts.add(entry.lower().rstrip("."))
        self._resolve = resolver or system_resolver

    def _allowed_address(self, addr: IPAddress) -> bool:
        return any(addr in net for net in self._networks)

    @staticmethod
    def split(url: str) -> tuple[str, int]:
        """(host, port) of an http(s) URL without credentials; TargetRefused otherwise."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise TargetRefused(f"not a valid URL: {url!r}") from exc
        if parts.scheme not in ("http", "https"):
            raise TargetRefused(f"only http and https URLs are allowed, got {parts.scheme!r}")
        if not parts.hostname:
            raise TargetRefused("the URL has no host")
        if parts.username or parts.password:
            raise TargetRefused("credentials in the URL are not allowed")
        return parts.hostname.lower().rstrip("."), port or (443 if parts.scheme == "https" else 80)

    def check_addresses(self, host: str, addresses: list[IPAddress]) -> None:
        if host.lower().rstrip(".") in self._hosts:
            return
        if not addresses:
            raise TargetRefused(f"{host} does not resolve")
        for addr in addresses:
            if not is_public(addr) and not self._allowed_address(addr):
                raise TargetRefused(
                    f"{host} resolves to {addr}, which is not a public address; an operator "
                    "can allow-list a private host or range (ssrf_allowlist)"
                )

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        """The addresses to connect to for `host`, all checked; TargetRefused otherwise."""
        name = host.strip("[]")
        try:
            addresses: list[IPAddress] = [ipaddress.ip_address(name.split("%")[0])]
        except ValueError:
            addresses = await self._resolve(name, port)
        self.check_addresses(name, addresses)
        return addresses

    async def check(self, url: str) -> None:
        """Raise TargetRefused unless `url` may be called (a clear 422 when a target is
        stored; every connection is checked again as it is made)."""
        host, port = self.split(url)
        if host in self._hosts:
            return  # the operator trusts this name; it is resolved when connected to
        await self.resolve(host, port)
