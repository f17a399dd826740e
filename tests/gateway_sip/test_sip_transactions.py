"""Transaction state machines driven by a fake clock: every RFC 3261 timer path."""

from __future__ import annotations

from media_gateway.sip.message import Headers, SipRequest, SipResponse, parse_message
from media_gateway.sip.transaction import (
    ClientInviteTransaction,
    ClientNonInviteTransaction,
    OkRetransmitter,
    ServerInviteTransaction,
    ServerNonInviteTransaction,
    TimerSettings,
    client_key,
    server_key,
)
from tests.gateway_sip.sip_captured import BARESIP_INVITE

T = TimerSettings()  # T1 0.5 s, T2 4 s, T4 5 s


def invite() -> SipRequest:
    message = parse_message(BARESIP_INVITE)
    assert isinstance(message, SipRequest)
    return message


def bye() -> SipRequest:
    request = invite()
    request.method = "BYE"
    request.headers.set("CSeq", "4712 BYE")
    request.body = b""
    return request


def response_to(request: SipRequest, status: int, to_tag: str = "srv") -> SipResponse:
    headers = Headers()
    for name in ("via", "from", "call-id", "cseq"):
        headers.add(name, request.headers[name])
    headers.add("To", request.headers["to"] + f";tag={to_tag}")
    return SipResponse(status=status, reason="X", headers=headers)


def run_until(tx: object, end: float) -> list[tuple[float, str]]:
    """Fire timers at their deadlines up to `end`; return (time, what was sent)."""
    events: list[tuple[float, str]] = []
    while True:
        deadline = tx.next_deadline()  # type: ignore[attr-defined]
        if deadline is None or deadline > end:
            return events
        out = tx.handle_timers(deadline)  # type: ignore[attr-defined]
        for message in out.send:
            label = message.method if isinstance(message, SipRequest) else str(message.status)
            events.append((round(deadline, 3), label))
        if out.timed_out:
            events.append((round(deadline, 3), "timeout"))
        if out.terminated:
            events.append((round(deadline, 3), "terminated"))


def test_client_invite_timer_a_doubles_and_timer_b_times_out() -> None:
    tx = ClientInviteTransaction(invite(), reliable=False, timers=T)
    assert [type(m).__name__ for m in tx.start(0.0).send] == ["SipRequest"]
    events = run_until(tx, 100)
    sends = [t for t, what in events if what == "INVITE"]
    assert sends == [0.5, 1.5, 3.5, 7.5, 15.5, 31.5]  # A: T1, 2T1, 4T1 ... (no T2 cap)
    assert events[-2:] == [(32.0, "timeout"), (32.0, "terminated")]  # B = 64*T1


def test_client_invite_provisional_stops_a_and_error_is_acked_until_timer_d() -> None:
    request = invite()
    tx = ClientInviteTransaction(request, reliable=False, timers=T)
    tx.start(0.0)
    out = tx.receive(response_to(request, 180), 0.2)
    assert [m.status for m in out.deliver] == [180]  # type: ignore[attr-defined]
    assert "A" not in tx.timers
    busy = response_to(request, 486)
    out = tx.receive(busy, 1.0)
    assert [m.method for m in out.send] == ["ACK"]  # type: ignore[attr-defined]
    ack = out.send[0]
    assert ack.cseq == (4711, "ACK") and ack.branch == request.branch
    assert "tag=srv" in (ack.headers.get("to") or "")
    # a retransmitted 486 is ACKed again and not delivered twice
    again = tx.receive(busy, 2.0)
    assert len(again.send) == 1 and not again.deliver
    assert run_until(tx, 100) == [(33.0, "terminated")]  # D = 32 s on UDP


def test_client_invite_timer_b_does_not_end_a_ringing_call() -> None:
    """§17.1.1.2: B guards "calling" only; once a 1xx came, the TU bounds the call (it
    CANCELs when nobody answers), so a call may ring longer than 64*T1."""
    request = invite()
    tx = ClientInviteTransaction(request, reliable=False, timers=T)
    tx.start(0.0)
    tx.receive(response_to(request, 180), 1.0)
    assert run_until(tx, 100) == []
    out = tx.receive(response_to(request, 200), 100.0)
    assert [m.status for m in out.deliver] == [200]  # type: ignore[attr-defined]


def test_client_invite_2xx_goes_to_the_tu_including_retransmissions() -> None:
    request = invite()
    tx = ClientInviteTransaction(request, reliable=True, timers=T)
    assert "A" not in tx.start(0.0).send[0].headers.get("via", "")  # type: ignore[operator]
    assert "A" not in tx.timers  # reliable transport: no timer A
    first = tx.receive(response_to(request, 200), 1.0)
    second = tx.receive(response_to(request, 200), 1.5)
    assert len(first.deliver) == len(second.deliver) == 1
    assert not first.send  # the TU sends the ACK for a 2xx
    assert run_until(tx, 100) == [(33.0, "terminated")]  # timer M


