"""Behind a real Kamailio (record-route, dispatcher) over TCP: when the proxy's connection
to us goes away mid-call, our in-dialog BYE still reaches the caller, because it goes to
the route set's first hop (the proxy's listening address) over a new connection, not to
the proxy's old ephemeral port (RFC 3261 §12.2.1.1, RFC 3263)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from media_gateway.call_leg import CallEnded
from media_gateway.sip import SipConfig, SipUserAgent
from tests.gateway_sip.sip_kamailio import Kamailio, available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="kamailio is not installed (scripts/setup.sh)"),
]
TIMEOUT = 30


async def test_the_robots_bye_reaches_the_caller_after_the_proxy_dropped_its_connection(
    tmp_path: Path,
) -> None:
    robot = await SipUserAgent.start(SipConfig(port=0, user="robot", tcp=True))
    phone = await SipUserAgent.start(SipConfig(port=0, user="phone", tcp=True))
    proxy = Kamailio(tmp_path / "kamailio",
                     [f"sip:127.0.0.1:{robot.local_port};transport=tcp"], lifetime_s=2)
    try:
        await proxy.start()
        placing = asyncio.create_task(
            phone.call(f"sip:robot@127.0.0.1:{proxy.port};transport=tcp", timeout_s=TIMEOUT)
        )
        incoming = await asyncio.wait_for(anext(aiter(robot.incoming())), TIMEOUT)
        assert incoming.peer.transport == "tcp"
        assert incoming.invite.headers.get_all("record-route"), "the proxy record-routes"
        leg = await incoming.answer()
        caller = await asyncio.wait_for(placing, TIMEOUT)
        async with asyncio.timeout(TIMEOUT):  # the ACK came through
            while not leg.sip.confirmed:
                await asyncio.sleep(0.05)
        inbound = (incoming.peer.host, incoming.peer.port)
        assert inbound[1] != proxy.port  # Kamailio connected from an ephemeral port
        async with asyncio.timeout(TIMEOUT):  # Kamailio closes idle connections (lifetime)
            while inbound in robot.tcp_connections:
                await asyncio.sleep(0.1)
        await asyncio.wait_for(leg.hangup(), TIMEOUT)
        async with asyncio.timeout(TIMEOUT):
            async for event in caller.events():
                if isinstance(event, CallEnded):
                    assert event.cause == "caller_hangup"  # the far end (robot) hung up
                    break
        assert ("127.0.0.1", proxy.port) in robot.tcp_connections  # the new connection
    finally:
        await phone.close()
        await robot.close()
        await proxy.stop()
