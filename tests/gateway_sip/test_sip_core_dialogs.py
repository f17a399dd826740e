"""In-dialog behaviour of the SIP core, in memory with a fake clock: re-INVITE (hold,
resume, session refresh), UPDATE, INFO digits, REFER with NOTIFY, CSeq order, and routing
through a record-routing proxy (Record-Route -> Route set, next hop, transport)."""

from __future__ import annotations

import pytest

from media_gateway.sip.events import (
    CallAnswered,
    CallOffered,
    DialogEnded,
    DtmfReceived,
    MediaChanged,
    RequestDone,
    TransferDone,
    TransferRequested,
)
from media_gateway.sip.message import Headers, SipRequest, SipResponse, parse_message
from media_gateway.sip.peer import Peer
from tests.gateway_sip.sip_wire import SDP_PCMU, Node, Wire, reply

T1 = 0.5


@pytest.fixture
def wire() -> Wire:
    return Wire()


def connected(wire: Wire) -> tuple[Node, Node, int, int]:
    """phone -> robot, answered: (phone, robot, phone's ref, robot's ref)."""
    phone, robot = wire.node("phone", "10.0.0.1"), wire.node("robot", "10.0.0.2")
    ref = wire.command(
        lambda now: phone.core.invite("sip:robot@10.0.0.2:5060", media_port=4000, now=now)
    )
    robot_ref = robot.last(CallOffered).ref
    wire.command(lambda now: robot.core.answer(robot_ref, media_port=5000, now=now))
    assert phone.last(CallAnswered).ref == ref
    return phone, robot, ref, robot_ref


def test_hold_and_resume_by_reinvite_change_both_sides_media(wire: Wire) -> None:
    phone, robot, ref, robot_ref = connected(wire)
    token = wire.command(lambda now: phone.core.reinvite(ref, hold=True, now=now))
    held = robot.last(MediaChanged)
    assert held.ref == robot_ref and held.media.local_direction == "recvonly"
    assert not held.media.sending  # the robot stops sending to a held party
    mine = phone.last(MediaChanged)
    assert mine.hold and mine.media.local_direction == "sendonly"
    assert phone.last(RequestDone).token == token and phone.last(RequestDone).accepted
    assert wire.ladder()[-3:] == ["INVITE", "200 INVITE", "ACK"]
    call = robot.core.call(robot_ref)
    assert call is not None and not call.awaiting_ack and call.sdp_version == 2
    wire.command(lambda now: phone.core.reinvite(ref, hold=False, now=now))
    assert robot.last(MediaChanged).media.local_direction == "sendrecv"
    assert not phone.last(MediaChanged).hold and phone.last(RequestDone).accepted
    offer = next(s.message for s in reversed(wire.sent) if s.label == "INVITE")
    assert b"a=sendrecv" in offer.body and b" 3 IN IP4 10.0.0.1" in offer.body  # o= version


def test_a_session_refresh_without_sdp_is_offered_in_the_200_and_answered_in_the_ack(
    wire: Wire,
) -> None:
    phone, robot, ref, robot_ref = connected(wire)
    token = wire.command(lambda now: phone.core.request(ref, "INVITE", now))
    done = phone.last(RequestDone)
    assert done.token == token and done.status == 200
    assert done.response is not None and b"m=audio 5000" in done.response.body
    call = robot.core.call(robot_ref)
    assert call is not None and call.confirmed and not call.awaiting_ack
    assert wire.ladder()[-3:] == ["INVITE", "200 INVITE", "ACK"]


def test_update_options_info_and_unknown_methods_in_a_dialog(wire: Wire) -> None:
    phone, robot, ref, robot_ref = connected(wire)
    for method, status in (("UPDATE", 200), ("OPTIONS", 200), ("MESSAGE", 405)):
        wire.command(lambda now, m=method: phone.core.request(ref, m, now))  # type: ignore[misc]
        assert (phone.last(RequestDone).method, phone.last(RequestDone).status) == (method, status)
    relay = Headers([("Content-Type", "application/dtmf-relay")])
    wire.command(lambda now: phone.core.request(ref, "INFO", now, headers=relay,
                                                body=b"Signal=7\r\nDuration=160\r\n"))
    plain = Headers([("Content-Type", "application/dtmf")])
    wire.command(lambda now: phone.core.request(ref, "INFO", now, headers=plain, body=b"11"))
    wire.command(lambda now: phone.core.request(ref, "INFO", now, headers=plain, body=b"x"))
    assert robot.of(DtmfReceived) == [DtmfReceived(robot_ref, "7"), DtmfReceived(robot_ref, "#")]
    assert phone.last(RequestDone).status == 200  # a body without a digit is still OK


