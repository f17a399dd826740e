"""The few pieces of SIP grammar that addresses and messages share: the parse error and
`;name=value` parameters. Both `address` and `message` build on this module, so neither
needs the other to parse (a message checks its Via/From/To with `address`)."""

from __future__ import annotations

from media_gateway.errors import GatewayError


class SipParseError(GatewayError, ValueError):
    """The bytes are not a valid SIP message; the text says exactly why."""


def parse_params(text: str) -> dict[str, str]:
    """`a=1;b;c="x"` -> {"a": "1", "b": "", "c": "x"} (names lower-cased)."""
    params: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, value = part.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        params[name.strip().lower()] = value
    return params
