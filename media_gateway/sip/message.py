"""SIP messages (RFC 3261 §7): parse from bytes, serialize to bytes. No I/O.

The parser is strict about structure and lenient about style: compact header names,
any letter case, folded lines and comma-joined list headers are accepted; anything that
cannot be a SIP message raises `SipParseError` with a precise reason, so the transport can
log it and drop the datagram without disturbing other calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from media_gateway.errors import GatewayError
from media_gateway.sip.address import NameAddr, Via
from media_gateway.sip.grammar import SipParseError as SipParseError  # re-exported
from media_gateway.sip.grammar import parse_params as parse_params  # re-exported

SIP_VERSION = "SIP/2.0"
MAX_MESSAGE_BYTES = 32_768
"""Larger messages are dropped unread (an INVITE with SDP is 1-4 KB; SDP is capped at 16 KB)."""
MAX_HEADER_BYTES = 8_192
"""Longest value of one header line (folded lines joined); a longer one drops the message."""
MAX_HEADERS = 256
"""Most header lines in one message."""

COMPACT_FORMS: dict[str, str] = {
    "i": "call-id",
    "m": "contact",
    "e": "content-encoding",
    "l": "content-length",
    "c": "content-type",
    "f": "from",
    "s": "subject",
    "k": "supported",
    "t": "to",
    "v": "via",
    "r": "refer-to",
    "b": "referred-by",
    "o": "event",
    "u": "allow-events",
    "x": "session-expires",
}

# Canonical spelling used when we serialize a header we were given in another case.
CANONICAL_NAMES: dict[str, str] = {
    "call-id": "Call-ID",
    "cseq": "CSeq",
    "www-authenticate": "WWW-Authenticate",
    "mime-version": "MIME-Version",
    "content-id": "Content-ID",
}

# Headers whose values are comma-separated lists (RFC 3261 §7.3.1), so "a, b" means two
# values. Authentication headers are not lists: their commas separate parameters.
LIST_HEADERS = frozenset(
    {
        "via",
        "route",
        "record-route",
        "contact",
        "allow",
        "supported",
        "require",
        "proxy-require",
        "unsupported",
        "accept",
        "accept-encoding",
        "accept-language",
        "allow-events",
    }
)

REQUIRED_HEADERS = ("via", "from", "to", "call-id", "cseq")

_TOKEN = re.compile(r"^[A-Za-z0-9\-.!%*_+`'~]+$")
_STATUS = re.compile(r"^SIP/2\.0 (\d{3}) ?(.*)$", re.IGNORECASE)


class HeaderInjection(GatewayError, ValueError):
    """A value for a SIP start line or header holds CR, LF or NUL: it would end the line
    and let whoever chose the value write headers (or a whole message) of their own."""


_LINE_BREAKING = re.compile(r"[\r\n\x00]")


def check_header_text(value: str, what: str = "a SIP header value") -> str:
    """`value` unchanged, or HeaderInjection if it holds CR, LF or NUL."""
    if _LINE_BREAKING.search(value):
        raise HeaderInjection(f"{what} contains CR, LF or NUL: {value[:60]!r}")
    return value


def canonical_name(name: str) -> str:
    """Map any spelling (compact, any case) to the canonical display form."""
    key = name.strip().lower()
    key = COMPACT_FORMS.get(key, key)
    if key in CANONICAL_NAMES:
        return CANONICAL_NAMES[key]
    return "-".join(part.capitalize() for part in key.split("-"))


def _key(name: str) -> str:
    key = name.strip().lower()
    return COMPACT_FORMS.get(key, key)


def split_list(value: str) -> list[str]:
    """Split a comma-joined header value, respecting quotes and <...>."""
    items: list[str] = []
    depth = 0
    quoted = False
    start = 0
    i = 0
    while i < len(value):
        ch = value[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            items.append(value[start:i].strip())
            start = i + 1
        i += 1
    items.append(value[start:].strip())
    return [item for item in items if item]


class Headers:
    """Ordered, case-insensitive, multi-valued headers that know compact forms."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: list[tuple[str, str]] = []
        for name, value in items:
            self.add(name, value)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(_key(n) == _key(name) for n, _ in self._items)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value (first list element for list headers)."""
        values = self.get_all(name)
        return values[0] if values else default

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def get_all(self, name: str) -> list[str]:
        key = _key(name)
        values: list[str] = []
        for n, v in self._items:
            if _key(n) == key:
                values.extend(split_list(v) if key in LIST_HEADERS else [v.strip()])
        return values

    def add(self, name: str, value: str) -> None:
        """Append a header; HeaderInjection for a name or value that would break the line."""
        check_header_text(name, "a SIP header name")
        check_header_text(value, f"the value of {name}")
        self._items.append((canonical_name(name), value))

    def set(self, name: str, value: str) -> None:
        """Replace every value of `name` with one value, keeping the first position."""
        key = _key(name)
        check_header_text(value, f"the value of {name}")
        for index, (n, _) in enumerate(self._items):
            if _key(n) == key:
                self._items[index] = (canonical_name(name), value)
                self._items = [
                    item for j, item in enumerate(self._items) if j == index or _key(item[0]) != key
                ]
                return
        self.add(name, value)

    def remove(self, name: str) -> None:
        key = _key(name)
        self._items = [(n, v) for n, v in self._items if _key(n) != key]

    def copy(self) -> Headers:
        clone = Headers()
        clone._items = list(self._items)
        return clone


@dataclass
class SipMessage:
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    @property
    def call_id(self) -> str:
        return self.headers.get("call-id") or ""

    @property
    def cseq(self) -> tuple[int, str]:
        return parse_cseq(self.headers.get("cseq") or "")

    @property
    def top_via(self) -> str:
        return self.headers.get("via") or ""

    @property
    def branch(self) -> str:
        return parse_params(self.top_via.partition(";")[2]).get("branch", "")

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()

    def start_line(self) -> str:
        raise NotImplementedError

    def to_bytes(self) -> bytes:
        """Serialize with a correct Content-Length (always written, as TCP requires).
        HeaderInjection if the start line would hold a line break (a URI or reason set
        directly); header values were checked when they were added."""
        lines = [check_header_text(self.start_line(), "a SIP start line")]
        for name, value in self.headers:
            if _key(name) != "content-length":
                lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + self.body


@dataclass
class SipRequest(SipMessage):
    method: str = "OPTIONS"
    uri: str = ""

    def start_line(self) -> str:
        return f"{self.method} {self.uri} {SIP_VERSION}"

    def __repr__(self) -> str:
        return f"<SipRequest {self.method} {self.uri} call-id={self.call_id}>"


@dataclass
class SipResponse(SipMessage):
    status: int = 200
    reason: str = "OK"

    def start_line(self) -> str:
        return f"{SIP_VERSION} {self.status} {self.reason}"

    def __repr__(self) -> str:
        return f"<SipResponse {self.status} {self.reason} call-id={self.call_id}>"


def parse_cseq(value: str) -> tuple[int, str]:
    parts = value.split()
    if len(parts) != 2 or not parts[0].isdigit() or len(parts[0]) > 10:
        raise SipParseError(f"CSeq {value!r} is not '<number> <method>'")
    number = int(parts[0])
    if number >= 2**31:
        raise SipParseError(f"CSeq number {number} is not below 2**31")
    return number, parts[1].upper()


def _unfold(header_block: str) -> list[str]:
    lines: list[str] = []
    for raw in header_block.split("\r\n") if "\r\n" in header_block else header_block.split("\n"):
        if raw[:1] in (" ", "\t"):
            if not lines:
                raise SipParseError("header block starts with a continuation line")
            lines[-1] = lines[-1].rstrip() + " " + raw.strip()
        else:
            lines.append(raw)
    return lines


def _parse_start_line(line: str) -> SipRequest | SipResponse:
    if line.upper().startswith("SIP/"):
        match = _STATUS.match(line)
        if not match:
            raise SipParseError(f"status line {line[:80]!r} is not 'SIP/2.0 <code> <reason>'")
        status = int(match.group(1))
        if not 100 <= status <= 699:
            raise SipParseError(f"status code {status} is outside 100-699")
        return SipResponse(status=status, reason=match.group(2).strip())
    parts = line.split(" ")
    if len(parts) != 3:
        raise SipParseError(f"request line {line[:80]!r} is not '<method> <uri> SIP/2.0'")
    method, uri, version = parts
    if version.upper() != SIP_VERSION:
        raise SipParseError(f"request line has version {version[:20]!r}, expected SIP/2.0")
    if not _TOKEN.match(method):
        raise SipParseError(f"method {method[:20]!r} is not a token")
    if ":" not in uri:
        raise SipParseError(f"request URI {uri[:80]!r} has no scheme")
    return SipRequest(method=method.upper(), uri=uri)


def _check_addresses(headers: Headers) -> None:
    """Every Via, From and To must parse: transactions and dialogs are keyed on them."""
    for via in headers.get_all("via"):
        Via.parse(via)
    for name in ("from", "to"):
        NameAddr.parse(headers[name])


def split_message(data: bytes) -> tuple[bytes, bytes]:
    """Split at the blank line; accepts bare-LF senders too."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
    if not sep:
        raise SipParseError("no blank line after the headers")
    return head, body