def test_requests_out_of_order_or_for_unknown_dialogs_are_refused(wire: Wire) -> None:
    phone, robot, ref, _ = connected(wire)
    wire.command(lambda now: phone.core.request(ref, "INFO", now))
    info = next(s.message for s in reversed(wire.sent) if s.label == "INFO")
    assert isinstance(info, SipRequest)
    stale = info.to_bytes().replace(b"branch=z9hG4bK", b"branch=z9hG4bKold")
    stale = stale.replace(f"CSeq: {info.cseq[0]} INFO".encode(), b"CSeq: 1 INFO")
    wire.inject(robot, stale, source=("10.0.0.1", 5060))
    assert wire.stray(("10.0.0.1", 5060)) == []  # the reply went to the phone's core ...
    assert wire.ladder()[-1] == "500 INFO"  # ... refusing the old CSeq (§12.2.2)
    unknown = stale.replace(b"CSeq: 1 INFO", b"CSeq: 99 INFO").replace(
        info.call_id.encode(), b"gone@10.0.0.1"
    ).replace(b"branch=z9hG4bKold", b"branch=z9hG4bKgone")
    wire.inject(robot, unknown, source=("10.0.0.1", 5060))
    assert wire.ladder()[-1] == "481 INFO"


def refer_target(wire: Wire, phone: Node, ref: int, target: str) -> int:
    token = wire.command(lambda now: phone.core.refer(ref, target, now))
    assert token is not None
    return token


def transferee() -> tuple[Wire, Node, int]:
    """The robot calls a scripted PBX at 10.0.0.7, which answers: (wire, robot, ref)."""
    wire = Wire()
    robot = wire.node("robot", "10.0.0.2")
    ref = wire.command(
        lambda now: robot.core.invite("sip:pbx@10.0.0.7:5060", media_port=4000, now=now)
    )
    invite = wire.stray(("10.0.0.7", 5060))[-1]
    wire.inject(robot, reply(invite, 200, headers=(("Contact", "<sip:pbx@10.0.0.7>"),),
                             body=SDP_PCMU), source=("10.0.0.7", 5060))
    assert robot.last(CallAnswered).ref == ref
    return wire, robot, ref


def notify(refer: SipRequest, sipfrag: bytes, cseq: int = 1) -> bytes:
    """The NOTIFY a transferee sends about its new call (RFC 3515 §2.4.5)."""
    to = refer.headers["from"]
    from_ = refer.headers["to"]
    return (
        "NOTIFY sip:robot@10.0.0.2:5060 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKn{cseq}\r\n"
        f"From: {from_}\r\nTo: {to}\r\nCall-ID: {refer.call_id}\r\nCSeq: {cseq} NOTIFY\r\n"
        "Event: refer\r\nSubscription-State: terminated;reason=noresource\r\n"
        f"Content-Type: message/sipfrag;version=2.0\r\nContent-Length: {len(sipfrag)}\r\n\r\n"
    ).encode() + sipfrag


@pytest.mark.parametrize(
    ("frag", "status", "accepted"),
    [(b"SIP/2.0 200 OK\r\n", 200, True), (b"SIP/2.0 486 Busy\r\n", 486, False)],
)
def test_refer_follows_the_notify_to_the_new_calls_final_status(
    frag: bytes, status: int, accepted: bool
) -> None:
    wire, robot, ref = transferee()
    token = refer_target(wire, robot, ref, "+74951234567")
    refer = wire.stray(("10.0.0.7", 5060))[-1]
    assert isinstance(refer, SipRequest) and refer.method == "REFER"
    assert refer.headers["refer-to"] == "<sip:+74951234567@10.0.0.7>"  # at the far end's host
    assert refer.headers["referred-by"] == "<sip:robot@10.0.0.2>"
    wire.inject(robot, reply(refer, 202), source=("10.0.0.7", 5060))
    wire.inject(robot, notify(refer, b"SIP/2.0 100 Trying\r\n", 1), source=("10.0.0.7", 5060))
    assert not robot.of(TransferDone)  # a provisional sipfrag is progress, not the outcome
    wire.inject(robot, notify(refer, frag, 2), source=("10.0.0.7", 5060))
    assert robot.of(TransferDone) == [TransferDone(token, ref, status, accepted)]
    assert robot.core.call(ref).refer_status == status  # type: ignore[union-attr]
    replies = [m for m in wire.stray(("10.0.0.7", 5060)) if isinstance(m, SipResponse)]
    assert [r.status for r in replies] == [200, 200]  # both NOTIFYs answered


