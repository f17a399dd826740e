"""SSRF guard: customers choose webhook URLs, so a URL must not reach our own network.

A target is refused when its host resolves to a loopback, private, link-local, multicast,
reserved or unspecified address, unless the host or the address matches the configured
allow-list (hostnames or CIDR ranges). Checked when a call is created (a clear 422) and again
before every attempt (DNS may have changed).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TargetRefused(ValueError):
    """The URL is not an allowed delivery target."""


def _is_internal(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return _is_internal(addr.ipv4_mapped)
    return bool(
        addr.is_loopback
        or addr.is_private
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )


class SsrfGuard:
    def __init__(self, allowlist: list[str]) -> None:
        self._hosts: set[str] = set()
        self._networks: list[Network] = []
        for entry in allowlist:
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self._hosts.add(entry.lower().rstrip("."))

    def _allowed_address(self, addr: IPAddress) -> bool:
        return any(addr in net for net in self._networks)

    @staticmethod
    def split(url: str) -> tuple[str, int]:
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
        if host in self._hosts:
            return
        if not addresses:
            raise TargetRefused(f"{host} does not resolve")
        for addr in addresses:
            if _is_internal(addr) and not self._allowed_address(addr):
                raise TargetRefused(
                    f"{host} resolves to {addr}, a private or loopback address; "
                    "allow-list it in the configuration (ssrf_allowlist) to deliver there"
                )

    def check_sync(self, url: str) -> None:
        """`check` for code running in a worker thread."""
        host, port = self.split(url)
        if host in self._hosts:
            return
        try:
            literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            self.check_addresses(host, [literal])
            return
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise TargetRefused(f"{host} does not resolve: {exc}") from exc
        self.check_addresses(
            host, [ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in infos]
        )

    async def check(self, url: str) -> None:
        """Raise TargetRefused unless `url` may be delivered to."""
        host, port = self.split(url)
        if host in self._hosts:
            return
        try:
            literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            self.check_addresses(host, [literal])
            return
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise TargetRefused(f"{host} does not resolve: {exc}") from exc
        addresses: list[IPAddress] = []
        for info in infos:
            addresses.append(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
        self.check_addresses(host, addresses)
