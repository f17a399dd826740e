"""The messages of Twilio's Media Streams WebSocket protocol, as typed models.

Inbound (platform → robot): connected, start, media, dtmf, mark, stop. Outbound: media,
mark, clear. Twilio documents every field as a string (chunk, timestamp, sequenceNumber),
while some compatible platforms send numbers; both are accepted. Unknown extra fields are
ignored, because Voximplant, jambonz and others add their own.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from media_gateway.errors import GatewayError


class TwilioProtocolError(GatewayError, ValueError):
    """A message that is not valid JSON or not a valid Media Streams message."""

    def __init__(self, message: str, *, close_code: int = 1008) -> None:
        super().__init__(message)
        self.close_code = close_code
        """The WebSocket close code to end the stream with: 1003 for data that is not
        JSON at all, 1008 (policy violation) for JSON that breaks the protocol."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Connected(_Message):
    event: Literal["connected"]
    protocol: str = "Call"
    version: str = "1.0.0"


class MediaFormat(_Message):
    encoding: str = "audio/x-mulaw"
    sample_rate: int = Field(8000, alias="sampleRate")
    channels: int = 1


class StartInfo(_Message):
    stream_sid: str = Field(alias="streamSid")
    account_sid: str = Field("", alias="accountSid")
    call_sid: str = Field("", alias="callSid")
    tracks: list[str] = Field(default_factory=lambda: ["inbound"])
    custom_parameters: dict[str, str] = Field(default_factory=dict, alias="customParameters")
    media_format: MediaFormat = Field(default_factory=MediaFormat, alias="mediaFormat")

    @field_validator("custom_parameters", mode="before")
    @classmethod
    def _stringify(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}
        return value


class Start(_Message):
    event: Literal["start"]
    sequence_number: str = Field("", alias="sequenceNumber", coerce_numbers_to_str=True)
    start: StartInfo
    stream_sid: str = Field("", alias="streamSid")


class MediaInfo(_Message):
    track: str = "inbound"
    chunk: str = Field("", coerce_numbers_to_str=True)
    timestamp: str = Field("", coerce_numbers_to_str=True)
    payload: str

    def audio(self) -> bytes:
        try:
            return base64.b64decode(self.payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise TwilioProtocolError(f"media payload is not valid base64: {exc}") from exc


class Media(_Message):
    event: Literal["media"]
    sequence_number: str = Field("", alias="sequenceNumber", coerce_numbers_to_str=True)
    media: MediaInfo
    stream_sid: str = Field("", alias="streamSid")


class DtmfInfo(_Message):
    track: str = "inbound_track"
    digit: str = Field(pattern=r"^[0-9*#A-Da-d]$")


class Dtmf(_Message):
    event: Literal["dtmf"]
    sequence_number: str = Field("", alias="sequenceNumber", coerce_numbers_to_str=True)
    dtmf: DtmfInfo
    stream_sid: str = Field("", alias="streamSid")


class MarkInfo(_Message):
    name: str


class Mark(_Message):
    event: Literal["mark"]
    sequence_number: str = Field("", alias="sequenceNumber", coerce_numbers_to_str=True)
    mark: MarkInfo
    stream_sid: str = Field("", alias="streamSid")


class StopInfo(_Message):
    account_sid: str = Field("", alias="accountSid")
    call_sid: str = Field("", alias="callSid")
    reason: str = ""


class Stop(_Message):
    event: Literal["stop"]
    sequence_number: str = Field("", alias="sequenceNumber", coerce_numbers_to_str=True)
    stop: StopInfo = Field(default_factory=StopInfo)
    stream_sid: str = Field("", alias="streamSid")


InboundMessage = Annotated[
    Connected | Start | Media | Dtmf | Mark | Stop, Field(discriminator="event")
]
_INBOUND: TypeAdapter[InboundMessage] = TypeAdapter(InboundMessage)


def parse_message(text: str | bytes) -> InboundMessage:
    """One WebSocket text frame → a typed message, or `TwilioProtocolError` saying why not."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TwilioProtocolError(f"not JSON: {exc}", close_code=1003) from exc
    if not isinstance(data, dict):
        raise TwilioProtocolError(f"expected a JSON object, got {type(data).__name__}")
    try:
        return _INBOUND.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TwilioProtocolError(
            f"invalid {data.get('event', 'message')!r} message at {where}: {first['msg']}"
        ) from exc


# -- outbound (robot → platform) -------------------------------------------------------


def media_message(stream_sid: str, mulaw: bytes) -> str:
    payload = base64.b64encode(mulaw).decode("ascii")
    return json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": payload}})


def mark_message(stream_sid: str, name: str) -> str:
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear_message(stream_sid: str) -> str:
    return json.dumps({"event": "clear", "streamSid": stream_sid})
