"""SIPp scenarios against our stack: UAC vs our UAS, UAS for our UAC, digest challenges,
CANCEL both ways, REFER with NOTIFY, REGISTER with refresh."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from media_gateway.call_leg import CallEnded
from media_gateway.sip import CallFailed, IncomingCall, SipConfig, SipUserAgent
from tests.gateway_sip.sip_baresip import free_port
from tests.gateway_sip.sip_sipp import Sipp

pytestmark = pytest.mark.slow
TIMEOUT = 30


@pytest.fixture
async def robot_ua() -> AsyncIterator[SipUserAgent]:
    ua = await SipUserAgent.start(SipConfig(port=0, user="robot"))
    yield ua
    await ua.close()


async def answer_all(ua: SipUserAgent, served: list[str]) -> None:
    """A robot that answers every call and waits for the caller to hang up."""

    async def serve(call: IncomingCall) -> None:
        call.ring()
        leg = await call.answer()
        async for event in leg.events():
            if isinstance(event, CallEnded):
                served.append(event.cause)

    tasks = []
    async for call in ua.incoming():
        tasks.append(asyncio.create_task(serve(call)))


@pytest.mark.parametrize("transport", ["u1", "t1"])
async def test_sipp_uac_calls_our_uas(
    robot_ua: SipUserAgent, tmp_path: Path, transport: str
) -> None:
    served: list[str] = []
    server = asyncio.create_task(answer_all(robot_ua, served))
    sipp = Sipp(
        "uac",
        tmp_path,
        port=free_port(),
        remote=f"127.0.0.1:{robot_ua.local_port}",
        calls=10,
        extra=("-s", "robot", "-l", "5", "-r", "20", "-t", transport),
    )
    await sipp.start()
    rc = await sipp.wait(TIMEOUT)
    server.cancel()
    assert rc == 0, sipp.report()
    assert served.count("caller_hangup") == 10
    assert robot_ua.active_calls == 0
    if transport == "t1":
        assert "TCP message received" in sipp.messages()


@pytest.mark.parametrize("transport", ["u1", "t1"])
async def test_sipp_uas_answers_our_uac(
    robot_ua: SipUserAgent, tmp_path: Path, transport: str
) -> None:
    port = free_port()
    sipp = Sipp("uas", tmp_path, port=port, extra=("-t", transport))
    await sipp.start()
    await sipp.wait_listening()
    suffix = ";transport=tcp" if transport == "t1" else ""
    leg = await asyncio.wait_for(robot_ua.call(f"sip:service@127.0.0.1:{port}{suffix}"), TIMEOUT)
    assert leg.media is not None and leg.media.codec == "PCMU"
    await leg.hangup()
    assert await sipp.wait(TIMEOUT) == 0, sipp.report()
    if transport == "t1":
        assert "TCP message received" in sipp.messages()


def _digest_ok(header: str, *, method: str, password: str, algorithm: str) -> bool:
    """Independent check of a digest response (hashlib only, not our auth module)."""
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header.partition(" ")[2]))
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm]

    def hx(text: str) -> str:
        return h(text.encode()).hexdigest()

    ha1 = hx(f"{fields['username']}:{fields['realm']}:{password}")
    ha2 = hx(f"{method}:{fields['uri']}")
    expected = hx(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
    return fields.get("qop") == "auth" and fields["response"] == expected


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
async def test_digest_auth_on_407_then_401_and_on_bye(tmp_path: Path, algorithm: str) -> None:
    port = free_port()
    sipp = Sipp("uas_auth.xml", tmp_path, port=port, keys={"algo": algorithm})
    await sipp.start()
    await sipp.wait_listening()
    ua = await SipUserAgent.start(
        SipConfig(
            port=0,
            user="robot",
            auth_username="robot",
            password="s3cret",
            proxy=f"127.0.0.1:{port}",
        )
    )
    try:
        leg = await asyncio.wait_for(ua.call(f"sip:service@trunk.test:{port}"), TIMEOUT)
        await leg.hangup()
    finally:
        await ua.close()
    assert await sipp.wait(TIMEOUT) == 0, sipp.report()
    log = sipp.messages()
    proxy_auth = re.findall(r"Proxy-Authorization: (Digest [^\r\n]+)", log)
    www_auth = re.findall(r"\nAuthorization: (Digest [^\r\n]+)", log)
    assert proxy_auth and www_auth
    assert 'realm="proxy.test"' in proxy_auth[0] and 'opaque="op-1"' in proxy_auth[0]
    assert _digest_ok(proxy_auth[0], method="INVITE", password="s3cret", algorithm="MD5")
    bye_auth = [a for a in proxy_auth if "pn-bye-77" in a]
    assert len(bye_auth) == 1
    assert _digest_ok(bye_auth[0], method="BYE", password="s3cret", algorithm="MD5")
    assert f"algorithm={algorithm}" in www_auth[0]
    assert _digest_ok(www_auth[0], method="INVITE", password="s3cret", algorithm=algorithm)


async def test_wrong_password_is_reported_as_failed(tmp_path: Path) -> None:
    port = free_port()
    sipp = Sipp("uas_auth.xml", tmp_path, port=port, keys={"algo": "MD5"})
    await sipp.start()
    await sipp.wait_listening()
    ua = await SipUserAgent.start(SipConfig(port=0, proxy=f"127.0.0.1:{port}"))  # no password
    try:
        with pytest.raises(CallFailed) as failure:
            await asyncio.wait_for(ua.call(f"sip:service@trunk.test:{port}"), TIMEOUT)
        assert (failure.value.kind, failure.value.status) == ("failed", 407)
    finally:
        await ua.close()
        await sipp.kill()


async def test_sipp_cancels_before_answer(robot_ua: SipUserAgent, tmp_path: Path) -> None:
    sipp = Sipp(
        "uac_cancel.xml",
        tmp_path,
        port=free_port(),
        remote=f"127.0.0.1:{robot_ua.local_port}",
        extra=("-s", "robot"),
    )
    await sipp.start()
    incoming = await asyncio.wait_for(anext(aiter(robot_ua.incoming())), TIMEOUT)
    incoming.ring()
    await asyncio.wait_for(incoming.cancelled.wait(), TIMEOUT)
    assert await sipp.wait(TIMEOUT) == 0, sipp.report()
    with pytest.raises(CallFailed):
        await incoming.answer()


async def test_we_cancel_an_unanswered_call(robot_ua: SipUserAgent, tmp_path: Path) -> None:
    port = free_port()
    sipp = Sipp("uas_cancel.xml", tmp_path, port=port)
    await sipp.start()
    await sipp.wait_listening()
    with pytest.raises(CallFailed) as failure:
        await robot_ua.call(f"sip:service@127.0.0.1:{port}", timeout_s=1.0)
    assert (failure.value.kind, failure.value.status) == ("no_answer", 487)
    assert await sipp.wait(TIMEOUT) == 0, sipp.report()


@pytest.mark.parametrize(("outcome", "accepted"), [("200", True), ("486", False)])
async def test_blind_transfer_follows_the_notify(
    robot_ua: SipUserAgent, tmp_path: Path, outcome: str, accepted: bool
) -> None:
    port = free_port()
    sipp = Sipp("uas_refer.xml", tmp_path, port=port, keys={"outcome": outcome})
    await sipp.start()
    await sipp.wait_listening()
    leg = await asyncio.wait_for(robot_ua.call(f"sip:pbx@127.0.0.1:{port}"), TIMEOUT)
    assert await asyncio.wait_for(leg.transfer("sip:operator@127.0.0.1"), TIMEOUT) is accepted
    if not accepted:
        assert not leg.ended
        await leg.hangup()
    assert await sipp.wait(TIMEOUT) == 0, sipp.report()
    assert "Refer-To: <sip:operator@127.0.0.1>" in sipp.messages()
    ended = [e async for e in leg.events() if isinstance(e, CallEnded)]
    assert ended == [CallEnded("transferred" if accepted else "robot_hangup")]


async def test_register_with_digest_refresh_and_unregister(tmp_path: Path) -> None:
    port = free_port()
    sipp = Sipp("uas_register.xml", tmp_path, port=port)
    await sipp.start()
    await sipp.wait_listening()
    ua = await SipUserAgent.start(
        SipConfig(
            port=0, user="robot", password="s3cret", proxy=f"127.0.0.1:{port}", domain="reg.test"
        )
    )
    try:
        assert await asyncio.wait_for(ua.register(), TIMEOUT) == 2
        async with asyncio.timeout(TIMEOUT):  # the refresh comes after half of 2 s
            while ua.registrations < 2:
                await asyncio.sleep(0.05)
    finally:
        await ua.close()  # unregisters
    assert await sipp.wait(TIMEOUT) == 0, sipp.report()
    sent = re.findall(
        r"REGISTER sip:reg.test SIP/2.0\r?\n(?:[^\r\n]+\r?\n)*?Expires: (\d+)", sipp.messages()
    )
    assert sent == ["3600"] * 4 + ["0"] * 2