def test_client_non_invite_timer_e_caps_at_t2_and_f_times_out() -> None:
    tx = ClientNonInviteTransaction(bye(), reliable=False, timers=T)
    tx.start(0.0)
    events = run_until(tx, 100)
    sends = [t for t, what in events if what == "BYE"]
    assert sends[:5] == [0.5, 1.5, 3.5, 7.5, 11.5]  # 0.5, 1, 2, 4, then capped at 4
    assert events[-2:] == [(32.0, "timeout"), (32.0, "terminated")]


def test_client_non_invite_proceeding_retransmits_every_t2_then_k() -> None:
    request = bye()
    tx = ClientNonInviteTransaction(request, reliable=False, timers=T)
    tx.start(0.0)
    tx.receive(response_to(request, 100), 0.1)
    sends = [t for t, what in run_until(tx, 9.0) if what == "BYE"]
    assert sends == [0.5, 4.5, 8.5]
    out = tx.receive(response_to(request, 200), 9.0)
    assert [m.status for m in out.deliver] == [200]  # type: ignore[attr-defined]
    assert not tx.receive(response_to(request, 200), 9.5).deliver  # absorbed
    assert run_until(tx, 100) == [(14.0, "terminated")]  # K = T4


def test_server_invite_error_retransmits_with_g_until_ack_then_i() -> None:
    request = invite()
    tx = ServerInviteTransaction(request, reliable=False, timers=T)
    tx.respond(response_to(request, 100), 0.0)
    assert [m.status for m in tx.receive(request, 0.1).send] == [100]  # type: ignore[attr-defined]
    tx.respond(response_to(request, 486), 1.0)
    events = run_until(tx, 5.0)
    assert [t for t, _ in events] == [1.5, 2.5, 4.5]  # G: T1, 2T1, 4T1 (cap T2)
    ack = invite()
    ack.method = "ACK"
    ack.headers.set("CSeq", "4711 ACK")
    assert server_key(ack) == server_key(request)
    tx.receive(ack, 5.0)
    assert tx.state == "confirmed"
    assert run_until(tx, 100) == [(10.0, "terminated")]  # I = T4


def test_server_invite_timer_h_gives_up_without_ack() -> None:
    request = invite()
    tx = ServerInviteTransaction(request, reliable=True, timers=T)
    tx.respond(response_to(request, 603), 0.0)
    assert run_until(tx, 100) == [(32.0, "timeout"), (32.0, "terminated")]


def test_server_invite_2xx_absorbs_invite_retransmissions_until_l() -> None:
    request = invite()
    tx = ServerInviteTransaction(request, reliable=False, timers=T)
    tx.respond(response_to(request, 200), 0.0)
    assert not tx.receive(request, 0.3).send
    assert run_until(tx, 100) == [(32.0, "terminated")]


def test_server_non_invite_replays_last_response_until_j() -> None:
    request = bye()
    tx = ServerNonInviteTransaction(request, reliable=False, timers=T)
    assert not tx.receive(request, 0.0).send  # Trying: nothing to repeat yet
    tx.respond(response_to(request, 200), 0.1)
    assert [m.status for m in tx.receive(request, 0.2).send] == [200]  # type: ignore[attr-defined]
    assert run_until(tx, 100) == [(32.1, "terminated")]
    reliable = ServerNonInviteTransaction(request, reliable=True, timers=T)
    reliable.respond(response_to(request, 200), 0.0)
    assert run_until(reliable, 100) == [(0.0, "terminated")]


def test_ok_retransmitter_until_ack_or_64_t1() -> None:
    request = invite()
    ok = response_to(request, 200)
    retransmitter = OkRetransmitter(ok, 0.0, T)
    times: list[float] = []
    gave_up = False
    while (deadline := retransmitter.next_deadline()) is not None:
        sent, gave_up = retransmitter.handle_timers(deadline)
        times += [deadline] * len(sent)
    assert times[:5] == [0.5, 1.5, 3.5, 7.5, 11.5]
    assert gave_up and max(times) < 32.0
    acked = OkRetransmitter(ok, 0.0, T)
    acked.ack()
    assert acked.next_deadline() is None


def test_transaction_keys_match_rfc_3261() -> None:
    request = invite()
    assert client_key(response_to(request, 200)) == client_key(request)
    cancel = invite()
    cancel.method = "CANCEL"
    assert server_key(cancel) != server_key(request)
