"""Calls through the sans-I/O SIP core: two cores back to back in memory, a fake clock.

INVITE/100/180/200/ACK both ways, BYE from each side, rejections, CANCEL (ours and the
caller's), the no-answer timeout, lost 200 OKs and ACKs, late offers, and digest auth on
INVITE and BYE, each checked on the wire (the ladder) and in the events.
"""

from __future__ import annotations

import pytest

from media_gateway.sip.address import NameAddr
from media_gateway.sip.call_state import SipCall
from media_gateway.sip.events import (
    CallAnswered,
    CallCancelled,
    CallOffered,
    CallProgress,
    DialogEnded,
    MediaChanged,
    OutgoingCallFailed,
    RequestDone,
)
from media_gateway.sip.message import SipRequest, SipResponse, parse_message
from media_gateway.sip.outcomes import CallFailed
from tests.gateway_sip.sip_wire import SDP_PCMU, Node, Wire, reply

T1 = 0.5


@pytest.fixture
def wire() -> Wire:
    return Wire()


def two(wire: Wire, **robot: object) -> tuple[Node, Node]:
    return wire.node("phone", "10.0.0.1"), wire.node("robot", "10.0.0.2", **robot)


def dial(wire: Wire, caller: Node, callee: Node, user: str = "robot", **kwargs: object) -> int:
    host, port = callee.address
    uri = f"sip:{user}@{host}:{port}"
    return wire.command(
        lambda now: caller.core.invite(uri, media_port=4000, now=now, **kwargs)  # type: ignore[arg-type]
    )


def answer(wire: Wire, node: Node, ref: int | None = None) -> SipCall:
    ref = node.last(CallOffered).ref if ref is None else ref
    return wire.command(lambda now: node.core.answer(ref, media_port=5000, now=now))


def connect(wire: Wire, caller: Node, callee: Node) -> tuple[int, int]:
    ref = dial(wire, caller, callee)
    callee_ref = callee.last(CallOffered).ref
    answer(wire, callee, callee_ref)
    assert caller.last(CallAnswered).ref == ref
    return ref, callee_ref


@pytest.mark.parametrize("caller_is_robot", [False, True])
@pytest.mark.parametrize("hangs_up", ["caller", "callee"])
def test_invite_ringing_answer_ack_then_bye_from_either_side(
    wire: Wire, caller_is_robot: bool, hangs_up: str
) -> None:
    phone, robot = two(wire)
    caller, callee = (robot, phone) if caller_is_robot else (phone, robot)
    ref = dial(wire, caller, callee, headers={"X-Lead-Id": "42"})
    offered = callee.last(CallOffered)
    assert offered.info.direction == "inbound"
    assert offered.info.caller == caller.core.config.user
    assert offered.info.params["X-Lead-Id"] == "42"
    assert offered.offer is not None and offered.offer.remote_port == 4000
    wire.command(lambda now: callee.core.ring(offered.ref, now))
    assert [(p.ref, p.status) for p in caller.of(CallProgress)] == [(ref, 180)]
    call = answer(wire, callee, offered.ref)
    answered = caller.last(CallAnswered)
    assert answered.info.direction == "outbound" and answered.info.call_id == offered.info.call_id
    assert answered.media.remote_port == 5000 and answered.media.codec == "PCMU"
    assert call.confirmed and not call.awaiting_ack
    assert wire.ladder() == ["INVITE", "100 INVITE", "180 INVITE", "200 INVITE", "ACK"]
    assert caller.core.active_calls == callee.core.active_calls == 1

    ender, other = (caller, callee) if hangs_up == "caller" else (callee, caller)
    ender_ref, other_ref = (ref, offered.ref) if hangs_up == "caller" else (offered.ref, ref)
    token = wire.command(lambda now: ender.core.bye(ender_ref, now))
    assert other.of(DialogEnded) == [DialogEnded(other_ref, "caller_hangup")]
    done = ender.last(RequestDone)
    assert (done.token, done.method, done.status, done.accepted) == (token, "BYE", 200, True)
    assert wire.ladder()[-2:] == ["BYE", "200 BYE"]
    assert caller.core.active_calls == callee.core.active_calls == 0
    assert wire.command(lambda now: ender.core.bye(ender_ref, now)) is None  # no dialog left
    wire.advance(64 * T1)  # every transaction lingers at most 64*T1
    assert caller.core.next_timer() is None and callee.core.next_timer() is None


