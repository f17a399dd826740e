"""What the SIP core does with requests from outside a dialog, in memory: OPTIONS (200,
and 503 once it stops accepting), refusals (420, 488, 400, 481, 405), server transaction
timers (G/H for an unacknowledged error, J), retransmissions absorbed, and malformed
input dropped with a log line."""

from __future__ import annotations

import logging
import secrets

import pytest

from media_gateway.sip.address import NameAddr
from media_gateway.sip.events import CallOffered
from media_gateway.sip.message import SipResponse
from tests.gateway_sip.sip_captured import BARESIP_INVITE, COMPACT_INVITE
from tests.gateway_sip.sip_mutations import fuzz_messages
from tests.gateway_sip.sip_wire import SDP_PCMU, Node, Wire

PEER = ("10.0.0.9", 5060)


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def robot(wire: Wire) -> Node:
    return wire.node("robot", "10.0.0.2")


def request(method: str, *, extra: str = "", body: bytes = b"", to_tag: str = "",
            branch: str | None = None, call_id: str | None = None) -> bytes:
    branch = branch or "z9hG4bK" + secrets.token_hex(6)
    to = "<sip:robot@10.0.0.2>" + (f";tag={to_tag}" if to_tag else "")
    content = "Content-Type: application/sdp\r\n" if body else ""
    return (
        f"{method} sip:robot@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch={branch}\r\n"
        f"From: <sip:peer@10.0.0.9>;tag=p1\r\nTo: {to}\r\n"
        f"Call-ID: {call_id or secrets.token_hex(6)}\r\nCSeq: 1 {method}\r\n"
        f"Contact: <sip:peer@10.0.0.9>\r\n{extra}{content}Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def replies(wire: Wire) -> list[SipResponse]:
    return [m for m in wire.stray(PEER) if isinstance(m, SipResponse)]


def test_options_gets_200_with_a_tag_then_503_once_we_stop_accepting(
    wire: Wire, robot: Node
) -> None:
    wire.inject(robot, request("OPTIONS"))
    ok = replies(wire)[-1]
    assert ok.status == 200 and NameAddr.parse(ok.headers["to"]).tag
    assert "INVITE" in (ok.headers.get("allow") or "")
    robot.core.stop_accepting()
    wire.inject(robot, request("OPTIONS"))
    busy = replies(wire)[-1]
    assert (busy.status, busy.headers.get("retry-after")) == (503, "60")
    wire.inject(robot, request("INVITE", body=SDP_PCMU))
    assert replies(wire)[-1].status == 503 and not robot.of(CallOffered)


@pytest.mark.parametrize(
    ("extra", "body", "status", "reason"),
    [
        ("Require: 100rel\r\n", SDP_PCMU, 420, "Bad Extension"),
        ("", SDP_PCMU.replace(b"RTP/AVP 0 101", b"RTP/AVP 18"), 488, "Not Acceptable Here"),
        ("", b"v=0\r\nm=audio x\r\n", 400, "Bad SDP"),
        ("X-Var-lead: " + "A" * 1001 + "\r\n", SDP_PCMU, 400, "Header Too Long"),
        ("".join(f"X-Var-v{i}: 1\r\n" for i in range(40)), SDP_PCMU, 400, "Too Many"),
    ],
)
def test_invites_we_cannot_take_are_refused_with_a_reason(
    wire: Wire, robot: Node, extra: str, body: bytes, status: int, reason: str
) -> None:
    wire.inject(robot, request("INVITE", extra=extra, body=body))
    final = replies(wire)[-1]
    assert final.status == status and final.reason.startswith(reason)
    assert NameAddr.parse(final.headers["to"]).tag
    if status == 420:
        assert final.headers.get("unsupported") == "100rel"
    assert not robot.of(CallOffered)


def test_requests_that_need_a_dialog_get_481_and_unknown_ones_405(
    wire: Wire, robot: Node
) -> None:
    for method in ("BYE", "INFO", "NOTIFY", "REFER", "UPDATE", "CANCEL"):
        wire.inject(robot, request(method))
        assert replies(wire)[-1].status == 481, method
    wire.inject(robot, request("MESSAGE"))
    assert replies(wire)[-1].status == 405


def test_an_unacknowledged_error_is_resent_by_timer_g_until_timer_h(
    wire: Wire, robot: Node
) -> None:
    wire.inject(robot, request("INVITE", body=SDP_PCMU, branch="z9hG4bKh1", call_id="h1"))
    wire.command(lambda now: robot.core.reject(robot.last(CallOffered).ref, 486, None, now))
    wire.advance(40)
    busy = [s.at for s in wire.sent if s.label == "486 INVITE"]
    assert busy == [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]  # G, cap T2
    assert robot.core.next_timer() is None  # H fired at 64*T1: the transaction is gone
    # a retransmitted INVITE now is a new transaction (and a new call)
    wire.inject(robot, request("INVITE", body=SDP_PCMU, branch="z9hG4bKh1", call_id="h1"))
    assert len(robot.of(CallOffered)) == 2


def test_retransmitted_requests_are_absorbed_by_their_transactions(
    wire: Wire, robot: Node
) -> None:
    invite = request("INVITE", body=SDP_PCMU)
    wire.inject(robot, invite)
    wire.inject(robot, invite)
    assert len(robot.of(CallOffered)) == 1
    assert [r.status for r in replies(wire)] == [100, 100]  # the last response, again
    options = request("OPTIONS", branch="z9hG4bKopt")
    wire.inject(robot, options)
    wire.inject(robot, options)
    assert [r.status for r in replies(wire)][-2:] == [200, 200]
    wire.advance(32)  # timer J: 64*T1 on UDP
    wire.inject(robot, options)
    assert [r.status for r in replies(wire)][-1:] == [200]


def test_malformed_input_is_dropped_with_a_log_line(
    wire: Wire, robot: Node, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="media_gateway.sip.core"):
        for garbage in (b"\x00\xffnot sip at all\r\n\r\n",
                        BARESIP_INVITE.replace(b"CSeq: 4711 INVITE", b"CSeq: 4711 BYE"),
                        BARESIP_INVITE.replace(b"Via:", b"Vai:"),
                        b"INVITE sip:x SIP/2.0\r\n" + b"X: " + b"A" * 40_000 + b"\r\n\r\n"):
            assert wire.inject(robot, garbage) is None
    assert robot.core.dropped == 4 and not robot.events and not wire.strays
    dropped = [r for r in caplog.records if "dropped malformed message from 10.0.0.9" in r.message]
    assert len(dropped) == 4
    assert "CSeq method BYE differs" in dropped[1].message
    assert wire.inject(robot, b"\r\n\r\n") is None and robot.core.dropped == 4  # keep-alive


def test_a_flood_of_mutated_messages_never_raises_and_calls_still_work(
    wire: Wire, robot: Node
) -> None:
    for data in fuzz_messages(3000, seed=4):
        wire.inject(robot, data)
    assert robot.core.dropped > 300
    for offered in robot.of(CallOffered):
        wire.command(lambda now, o=offered: robot.core.reject(o.ref, 486, None, now))  # type: ignore[misc]
    wire.advance(64)
    wire.inject(robot, COMPACT_INVITE)
    assert robot.last(CallOffered).info.params["X-Lead-Id"] == "42"
    call = wire.command(
        lambda now: robot.core.answer(robot.last(CallOffered).ref, media_port=5000, now=now)
    )
    assert call.dialog is not None and call.dialog.remote_target == "sip:alice@192.0.2.1"
