"""Pure constructors for the requests and responses the user agent sends (no I/O, no state).

Keeping them here lets the user agent stay wiring, and lets tests check header rules
(RFC 3261 §8.1.1, §8.2.6, §9.1) without sockets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging

from media_gateway.sip.address import NameAddr
from media_gateway.sip.auth import authorization_header, parse_challenge
from media_gateway.sip.dialog import new_tag
from media_gateway.sip.message import Headers, SipParseError, SipRequest, SipResponse

log = logging.getLogger(__name__)

REASONS = {
    100: "Trying",
    180: "Ringing",
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    405: "Method Not Allowed",
    420: "Bad Extension",
    480: "Temporarily Unavailable",
    481: "Call/Transaction Does Not Exist",
    486: "Busy Here",
    487: "Request Terminated",
    488: "Not Acceptable Here",
    491: "Request Pending",
    500: "Server Internal Error",
    503: "Service Unavailable",
    603: "Decline",
}


def make_response(
    request: SipRequest,
    status: int,
    reason: str | None = None,
    *,
    to_tag: str | None = None,
    body: bytes = b"",
    content_type: str | None = None,
    extra: Headers | None = None,
    server: str = "voicebot",
) -> SipResponse:
    """A response copying Via, From, To, Call-ID and CSeq (§8.2.6.2), and the Record-Route
    of a response that creates a dialog, early (1xx with a tag) or confirmed (§12.1.1).

    Every response but 100 carries a To tag when the request had none: `to_tag` when the
    caller keeps one for the transaction (an INVITE's dialog, or the CANCEL answered with
    its INVITE's tag, §9.2), else a new one (§8.2.6.2)."""
    headers = Headers()
    for via in request.headers.get_all("via"):
        headers.add("Via", via)
    headers.add("From", request.headers["from"])
    to = request.headers["to"]
    if status > 100:
        with contextlib.suppress(SipParseError):
            if not NameAddr.parse(to).tag:
                to = f"{to};tag={to_tag or new_tag()}"
    headers.add("To", to)
    headers.add("Call-ID", request.call_id)
    headers.add("CSeq", request.headers["cseq"])
    if request.method == "INVITE" and 100 < status < 300:
        for route in request.headers.get_all("record-route"):
            headers.add("Record-Route", route)
    headers.add("Server", server)
    for name, value in extra or ():
        headers.add(name, value)
    if content_type:
        headers.add("Content-Type", content_type)
    return SipResponse(
        status=status, reason=reason or REASONS.get(status, "Unknown"), headers=headers, body=body
    )


def build_request(
    method: str,
    uri: str,
    *,
    via: str,
    from_: str,
    to: str,
    call_id: str,
    cseq: int,
    contact: str | None = None,
    extra: Headers | None = None,
    body: bytes = b"",
    content_type: str | None = None,
) -> SipRequest:
    """An out-of-dialog request with the mandatory headers of §8.1.1."""
    headers = Headers()
    headers.add("Via", via)
    headers.add("Max-Forwards", "70")
    headers.add("From", from_)
    headers.add("To", to)
    headers.add("Call-ID", call_id)
    headers.add("CSeq", f"{cseq} {method}")
    if contact is not None:
        headers.add("Contact", f"<{contact}>")
    for name, value in extra or ():
        headers.add(name, value)
    if content_type:
        headers.add("Content-Type", content_type)
    return SipRequest(method=method, uri=uri, headers=headers, body=body)


def build_cancel(invite: SipRequest) -> SipRequest:
    """CANCEL for a pending INVITE: same Request-URI, top Via, From, To, Call-ID, Route
    and CSeq number (§9.1)."""
    headers = Headers()
    headers.add("Via", invite.top_via)
    for route in invite.headers.get_all("route"):
        headers.add("Route", route)
    headers.add("Max-Forwards", "70")
    headers.add("From", invite.headers["from"])
    headers.add("To", invite.headers["to"])
    headers.add("Call-ID", invite.call_id)
    headers.add("CSeq", f"{invite.cseq[0]} CANCEL")
    return SipRequest(method="CANCEL", uri=invite.uri, headers=headers)


def renew(request: SipRequest, via: str) -> None:
    """Same request, new transaction: a fresh Via branch and the next CSeq (§8.1.3.5)."""
    number, method = request.cseq
    request.headers.set("CSeq", f"{number + 1} {method}")
    request.headers.set("Via", via)


def add_credentials(
    request: SipRequest, challenge_response: SipResponse, *, username: str, password: str
) -> bool:
    """Answer a 401/407 challenge on `request` (replacing earlier credentials for the same
    header); False when the challenge cannot be answered."""
    proxy = challenge_response.status == 407
    value = challenge_response.headers.get("proxy-authenticate" if proxy else "www-authenticate")
    if value is None:
        return False
    try:
        challenge = parse_challenge(value)
    except SipParseError as exc:
        log.info("sip: unusable challenge: %s", exc)
        return False
    target = "Proxy-Authorization" if proxy else "Authorization"
    request.headers.remove(target)
    request.headers.add(
        target,
        authorization_header(
            challenge,
            method=request.method,
            uri=request.uri,
            username=username,
            password=password,
        ),
    )
    return True


MAX_AUTH_ATTEMPTS = 2
"""Challenges answered for one request before its last challenge is taken as the answer."""


def with_credentials(
    request: SipRequest, challenge: SipResponse, *, via: str, username: str, password: str
) -> SipRequest | None:
    """`request` again as a new transaction (new Via, next CSeq) answering a 401/407
    challenge, or None when the challenge cannot be answered. A copy: the challenged
    transaction keeps its own request, from which its key and its ACK are made."""
    retry = dataclasses.replace(request, headers=request.headers.copy())
    renew(retry, via)
    if not add_credentials(retry, challenge, username=username, password=password):
        return None
    return retry


def granted_expiry(response: SipResponse, wanted: int) -> int:
    """The registration lifetime a registrar granted: Contact `expires`, else Expires."""
    for contact in response.headers.get_all("contact"):
        with contextlib.suppress(SipParseError, ValueError):
            value = NameAddr.parse(contact).params.get("expires")
            if value is not None:
                return int(value)
    value = response.headers.get("expires")
    return int(value) if value and value.isdigit() else wanted
