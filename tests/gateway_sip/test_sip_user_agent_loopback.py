"""Our UAC against our UAS on loopback with real RTP sessions: the whole stack, both ends.

These prove the asyncio adapter (sockets, the loop timer, RTP sessions, futures and legs);
the SIP behaviour itself is tested in memory against the core (test_sip_core_*.py)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import pytest

from media_gateway.call_leg import CallEnded, InboundDtmf, InboundFrame
from media_gateway.sip import CallFailed, IncomingCall, SipCallLeg, SipConfig, SipUserAgent
from media_gateway.sip.message import Headers
from tests.gateway_sip.sip_audio import dominant_frequency, tone

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


async def test_a_rejection_raises_call_failed(pair: tuple[SipUserAgent, SipUserAgent]) -> None:
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas)))
    await (await next_call(uas)).reject(486)
    with pytest.raises(CallFailed) as failure:
        await asyncio.wait_for(placing, TIMEOUT)
    assert (failure.value.kind, failure.value.status) == ("busy", 486)


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


async def test_closing_ends_a_call_still_ringing_out() -> None:
    """A call() waiting for an answer ends when its user agent closes (not at its timeout)."""
    ua = await SipUserAgent.start(SipConfig(port=0))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.setblocking(False)
        placing = asyncio.create_task(
            ua.call(f"sip:x@127.0.0.1:{silent.getsockname()[1]}", timeout_s=3600)
        )
        await asyncio.wait_for(asyncio.get_running_loop().sock_recv(silent, 65536), TIMEOUT)
        await ua.close()
        with pytest.raises(CallFailed) as failure:
            await asyncio.wait_for(placing, TIMEOUT)
        assert (failure.value.kind, failure.value.status) == ("failed", None)


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
    response = await uac.request(
        caller,
        "INFO",
        headers=Headers([("Content-Type", "application/dtmf-relay")]),
        body=b"Signal=7\r\nDuration=160\r\n",
    )
    assert response is not None and response.status == 200
    _, digits, _ = await collect(robot, digits=1)
    assert digits == "7"
    # hold: the caller re-INVITEs with sendonly, so the robot must stop sending
    assert await caller.hold(True)
    assert robot.media is not None and not robot.media.sending
    assert robot.media.local_direction == "recvonly"
    await asyncio.wait_for(_acked(robot), TIMEOUT)
    assert await caller.hold(False)
    assert robot.media.sending and robot.media.local_direction == "sendrecv"
    assert not robot.ended and not caller.ended
    await caller.hangup()


async def _acked(leg: SipCallLeg) -> None:
    """Until the leg's latest 2xx has been acknowledged (polled, bounded by the caller)."""
    while leg.sip.awaiting_ack:
        await asyncio.sleep(0.01)


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


async def test_bye_right_behind_the_200_is_not_lost(
    pair: tuple[SipUserAgent, SipUserAgent],
) -> None:
    """Over TCP the 200 and the BYE can arrive in one read: the leg must exist by the
    time the BYE is handled."""
    uac, uas = pair
    placing = asyncio.create_task(uac.call(uri(uas, transport="tcp")))
    robot = await (await next_call(uas)).answer()
    hanging_up = asyncio.create_task(robot.hangup())  # before the caller even sees the 200
    caller = await asyncio.wait_for(placing, TIMEOUT)
    _, _, ended = await collect(caller, until_end=True)
    assert ended == CallEnded("caller_hangup")
    await hanging_up


