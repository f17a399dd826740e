"""Header rules of the messages we build (RFC 3261 §8.2.6, §9.1, §8.1.3.5, §10.2.4)."""

from __future__ import annotations

from media_gateway.sip.address import NameAddr
from media_gateway.sip.builders import (
    add_credentials,
    build_cancel,
    granted_expiry,
    make_response,
    renew,
)
from media_gateway.sip.message import Headers, SipRequest, SipResponse, parse_message
from tests.gateway_sip.sip_captured import BARESIP_INVITE, SIPP_200_OK


def invite() -> SipRequest:
    message = parse_message(BARESIP_INVITE)
    assert isinstance(message, SipRequest)
    message.headers.add("Record-Route", "<sip:p1;lr>, <sip:p2;lr>")
    return message


def test_responses_copy_the_dialog_headers_and_tag_only_non_100() -> None:
    request = invite()
    trying = make_response(request, 100, to_tag="t1")
    assert NameAddr.parse(trying.headers["to"]).tag == ""
    ok = make_response(request, 200, to_tag="t1", body=b"v=0\r\n", content_type="application/sdp")
    assert NameAddr.parse(ok.headers["to"]).tag == "t1"
    assert ok.headers.get_all("via") == request.headers.get_all("via")
    assert ok.headers["cseq"] == "4711 INVITE" and ok.reason == "OK"
    assert ok.headers.get_all("record-route") == ["<sip:p1;lr>", "<sip:p2;lr>"]
    busy = make_response(request, 486, to_tag="t1")
    assert "record-route" not in busy.headers and busy.reason == "Busy Here"
    in_dialog = invite()
    in_dialog.headers.set("To", "<sip:robot@127.0.0.1:5070>;tag=t1")
    again = make_response(in_dialog, 200, to_tag="other")
    assert NameAddr.parse(again.headers["to"]).tag == "t1"  # an existing tag is kept


def test_cancel_matches_the_invite() -> None:
    request = invite()
    cancel = build_cancel(request)
    assert (cancel.uri, cancel.cseq, cancel.branch) == (
        request.uri,
        (4711, "CANCEL"),
        request.branch,
    )
    assert cancel.headers["from"] == request.headers["from"]
    assert not cancel.body


def test_renew_and_credentials() -> None:
    request = invite()
    renew(request, "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKnew")
    assert request.cseq == (4712, "INVITE") and request.branch == "z9hG4bKnew"
    challenge = SipResponse(
        status=407,
        headers=Headers([("Proxy-Authenticate", 'Digest realm="r", nonce="n", qop="auth"')]),
    )
    assert add_credentials(request, challenge, username="u", password="p")
    assert add_credentials(request, challenge, username="u", password="p")
    assert len(request.headers.get_all("proxy-authorization")) == 1  # replaced, not added
    assert not add_credentials(request, SipResponse(status=401), username="u", password="p")


def test_granted_expiry_prefers_the_contact_parameter() -> None:
    ok = parse_message(SIPP_200_OK)
    assert isinstance(ok, SipResponse)
    assert granted_expiry(ok, 3600) == 3600
    ok.headers.add("Expires", "120")
    assert granted_expiry(ok, 3600) == 120
    ok.headers.set("Contact", "<sip:robot@127.0.0.1:5070>;expires=60")
    assert granted_expiry(ok, 3600) == 60
