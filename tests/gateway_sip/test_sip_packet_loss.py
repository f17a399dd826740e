"""Retransmissions under packet loss: a loopback UDP relay drops chosen SIP messages once,
and the RFC 3261 timers (A for INVITE, E for BYE, 2xx retransmission) recover the call."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from media_gateway.call_leg import CallEnded
from media_gateway.sip import SipConfig, SipUserAgent
from tests.gateway_sip.sip_baresip import free_port
from tests.gateway_sip.sip_sipp import Sipp

pytestmark = pytest.mark.slow
TIMEOUT = 30

Rule = Callable[[bytes], bool]


def invite_ok(data: bytes) -> bool:
    return data.startswith(b"SIP/2.0 200") and re.search(rb"CSeq:\s*\d+ INVITE", data) is not None


def request(method: bytes) -> Rule:
    return lambda data: data.startswith(method + b" ")


class LossyRelay(asyncio.DatagramProtocol):
    """Relays datagrams between one client and `server`, dropping the first datagram that
    matches each rule."""

    def __init__(self, server: tuple[str, int], rules: list[Rule]) -> None:
        self.server = server
        self.rules = list(rules)
        self.client: tuple[str, int] | None = None
        self.dropped: list[bytes] = []
        self.relayed: list[bytes] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        for rule in self.rules:
            if rule(data):
                self.rules.remove(rule)
                self.dropped.append(data)
                return
        self.relayed.append(data)
        assert self.transport is not None
        if addr == self.server:
            if self.client is not None:
                self.transport.sendto(data, self.client)
        else:
            self.client = addr
            self.transport.sendto(data, self.server)


async def start_relay(server: tuple[str, int], rules: list[Rule]) -> tuple[LossyRelay, int]:
    loop = asyncio.get_running_loop()
    transport, relay = await loop.create_datagram_endpoint(
        lambda: LossyRelay(server, rules), local_addr=("127.0.0.1", 0)
    )
    return relay, transport.get_extra_info("sockname")[1]


async def test_lost_200_ok_is_retransmitted_by_our_uas(tmp_path: Path) -> None:
    uas = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    relay, relay_port = await start_relay(("127.0.0.1", uas.local_port), [invite_ok])
    ended: list[CallEnded] = []

    async def robot() -> None:
        call = await anext(aiter(uas.incoming()))
        leg = await call.answer()
        ended.extend([e async for e in leg.events() if isinstance(e, CallEnded)])

    serving = asyncio.create_task(robot())
    sipp = Sipp(
        "uac", tmp_path, port=free_port(), remote=f"127.0.0.1:{relay_port}", extra=("-s", "robot")
    )
    try:
        await sipp.start()
        assert await sipp.wait(TIMEOUT) == 0, sipp.report()
        await asyncio.wait_for(serving, TIMEOUT)
    finally:
        await uas.close()
        assert relay.transport is not None
        relay.transport.close()
    assert len(relay.dropped) == 1 and invite_ok(relay.dropped[0])
    assert any(invite_ok(d) for d in relay.relayed)  # the retransmitted 200 OK got through
    assert ended == [CallEnded("caller_hangup")]


async def test_lost_invite_bye_and_200_are_recovered_by_our_uac(tmp_path: Path) -> None:
    port = free_port()
    sipp = Sipp("uas", tmp_path, port=port)
    await sipp.start()
    await sipp.wait_listening()
    relay, relay_port = await start_relay(
        ("127.0.0.1", port), [request(b"INVITE"), invite_ok, request(b"BYE")]
    )
    uac = await SipUserAgent.start(SipConfig(port=0, proxy=f"127.0.0.1:{relay_port}"))
    try:
        leg = await asyncio.wait_for(uac.call(f"sip:service@127.0.0.1:{port}"), TIMEOUT)
        await asyncio.wait_for(leg.hangup(), TIMEOUT)
        assert await sipp.wait(TIMEOUT) == 0, sipp.report()
    finally:
        await uac.close()
        await sipp.kill()
        assert relay.transport is not None
        relay.transport.close()
    assert [d.split(b" ")[0] for d in relay.dropped] == [b"INVITE", b"SIP/2.0", b"BYE"]
    acks = [d for d in relay.relayed if d.startswith(b"ACK ")]
    assert len(acks) >= 1
