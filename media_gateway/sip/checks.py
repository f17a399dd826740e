"""What the core accepts from callers and from the application, as pure functions.

Everything a caller or a tenant chooses ends up in a SIP line, so each value is checked
before it is used: dial targets, caller names and headers (no line breaks), transfer
targets, and the `X-` headers that become call variables (bounded).
"""

from __future__ import annotations

import re

from media_gateway.call_leg import CallInfo
from media_gateway.sip.address import NameAddr, SipUri
from media_gateway.sip.grammar import SipParseError
from media_gateway.sip.message import HeaderInjection, SipRequest, check_header_text
from media_gateway.sip.outcomes import CallFailed

_USER = re.compile(r"^[A-Za-z0-9+\-_.!~*'()%]{1,64}$")
"""A user part we put in a From URI ourselves (RFC 3261 unreserved characters)."""
_NUMBER = re.compile(r"^\+?[0-9*#]{1,32}$")
_SAFE_URI_TEXT = re.compile(r"^[A-Za-z0-9+\-_.!~*'()%:@;=\[\]&$,/]+$")


def dial_target(uri: str, caller: str | None, headers: dict[str, str] | None) -> SipUri:
    """The URI to call, or CallFailed (no status: nothing was sent) when the target, the
    caller or a header would break a SIP line."""
    try:
        target = SipUri.parse(uri)
        if caller is not None and not _USER.match(caller):
            raise SipParseError(f"caller {caller[:40]!r} is not a SIP user name")
        for name, value in (headers or {}).items():
            check_header_text(name, "a header name")
            check_header_text(value, f"header {name[:40]}")
    except (SipParseError, HeaderInjection) as exc:
        raise CallFailed("failed", None, str(exc)) from None
    return target


def refer_uri(target: str, remote_target: str) -> SipUri:
    """The Refer-To URI: a SIP/tel URI as given, or a number at the far end's host (who
    places the new call). SipParseError for anything else: a line break or a stray `>` in
    a target must never reach the header."""
    text = target.strip().removeprefix("<").removesuffix(">")
    if _NUMBER.match(text):
        host = SipUri.parse(remote_target).host
        return SipUri.parse(f"sip:{text}@{host}")
    uri = SipUri.parse(text)
    if not _SAFE_URI_TEXT.match(str(uri)):
        raise SipParseError("characters that need escaping")
    return uri


def referred_to(refer: SipRequest) -> str | None:
    """The SIP URI a REFER asks us to call, or None when it names no bounded, plain
    `sip:` URI (a far end chooses it: nothing else is dialled)."""
    value = refer.headers.get("refer-to")
    if not value or len(value) > 512:
        return None
    try:
        uri = SipUri.parse(NameAddr.parse(value).uri)
    except (SipParseError, ValueError):
        return None
    text = str(uri)
    if uri.scheme != "sip" or not _SAFE_URI_TEXT.match(text) or "?" in text:
        return None
    return text


def oversized_x_headers(invite: SipRequest, max_count: int, max_chars: int) -> str | None:
    """`X-` headers become call variables: the caller chooses them, so they are bounded in
    number and length (the reason phrase for a 400, or None)."""
    extra = [(n, v) for n, v in invite.headers if n.lower().startswith("x-")]
    if len(extra) > max_count:
        return f"Too Many X- Headers (over {max_count})"
    for name, value in extra:
        if len(value) > max_chars:
            return f"Header Too Long ({name[:40]} over {max_chars})"
    return None


def inbound_call_info(invite: SipRequest) -> CallInfo:
    """Who calls whom, with the request URI, From, To and every `X-` header as params."""
    caller = NameAddr.parse(invite.headers["from"])
    callee = NameAddr.parse(invite.headers["to"])
    params = {
        "sip.request_uri": invite.uri,
        "sip.from": invite.headers["from"],
        "sip.to": invite.headers["to"],
    }
    for name, value in invite.headers:
        if name.lower().startswith("x-"):
            params[name] = value
    return CallInfo(
        call_id=invite.call_id,
        direction="inbound",
        caller=caller.user or caller.uri,
        callee=callee.user or callee.uri,
        transport="sip",
        params=params,
    )


def outbound_call_info(invite: SipRequest) -> CallInfo:
    to = NameAddr.parse(invite.headers["to"])
    return CallInfo(
        call_id=invite.call_id,
        direction="outbound",
        caller=NameAddr.parse(invite.headers["from"]).user,
        callee=to.user or to.uri,
        transport="sip",
        params={"sip.request_uri": invite.uri},
    )