def test_a_refused_refer_reports_its_status_and_a_silent_one_times_out() -> None:
    wire, robot, ref = transferee()
    token = refer_target(wire, robot, ref, "sip:operator@10.0.0.8")
    refer = wire.stray(("10.0.0.7", 5060))[-1]
    wire.inject(robot, reply(refer, 403), source=("10.0.0.7", 5060))
    assert robot.of(TransferDone) == [TransferDone(token, ref, 403, False)]
    assert robot.core.call(ref).refer_status == 403  # type: ignore[union-attr]
    second = refer_target(wire, robot, ref, "sip:operator@10.0.0.8")
    refer = wire.stray(("10.0.0.7", 5060))[-1]
    wire.inject(robot, reply(refer, 202), source=("10.0.0.7", 5060))
    wire.advance(31.9)
    assert len(robot.of(TransferDone)) == 1
    wire.advance(0.1)  # no NOTIFY within REFER_WAIT_S: Request Timeout
    assert robot.last(TransferDone) == TransferDone(second, ref, 408, False)


def test_a_transfer_waits_for_its_outcome_only_as_long_as_the_caller_says() -> None:
    """A target that never answers fails at the wait given (a script's ring timeout), not
    at the 32 s safety net, as a 408; a NOTIFY that comes later changes nothing."""
    wire, robot, ref = transferee()
    token = wire.command(lambda now: robot.core.refer(ref, "sip:operator@10.0.0.8", now,
                                                      wait_s=5.0))
    refer = wire.stray(("10.0.0.7", 5060))[-1]
    wire.inject(robot, reply(refer, 202), source=("10.0.0.7", 5060))
    wire.inject(robot, notify(refer, b"SIP/2.0 180 Ringing\r\n", 1), source=("10.0.0.7", 5060))
    wire.advance(4.9)
    assert not robot.of(TransferDone)  # still ringing
    wire.advance(0.1)
    assert robot.of(TransferDone) == [TransferDone(token, ref, 408, False)]
    assert robot.core.call(ref).refer_status == 408  # type: ignore[union-attr]
    wire.inject(robot, notify(refer, b"SIP/2.0 200 OK\r\n", 2), source=("10.0.0.7", 5060))
    assert robot.of(TransferDone) == [TransferDone(token, ref, 408, False)]


def test_a_notify_before_the_202_and_bad_targets() -> None:
    wire, robot, ref = transferee()
    for bad in ("sip:op@example.com\r\nX-Injected: 1", "+7495\r\n1234567", "<sip:a@b>;x=<"):
        assert wire.command(lambda now, b=bad: robot.core.refer(ref, b, now)) is None  # type: ignore[misc]
    assert not [m for m in wire.stray(("10.0.0.7", 5060))
                if isinstance(m, SipRequest) and m.method == "REFER"]
    token = refer_target(wire, robot, ref, "sip:operator@10.0.0.8")
    refer = wire.stray(("10.0.0.7", 5060))[-1]
    wire.inject(robot, notify(refer, b"SIP/2.0 200 OK\r\n"), source=("10.0.0.7", 5060))
    wire.inject(robot, reply(refer, 202), source=("10.0.0.7", 5060))
    assert robot.of(TransferDone) == [TransferDone(token, ref, 200, True)]


def test_a_phone_that_follows_refer_accepts_it_and_notifies_the_new_calls_status(
    wire: Wire,
) -> None:
    """A phone that follows transfers (`follow_refer`): 202, the target for the
    application, and its report as the NOTIFY that completes the robot's transfer; one
    REFER per call, and a Refer-To that is not a plain SIP URI is refused."""
    phone = wire.node("phone", "10.0.0.1", follow_refer=True)
    robot = wire.node("robot", "10.0.0.2")
    ref = wire.command(
        lambda now: phone.core.invite("sip:robot@10.0.0.2:5060", media_port=4000, now=now)
    )
    robot_ref = robot.last(CallOffered).ref
    wire.command(lambda now: robot.core.answer(robot_ref, media_port=5000, now=now))
    bad = Headers([("Refer-To", "<sips:x@10.0.0.9?Replaces=abc>")])
    wire.command(lambda now: robot.core.request(robot_ref, "REFER", now, headers=bad))
    assert robot.last(RequestDone).status == 400 and not phone.of(TransferRequested)
    token = wire.command(lambda now: robot.core.refer(robot_ref, "sip:manager@10.0.0.5:5070",
                                                      now))
    assert phone.of(TransferRequested) == [TransferRequested(ref, "sip:manager@10.0.0.5:5070")]
    assert not robot.of(TransferDone)  # accepted (202): the outcome comes in the NOTIFY
    again = Headers([("Refer-To", "<sip:other@10.0.0.6>")])
    wire.command(lambda now: robot.core.request(robot_ref, "REFER", now, headers=again))
    assert robot.last(RequestDone).status == 491 and len(phone.of(TransferRequested)) == 1
    notify_headers = Headers([("Event", "refer"), ("Content-Type", "message/sipfrag")])
    wire.command(lambda now: phone.core.request(ref, "NOTIFY", now, headers=notify_headers,
                                                body=b"SIP/2.0 200 OK"))
    assert robot.of(TransferDone) == [TransferDone(token, robot_ref, 200, True)]


