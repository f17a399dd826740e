"""Our UAC against our UAS on loopback with real RTP sessions: the whole stack, both ends."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import pytest
from sip_audio import dominant_frequency, tone

from media_gateway.call_leg import CallEnded, InboundDtmf, InboundFrame
from media_gateway.sip import CallFailed, IncomingCall, SipCallLeg, SipConfig, SipUserAgent

TIMEOUT = 20


@pytest.fixture
async def pair() -> AsyncIterator[tuple[SipUserAgent, SipUserAgent]]:
    uas = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    uac = await SipUserAgent.start(SipConfig(port=0, user="caller"))
    yield uac, uas
    await uac.close()
    await uas.close()


async def next_call(ua: SipUserAgent) -> IncomingCall:
    return await asyncio.wait_for(anext(aiter(ua.incoming())), TIMEOUT)


async def collect(
    leg: SipCallLeg,
    *,
    frames: int | None = None,
    digits: int | None = None,
    until_end: bool = False,
) -> tuple[bytes, str, CallEnded | None]:
    audio = bytearray()
    got = ""
    ended: CallEnded | None = None
    async with asyncio.timeout(TIMEOUT):
        async for event in leg.events():
            if isinstance(event, InboundFrame):
                audio += event.pcm
            elif isinstance(event, InboundDtmf):
                got += event.digit
            else:
                ended = event
            if ended is not None:
                break
            if not until_end and frames is not None and len(audio) >= frames * 320:
                break
            if not until_end and digits is not None and len(got) >= digits:
                break
    return bytes(audio), got, ended


def uri(ua: SipUserAgent, user: str = "robot", transport: str = "") -> str:
    suffix = ";transport=tcp" if transport == "tcp" else ""
    return f"sip:{user}@127.0.0.1:{ua.local_port}{suffix}"


@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_call_audio_dtmf_and_bye_both_ways(
    pair: tuple[SipUserAgent, SipUserAgent], transport: str
) -> None:
    uac, uas = pair
    placing = asyncio.create_task(
        uac.call(uri(uas, transport=transport), headers={"X-Lead-Id": "42"})
    )
    incoming = await next_call(uas)
    assert incoming.info.direction == "inbound" and incoming.info.caller == "caller"
    assert incoming.info.params["X-Lead-Id"] == "42"
    incoming.ring()
    robot = await incoming.answer()
    caller = await asyncio.wait_for(placing, TIMEOUT)
    assert caller.info.direction == "outbound" and caller.info.call_id == robot.info.call_id

    robot.play(tone(440, 1.5))
    caller.play(tone(1000, 1.5))
    heard_by_caller, _, _ = await collect(caller, frames=60)
    heard_by_robot, _, _ = await collect(robot, frames=60)
    # skip the first frames (jitter-buffer fill), then the tone must dominate
    assert abs(dominant_frequency(heard_by_caller[320 * 10 :]) - 440) < 15
    assert abs(dominant_frequency(heard_by_robot[320 * 10 :]) - 1000) < 15

    sending = asyncio.create_task(caller.send_dtmf("12#"))
    _, digits, _ = await collect(robot, digits=3)
    await sending
    assert digits == "12#"
    await robot.send_dtmf("9")
    _, digits, _ = await collect(caller, digits=1)
    assert digits == "9"

    await caller.hangup()
    _, _, ended = await collect(robot, until_end=True)
    assert ended == CallEnded("caller_hangup")
    assert uas.active_calls == 0 and uac.active_calls == 0


async def test_robot_hangup_reaches_the_caller(pair: tuple[SipUserAgent, SipUserAgent]) -> None:
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas)))
    robot = await (await next_call(uas)).answer()
    caller = await asyncio.wait_for(placing, TIMEOUT)
    await robot.hangup()
    _, _, ended = await collect(caller, until_end=True)
    assert ended == CallEnded("caller_hangup")
    _, _, robot_end = await collect(robot, until_end=True)
    assert robot_end == CallEnded("robot_hangup")


@pytest.mark.parametrize(
    ("code", "kind"),
    [(486, "busy"), (603, "rejected"), (404, "rejected"), (480, "no_answer"), (503, "failed")],
)
async def test_rejections_are_reported_distinctly(
    pair: tuple[SipUserAgent, SipUserAgent], code: int, kind: str
) -> None:
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas)))
    await (await next_call(uas)).reject(code)
    with pytest.raises(CallFailed) as failure:
        await asyncio.wait_for(placing, TIMEOUT)
    assert (failure.value.kind, failure.value.status) == (kind, code)


async def test_unanswered_call_is_cancelled_with_487(
    pair: tuple[SipUserAgent, SipUserAgent],
) -> None:
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas), timeout_s=1.0))
    incoming = await next_call(uas)
    incoming.ring()
    with pytest.raises(CallFailed) as failure:
        await asyncio.wait_for(placing, TIMEOUT)
    assert (failure.value.kind, failure.value.status) == ("no_answer", 487)
    await asyncio.wait_for(incoming.cancelled.wait(), TIMEOUT)
    with pytest.raises(CallFailed):
        await incoming.answer()


async def test_unreachable_peer_fails_after_timer_b() -> None:
    ua = await SipUserAgent.start(SipConfig(port=0, t1=0.02))  # B = 64*T1 = 1.28 s
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        try:
            with pytest.raises(CallFailed) as failure:
                await asyncio.wait_for(ua.call(f"sip:x@127.0.0.1:{port}"), TIMEOUT)
            assert (failure.value.kind, failure.value.status) == ("failed", 408)
            # the INVITE was retransmitted (timer A) while we waited; how often depends on
            # how promptly a loaded machine ran the timers, but A always fires before B
            silent.setblocking(False)
            invites = 0
            with contextlib.suppress(BlockingIOError):
                while True:
                    invites += silent.recv(65536).startswith(b"INVITE")
            assert invites >= 2
        finally:
            await ua.close()


async def test_options_and_garbage_on_the_wire(pair: tuple[SipUserAgent, SipUserAgent]) -> None:
    _, uas = pair
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        sock.sendto(b"\x00\xffnot sip at all\r\n\r\n", ("127.0.0.1", uas.local_port))
        options = (
            f"OPTIONS sip:robot@127.0.0.1:{uas.local_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{sock.getsockname()[1]};branch=z9hG4bKopt1\r\n"
            "From: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:robot@127.0.0.1>\r\n"
            "Call-ID: opt-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        ).encode()
        sock.sendto(options, ("127.0.0.1", uas.local_port))
        reply = await asyncio.wait_for(loop.sock_recv(sock, 65536), TIMEOUT)
    assert reply.startswith(b"SIP/2.0 200 OK")
    assert b"Allow: INVITE" in reply
    assert uas.dropped_messages == 1


async def test_info_dtmf_and_hold_resume_reinvite(
    pair: tuple[SipUserAgent, SipUserAgent],
) -> None:
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas)))
    robot = await (await next_call(uas)).answer()
    caller = await asyncio.wait_for(placing, TIMEOUT)
    from media_gateway.sip.message import Headers

    response = await uac._in_dialog_request(
        caller,
        "INFO",
        Headers([("Content-Type", "application/dtmf-relay")]),
        b"Signal=7\r\nDuration=160\r\n",
    )
    assert response.status == 200
    _, digits, _ = await collect(robot, digits=1)
    assert digits == "7"
    # hold: the caller re-INVITEs with sendonly, so the robot must stop sending
    assert await caller.hold(True)
    assert robot.media is not None and not robot.media.sending
    assert robot.media.local_direction == "recvonly"
    assert robot.retransmitter is not None
    await asyncio.wait_for(_acked(robot), TIMEOUT)
    assert await caller.hold(False)
    assert robot.media.sending and robot.media.local_direction == "sendrecv"
    # session refresh without SDP: the robot offers in the 200, the ACK answers
    response = await uac._in_dialog_request(caller, "INVITE")
    assert response.status == 200 and b"m=audio" in response.body
    await asyncio.wait_for(_acked(robot), TIMEOUT)
    assert not robot.ended and not caller.ended
    # RFC 4028-style refresh with UPDATE, and an in-dialog OPTIONS keep-alive
    assert (await uac._in_dialog_request(caller, "UPDATE")).status == 200
    assert (await uac._in_dialog_request(caller, "OPTIONS")).status == 200
    assert (await uac._in_dialog_request(caller, "MESSAGE")).status == 405
    await caller.hangup()


async def _acked(leg: SipCallLeg) -> None:
    """Until the leg's latest 2xx has been acknowledged (polled, bounded by the caller)."""
    while leg.retransmitter is not None and not leg.retransmitter.acked:
        await asyncio.sleep(0.01)


