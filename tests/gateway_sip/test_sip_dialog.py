"""Dialog identity, in-dialog request construction, route sets and CSeq ordering."""

from __future__ import annotations

from media_gateway.sip.address import NameAddr
from media_gateway.sip.dialog import Dialog
from media_gateway.sip.message import SipRequest, SipResponse, parse_message
from tests.gateway_sip.sip_captured import BARESIP_INVITE, SIPP_200_OK


def test_uas_dialog_builds_bye_to_the_callers_contact() -> None:
    invite = parse_message(BARESIP_INVITE)
    assert isinstance(invite, SipRequest)
    dialog = Dialog.from_incoming_invite(invite, local_tag="us", local_contact="sip:bot@h:1")
    assert dialog.key == ("7f3c6c0a4b8b9d21", "us", "b1a9c3b1fd2e45a3")
    bye = dialog.create_request("BYE", via="SIP/2.0/UDP h:1;branch=z9hG4bKx")
    assert bye.uri == "sip:peer-0x55d5@127.0.0.1:25071"
    assert NameAddr.parse(bye.headers["from"]).tag == "us"
    assert NameAddr.parse(bye.headers["to"]).tag == "b1a9c3b1fd2e45a3"
    assert bye.cseq == (1, "BYE")
    assert dialog.next_hop().address() == ("127.0.0.1", 25071)


def test_uac_dialog_uses_reversed_record_route_and_ack_keeps_invite_cseq() -> None:
    invite = SipRequest(method="INVITE", uri="sip:service@127.0.0.1:5080")
    for name, value in (
        ("Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc"),
        ("From", "<sip:voicebot@127.0.0.1>;tag=aa11"),
        ("To", "<sip:service@127.0.0.1:5080>"),
        ("Call-ID", "99@127.0.0.1"),
        ("CSeq", "1 INVITE"),
    ):
        invite.headers.add(name, value)
    ok = parse_message(SIPP_200_OK)
    assert isinstance(ok, SipResponse)
    ok.headers.add("Record-Route", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>")
    dialog = Dialog.from_invite_response(invite, ok, local_contact="sip:bot@127.0.0.1:5070")
    assert dialog.route_set == ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]
    assert dialog.next_hop().host == "p2.example.com"
    ack = dialog.create_request("ACK", via="v", cseq=1)
    assert ack.cseq == (1, "ACK") and ack.headers.get_all("route") == dialog.route_set
    assert dialog.create_request("BYE", via="v").cseq == (2, "BYE")


def test_remote_cseq_must_not_go_backwards() -> None:
    invite = parse_message(BARESIP_INVITE)
    assert isinstance(invite, SipRequest)
    dialog = Dialog.from_incoming_invite(invite, local_tag="us", local_contact="sip:b@h")
    later = parse_message(BARESIP_INVITE)
    assert isinstance(later, SipRequest)
    later.headers.set("CSeq", "4712 INVITE")
    later.headers.set("Contact", "<sip:moved@127.0.0.1:9999>")
    assert dialog.accept_remote_request(later)
    assert dialog.remote_target == "sip:moved@127.0.0.1:9999"
    old = parse_message(BARESIP_INVITE.replace(b"4711 INVITE", b"4700 INVITE"))
    assert isinstance(old, SipRequest)
    assert not dialog.accept_remote_request(old)
