"""SIP URIs, name-addr values (From/To/Contact/Refer-To) and Via values. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from media_gateway.sip.grammar import SipParseError, parse_params

_URI = re.compile(
    r"^(?P<scheme>sips?|tel):(?:(?P<user>[^@;?]*)@)?(?P<host>\[[^\]]+\]|[^:;?]+)"
    r"(?::(?P<port>\d{1,5}))?(?P<params>;[^?]*)?(?:\?(?P<headers>.*))?$",
    re.IGNORECASE,
)


_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # a tab is white space


def _no_controls(text: str) -> None:
    """Addresses become header values: a line break in one would inject headers."""
    if _CONTROLS.search(text.strip()):
        raise SipParseError(f"control character in address {text[:80]!r}")


@dataclass(frozen=True)
class SipUri:
    scheme: str
    user: str
    host: str
    port: int | None = None
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> SipUri:
        _no_controls(text)
        match = _URI.match(text.strip())
        if not match:
            raise SipParseError(f"not a SIP URI: {text[:80]!r}")
        port = int(match.group("port")) if match.group("port") else None
        if port is not None and not 0 < port < 65536:
            raise SipParseError(f"URI port {port} is out of range")
        return cls(
            scheme=match.group("scheme").lower(),
            user=match.group("user") or "",
            host=match.group("host"),
            port=port,
            params=parse_params(match.group("params") or ""),
        )

    @property
    def transport(self) -> str:
        return self.params.get("transport", "udp").lower()

    def address(self, default_port: int = 5060) -> tuple[str, int]:
        return self.host.strip("[]"), self.port or default_port

    def with_params(self, **params: str) -> SipUri:
        return replace(self, params={**self.params, **params})

    def __str__(self) -> str:
        text = f"{self.scheme}:"
        if self.user:
            text += f"{self.user}@"
        text += self.host
        if self.port:
            text += f":{self.port}"
        for name, value in self.params.items():
            text += f";{name}={value}" if value else f";{name}"
        return text


@dataclass(frozen=True)
class NameAddr:
    """`"Display" <uri>;params` as used by From, To, Contact, Refer-To, Route."""

    uri: str
    display: str = ""
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> NameAddr:
        _no_controls(text)
        text = text.strip()
        if "<" in text:
            display, _, rest = text.partition("<")
            uri, closed, tail = rest.partition(">")
            if not closed:
                raise SipParseError(f"unclosed '<' in {text[:80]!r}")
            display = display.strip().strip('"')
            return cls(uri=uri.strip(), display=display, params=parse_params(tail))
        uri, _, tail = text.partition(";")
        if ":" not in uri:
            raise SipParseError(f"not an address: {text[:80]!r}")
        return cls(uri=uri.strip(), params=parse_params(tail))

    @property
    def tag(self) -> str:
        return self.params.get("tag", "")

    def with_tag(self, tag: str) -> NameAddr:
        return replace(self, params={**self.params, "tag": tag})

    @property
    def user(self) -> str:
        try:
            return SipUri.parse(self.uri).user
        except SipParseError:
            return ""

    def __str__(self) -> str:
        text = f'"{self.display}" <{self.uri}>' if self.display else f"<{self.uri}>"
        for name, value in self.params.items():
            text += f";{name}={value}" if value else f";{name}"
        return text


@dataclass(frozen=True)
class Via:
    transport: str
    host: str
    port: int | None
    params: dict[str, str]

    @classmethod
    def parse(cls, text: str) -> Via:
        sent, _, params = text.strip().partition(";")
        protocol, _, sent_by = sent.strip().partition(" ")
        parts = protocol.split("/")
        if len(parts) != 3 or parts[0].upper() != "SIP":
            raise SipParseError(f"Via {text[:80]!r} has no SIP/2.0/<transport>")
        host, _, port = sent_by.strip().partition(":")
        if not host:
            raise SipParseError(f"Via {text[:80]!r} has no host")
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            raise SipParseError(f"Via port {port[:10]!r} is not valid")
        return cls(parts[2].upper(), host, int(port) if port else None, parse_params(params))

    @property
    def branch(self) -> str:
        return self.params.get("branch", "")