async def test_unusable_codec_gets_488(pair: tuple[SipUserAgent, SipUserAgent]) -> None:
    uas = pair[1]
    uac = await SipUserAgent.start(SipConfig(port=0, codecs=("PCMA",)))
    only_pcmu = await SipUserAgent.start(SipConfig(port=0, codecs=("PCMU",)))
    try:
        with pytest.raises(CallFailed) as failure:
            await asyncio.wait_for(uac.call(uri(only_pcmu)), TIMEOUT)
        assert (failure.value.kind, failure.value.status) == ("failed", 488)
        assert uas.active_calls == 0
    finally:
        await uac.close()
        await only_pcmu.close()


def test_call_fails_cleanly_on_a_bad_uri() -> None:
    async def go() -> None:
        ua = await SipUserAgent.start(SipConfig(port=0))
        try:
            with pytest.raises(CallFailed, match="not a SIP URI"):
                await ua.call("not a uri")
        finally:
            await ua.close()

    asyncio.run(go())


async def test_proxy_given_by_host_name_is_resolved(
    pair: tuple[SipUserAgent, SipUserAgent],
) -> None:
    uas = pair[1]
    uac = await SipUserAgent.start(SipConfig(port=0, proxy=f"localhost:{uas.local_port}"))
    try:
        placing = asyncio.create_task(uac.call("sip:robot@robot.example.test"))
        incoming = await next_call(uas)
        assert incoming.invite.uri == "sip:robot@robot.example.test"
        await incoming.reject(603)
        with pytest.raises(CallFailed) as failure:
            await asyncio.wait_for(placing, TIMEOUT)
        assert failure.value.kind == "rejected"
    finally:
        await uac.close()