@pytest.mark.parametrize(
    ("code", "kind"),
    [(486, "busy"), (603, "rejected"), (404, "rejected"), (480, "no_answer"), (503, "failed")],
)
def test_rejections_are_acked_and_reported_distinctly(wire: Wire, code: int, kind: str) -> None:
    phone, robot = two(wire)
    ref = dial(wire, phone, robot)
    wire.command(lambda now: robot.core.reject(robot.last(CallOffered).ref, code, None, now))
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.kind, failed.status) == (ref, kind, code)
    assert isinstance(failed.error(), CallFailed) and failed.error().status == code
    assert wire.ladder() == ["INVITE", "100 INVITE", f"{code} INVITE", "ACK"]
    with pytest.raises(ValueError, match="300-699"):
        robot.core.reject(robot.last(CallOffered).ref, 200, None, wire.now)


def test_a_lost_200_is_retransmitted_until_the_ack_and_a_lost_ack_resent_per_200(
    wire: Wire,
) -> None:
    phone, robot = two(wire)
    wire.drop_once(lambda data: data.startswith(b"SIP/2.0 200"))
    dial(wire, phone, robot)
    call = answer(wire, robot)
    assert call.awaiting_ack and not phone.of(CallAnswered)
    wire.advance(T1)  # the UAS core retransmits its 2xx at T1 (§13.3.1.4)
    assert phone.of(CallAnswered) and not call.awaiting_ack and call.confirmed
    assert wire.ladder()[-3:] == ["x 200 INVITE", "200 INVITE", "ACK"]
    # now the ACK is lost: the next 2xx retransmission is ACKed again (§13.2.2.4)
    other = wire.node("other", "10.0.0.3")
    wire.drop_once(lambda data: data.startswith(b"ACK "))
    dial(wire, other, robot)
    call = answer(wire, robot)
    assert call.awaiting_ack
    wire.advance(T1)
    assert not call.awaiting_ack
    assert wire.ladder()[-4:] == ["200 INVITE", "x ACK", "200 INVITE", "ACK"]
    assert len(other.of(CallAnswered)) == 1  # a retransmitted 2xx is not a second call


def test_no_ack_at_all_ends_the_call_after_64_t1_with_a_bye(wire: Wire) -> None:
    phone, robot = two(wire)
    ref = dial(wire, phone, robot)
    for _ in range(20):
        wire.drop_once(lambda data: data.startswith(b"ACK "))
    call = answer(wire, robot)
    wire.advance(64 * T1)
    assert robot.of(DialogEnded) == [DialogEnded(call.ref, "network_error")]
    assert phone.of(DialogEnded) == [DialogEnded(ref, "caller_hangup")]
    sends = [s.label for s in wire.between(robot, phone)]
    resent = [s.at for s in wire.between(robot, phone) if s.label == "200 INVITE"]
    assert resent == [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]  # T1.. T2
    assert sends[-1] == "BYE"


def test_our_cancel_after_the_timeout_gets_487(wire: Wire) -> None:
    phone, robot = two(wire)
    ref = dial(wire, phone, robot, timeout_s=40)
    offered = robot.last(CallOffered)
    wire.command(lambda now: robot.core.ring(offered.ref, now))
    wire.advance(39)  # ringing far past timer B (32 s): a ringing INVITE does not time out
    assert not phone.of(OutgoingCallFailed)
    wire.advance(1)
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.kind, failed.status) == (ref, "no_answer", 487)
    assert robot.of(CallCancelled) == [CallCancelled(offered.ref, 487)]
    labels = wire.ladder()
    assert labels.index("CANCEL") < labels.index("487 INVITE") < labels.index("ACK")
    cancel_ok = next(s.message for s in wire.sent if s.label == "200 CANCEL")
    terminated = next(s.message for s in wire.sent if s.label == "487 INVITE")
    tag = NameAddr.parse(cancel_ok.headers["to"]).tag
    assert tag == NameAddr.parse(terminated.headers["to"]).tag == offered.local_tag  # §9.2
    with pytest.raises(CallFailed):
        robot.core.answer(offered.ref, media_port=5000, now=wire.now)


