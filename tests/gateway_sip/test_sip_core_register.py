"""REGISTER through the SIP core against a scripted registrar, with a fake clock: digest
challenges (401 and 407), the refresh at half the granted time, a failed refresh retried,
and unregistering."""

from __future__ import annotations

import hashlib
import re

import pytest

from media_gateway.sip.events import RegistrationDone
from media_gateway.sip.message import SipRequest
from media_gateway.sip.outcomes import RegistrationFailed
from tests.gateway_sip.sip_wire import Node, Wire, reply

REGISTRAR = ("10.0.0.7", 5060)


def registrar_reply(wire: Wire, node: Node, status: int,
                    headers: tuple[tuple[str, str], ...] = ()) -> SipRequest:
    """Answer the last REGISTER the registrar got; return that REGISTER."""
    request = wire.stray(REGISTRAR)[-1]
    assert isinstance(request, SipRequest) and request.method == "REGISTER"
    wire.inject(node, reply(request, status, headers=headers), source=REGISTRAR)
    return request


def digest_ok(header: str, password: str) -> bool:
    """An independent check of a digest response (hashlib, not our auth module)."""
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header.partition(" ")[2]))
    ha1 = hashlib.md5(f"{fields['username']}:{fields['realm']}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"REGISTER:{fields['uri']}".encode()).hexdigest()
    text = f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}"
    return fields["response"] == hashlib.md5(text.encode()).hexdigest()


def test_register_answers_401_and_407_then_refreshes_at_half_the_granted_time() -> None:
    wire = Wire()
    robot = wire.node("robot", "10.0.0.2", proxy="10.0.0.7:5060", domain="reg.test",
                      password="s3cret")
    token = wire.command(lambda now: robot.core.register(None, now))
    first = registrar_reply(wire, robot, 401, (
        ("WWW-Authenticate", 'Digest realm="reg.test", nonce="n1", qop="auth"'),))
    assert first.uri == "sip:reg.test" and first.headers["expires"] == "3600"
    assert first.headers["contact"] == "<sip:robot@10.0.0.2:5060>"
    second = registrar_reply(wire, robot, 407, (
        ("Proxy-Authenticate", 'Digest realm="proxy.test", nonce="n2", qop="auth"'),))
    assert digest_ok(second.headers["authorization"], "s3cret")
    third = registrar_reply(wire, robot, 200, (("Contact", "<sip:robot@10.0.0.2>;expires=60"),))
    assert digest_ok(third.headers["proxy-authorization"], "s3cret")
    assert [r.cseq[0] for r in (first, second, third)] == [1, 2, 3]
    assert first.call_id == second.call_id == third.call_id  # one registration, one Call-ID
    assert robot.of(RegistrationDone) == [RegistrationDone(token, 60, 200, "X")]
    assert robot.core.registrations == 1 and robot.core.refreshing
    wire.advance(29.9)
    assert len(wire.stray(REGISTRAR)) == 3
    wire.advance(0.1)  # half of the 60 s granted
    refresh = registrar_reply(wire, robot, 200, (("Expires", "20"),))
    assert refresh.cseq[0] == 4 and refresh.call_id == first.call_id
    last = robot.last(RegistrationDone)
    assert (last.granted, last.refresh) == (20, True)
    wire.advance(10)
    registrar_reply(wire, robot, 200, (("Expires", "20"),))
    assert robot.core.registrations == 3


def test_a_failed_refresh_is_retried_and_unregistering_stops_refreshing() -> None:
    wire = Wire()
    robot = wire.node("robot", "10.0.0.2", proxy="10.0.0.7:5060")
    wire.command(lambda now: robot.core.register(None, now))
    registrar_reply(wire, robot, 200, (("Expires", "10"),))
    wire.advance(5)
    registrar_reply(wire, robot, 503)
    failed = robot.last(RegistrationDone)
    assert (failed.granted, failed.status, failed.refresh) == (None, 503, True)
    wire.advance(29.9)
    count = len(wire.stray(REGISTRAR))
    wire.advance(0.1)  # retried 30 s later
    assert len(wire.stray(REGISTRAR)) == count + 1
    registrar_reply(wire, robot, 200, (("Expires", "10"),))
    robot.core.stop_refreshing()
    token = wire.command(lambda now: robot.core.register(0, now))
    unregister = registrar_reply(wire, robot, 200)
    assert unregister.headers["expires"] == "0"
    assert robot.last(RegistrationDone).token == token
    count = len(wire.stray(REGISTRAR))
    wire.advance(3600)
    assert len(wire.stray(REGISTRAR)) == count and not robot.core.refreshing


def test_a_rejected_or_unanswered_register_fails() -> None:
    wire = Wire()
    robot = wire.node("robot", "10.0.0.2", proxy="10.0.0.7:5060")  # no password
    wire.command(lambda now: robot.core.register(None, now))
    registrar_reply(wire, robot, 401, (("WWW-Authenticate", 'Digest realm="r", nonce="n"'),))
    assert robot.last(RegistrationDone).status == 401 and not robot.core.refreshing
    token = wire.command(lambda now: robot.core.register(None, now))
    wire.advance(32)  # timer F: 64*T1 without a response
    assert robot.last(RegistrationDone) == RegistrationDone(
        token, None, None, "no response from the registrar")
    retransmissions = [m for m in wire.stray(REGISTRAR) if m.cseq[0] == 2]
    assert len(retransmissions) == 11  # E: 0.5, 1, 2, then every T2 (4 s) until 32 s
    alone = wire.node("alone", "10.0.0.3")
    with pytest.raises(RegistrationFailed, match="no proxy"):
        alone.core.register(None, wire.now)