async def test_unhandled_calls_time_out_and_excess_calls_get_503() -> None:
    uas = await SipUserAgent.start(SipConfig(port=0, ring_timeout_s=0.5, max_pending_calls=1))
    uac = await SipUserAgent.start(SipConfig(port=0))
    try:
        first = asyncio.create_task(uac.call(uri(uas)))
        await next_call(uas)  # taken from the queue, then ignored by the application
        with pytest.raises(CallFailed) as excess:
            await asyncio.wait_for(uac.call(uri(uas)), TIMEOUT)
        assert excess.value.status == 503
        with pytest.raises(CallFailed) as ignored:
            await asyncio.wait_for(first, TIMEOUT)
        assert (ignored.value.kind, ignored.value.status) == ("no_answer", 480)
    finally:
        await uac.close()
        await uas.close()


async def test_cancelling_the_call_task_sends_cancel(
    pair: tuple[SipUserAgent, SipUserAgent],
) -> None:
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas)))
    incoming = await next_call(uas)
    incoming.ring()
    placing.cancel()
    await asyncio.wait_for(incoming.cancelled.wait(), TIMEOUT)
    with pytest.raises(asyncio.CancelledError):
        await placing


async def test_ack_reusing_the_invite_branch_stops_200_retransmission() -> None:
    """RFC 2543-style peers send the 2xx ACK with the INVITE's branch."""
    uas = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        me = sock.getsockname()[1]
        sdp = (
            b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            b"m=audio 40000 RTP/AVP 0\r\n"
        )
        head = (
            f"sip:robot@127.0.0.1:{uas.local_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bKold2543\r\n"
            f"From: <sip:old@127.0.0.1:{me}>;tag=o1\r\n"
        )
        invite = (
            "INVITE " + head + "To: <sip:robot@127.0.0.1>\r\nCall-ID: old-1\r\n"
            f"CSeq: 1 INVITE\r\nContact: <sip:old@127.0.0.1:{me}>\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n"
        ).encode() + sdp
        sock.sendto(invite, ("127.0.0.1", uas.local_port))
        try:
            leg = await (await next_call(uas)).answer()
            async with asyncio.timeout(TIMEOUT):
                while True:
                    reply = await loop.sock_recv(sock, 65536)
                    if reply.startswith(b"SIP/2.0 200"):
                        break
            to_line = next(line for line in reply.decode().split("\r\n") if line.startswith("To:"))
            ack = (
                "ACK " + head + to_line + "\r\nCall-ID: old-1\r\nCSeq: 1 ACK\r\n"
                "Content-Length: 0\r\n\r\n"
            ).encode()
            sock.sendto(ack, ("127.0.0.1", uas.local_port))
            await asyncio.wait_for(_acked(leg), TIMEOUT)
            assert leg.confirmed.is_set()
        finally:
            await uas.close()


