"""SDP parsing and offer/answer: codec choice, telephone-event, ptime, direction, 488."""

from __future__ import annotations

import pytest

from media_gateway.sdp import (
    NoUsableCodec,
    SdpError,
    build_answer,
    build_offer,
    negotiate,
    parse_sdp,
)
from media_gateway.sip.message import parse_message
from tests.gateway_sip.sip_captured import BARESIP_INVITE, COMPACT_INVITE


def test_baresip_offer_gives_pcmu_with_dtmf() -> None:
    media = negotiate(parse_sdp(parse_message(BARESIP_INVITE).body))
    assert (media.remote_host, media.remote_port) == ("127.0.0.1", 10078)
    assert (media.codec, media.payload_type, media.dtmf_payload_type) == ("PCMU", 0, 101)
    assert media.local_direction == "sendrecv" and media.sending and media.ptime == 20


def test_offer_order_is_respected_and_static_types_need_no_rtpmap() -> None:
    media = negotiate(parse_sdp(parse_message(COMPACT_INVITE).body))
    assert (media.codec, media.payload_type) == ("PCMA", 8)
    only_pcmu = negotiate(
        parse_sdp(parse_message(COMPACT_INVITE).body), codecs=("PCMU",)
    )
    assert only_pcmu.codec == "PCMU"


def _offer(media_line: str, *attributes: str, connection: str = "192.0.2.1") -> bytes:
    lines = ["v=0", "o=- 1 1 IN IP4 x", "s=-", f"c=IN IP4 {connection}", "t=0 0", media_line]
    return ("\r\n".join([*lines, *attributes]) + "\r\n").encode()


@pytest.mark.parametrize(
    ("direction", "ours", "sending"),
    [
        ("a=sendonly", "recvonly", False),
        ("a=recvonly", "sendonly", True),
        ("a=inactive", "inactive", False),
        ("a=sendrecv", "sendrecv", True),
    ],
)
def test_direction_is_mirrored(direction: str, ours: str, sending: bool) -> None:
    media = negotiate(parse_sdp(_offer("m=audio 4000 RTP/AVP 0", direction)))
    assert media.local_direction == ours and media.sending is sending
    answer = parse_sdp(build_answer(media, "127.0.0.1", 5000, session_id=7))
    assert answer.media[0].direction == ours


def test_old_style_hold_with_zero_address_stops_sending() -> None:
    media = negotiate(
        parse_sdp(_offer("m=audio 4000 RTP/AVP 0", connection="0.0.0.0"))
    )
    assert not media.sending


def test_no_usable_codec() -> None:
    with pytest.raises(NoUsableCodec, match="no common audio codec"):
        negotiate(
            parse_sdp(_offer("m=audio 4000 RTP/AVP 18 96", "a=rtpmap:96 opus/48000/2")),
        )
    with pytest.raises(NoUsableCodec, match="no audio stream"):
        negotiate(parse_sdp(_offer("m=video 4000 RTP/AVP 31")))
    with pytest.raises(NoUsableCodec, match="transport"):
        negotiate(parse_sdp(_offer("m=audio 4000 RTP/SAVP 0")))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "no v=0"),
        (b"v=1\r\n", "version"),
        (b"v=0\r\nnonsense\r\n", "is not '<type>=<value>'"),
        (b"v=0\r\nm=audio x RTP/AVP 0\r\n", "bad media port"),
        (b"v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:x PCMU\r\n", "bad rtpmap"),
        (b"v=0\r\nc=IN\r\n", "bad connection"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_sdp_is_a_precise_error(body: bytes, reason: str) -> None:
    with pytest.raises(SdpError, match=reason):
        parse_sdp(body)


def test_our_offer_round_trips_and_answer_has_one_codec() -> None:
    offer = parse_sdp(build_offer("127.0.0.1", 4002, session_id=9, ptime=30))
    audio = offer.audio()
    assert audio is not None
    assert audio.formats == ["0", "8", "101"] and audio.ptime == 30
    media = negotiate(offer)
    answer = parse_sdp(build_answer(media, "127.0.0.1", 4004, session_id=3))
    assert answer.media[0].formats == ["0", "101"]
    back = negotiate(answer)
    assert (back.remote_port, back.codec, back.ptime) == (4004, "PCMU", 20)