def test_without_follow_refer_a_refer_is_refused(wire: Wire) -> None:
    phone, robot, ref, _ = connected(wire)
    token = wire.command(lambda now: phone.core.refer(ref, "sip:manager@10.0.0.5", now))
    assert phone.last(TransferDone) == TransferDone(token, ref, 405, False)
    assert not robot.of(TransferRequested)


def test_a_bye_while_waiting_for_the_notify_ends_the_transfer() -> None:
    wire, robot, ref = transferee()
    token = refer_target(wire, robot, ref, "sip:operator@10.0.0.8")
    refer = wire.stray(("10.0.0.7", 5060))[-1]
    wire.inject(robot, reply(refer, 202), source=("10.0.0.7", 5060))
    bye = (
        "BYE sip:robot@10.0.0.2:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKb\r\n"
        f"From: {refer.headers['to']}\r\nTo: {refer.headers['from']}\r\n"
        f"Call-ID: {refer.call_id}\r\nCSeq: 5 BYE\r\n\r\n"
    ).encode()
    wire.inject(robot, bye, source=("10.0.0.7", 5060))
    assert robot.of(DialogEnded) == [DialogEnded(ref, "caller_hangup")]
    assert robot.of(TransferDone) == [TransferDone(token, ref, None, False)]


# --- routing ------------------------------------------------------------------------------


PROXY_INVITE = (
    "INVITE sip:robot@10.0.0.2:5060 SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 10.0.0.5:5060;branch=z9hG4bKprx1\r\n"
    "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKphn1\r\n"
    "Record-Route: <sip:10.0.0.5:5060;transport=tcp;lr>\r\n"
    "Record-Route: <sip:10.0.0.6;lr>\r\n"
    "From: <sip:phone@10.0.0.9>;tag=ph1\r\nTo: <sip:robot@10.0.0.2>\r\n"
    "Call-ID: routed-1\r\nCSeq: 7 INVITE\r\nContact: <sip:phone@10.0.0.9:5062>\r\n"
    f"Content-Type: application/sdp\r\nContent-Length: {len(SDP_PCMU)}\r\n\r\n"
).encode() + SDP_PCMU


def test_in_dialog_requests_follow_the_record_route_of_an_incoming_call(wire: Wire) -> None:
    robot = wire.node("robot", "10.0.0.2")
    proxy = ("10.0.0.5", 40001)  # the proxy's connection comes from an ephemeral port
    wire.inject(robot, PROXY_INVITE, source=proxy, transport="tcp")
    offered = robot.last(CallOffered)
    wire.command(lambda now: robot.core.ring(offered.ref, now))
    call = wire.command(lambda now: robot.core.answer(offered.ref, media_port=5000, now=now))
    ringing, ok = wire.stray(proxy)[1:3]
    for response in (ringing, ok):  # both create the dialog: Contact and Record-Route
        assert response.headers.get_all("record-route") == [
            "<sip:10.0.0.5:5060;transport=tcp;lr>", "<sip:10.0.0.6;lr>"]
        assert response.headers["contact"] == "<sip:robot@10.0.0.2:5060;transport=tcp>"
    assert call.peer == Peer("tcp", "10.0.0.5", 5060)  # the first route's listening address
    assert call.retransmitter is None  # a 2xx over TCP is not retransmitted
    wire.command(lambda now: robot.core.bye(offered.ref, now))
    bye = wire.stray(("10.0.0.5", 5060))[-1]
    assert isinstance(bye, SipRequest) and bye.method == "BYE"
    assert bye.uri == "sip:phone@10.0.0.9:5062"  # the remote target, reached via the route
    assert bye.headers.get_all("route") == [
        "<sip:10.0.0.5:5060;transport=tcp;lr>", "<sip:10.0.0.6;lr>"]
    assert bye.top_via.startswith("SIP/2.0/TCP 10.0.0.2:5060;")
    assert wire.sent[-1].peer == Peer("tcp", "10.0.0.5", 5060)


