"""SIP dialogs (RFC 3261 §12): identity, CSeq spaces, route set, remote target. No I/O.

A dialog builds its in-dialog requests (BYE, re-INVITE, REFER, INFO, ACK) with the right
tags, CSeq and Route headers, and checks the order of requests from the far end.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from media_gateway.sip.address import NameAddr, SipUri
from media_gateway.sip.message import Headers, SipRequest, SipResponse


def new_tag() -> str:
    return secrets.token_hex(6)


def new_branch() -> str:
    """RFC 3261 magic cookie + random part, unique per transaction."""
    return "z9hG4bK" + secrets.token_hex(10)


def new_call_id(host: str) -> str:
    return f"{secrets.token_hex(12)}@{host}"


@dataclass
class Dialog:
    call_id: str
    local_tag: str
    remote_tag: str
    local_party: NameAddr
    """Our From (as UAC) / To (as UAS) address, without the tag."""
    remote_party: NameAddr
    remote_target: str
    """The far end's Contact URI: where in-dialog requests go."""
    local_contact: str
    route_set: list[str] = field(default_factory=list)
    local_seq: int = 0
    remote_seq: int | None = None
    state: str = "confirmed"
    is_uac: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return self.call_id, self.local_tag, self.remote_tag

    @classmethod
    def from_incoming_invite(
        cls, invite: SipRequest, *, local_tag: str, local_contact: str
    ) -> Dialog:
        remote = NameAddr.parse(invite.headers["from"])
        local = NameAddr.parse(invite.headers["to"])
        contact = invite.headers.get("contact")
        target = NameAddr.parse(contact).uri if contact else remote.uri
        return cls(
            call_id=invite.call_id,
            local_tag=local_tag,
            remote_tag=remote.tag,
            local_party=NameAddr(local.uri, local.display),
            remote_party=NameAddr(remote.uri, remote.display),
            remote_target=target,
            local_contact=local_contact,
            route_set=invite.headers.get_all("record-route"),
            remote_seq=invite.cseq[0],
            is_uac=False,
        )

    @classmethod
    def from_invite_response(
        cls, invite: SipRequest, response: SipResponse, *, local_contact: str
    ) -> Dialog:
        local = NameAddr.parse(invite.headers["from"])
        remote = NameAddr.parse(response.headers["to"])
        contact = response.headers.get("contact")
        target = NameAddr.parse(contact).uri if contact else invite.uri
        return cls(
            call_id=invite.call_id,
            local_tag=local.tag,
            remote_tag=remote.tag,
            local_party=NameAddr(local.uri, local.display),
            remote_party=NameAddr(remote.uri, remote.display),
            remote_target=target,
            local_contact=local_contact,
            route_set=list(reversed(response.headers.get_all("record-route"))),
            local_seq=invite.cseq[0],
            is_uac=True,
        )

    def next_hop(self) -> SipUri:
        """First loose route, or the remote target (RFC 3261 §12.2.1.1)."""
        if self.route_set:
            return SipUri.parse(NameAddr.parse(self.route_set[0]).uri)
        return SipUri.parse(self.remote_target)

    def create_request(
        self,
        method: str,
        *,
        via: str,
        headers: Headers | None = None,
        body: bytes = b"",
        cseq: int | None = None,
    ) -> SipRequest:
        """A new in-dialog request. ACK reuses the INVITE's CSeq number (pass `cseq`)."""
        if cseq is None:
            self.local_seq += 1
            cseq = self.local_seq
        out = Headers()
        out.add("Via", via)
        for route in self.route_set:
            out.add("Route", route)
        out.add("Max-Forwards", "70")
        out.add("From", str(self.local_party.with_tag(self.local_tag)))
        out.add("To", str(self.remote_party.with_tag(self.remote_tag)))
        out.add("Call-ID", self.call_id)
        out.add("CSeq", f"{cseq} {method}")
        out.add("Contact", f"<{self.local_contact}>")
        for name, value in headers or ():
            out.add(name, value)
        return SipRequest(method=method, uri=self.remote_target, headers=out, body=body)

    def accept_remote_request(self, request: SipRequest) -> bool:
        """CSeq order check (§12.2.2): False means answer 500."""
        number = request.cseq[0]
        if request.method in ("ACK", "CANCEL"):
            return True
        if self.remote_seq is not None and number < self.remote_seq:
            return False
        self.remote_seq = number
        if request.method in ("INVITE", "UPDATE"):
            contact = request.headers.get("contact")
            if contact:
                self.remote_target = NameAddr.parse(contact).uri
        return True