async def test_closing_the_user_agent_hangs_up_its_calls(
    pair: tuple[SipUserAgent, SipUserAgent],
) -> None:
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas)))
    robot = await (await next_call(uas)).answer()
    caller = await asyncio.wait_for(placing, TIMEOUT)
    await asyncio.wait_for(uac.close(), TIMEOUT)
    _, _, ended = await collect(robot, until_end=True)
    assert ended == CallEnded("caller_hangup")
    assert caller.ended


async def test_required_extensions_we_lack_get_420(
    pair: tuple[SipUserAgent, SipUserAgent],
) -> None:
    uas = pair[1]
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        invite = (
            f"INVITE sip:robot@127.0.0.1:{uas.local_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{sock.getsockname()[1]};branch=z9hG4bKprack\r\n"
            "From: <sip:p@127.0.0.1>;tag=p1\r\nTo: <sip:robot@127.0.0.1>\r\n"
            "Call-ID: prack-1\r\nCSeq: 1 INVITE\r\nRequire: 100rel\r\n"
            "Content-Length: 0\r\n\r\n"
        ).encode()
        sock.sendto(invite, ("127.0.0.1", uas.local_port))
        reply = await asyncio.wait_for(loop.sock_recv(sock, 65536), TIMEOUT)
    assert reply.startswith(b"SIP/2.0 420 Bad Extension")
    assert b"Unsupported: 100rel" in reply


async def test_unread_audio_is_bounded_but_digits_are_kept(
    pair: tuple[SipUserAgent, SipUserAgent], monkeypatch: pytest.MonkeyPatch
) -> None:
    import media_gateway.sip.sip_call_leg as leg_module

    monkeypatch.setattr(leg_module, "MAX_QUEUED_FRAMES", 20)
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas)))
    robot = await (await next_call(uas)).answer()
    caller = await asyncio.wait_for(placing, TIMEOUT)
    await caller.send_dtmf("8")
    async with asyncio.timeout(TIMEOUT):  # nobody reads the robot's events meanwhile
        while robot.frames_dropped < 30:
            await asyncio.sleep(0.02)
    await caller.hangup()
    events = [e async for e in robot.events()]
    assert [e.digit for e in events if isinstance(e, InboundDtmf)] == ["8"]
    assert sum(isinstance(e, InboundFrame) for e in events) <= 21
    assert events[-1] == CallEnded("caller_hangup")