def test_a_uac_uses_the_reversed_record_route_of_the_200(wire: Wire) -> None:
    robot = wire.node("robot", "10.0.0.2")
    ref = wire.command(
        lambda now: robot.core.invite("sip:pbx@10.0.0.7:5060", media_port=4000, now=now)
    )
    invite = wire.stray(("10.0.0.7", 5060))[-1]
    routes = (("Record-Route", "<sip:10.0.0.6:5070;lr>"), ("Record-Route", "<sip:10.0.0.7;lr>"),
              ("Contact", "<sip:pbx@10.0.0.8:5080>"))
    wire.inject(robot, reply(invite, 200, headers=routes, body=SDP_PCMU),
                source=("10.0.0.7", 5060))
    ack = wire.stray(("10.0.0.7", 5060))[-1]
    assert isinstance(ack, SipRequest) and ack.method == "ACK"
    assert ack.headers.get_all("route") == ["<sip:10.0.0.7;lr>", "<sip:10.0.0.6:5070;lr>"]
    assert ack.uri == "sip:pbx@10.0.0.8:5080"
    wire.command(lambda now: robot.core.bye(ref, now))
    assert wire.sent[-1].peer == Peer("udp", "10.0.0.7", 5060)
    bye = parse_message(wire.sent[-1].data)
    assert isinstance(bye, SipRequest) and bye.method == "BYE"
    assert bye.headers.get_all("route") == ["<sip:10.0.0.7;lr>", "<sip:10.0.0.6:5070;lr>"]


def test_without_a_route_set_requests_go_to_the_contact_and_an_outbound_proxy_wins(
    wire: Wire,
) -> None:
    robot = wire.node("robot", "10.0.0.2")
    plain = PROXY_INVITE.replace(b"Record-Route: <sip:10.0.0.5:5060;transport=tcp;lr>\r\n", b"")
    plain = plain.replace(b"Record-Route: <sip:10.0.0.6;lr>\r\n", b"")
    wire.inject(robot, plain, source=("10.0.0.9", 5060))
    call = wire.command(
        lambda now: robot.core.answer(robot.last(CallOffered).ref, media_port=5000, now=now)
    )
    assert call.peer == Peer("udp", "10.0.0.9", 5062)  # the Contact, not the source port
    trunked = wire.node("trunked", "10.0.0.3", proxy="10.0.0.5:5060")
    wire.inject(trunked, plain.replace(b"routed-1", b"routed-2"), source=("10.0.0.9", 5060))
    call = wire.command(
        lambda now: trunked.core.answer(trunked.last(CallOffered).ref, media_port=5000, now=now)
    )
    assert call.peer == Peer("udp", "10.0.0.5", 5060)


def test_a_reinvite_may_move_the_remote_target(wire: Wire) -> None:
    phone, robot, ref, robot_ref = connected(wire)
    moved = wire.node("phone2", "10.0.0.4")
    wire.command(lambda now: phone.core.reinvite(ref, hold=False, now=now))
    reinvite = next(s.message for s in reversed(wire.sent) if s.label == "INVITE")
    assert isinstance(reinvite, SipRequest)
    again = reinvite.to_bytes().replace(b"<sip:phone@10.0.0.1:5060>", b"<sip:phone@10.0.0.4:5060>")
    again = again.replace(f"CSeq: {reinvite.cseq[0]} ".encode(),
                          f"CSeq: {reinvite.cseq[0] + 1} ".encode())
    again = again.replace(b"branch=z9hG4bK", b"branch=z9hG4bKmv")
    wire.inject(robot, again, source=("10.0.0.1", 5060))
    wire.command(lambda now: robot.core.bye(robot_ref, now))
    assert wire.between(robot, moved)[-1].label == "BYE"


def test_a_bye_nobody_answers_ends_by_timer_f() -> None:
    wire, robot, ref = transferee()
    token = wire.command(lambda now: robot.core.bye(ref, now))
    assert robot.core.active_calls == 0  # the dialog is gone at once
    wire.advance(64 * T1 - 0.01)
    assert not robot.of(RequestDone)
    wire.advance(0.01)
    assert robot.last(RequestDone) == RequestDone(token, ref, "BYE", None, False)
    byes = [m for m in wire.stray(("10.0.0.7", 5060))
            if isinstance(m, SipRequest) and m.method == "BYE"]
    assert len(byes) == 11 and len({b.branch for b in byes}) == 1  # timer E, one transaction
    assert robot.core.next_timer() is None
