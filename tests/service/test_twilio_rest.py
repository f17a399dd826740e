"""Transfers of Twilio media-stream calls through Twilio's REST API, against a local HTTP
server speaking the documented Call-update protocol (on 127.0.0.1)."""

from __future__ import annotations

import socket
from xml.etree import ElementTree

import pytest

from media_gateway.call_leg import CallInfo
from media_gateway.twilio_protocol import StartInfo
from media_gateway.twilio_rest import TwilioCalls, TwilioCredentials, dial_twiml

from .local_server import LocalServer
from .postgres_server import free_port
from .twilio_rest_server import FakeTwilioRest

ACCOUNT = "AC0123456789abcdef0123456789abcdef"
SUBACCOUNT = "ACfedcba9876543210fedcba9876543210"
CALL = "CA2ad3ab5a668481ce02b83e7395059f0b"
TOKEN = "auth-token-1"


def _client(base: str, timeout_s: float = 5.0) -> TwilioCalls:
    return TwilioCalls(TwilioCredentials(ACCOUNT, TOKEN, base), timeout_s=timeout_s)


async def test_a_transfer_updates_the_call_with_dial_twiml() -> None:
    twilio = FakeTwilioRest()
    async with LocalServer(twilio.app, free_port()) as server:
        accepted = await _client(server.url).dial(CALL, "sip:sales@pbx.example.com;transport=tls")
    assert accepted is True
    [update] = twilio.updates
    assert update.path == f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}.json"
    assert (update.username, update.password) == (ACCOUNT, TOKEN)
    assert update.content_type == "application/x-www-form-urlencoded"
    assert update.form == {
        "Twiml": [
            "<Response><Dial><Sip>sip:sales@pbx.example.com;transport=tls</Sip></Dial></Response>"
        ]
    }


async def test_a_number_is_dialled_as_number_and_the_target_is_escaped() -> None:
    twilio = FakeTwilioRest()
    async with LocalServer(twilio.app, free_port()) as server:
        client = _client(server.url)
        assert await client.dial(CALL, "tel:+15550100")
        assert await client.dial(CALL, "+1555<Hangup/>&")
    first, second = (u.form["Twiml"][0] for u in twilio.updates)
    assert first == "<Response><Dial><Number>+15550100</Number></Dial></Response>"
    dial = ElementTree.fromstring(second).find("Dial")
    assert dial is not None and [child.tag for child in dial] == ["Number"]
    assert dial[0].text == "+1555<Hangup/>&"  # text, not a verb


async def test_the_stream_start_names_the_call_and_its_account() -> None:
    twilio = FakeTwilioRest()
    start = StartInfo.model_validate(
        {"streamSid": "MZ1", "callSid": CALL, "accountSid": SUBACCOUNT}
    )
    async with LocalServer(twilio.app, free_port()) as server:
        handler = _client(server.url).handler_for(start)
        info = CallInfo("other-id", "inbound", "+1", "+2", "websocket")
        assert await handler(info, "sip:op@pbx") is True
    [update] = twilio.updates
    assert update.account == SUBACCOUNT and update.call_sid == CALL
    assert update.username == ACCOUNT  # the parent account authenticates


@pytest.mark.parametrize("status", [404, 401, 500])
async def test_a_refused_update_is_a_failed_transfer(status: int) -> None:
    twilio = FakeTwilioRest(error_status=status)
    async with LocalServer(twilio.app, free_port()) as server:
        assert await _client(server.url).dial(CALL, "sip:op@pbx") is False
    assert len(twilio.updates) == 1


async def test_an_unreachable_api_is_a_failed_transfer() -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert await _client(f"http://127.0.0.1:{port}", timeout_s=2).dial(CALL, "sip:o@p") is False


@pytest.mark.parametrize(
    ("call_sid", "target"), [("", "sip:op@pbx"), ("CA1/../x", "sip:op@pbx"), (CALL, "  ")]
)
async def test_bad_input_never_reaches_twilio(call_sid: str, target: str) -> None:
    twilio = FakeTwilioRest()
    async with LocalServer(twilio.app, free_port()) as server:
        assert await _client(server.url).dial(call_sid, target) is False
    assert twilio.updates == []


def test_dial_twiml_rejects_an_empty_target() -> None:
    with pytest.raises(ValueError, match="empty"):
        dial_twiml("")