def test_cancel_waits_for_a_provisional_response(wire: Wire) -> None:
    """RFC 3261 §9.1: no CANCEL before the far end has sent a 1xx."""
    phone = wire.node("phone", "10.0.0.1")
    ref = wire.command(
        lambda now: phone.core.invite("sip:x@10.0.0.7:5060", media_port=4000, now=now)
    )
    wire.command(lambda now: phone.core.cancel(ref, now))
    wire.advance(T1)
    assert [m.method for m in wire.stray(("10.0.0.7", 5060))] == ["INVITE", "INVITE"]  # A
    invite = wire.stray(("10.0.0.7", 5060))[0]
    wire.inject(phone, reply(invite, 180), source=("10.0.0.7", 5060))
    sent = wire.stray(("10.0.0.7", 5060))
    assert isinstance(sent[-1], SipRequest) and sent[-1].method == "CANCEL"
    assert sent[-1].branch == invite.branch and sent[-1].cseq == (1, "CANCEL")
    wire.inject(phone, reply(invite, 487), source=("10.0.0.7", 5060))
    assert not phone.of(OutgoingCallFailed)  # nobody waits for an abandoned call
    assert phone.core.call(ref) is None


def test_a_200_that_crosses_our_cancel_is_acked_and_hung_up(wire: Wire) -> None:
    phone, robot = two(wire)
    ref = dial(wire, phone, robot, timeout_s=10)
    wire.command(lambda now: robot.core.ring(robot.last(CallOffered).ref, now))
    wire.drop_once(lambda data: data.startswith(b"CANCEL "))
    wire.advance(10)  # our CANCEL goes out (and is lost) ...
    answer(wire, robot)  # ... while the robot answers
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.kind, failed.status) == (ref, "no_answer", 487)
    assert not phone.of(CallAnswered)
    assert wire.ladder()[-4:] == ["200 INVITE", "ACK", "BYE", "200 BYE"]
    assert robot.of(DialogEnded) and robot.core.active_calls == 0


def test_the_caller_cancels_before_the_answer(wire: Wire) -> None:
    phone, robot = two(wire)
    ref = dial(wire, phone, robot)
    offered = robot.last(CallOffered)
    wire.command(lambda now: robot.core.ring(offered.ref, now))
    wire.command(lambda now: phone.core.cancel(ref, now))
    assert robot.of(CallCancelled) == [CallCancelled(offered.ref, 487)]
    assert not robot.core.can_answer(offered.ref)
    assert wire.ladder()[-4:] == ["CANCEL", "200 CANCEL", "487 INVITE", "ACK"]


def test_a_call_nobody_takes_up_gets_480_after_the_ring_timeout(wire: Wire) -> None:
    phone, robot = two(wire, ring_timeout_s=5)
    ref = dial(wire, phone, robot)
    wire.advance(5)
    assert robot.of(CallCancelled) == [CallCancelled(robot.last(CallOffered).ref, 480)]
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.kind, failed.status) == (ref, "no_answer", 480)


def test_excess_pending_calls_get_503(wire: Wire) -> None:
    phone, robot = two(wire, max_pending_calls=1)
    dial(wire, phone, robot)
    second = dial(wire, phone, robot)
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.status, failed.reason) == (second, 503, "Too Many Pending Calls")
    assert len(robot.of(CallOffered)) == 1