def parse_message(data: bytes, *, stream: bool = False) -> SipRequest | SipResponse:
    """Parse one whole message. Over UDP (`stream=False`) Content-Length may be absent
    (the body is the rest of the datagram); over TCP it is mandatory (RFC 3261 §18.3)."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise SipParseError(f"message of {len(data)} bytes exceeds {MAX_MESSAGE_BYTES}")
    data = data.lstrip(b"\r\n")
    if not data:
        raise SipParseError("empty message")
    head, body = split_message(data)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipParseError(f"headers are not UTF-8 (byte {exc.start})") from None
    lines = _unfold(text)
    if len(lines) > MAX_HEADERS + 1:
        raise SipParseError(f"{len(lines) - 1} header lines exceed {MAX_HEADERS}")
    if _LINE_BREAKING.search(lines[0].strip()):
        raise SipParseError("the start line holds a bare CR or NUL")
    message = _parse_start_line(lines[0].strip())
    headers = Headers()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise SipParseError(f"header line {number} has no colon: {line[:60]!r}")
        name = name.strip()
        if not name or not _TOKEN.match(name):
            raise SipParseError(f"header line {number} has an invalid name {name[:40]!r}")
        value = value.strip()
        if len(value) > MAX_HEADER_BYTES:
            raise SipParseError(
                f"header {name[:40]} of {len(value)} bytes exceeds {MAX_HEADER_BYTES}"
            )
        if _LINE_BREAKING.search(value):
            raise SipParseError(f"header {name[:40]} holds a bare CR or NUL")
        headers.add(name, value)
    message.headers = headers
    for required in REQUIRED_HEADERS:
        if required not in headers:
            raise SipParseError(f"missing required header {canonical_name(required)}")
    _check_addresses(headers)
    number, method = parse_cseq(headers["cseq"])
    if isinstance(message, SipRequest) and method != message.method:
        raise SipParseError(f"CSeq method {method} differs from request method {message.method}")
    length_text = headers.get("content-length")
    if length_text is None:
        if stream:
            raise SipParseError("Content-Length is required on a stream transport")
        message.body = body
    else:
        if not length_text.isdigit():
            raise SipParseError(f"Content-Length {length_text[:20]!r} is not a number")
        length = int(length_text)
        if length > len(body):
            raise SipParseError(f"Content-Length {length} is larger than the {len(body)}-byte body")
        message.body = body[:length]
    return message


class StreamFramer:
    """Cut a TCP byte stream into whole messages using Content-Length (RFC 3261 §18.3)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Return the complete raw messages now available (keep-alive CRLFs skipped)."""
        self._buffer.extend(data)
        messages: list[bytes] = []
        while True:
            while self._buffer[:2] == b"\r\n":
                del self._buffer[:2]
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > MAX_MESSAGE_BYTES:
                    raise SipParseError("header block exceeds the maximum message size")
                return messages
            head = bytes(self._buffer[:end]).decode("utf-8", "replace")
            length = 0
            for line in _unfold(head)[1:]:
                name, _, value = line.partition(":")
                if _key(name) == "content-length":
                    if not value.strip().isdigit():
                        raise SipParseError(
                            f"Content-Length {value.strip()[:20]!r} is not a number"
                        )
                    length = int(value.strip())
            total = end + 4 + length
            if total > MAX_MESSAGE_BYTES:
                raise SipParseError(f"message of {total} bytes exceeds {MAX_MESSAGE_BYTES}")
            if len(self._buffer) < total:
                return messages
            messages.append(bytes(self._buffer[:total]))
            del self._buffer[:total]
