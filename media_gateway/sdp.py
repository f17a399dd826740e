"""SDP (RFC 4566) and the offer/answer model (RFC 3264) for G.711 audio calls. No I/O.

We speak PCMU and PCMA at 8 kHz with RFC 4733 telephone-event, 20 ms ptime by default,
and honour direction attributes so that re-INVITE hold (sendonly/inactive, or the old
c=0.0.0.0 form) stops our sending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from media_gateway.errors import GatewayError

Direction = Literal["sendrecv", "sendonly", "recvonly", "inactive"]
Codec = Literal["PCMU", "PCMA"]

STATIC_PAYLOADS: dict[int, tuple[str, int]] = {0: ("PCMU", 8000), 8: ("PCMA", 8000)}
CODEC_PAYLOADS: dict[str, int] = {"PCMU": 0, "PCMA": 8}
DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
REVERSE_DIRECTION: dict[str, Direction] = {
    "sendrecv": "sendrecv",
    "sendonly": "recvonly",
    "recvonly": "sendonly",
    "inactive": "inactive",
}
MAX_SDP_BYTES = 16_384


class SdpError(GatewayError, ValueError):
    """The body is not a usable SDP description; the text says why."""


class NoUsableCodec(SdpError):
    """The offer has no audio stream we can speak (answered with 488)."""


@dataclass
class MediaDescription:
    kind: str
    port: int
    proto: str
    formats: list[str]
    connection: str | None = None
    rtpmap: dict[int, tuple[str, int]] = field(default_factory=dict)
    fmtp: dict[int, str] = field(default_factory=dict)
    direction: Direction | None = None
    ptime: int | None = None

    def codec_of(self, payload_type: int) -> tuple[str, int] | None:
        if payload_type in self.rtpmap:
            return self.rtpmap[payload_type]
        return STATIC_PAYLOADS.get(payload_type)


@dataclass
class SessionDescription:
    origin: str = ""
    connection: str | None = None
    direction: Direction | None = None
    media: list[MediaDescription] = field(default_factory=list)

    def audio(self) -> MediaDescription | None:
        return next((m for m in self.media if m.kind == "audio" and m.port != 0), None)


def parse_sdp(body: bytes) -> SessionDescription:
    if len(body) > MAX_SDP_BYTES:
        raise SdpError(f"SDP body of {len(body)} bytes is too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SdpError("SDP body is not UTF-8") from None
    session = SessionDescription()
    current: MediaDescription | None = None
    seen_version = False
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if len(line) < 2 or line[1] != "=":
            raise SdpError(f"SDP line {number} is not '<type>=<value>': {line[:40]!r}")
        kind, value = line[0], line[2:]
        if kind == "v":
            if value != "0":
                raise SdpError(f"SDP version {value[:10]!r} is not 0")
            seen_version = True
        elif kind == "o":
            session.origin = value
        elif kind == "c":
            parts = value.split()
            if len(parts) != 3 or parts[0] != "IN":
                raise SdpError(f"SDP line {number}: bad connection {value[:40]!r}")
            address = parts[2].split("/")[0]
            if current is None:
                session.connection = address
            else:
                current.connection = address
        elif kind == "m":
            parts = value.split()
            if len(parts) < 4:
                raise SdpError(f"SDP line {number}: media line needs 4 fields")
            port_text = parts[1].split("/")[0]
            if not port_text.isdigit() or int(port_text) > 65535:
                raise SdpError(f"SDP line {number}: bad media port {parts[1][:10]!r}")
            current = MediaDescription(parts[0], int(port_text), parts[2], parts[3:])
            session.media.append(current)
        elif kind == "a":
            _parse_attribute(value, session, current, number)
    if not seen_version:
        raise SdpError("SDP has no v=0 line")
    return session


def _parse_attribute(
    value: str, session: SessionDescription, media: MediaDescription | None, number: int
) -> None:
    name, _, arg = value.partition(":")
    if name in DIRECTIONS:
        direction: Direction = name  # type: ignore[assignment]
        if media is None:
            session.direction = direction
        else:
            media.direction = direction
        return
    if media is None:
        return
    if name == "rtpmap":
        pt_text, _, encoding = arg.partition(" ")
        if not pt_text.isdigit() or not encoding:
            raise SdpError(f"SDP line {number}: bad rtpmap {arg[:40]!r}")
        codec, _, rate = encoding.partition("/")
        rate_text = rate.split("/")[0]
        if not rate_text.isdigit():
            raise SdpError(f"SDP line {number}: bad clock rate in {arg[:40]!r}")
        media.rtpmap[int(pt_text)] = (codec, int(rate_text))
    elif name == "fmtp":
        pt_text, _, params = arg.partition(" ")
        if pt_text.isdigit():
            media.fmtp[int(pt_text)] = params
    elif name == "ptime":
        if not arg.strip().isdigit():
            raise SdpError(f"SDP line {number}: bad ptime {arg[:20]!r}")
        media.ptime = int(arg.strip())


@dataclass(frozen=True)
class NegotiatedMedia:
    """What the RTP session needs from one completed offer/answer exchange."""

    remote_host: str
    remote_port: int
    codec: Codec
    payload_type: int
    dtmf_payload_type: int | None
    local_direction: Direction
    """Our direction: we send only if it is sendrecv or sendonly."""
    ptime: int = 20

    @property
    def sending(self) -> bool:
        return self.local_direction in ("sendrecv", "sendonly") and self.remote_host != "0.0.0.0"


def _choose(media: MediaDescription, codecs: tuple[str, ...]) -> tuple[Codec, int, int | None]:
    chosen: tuple[Codec, int] | None = None
    dtmf: int | None = None
    for fmt in media.formats:
        if not fmt.isdigit():
            continue
        payload_type = int(fmt)
        info = media.codec_of(payload_type)
        if info is None:
            continue
        name, rate = info[0].upper(), info[1]
        if chosen is None and name in codecs and rate == 8000:
            chosen = (name, payload_type)  # type: ignore[assignment]
        elif name == "TELEPHONE-EVENT" and rate == 8000 and dtmf is None:
            dtmf = payload_type
    if chosen is None:
        raise NoUsableCodec(
            f"no common audio codec: offered {' '.join(media.formats)[:60]}, we speak "
            + "/".join(codecs)
        )
    return chosen[0], chosen[1], dtmf


def negotiate(
    remote: SessionDescription, *, codecs: tuple[str, ...] = ("PCMU", "PCMA")
) -> NegotiatedMedia:
    """Pick codec, DTMF payload type, remote address and our direction from the remote
    description (the offer when we answer, the answer when we offered)."""
    media = remote.audio()
    if media is None:
        raise NoUsableCodec("no audio stream with a non-zero port")
    if media.proto.upper() not in ("RTP/AVP", "RTP/AVPF"):
        raise NoUsableCodec(f"unsupported media transport {media.proto[:20]}")
    codec, payload_type, dtmf = _choose(media, codecs)
    host = media.connection or remote.connection
    if host is None:
        raise SdpError("SDP has no connection address")
    remote_direction = media.direction or remote.direction or "sendrecv"
    local = REVERSE_DIRECTION[remote_direction]
    return NegotiatedMedia(
        remote_host=host,
        remote_port=media.port,
        codec=codec,
        payload_type=payload_type,
        dtmf_payload_type=dtmf,
        local_direction=local,
        ptime=media.ptime or 20,
    )


def _render(
    *,
    host: str,
    port: int,
    session_id: int,
    version: int,
    payloads: list[tuple[int, str]],
    dtmf_payload_type: int | None,
    direction: Direction,
    ptime: int,
) -> bytes:
    formats = [str(pt) for pt, _ in payloads]
    if dtmf_payload_type is not None:
        formats.append(str(dtmf_payload_type))
    lines = [
        "v=0",
        f"o=voicebot {session_id} {version} IN IP4 {host}",
        "s=voicebot",
        f"c=IN IP4 {host}",
        "t=0 0",
        f"m=audio {port} RTP/AVP {' '.join(formats)}",
    ]
    for pt, name in payloads:
        lines.append(f"a=rtpmap:{pt} {name}/8000")
    if dtmf_payload_type is not None:
        lines.append(f"a=rtpmap:{dtmf_payload_type} telephone-event/8000")
        lines.append(f"a=fmtp:{dtmf_payload_type} 0-16")
    lines.append(f"a=ptime:{ptime}")
    lines.append(f"a={direction}")
    return ("\r\n".join(lines) + "\r\n").encode()


def build_offer(
    host: str,
    port: int,
    *,
    session_id: int,
    version: int = 1,
    codecs: tuple[str, ...] = ("PCMU", "PCMA"),
    dtmf_payload_type: int | None = 101,
    direction: Direction = "sendrecv",
    ptime: int = 20,
) -> bytes:
    return _render(
        host=host,
        port=port,
        session_id=session_id,
        version=version,
        payloads=[(CODEC_PAYLOADS[c], c) for c in codecs],
        dtmf_payload_type=dtmf_payload_type,
        direction=direction,
        ptime=ptime,
    )


def build_answer(
    negotiated: NegotiatedMedia,
    host: str,
    port: int,
    *,
    session_id: int,
    version: int = 1,
    direction: Direction | None = None,
) -> bytes:
    """Answer with the one chosen codec (plus telephone-event if offered). ptime is always
    20: it states what we prefer to receive, and the jitter buffer takes other sizes."""
    return _render(
        host=host,
        port=port,
        session_id=session_id,
        version=version,
        payloads=[(negotiated.payload_type, negotiated.codec)],
        dtmf_payload_type=negotiated.dtmf_payload_type,
        direction=direction or negotiated.local_direction,
        ptime=20,  # what we want to receive; our RTP session sends 20 ms packets
    )