def test_an_unreachable_peer_fails_after_timer_b_with_timer_a_retransmissions(
    wire: Wire,
) -> None:
    phone = wire.node("phone", "10.0.0.1")
    ref = wire.command(
        lambda now: phone.core.invite("sip:x@10.0.0.7:5060", media_port=4000, now=now)
    )
    wire.advance(64 * T1 - 0.01)
    assert not phone.of(OutgoingCallFailed)
    wire.advance(0.01)
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.kind, failed.status) == (ref, "failed", 408)
    assert [s.at for s in wire.sent] == [0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]  # A doubles
    assert phone.core.next_timer() is None


def test_an_unusable_sdp_answer_fails_the_call_and_hangs_up(wire: Wire) -> None:
    phone = wire.node("phone", "10.0.0.1")
    ref = wire.command(
        lambda now: phone.core.invite("sip:x@10.0.0.7:5060", media_port=4000, now=now)
    )
    invite = wire.stray(("10.0.0.7", 5060))[0]
    bad = SDP_PCMU.replace(b"RTP/AVP 0 101", b"RTP/AVP 18").replace(b"a=rtpmap:0 PCMU", b"a=x")
    wire.inject(phone, reply(invite, 200, headers=(("Contact", "<sip:x@10.0.0.7>"),), body=bad),
                source=("10.0.0.7", 5060))
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.kind, failed.status) == (ref, "failed", 200)
    assert "unusable SDP answer" in failed.reason
    assert [m.method for m in wire.stray(("10.0.0.7", 5060))[1:]] == ["ACK", "BYE"]  # type: ignore[union-attr]


def test_a_late_offer_invite_gets_our_offer_and_the_ack_answers(wire: Wire) -> None:
    """An INVITE without SDP (some PBXes): we offer in the 200, the ACK answers."""
    robot = wire.node("robot", "10.0.0.2")
    invite = (
        b"INVITE sip:robot@10.0.0.2 SIP/2.0\r\n"
        b"Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKlate1\r\n"
        b"From: <sip:pbx@10.0.0.9>;tag=l1\r\nTo: <sip:robot@10.0.0.2>\r\n"
        b"Call-ID: late-1\r\nCSeq: 1 INVITE\r\nContact: <sip:pbx@10.0.0.9>\r\n"
        b"Content-Length: 0\r\n\r\n"
    )
    wire.inject(robot, invite)
    offered = robot.last(CallOffered)
    assert offered.offer is None
    call = answer(wire, robot)
    assert call.media is None and call.awaiting_answer_in_ack
    ok = wire.stray(("10.0.0.9", 5060))[-1]
    assert isinstance(ok, SipResponse) and ok.status == 200
    assert b"m=audio 5000" in ok.body and b"a=sendrecv" in ok.body
    to = ok.headers["to"]
    ack = (
        "ACK sip:robot@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKlate2\r\n"
        f"From: <sip:pbx@10.0.0.9>;tag=l1\r\nTo: {to}\r\nCall-ID: late-1\r\nCSeq: 1 ACK\r\n"
        f"Content-Type: application/sdp\r\nContent-Length: {len(SDP_PCMU)}\r\n\r\n"
    ).encode() + SDP_PCMU
    wire.inject(robot, ack)
    changed = robot.last(MediaChanged)
    assert (changed.ref, changed.media.remote_port, changed.media.codec) == (
        offered.ref, 40000, "PCMU")
    assert call.confirmed and call.media == changed.media


def test_an_ack_reusing_the_invite_branch_stops_the_200_retransmission(wire: Wire) -> None:
    """RFC 2543-style peers send the 2xx ACK with the INVITE's branch."""
    robot = wire.node("robot", "10.0.0.2")
    head = (
        "sip:robot@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKold2543\r\n"
        "From: <sip:old@10.0.0.9>;tag=o1\r\n"
    )
    invite = (
        "INVITE " + head + "To: <sip:robot@10.0.0.2>\r\nCall-ID: old-1\r\nCSeq: 1 INVITE\r\n"
        f"Contact: <sip:old@10.0.0.9>\r\nContent-Type: application/sdp\r\n"
        f"Content-Length: {len(SDP_PCMU)}\r\n\r\n"
    ).encode() + SDP_PCMU
    wire.inject(robot, invite)
    call = answer(wire, robot)
    to = wire.stray(("10.0.0.9", 5060))[-1].headers["to"]
    wire.inject(robot, f"ACK {head}To: {to}\r\nCall-ID: old-1\r\nCSeq: 1 ACK\r\n\r\n".encode())
    assert call.confirmed and not call.awaiting_ack
    count = len(wire.stray(("10.0.0.9", 5060)))
    wire.advance(10)
    assert len(wire.stray(("10.0.0.9", 5060))) == count  # no more 200s


