"""Typed Media Streams messages, from the bodies Twilio documents."""

import base64
import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from media_gateway.twilio_protocol import (
    Connected,
    Dtmf,
    Mark,
    Media,
    Start,
    Stop,
    TwilioProtocolError,
    clear_message,
    mark_message,
    media_message,
    parse_message,
)

DOCUMENTED_START = {
    "event": "start",
    "sequenceNumber": "1",
    "start": {
        "accountSid": "AC123",
        "streamSid": "MZ18ad3ab5a668481ce02b83e7395059f0",
        "callSid": "CA123",
        "tracks": ["inbound", "outbound"],
        "customParameters": {"FirstName": "Jane", "LastName": "Doe", "RemoteParty": "Bob"},
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
    },
    "streamSid": "MZ18ad3ab5a668481ce02b83e7395059f0",
}


def test_documented_bodies_parse_into_typed_messages() -> None:
    assert isinstance(
        parse_message('{"event": "connected", "protocol": "Call", "version": "1.0.0"}'), Connected
    )
    start = parse_message(json.dumps(DOCUMENTED_START))
    assert isinstance(start, Start)
    assert start.start.custom_parameters["FirstName"] == "Jane"
    assert start.start.media_format.sample_rate == 8000
    media = parse_message(
        json.dumps(
            {
                "event": "media",
                "sequenceNumber": "3",
                "media": {
                    "track": "outbound",
                    "chunk": "1",
                    "timestamp": "5",
                    "payload": "no+JhoaJjpzSHxAKBgYJ",
                },
                "streamSid": "MZ1",
            }
        )
    )
    assert isinstance(media, Media)
    assert media.media.audio() == base64.b64decode("no+JhoaJjpzSHxAKBgYJ")
    dtmf = parse_message(
        '{"event":"dtmf","streamSid":"MZ1","sequenceNumber":"5",'
        '"dtmf":{"track":"inbound_track","digit":"1"}}'
    )
    assert isinstance(dtmf, Dtmf) and dtmf.dtmf.digit == "1"
    mark = parse_message(
        '{"event":"mark","sequenceNumber":"4","streamSid":"MZ1","mark":{"name":"my label"}}'
    )
    assert isinstance(mark, Mark) and mark.mark.name == "my label"
    stop = parse_message(
        '{"event":"stop","sequenceNumber":"5","streamSid":"MZ1",'
        '"stop":{"accountSid":"AC1","callSid":"CA1"}}'
    )
    assert isinstance(stop, Stop) and stop.stop.call_sid == "CA1"


def test_compatible_platforms_numbers_and_extra_fields_are_accepted() -> None:
    body = {
        "event": "media",
        "sequenceNumber": 3,
        "media": {"chunk": 2, "timestamp": 40, "payload": "AAAA", "extra": True},
        "streamSid": "x",
        "vendor": "jambonz",
    }
    media = parse_message(json.dumps(body))
    assert isinstance(media, Media) and media.media.chunk == "2"
    start = dict(DOCUMENTED_START)
    start["start"] = {**DOCUMENTED_START["start"], "customParameters": {"n": 5, "ok": True}}  # type: ignore[dict-item]
    parsed = parse_message(json.dumps(start))
    assert isinstance(parsed, Start)
    assert parsed.start.custom_parameters == {"n": "5", "ok": "true"}


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("{nope", 1003, "not JSON"),
        ("[1, 2]", 1008, "JSON object"),
        ('{"event": "media", "media": {}}', 1008, "payload"),
        ('{"event": "teleport"}', 1008, "event"),
        ('{"event": "dtmf", "dtmf": {"digit": "12"}}', 1008, "digit"),
    ],
)
def test_invalid_messages_raise_with_a_close_code_and_a_reason(
    text: str, code: int, words: str
) -> None:
    with pytest.raises(TwilioProtocolError, match=words) as error:
        parse_message(text)
    assert error.value.close_code == code


def test_outbound_messages_have_the_documented_shape() -> None:
    assert json.loads(media_message("MZ1", b"\xff\x7f")) == {
        "event": "media",
        "streamSid": "MZ1",
        "media": {"payload": base64.b64encode(b"\xff\x7f").decode()},
    }
    assert json.loads(mark_message("MZ1", "p1")) == {
        "event": "mark",
        "streamSid": "MZ1",
        "mark": {"name": "p1"},
    }
    assert json.loads(clear_message("MZ1")) == {"event": "clear", "streamSid": "MZ1"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.dictionaries(
            st.sampled_from(["event", "media", "start", "dtmf", "mark", "stop", "x"]),
            json_values | st.sampled_from(["media", "start", "dtmf", "mark", "stop"]),
            max_size=4,
        ).map(json.dumps),
    )
)
def test_any_input_either_parses_or_raises_the_protocol_error(text: str) -> None:
    with contextlib.suppress(TwilioProtocolError):
        parse_message(text)
