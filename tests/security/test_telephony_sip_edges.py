"""What a SIP peer can send us, and what our values can put on the wire: sizes are bounded,
nothing breaks a header line, and the responses follow RFC 3261 (tags, early dialogs,
refusing calls once we stop taking them). Real sockets on loopback: our user agent, and
raw datagrams where a test needs to send what no well-behaved stack would."""

from __future__ import annotations

import asyncio
import secrets
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from media_gateway.sip import CallFailed, SipConfig, SipUserAgent
from media_gateway.sip.address import NameAddr, SipUri
from media_gateway.sip.message import (
    HeaderInjection,
    Headers,
    SipParseError,
    SipRequest,
    SipResponse,
    parse_message,
)

TIMEOUT = 20


class RawPeer:
    """A UDP socket that sends hand-written SIP and reads what comes back."""

    def __init__(self, target_port: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.target = ("127.0.0.1", target_port)

    def request(self, method: str, *, call_id: str | None = None, to_tag: str = "",
                extra: str = "", body: bytes = b"", branch: str | None = None,
                cseq: int = 1, user: str = "robot") -> tuple[bytes, str, str]:
        call_id = call_id or secrets.token_hex(8)
        branch = branch or "z9hG4bK" + secrets.token_hex(8)
        to = f"<sip:{user}@127.0.0.1:{self.target[1]}>" + (f";tag={to_tag}" if to_tag else "")
        head = (
            f"{method} sip:{user}@127.0.0.1:{self.target[1]} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch};rport\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:peer@127.0.0.1:{self.port}>;tag=peer1\r\n"
            f"To: {to}\r\nCall-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n"
            f"Contact: <sip:peer@127.0.0.1:{self.port}>\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body, call_id, branch

    def send(self, data: bytes) -> None:
        self.sock.sendto(data, self.target)

    async def response(self, status: int | None = None, method: str | None = None,
                       timeout: float = TIMEOUT) -> SipResponse:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            while True:
                data = await loop.sock_recv(self.sock, 65536)
                message = parse_message(data)
                if not isinstance(message, SipResponse):
                    continue
                if status is not None and message.status != status:
                    continue
                if method is not None and message.cseq[1] != method:
                    continue
                return message

    async def silence(self, seconds: float = 0.5) -> list[bytes]:
        """What arrives within `seconds` (expected: nothing)."""
        loop = asyncio.get_running_loop()
        got: list[bytes] = []
        try:
            async with asyncio.timeout(seconds):
                while True:
                    got.append(await loop.sock_recv(self.sock, 65536))
        except TimeoutError:
            pass
        return got

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
async def robot() -> AsyncIterator[SipUserAgent]:
    ua = await SipUserAgent.start(SipConfig(port=0, user="robot", tcp=False))
    yield ua
    await ua.close()


@pytest.fixture
def peer(robot: SipUserAgent) -> RawPeer:
    raw = RawPeer(robot.local_port)
    yield raw  # type: ignore[misc]
    raw.close()


def _tag(response: SipResponse) -> str:
    return NameAddr.parse(response.headers["to"]).tag


# --- sizes --------------------------------------------------------------------------------


def test_oversized_messages_and_headers_do_not_parse() -> None:
    base = (b"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
            b"From: <sip:x@h>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n")
    parse_message(base + b"X-Var-lead_name: " + b"A" * 1000 + b"\r\n\r\n")
    with pytest.raises(SipParseError, match="exceeds"):  # the reported 60 KB header
        parse_message(base + b"X-Var-lead_name: " + b"A" * 60_000 + b"\r\n\r\n")
    with pytest.raises(SipParseError, match="exceeds"):
        parse_message(base + b"X-A: " + b"A" * 9000 + b"\r\n\r\n")
    with pytest.raises(SipParseError, match="header lines"):
        parse_message(base + b"".join(b"X-%d: 1\r\n" % i for i in range(300)) + b"\r\n")
    with pytest.raises(SipParseError, match="exceeds"):
        parse_message(base + b"Content-Length: 40000\r\n\r\n" + b"v" * 40_000)


async def test_a_60_kb_variable_header_is_dropped_and_a_long_one_refused(
    robot: SipUserAgent, peer: RawPeer
) -> None:
    data, _, _ = peer.request("INVITE", extra="X-Var-lead_name: " + "A" * 60 * 1024 + "\r\n")
    peer.send(data)
    assert await peer.silence() == []  # dropped unread: no call, no answer
    assert robot.dropped_messages == 1
    data, _, _ = peer.request("INVITE", extra="X-Var-lead_name: " + "A" * 1001 + "\r\n")
    peer.send(data)
    refused = await peer.response(400)
    assert "Header Too Long" in refused.reason
    many = "".join(f"X-Var-v{i}: 1\r\n" for i in range(40))
    peer.send(peer.request("INVITE", extra=many)[0])
    assert "Too Many" in (await peer.response(400)).reason
    assert robot.handler_errors == 0


async def test_a_burst_of_200_invites_is_not_dropped_by_the_kernel(
    robot: SipUserAgent, peer: RawPeer
) -> None:
    """All 200 datagrams are sent before the user agent can read one (same event loop):
    they must all fit in the socket's receive buffer."""
    for _ in range(200):
        peer.send(peer.request("INVITE", extra="X-Var-lead_name: " + "A" * 400 + "\r\n")[0])
    async with asyncio.timeout(TIMEOUT):
        while robot.received_messages < 200:
            await asyncio.sleep(0.05)
    assert robot.received_messages == 200


# --- line breaks in values ----------------------------------------------------------------


def test_values_with_line_breaks_never_become_headers() -> None:
    for bad in ("x\r\nVia: evil", "x\nX-Injected: 1", "x\rY", "x\x00"):
        with pytest.raises(HeaderInjection):
            Headers([("X-Lead", bad)])
        with pytest.raises(HeaderInjection):
            Headers().add("Refer-To", bad)
        with pytest.raises(SipParseError):
            SipUri.parse(f"sip:{bad}@example.com")
        with pytest.raises(SipParseError):
            NameAddr.parse(f"<sip:a@b>;{bad}")
    with pytest.raises(HeaderInjection):
        SipRequest(method="BYE", uri="sip:a@b\r\nX: 1").to_bytes()
    with pytest.raises(SipParseError):  # bare CR inside a received header
        parse_message(b"OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\n"
                      b"From: <sip:x@h>;tag=1\nTo: <sip:a@b>\nCall-ID: c\rX: 1\n"
                      b"CSeq: 1 OPTIONS\n\n")


async def test_the_dialer_refuses_line_breaks_in_target_caller_and_headers(
    robot: SipUserAgent,
) -> None:
    port = robot.local_port
    phone = await SipUserAgent.start(SipConfig(port=0, user="phone", tcp=False))
    try:
        for kwargs in (
            {"uri": f"sip:robot@127.0.0.1:{port}\r\nX-Injected: 1"},
            {"uri": f"sip:robot\r\nX: 1@127.0.0.1:{port}"},
            {"uri": f"sip:robot@127.0.0.1:{port}", "caller": "bob\r\nX-Injected: 1"},
            {"uri": f"sip:robot@127.0.0.1:{port}", "caller": "bob>;evil=1"},
            {"uri": f"sip:robot@127.0.0.1:{port}", "headers": {"X-Lead": "a\r\nX-Inj: 1"}},
            {"uri": f"sip:robot@127.0.0.1:{port}", "headers": {"X-Lead\r\nX": "a"}},
        ):
            with pytest.raises(CallFailed) as failed:
                await phone.call(timeout_s=5, **kwargs)  # type: ignore[arg-type]
            assert failed.value.status is None  # refused before anything was sent
        assert robot.received_messages == 0
    finally:
        await phone.close()


async def test_a_transfer_target_with_a_line_break_sends_no_refer(robot: SipUserAgent) -> None:
    phone = await SipUserAgent.start(SipConfig(port=0, user="phone", tcp=False))
    try:
        placing = asyncio.create_task(phone.call(f"sip:robot@127.0.0.1:{robot.local_port}"))
        incoming = await asyncio.wait_for(anext(aiter(robot.incoming())), TIMEOUT)
        leg = await incoming.answer()
        caller = await asyncio.wait_for(placing, TIMEOUT)
        before = phone.received_messages
        assert await leg.transfer("sip:op@example.com\r\nX-Injected: 1") is False
        assert await leg.transfer("+7495\r\n1234567") is False
        assert not leg.ended and phone.received_messages == before  # no REFER went out
        await caller.hangup()
    finally:
        await phone.close()


# --- responses ----------------------------------------------------------------------------


async def test_options_and_cancel_responses_carry_a_to_tag(
    robot: SipUserAgent, peer: RawPeer
) -> None:
    peer.send(peer.request("OPTIONS")[0])
    ok = await peer.response(200, "OPTIONS")
    assert _tag(ok)
    invite, call_id, branch = peer.request("INVITE")
    peer.send(invite)
    await peer.response(100)
    incoming = await asyncio.wait_for(anext(aiter(robot.incoming())), TIMEOUT)
    peer.send(peer.request("CANCEL", call_id=call_id, branch=branch)[0])
    cancelled = await peer.response(200, "CANCEL")
    terminated = await peer.response(487, "INVITE")
    assert _tag(cancelled) and _tag(cancelled) == _tag(terminated) == incoming.local_tag


async def test_ringing_creates_an_early_dialog_with_contact_and_record_route(
    robot: SipUserAgent, peer: RawPeer
) -> None:
    route = "<sip:127.0.0.1:5999;lr>"
    peer.send(peer.request("INVITE", extra=f"Record-Route: {route}\r\n")[0])
    incoming = await asyncio.wait_for(anext(aiter(robot.incoming())), TIMEOUT)
    incoming.ring()
    ringing = await peer.response(180)
    assert _tag(ringing) == incoming.local_tag
    assert NameAddr.parse(ringing.headers["contact"]).uri == robot.contact_uri()
    assert ringing.headers.get_all("record-route") == [route]
    await incoming.reject(486)


async def test_after_stop_accepting_options_and_invites_get_503(
    robot: SipUserAgent, peer: RawPeer
) -> None:
    peer.send(peer.request("OPTIONS")[0])
    await peer.response(200, "OPTIONS")
    robot.stop_accepting()
    peer.send(peer.request("OPTIONS")[0])
    busy = await peer.response(method="OPTIONS")
    assert busy.status == 503 and busy.headers.get("retry-after")
    peer.send(peer.request("INVITE")[0])
    assert (await peer.response(method="INVITE")).status == 503


@pytest.mark.slow
async def test_voicebot_answer_stops_saying_ok_to_probes_after_its_last_call() -> None:
    """`voicebot answer --calls 1` with its one call still up: a proxy probing it with
    OPTIONS (Kamailio's dispatcher) must learn it takes no more calls."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    voicebot = str(Path(sys.executable).parent / "voicebot")
    answer = await asyncio.create_subprocess_exec(
        voicebot, "answer", "--sip-port", str(port), "--calls", "1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    phone = await SipUserAgent.start(SipConfig(port=0, user="phone", tcp=False))
    raw = RawPeer(port)
    try:
        assert answer.stdout is not None
        await asyncio.wait_for(answer.stdout.readline(), TIMEOUT)  # "listening on ..."
        raw.send(raw.request("OPTIONS")[0])
        assert (await raw.response(method="OPTIONS")).status == 200
        leg = await phone.call(f"sip:voicebot@127.0.0.1:{port}", timeout_s=TIMEOUT)
        raw.send(raw.request("OPTIONS")[0])
        assert (await raw.response(method="OPTIONS")).status == 503
        raw.send(raw.request("INVITE", user="voicebot")[0])
        assert (await raw.response(method="INVITE")).status == 503
        await leg.hangup()
        assert await asyncio.wait_for(answer.wait(), TIMEOUT) == 0
    finally:
        raw.close()
        await phone.close()
        if answer.returncode is None:
            answer.kill()
            await answer.wait()