def test_a_bye_right_behind_the_200_finds_the_dialog(wire: Wire) -> None:
    """The 200 and a BYE can arrive in one TCP read: the dialog must exist at once."""
    phone, robot = two(wire)
    ref = dial(wire, phone, robot)
    call = robot.core.answer(robot.last(CallOffered).ref, media_port=5000, now=wire.now)
    robot.core.bye(call.ref, wire.now)  # before the 200 has left the robot
    wire.flush()
    assert phone.last(CallAnswered).ref == ref
    assert phone.of(DialogEnded) == [DialogEnded(ref, "caller_hangup")]
    assert "481 BYE" not in wire.ladder()


def test_digest_auth_on_407_then_401_for_invite_and_on_bye(wire: Wire) -> None:
    phone = wire.node("robot", "10.0.0.1", proxy="10.0.0.7:5060", auth_username="robot",
                      password="s3cret")
    trunk = ("10.0.0.7", 5060)
    ref = wire.command(
        lambda now: phone.core.invite("sip:service@trunk.test", media_port=4000, now=now)
    )
    challenges = [
        ("407", "Proxy-Authenticate", 'Digest realm="proxy.test", nonce="n1", qop="auth"'),
        ("401", "WWW-Authenticate",
         'Digest realm="trunk.test", nonce="n2", algorithm=SHA-256, qop="auth"'),
    ]
    for status, name, value in challenges:
        invite = wire.stray(trunk)[-1]
        wire.inject(phone, reply(invite, int(status), headers=((name, value),)), source=trunk)
    final = wire.stray(trunk)[-1]
    assert isinstance(final, SipRequest) and final.method == "INVITE"
    assert final.cseq == (3, "INVITE")
    assert 'realm="proxy.test"' in (final.headers.get("proxy-authorization") or "")
    assert "algorithm=SHA-256" in (final.headers.get("authorization") or "")
    wire.inject(phone, reply(final, 200, headers=(("Contact", "<sip:svc@10.0.0.8>"),),
                             body=SDP_PCMU), source=trunk)
    assert phone.last(CallAnswered).ref == ref
    ack = wire.stray(trunk)[-1]
    assert isinstance(ack, SipRequest) and ack.method == "ACK" and ack.cseq == (3, "ACK")
    assert ack.headers.get("proxy-authorization") == final.headers.get("proxy-authorization")
    # the ACKs of the two challenges belong to their own transactions (branch, CSeq)
    acks = [m for m in wire.stray(trunk) if isinstance(m, SipRequest) and m.method == "ACK"]
    assert [a.cseq[0] for a in acks] == [1, 2, 3]
    token = wire.command(lambda now: phone.core.bye(ref, now))
    bye = wire.stray(trunk)[-1]
    wire.inject(phone, reply(bye, 407, headers=((
        "Proxy-Authenticate", 'Digest realm="proxy.test", nonce="pn-bye", qop="auth"'),)),
        source=trunk)
    bye2 = wire.stray(trunk)[-1]
    assert isinstance(bye2, SipRequest) and bye2.method == "BYE" and bye2.cseq[0] == bye.cseq[0] + 1  # type: ignore[union-attr]
    assert 'nonce="pn-bye"' in (bye2.headers.get("proxy-authorization") or "")
    wire.inject(phone, reply(bye2, 200), source=trunk)
    assert phone.last(RequestDone) == RequestDone(token, ref, "BYE", 200, True,
                                                  phone.last(RequestDone).response)


