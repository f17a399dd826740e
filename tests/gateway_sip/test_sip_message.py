"""Parser and serializer: real-peer messages, compact/folded/comma-joined forms, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from media_gateway.sip.address import NameAddr, SipUri, Via
from media_gateway.sip.message import (
    SipParseError,
    SipRequest,
    SipResponse,
    StreamFramer,
    parse_message,
)
from tests.gateway_sip.sip_captured import BARESIP_INVITE, COMPACT_INVITE, SIPP_200_OK


def test_baresip_invite_parses_with_body_cut_at_content_length() -> None:
    message = parse_message(BARESIP_INVITE + b"trailing garbage")
    assert isinstance(message, SipRequest)
    assert message.method == "INVITE"
    assert message.uri == "sip:robot@127.0.0.1:5070"
    assert message.cseq == (4711, "INVITE")
    assert message.call_id == "7f3c6c0a4b8b9d21"
    assert message.branch == "z9hG4bK3f1b6a2e4c"
    assert message.body.startswith(b"v=0") and message.body.endswith(b"a=label:1\r\n")
    assert NameAddr.parse(message.headers["from"]).tag == "b1a9c3b1fd2e45a3"


def test_compact_folded_and_comma_joined_headers() -> None:
    message = parse_message(COMPACT_INVITE)
    vias = message.headers.get_all("Via")
    assert [Via.parse(v).branch for v in vias] == [
        "z9hG4bKfirst",
        "z9hG4bKsecond",
        "z9hG4bKthird",
    ]
    assert Via.parse(vias[2]).transport == "TCP"
    assert message.headers["subject"] == "a folded subject line"
    assert message.headers["CALL-ID"] == "a84b4c76e66710@pc33.example.com"
    assert message.cseq == (314159, "INVITE")
    assert message.content_type == "application/sdp"
    # UDP with no Content-Length: the body is the rest of the datagram.
    assert message.body.endswith(b"telephone-event/8000\r\n")
    sender = NameAddr.parse(message.headers["f"])
    assert sender.display == "Alice Smith" and sender.tag == "1928301774"
    assert message.headers.get("x-lead-id") == "42"


def test_response_round_trip_keeps_everything() -> None:
    message = parse_message(SIPP_200_OK)
    assert isinstance(message, SipResponse)
    assert (message.status, message.reason) == (200, "OK")
    again = parse_message(message.to_bytes(), stream=True)
    assert isinstance(again, SipResponse)
    assert again.body == message.body
    assert list(again.headers) == list(message.headers)
    contact = SipUri.parse(NameAddr.parse(again.headers["contact"]).uri)
    assert contact.address() == ("127.0.0.1", 5080)
    assert contact.transport == "udp"


def test_serializer_always_writes_the_true_content_length() -> None:
    message = parse_message(BARESIP_INVITE)
    message.body = b"v=0\r\n"
    assert b"Content-Length: 5\r\n" in message.to_bytes()
    assert message.to_bytes().count(b"Content-Length") == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty message"),
        (b"INVITE sip:a@b SIP/2.0\r\nVia: x\r\n", "no blank line"),
        (b"INVITE sip:a@b SIP/3.0\r\n\r\n", "version"),
        (b"INVITE sip:a@b\r\n\r\n", "request line"),
        (b"INV@TE sip:a@b SIP/2.0\r\n\r\n", "not a token"),
        (b"INVITE nouri SIP/2.0\r\n\r\n", "no scheme"),
        (b"SIP/2.0 099 Odd\r\n\r\n", "outside 100-699"),
        (b"SIP/2.0 abc\r\n\r\n", "status line"),
        (b"OPTIONS sip:a@b SIP/2.0\r\nbroken line\r\n\r\n", "has no colon"),
        (b"OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n", "missing required header From"),
    ],
)
def test_malformed_messages_get_precise_errors(data: bytes, reason: str) -> None:
    with pytest.raises(SipParseError, match=reason):
        parse_message(data)


def _with(header: bytes, body: bytes = b"") -> bytes:
    return (
        b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
        b"From: <sip:x@y>;tag=1\r\n"
        b"To: <sip:a@b>\r\nCall-ID: c\r\n" + header + b"\r\n\r\n" + body
    )


def test_content_length_rules() -> None:
    with pytest.raises(SipParseError, match="CSeq method INVITE differs"):
        parse_message(_with(b"CSeq: 1 INVITE"))
    with pytest.raises(SipParseError, match="larger than the 3-byte body"):
        parse_message(_with(b"CSeq: 1 OPTIONS\r\nContent-Length: 10", b"abc"))
    with pytest.raises(SipParseError, match="is not a number"):
        parse_message(_with(b"CSeq: 1 OPTIONS\r\nContent-Length: ten", b"abc"))
    with pytest.raises(SipParseError, match="required on a stream"):
        parse_message(_with(b"CSeq: 1 OPTIONS"), stream=True)
    with pytest.raises(SipParseError, match="is not '<number> <method>'"):
        parse_message(_with(b"CSeq: one OPTIONS"))
    assert parse_message(_with(b"CSeq: 1 OPTIONS\r\nl: 2", b"abc")).body == b"ab"


def test_stream_framer_cuts_tcp_bytes_into_messages() -> None:
    framer = StreamFramer()
    data = b"\r\n\r\n" + BARESIP_INVITE + SIPP_200_OK
    out: list[bytes] = []
    for i in range(0, len(data), 37):  # arbitrary segmentation
        out.extend(framer.feed(data[i : i + 37]))
    assert [parse_message(m, stream=True).call_id for m in out] == [
        "7f3c6c0a4b8b9d21",
        "99@127.0.0.1",
    ]
    with pytest.raises(SipParseError):
        StreamFramer().feed(b"INVITE sip:a@b SIP/2.0\r\nContent-Length: x\r\n\r\n")


def test_addresses() -> None:
    uri = SipUri.parse("sip:+74951234567@trunk.example.ru:5080;transport=TCP;user=phone")
    assert (uri.user, uri.host, uri.port, uri.transport) == (
        "+74951234567",
        "trunk.example.ru",
        5080,
        "tcp",
    )
    assert str(uri) == "sip:+74951234567@trunk.example.ru:5080;transport=TCP;user=phone"
    assert NameAddr.parse("sip:bob@h;tag=9").tag == "9"
    for bad in ("mailto:x@y", "sip:a@b:99999"):
        with pytest.raises(SipParseError):
            SipUri.parse(bad)
    with pytest.raises(SipParseError, match="unclosed"):
        NameAddr.parse('"x" <sip:a@b')
    with pytest.raises(SipParseError, match=r"SIP/2\.0"):
        Via.parse("HTTP/1.1 host")


CAPTURES = Path(__file__).parent / "captures"


def test_real_captured_invites_parse_and_negotiate() -> None:
    """INVITEs captured on loopback from baresip 1.0.0 and SIPp 3.6.1 (`-sn uac`)."""
    from media_gateway.sdp import negotiate, parse_sdp

    baresip = parse_message((CAPTURES / "baresip_invite.sip").read_bytes())
    assert isinstance(baresip, SipRequest) and baresip.method == "INVITE"
    assert baresip.headers["user-agent"].startswith("baresip")
    media = negotiate(parse_sdp(baresip.body))
    assert (media.codec, media.dtmf_payload_type, media.ptime) == ("PCMU", 101, 20)
    sipp = parse_message((CAPTURES / "sipp_uac_invite.sip").read_bytes())
    assert isinstance(sipp, SipRequest) and sipp.uri.startswith("sip:robot@127.0.0.1")
    assert NameAddr.parse(sipp.headers["from"]).tag
    assert negotiate(parse_sdp(sipp.body)).codec == "PCMU"