async def test_late_offer_invite_gets_our_offer_and_the_ack_answers() -> None:
    """An INVITE without SDP (some PBXes do this): we offer in the 200, the ACK answers."""
    uas = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        me = sock.getsockname()[1]
        common = (
            f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bKlate{{n}}\r\n"
            f"From: <sip:pbx@127.0.0.1:{me}>;tag=l1\r\n"
        )
        invite = (
            f"INVITE sip:robot@127.0.0.1:{uas.local_port} SIP/2.0\r\n"
            + common.format(n=1)
            + "To: <sip:robot@127.0.0.1>\r\nCall-ID: late-1\r\nCSeq: 1 INVITE\r\n"
            f"Contact: <sip:pbx@127.0.0.1:{me}>\r\nContent-Length: 0\r\n\r\n"
        ).encode()
        sock.sendto(invite, ("127.0.0.1", uas.local_port))
        try:
            leg = await (await next_call(uas)).answer()
            assert leg.media is None
            async with asyncio.timeout(TIMEOUT):
                while not (reply := await loop.sock_recv(sock, 65536)).startswith(b"SIP/2.0 200"):
                    pass
            assert b"m=audio" in reply and b"a=sendrecv" in reply
            to_line = next(x for x in reply.decode().split("\r\n") if x.startswith("To:"))
            answer = (
                b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                b"t=0 0\r\nm=audio 40002 RTP/AVP 8\r\na=sendrecv\r\n"
            )
            ack = (
                f"ACK sip:robot@127.0.0.1:{uas.local_port} SIP/2.0\r\n"
                + common.format(n=2)
                + to_line
                + "\r\nCall-ID: late-1\r\nCSeq: 1 ACK\r\n"
                f"Content-Type: application/sdp\r\nContent-Length: {len(answer)}\r\n\r\n"
            ).encode() + answer
            sock.sendto(ack, ("127.0.0.1", uas.local_port))
            await asyncio.wait_for(_acked(leg), TIMEOUT)
            assert leg.media is not None
            assert (leg.media.codec, leg.media.remote_port) == ("PCMA", 40002)
        finally:
            await uas.close()


@pytest.mark.parametrize("transport", ["udp", "tcp"])
async def test_bye_right_behind_the_200_is_not_lost(
    pair: tuple[SipUserAgent, SipUserAgent], transport: str
) -> None:
    """Over TCP the 200 and the BYE can arrive in one read: the dialog must exist by the
    time the BYE is handled."""
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas, transport=transport)))
    robot = await (await next_call(uas)).answer()
    hanging_up = asyncio.create_task(robot.hangup())  # before the caller even sees the 200
    caller = await asyncio.wait_for(placing, TIMEOUT)
    _, _, ended = await collect(caller, until_end=True)
    assert ended == CallEnded("caller_hangup")
    await hanging_up


async def test_cancel_waits_for_a_provisional_response() -> None:
    """RFC 3261 §9.1: no CANCEL before the far end has sent a 1xx."""
    ua = await SipUserAgent.start(SipConfig(port=0, t1=0.1))
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as far:
        far.bind(("127.0.0.1", 0))
        far.setblocking(False)
        placing = asyncio.create_task(ua.call(f"sip:x@127.0.0.1:{far.getsockname()[1]}"))
        try:
            invite, source = await asyncio.wait_for(loop.sock_recvfrom(far, 65536), TIMEOUT)
            placing.cancel()
            with pytest.raises(asyncio.CancelledError):
                await placing
            # A premature CANCEL would go out at once; the next INVITE retransmission
            # (timer A) proves that nothing but INVITEs left before our 180.
            async with asyncio.timeout(TIMEOUT):
                before = [(await loop.sock_recvfrom(far, 65536))[0]]
            assert before[0].startswith(b"INVITE ")
            keep = (b"Via:", b"From:", b"To:", b"Call-ID:", b"CSeq:")
            lines = [ln for ln in invite.split(b"\r\n") if ln.startswith(keep)]
            far.sendto(b"\r\n".join([b"SIP/2.0 180 Ringing", *lines]) + b"\r\n\r\n", source)
            async with asyncio.timeout(TIMEOUT):
                seen: list[bytes] = []
                while not any(m.startswith(b"CANCEL ") for m in seen):
                    seen.append((await loop.sock_recvfrom(far, 65536))[0])
            assert all(m.startswith((b"INVITE ", b"CANCEL ")) for m in seen)
        finally:
            await ua.close()