def test_no_password_means_the_challenge_is_the_answer(wire: Wire) -> None:
    phone = wire.node("robot", "10.0.0.1", proxy="10.0.0.7:5060")
    ref = wire.command(
        lambda now: phone.core.invite("sip:service@trunk.test", media_port=4000, now=now)
    )
    invite = wire.stray(("10.0.0.7", 5060))[-1]
    wire.inject(phone, reply(invite, 407, headers=((
        "Proxy-Authenticate", 'Digest realm="p", nonce="n"'),)), source=("10.0.0.7", 5060))
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.kind, failed.status) == (ref, "failed", 407)


def test_captured_baresip_and_sipp_invites_are_offered(wire: Wire) -> None:
    from pathlib import Path

    robot = wire.node("robot", "127.0.0.1", 5070)
    captures = Path(__file__).parent / "captures"
    for name, caller, port in (("baresip_invite.sip", "peer", 10112),
                               ("sipp_uac_invite.sip", "sipp", 6000)):
        data = (captures / name).read_bytes()
        message = parse_message(data)
        wire.inject(robot, data, source=("127.0.0.1", 25071))
        offered = robot.last(CallOffered)
        assert offered.invite.call_id == message.call_id
        assert offered.info.caller == caller
        assert offered.offer is not None and offered.offer.codec == "PCMU"
        assert offered.offer.remote_port == port
        assert wire.stray(("127.0.0.1", 25071))[-1].status == 100  # type: ignore[union-attr]


def test_a_challenged_call_that_rings_past_timers_b_and_d_is_still_answered(wire: Wire) -> None:
    """The challenged INVITE's transaction ends (timer D, 32 s) while the retry rings: the
    retry's transaction must stay matched (each attempt keeps its own request and key)."""
    phone = wire.node("robot", "10.0.0.1", proxy="10.0.0.7:5060", password="s3cret")
    trunk = ("10.0.0.7", 5060)
    ref = wire.command(lambda now: phone.core.invite(
        "sip:service@trunk.test", media_port=4000, now=now, timeout_s=120))
    first = wire.stray(trunk)[-1]
    wire.inject(phone, reply(first, 407, headers=((
        "Proxy-Authenticate", 'Digest realm="p", nonce="n"'),)), source=trunk)
    retry = wire.stray(trunk)[-1]
    assert isinstance(retry, SipRequest) and retry.branch != first.branch
    wire.inject(phone, reply(retry, 180), source=trunk)
    wire.advance(60)  # past timer B of the retry and timer D of the challenged INVITE
    wire.inject(phone, reply(first, 407, headers=((  # a late retransmission is re-ACKed ...
        "Proxy-Authenticate", 'Digest realm="p", nonce="n"'),)), source=trunk)
    wire.inject(phone, reply(retry, 200, headers=(("Contact", "<sip:svc@10.0.0.8>"),),
                             body=SDP_PCMU), source=trunk)
    assert phone.last(CallAnswered).ref == ref  # ... and the retry's 200 is still a call
    assert not phone.of(OutgoingCallFailed)


def test_shutdown_ends_whatever_still_waits_and_sends_nothing_more(wire: Wire) -> None:
    phone, robot = two(wire)
    ref, _ = connect(wire, phone, robot)
    wire.drop_once(lambda data: data.startswith(b"BYE "))
    token = wire.command(lambda now: phone.core.bye(ref, now))
    ringing = wire.command(
        lambda now: phone.core.invite("sip:x@10.0.0.7:5060", media_port=4002, now=now)
    )
    sent = len(wire.sent)
    phone.core.shutdown(wire.now)
    wire.flush()
    assert phone.last(RequestDone) == RequestDone(token, ref, "BYE", None, False)
    failed = phone.last(OutgoingCallFailed)
    assert (failed.ref, failed.kind, failed.status) == (ringing, "failed", None)
    assert phone.core.next_timer() is None
    wire.advance(64)
    assert len(wire.sent) == sent  # nothing more went out
