"""One call's RTP media on one local UDP port: 8 kHz G.711, 20 ms packets.

Everything is driven by the shared `MediaClock`, once per 20 ms tick: `on_tick` sends
exactly one packet (prompt audio, a DTMF event or silence); once every session has sent,
`after_tick` reads whatever datagrams arrived since the last tick (parsed, filtered by
source and payload type, DTMF straight out as digits, audio into the jitter buffer) and
pulls one 20 ms frame out of the jitter buffer. The socket is never registered with the
event loop, so hundreds of calls cost the loop one timer, not 50 callbacks per call per
second. Nothing here raises on bad input from the network: a bad packet is counted and
dropped.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import random
import socket
import struct
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Literal

import media_gateway.rtp.g711 as g711
from media_gateway.call_leg import FRAME_MS, TELEPHONE_RATE, InboundDtmf, InboundFrame
from media_gateway.errors import GatewayError
from media_gateway.inbound_queue import InboundQueue
from media_gateway.playback import PlaybackQueue, QueuedPlayback
from media_gateway.rtp.clock import TICK_S, MediaClock, shared_clock
from media_gateway.rtp.dtmf import DtmfError, DtmfReceiver, DtmfSender, digit_code
from media_gateway.rtp.jitter import GAP, JitterBuffer
from media_gateway.rtp.packet import HEADER_SIZE, RtpParseError, build_packet, parse_packet

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!BBHII")
#: RFC 5761 §4: second-byte values 192–223 are RTCP packet types, not RTP.
_RTCP_FIRST, _RTCP_LAST = 192, 223

SAMPLE_RATE = TELEPHONE_RATE
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * 2
_BYTES_PER_MS = SAMPLE_RATE * 2 // 1000
#: How much of a prompt is encoded at once: one numpy call per second, not per packet.
_ENCODE_BLOCK_BYTES = 50 * FRAME_BYTES
#: RFC 3389 comfort noise: a peer with silence suppression sends it between talkspurts.
COMFORT_NOISE_PT = 13
#: Largest audio payload accepted: 200 ms of G.711. Anything bigger is not a phone call.
MAX_PAYLOAD = 1600
#: Read size: more than any datagram accepted (MAX_PAYLOAD plus the largest header).
MAX_DATAGRAM = 2048
#: Datagrams read per session per tick: a normal call sends one; catching up after a
#: stall takes a few; more is a flood, left to the kernel to drop.
MAX_DATAGRAMS_PER_TICK = 64
#: Outbound packets held while the kernel's send buffer is full (one second).
MAX_SEND_BACKLOG = 50
#: Inbound frames kept while nobody reads them (10 s); the oldest go first.
MAX_PENDING_EVENTS = 500
#: Where `open(port=0)` looks for a free even port (RFC 3550 §11: RTP on even ports).
PORT_RANGE = (16384, 32766)
#: NAT latching: consecutive packets of one stream (one SSRC, sequence numbers +1 each)
#: another source must send, while the SDP address is silent, before media goes to it.
LATCH_PACKETS = 10

Address = tuple[str, int]


class RtpSetupError(GatewayError, ValueError):
    """Media that cannot be set up: a codec or payload type we do not speak, an address
    that does not resolve."""


@dataclass(frozen=True)
class RtpStats:
    packets_sent: int
    packets_received: int
    """Valid RTP packets accepted from the peer (audio and DTMF)."""
    packets_lost: int
    packets_late: int
    packets_duplicate: int
    packets_discarded: int
    """Dropped by the jitter buffer to cut latency after a burst (not network loss)."""
    packets_ignored: int
    """Garbage, foreign-source or unexpected-payload-type datagrams."""
    dtmf_received: int
    events_dropped: int
    """Inbound frames discarded because nobody read `events()`."""
    send_lateness_ms: tuple[float, ...]
    """Recent per-packet send time minus scheduled time (send jitter), in ms."""
    remote: Address | None
    idle_ms: int | None
    """Time since the last valid packet from the peer (None: nothing yet). A SIP leg can
    hang up on a long silence of the network itself (RTP timeout)."""
    packets_foreign: int = 0
    """Valid RTP from a source that is neither the SDP address nor the latched one (also
    counted in `packets_ignored`)."""
    packets_send_dropped: int = 0
    """Outbound packets dropped because the kernel's send buffer stayed full."""
    jitter_depth: int = 0
    """The jitter buffer's depth now, in 20 ms packets (adaptive: what the path needed)."""


class _Closed:
    pass


_CLOSED = _Closed()


class RtpSession:
    """One call's RTP media on one local UDP port (8 kHz G.711, 20 ms packets)."""

    local_port: int
    local_host: str

    def __init__(self) -> None:  # use `await RtpSession.open(...)`
        raise TypeError("use `await RtpSession.open(...)`")

    @classmethod
    async def open(
        cls,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: MediaClock | None = None,
        symmetric: bool = True,
        jitter_depth: int = 2,
        adaptive_jitter: bool = True,
    ) -> RtpSession:
        """Bind the media port. `port=0` picks a free even port; `clock=None` shares the
        event loop's clock. `symmetric` lets media latch to where the peer's stream really
        comes from when the SDP address stays silent (NAT; the rule is `_accept_source`);
        without it only the SDP address is accepted.
        `jitter_depth` packets of 20 ms are buffered before playout: fixed, or the start of
        an adaptive depth (1–6 packets) that follows the path's jitter."""
        self = cls.__new__(cls)
        self._init(_bind_udp(host, port), clock or shared_clock(), symmetric,
                   JitterBuffer(depth=jitter_depth, adaptive=adaptive_jitter,
                                min_depth=1,
                                max_depth=max(6, jitter_depth)))
        return self

    def _init(
        self, sock: socket.socket, clock: MediaClock, symmetric: bool, jitter: JitterBuffer
    ) -> None:
        self._sock = sock
        """Non-blocking and never registered with the event loop: the clock drains it once
        per tick (see `_drain`), and the send path writes to it directly."""
        sockname = sock.getsockname()
        self.local_host, self.local_port = str(sockname[0]), int(sockname[1])
        self._backlog: deque[tuple[bytes, Address]] = deque()
        """Packets the kernel refused (send buffer full), sent in order once writable."""
        self._writer_registered = False
        self._send_dropped = 0
        self._clock = clock
        self._loop = asyncio.get_running_loop()
        self._symmetric = symmetric
        self._closed = False
        # negotiated media
        self._remote: Address | None = None
        self._sdp_remote: Address | None = None
        self._latched = False
        """Sending to a source other than the SDP address (NAT), learnt from its media."""
        self._heard_sdp = False
        """Valid media came from the SDP address: no other source is latched to."""
        self._candidate: tuple[Address, int, int, int] | None = None
        """(address, SSRC, last sequence, packets in a row) of a source proving it is the
        negotiated stream behind NAT, before anything is sent to it."""
        self._codec: g711.Codec = "PCMU"
        self._payload_type: int | None = None
        self._dtmf_payload_type: int | None = None
        self._silence = g711.silence("PCMU", FRAME_SAMPLES)
        self._hold = False
        # sending
        self._ssrc = random.getrandbits(32)
        self._seq = random.getrandbits(16)
        self._ts_base = random.getrandbits(32)
        self._t0: float | None = None
        self._player = PlaybackQueue(FRAME_BYTES, _BYTES_PER_MS)
        self._encoded: tuple[QueuedPlayback, g711.Codec, int, bytes] | None = None
        """(prompt, codec, first PCM byte, G.711 bytes): the next second of the prompt
        playing, encoded in one go, so most ticks slice bytes instead of encoding a frame,
        while memory stays at one second per call whatever the prompt's length."""
        self._audio_packet = bytearray(HEADER_SIZE + FRAME_SAMPLES)
        """Reused for every 20 ms audio packet: header packed in place, payload copied."""
        self._dtmf_sender: DtmfSender | None = None
        self._dtmf_done: asyncio.Future[None] | None = None
        self._dtmf_lock = asyncio.Lock()
        self._dtmf_timestamp = 0
        # receiving
        self._jitter = jitter
        self._dtmf_receiver = DtmfReceiver()
        self._carry = b""
        self._gap_bytes = FRAME_BYTES
        self._media_ms = 0
        self._events: InboundQueue[InboundFrame | InboundDtmf | _Closed] = InboundQueue(
            MAX_PENDING_EVENTS
        )
        self._sink: Callable[[InboundFrame | InboundDtmf], None] | None = None
        # counters
        self._sent = 0
        self._received = 0
        self._ignored = 0
        self._foreign = 0
        self._dtmf_count = 0
        self._lateness: deque[float] = deque(maxlen=3000)
        self._last_rx: float | None = None
        self._clock.register(self)

    # -- configuration -------------------------------------------------------------------

    @property
    def remote(self) -> Address | None:
        return self._remote

    @property
    def codec(self) -> g711.Codec:
        return self._codec

    def configure(
        self,
        remote: Address,
        *,
        codec: Literal["PCMU", "PCMA"],
        payload_type: int,
        dtmf_payload_type: int | None = 101,
    ) -> None:
        """Apply the negotiated SDP; may be called again (re-INVITE, hold/resume)."""
        if codec not in ("PCMU", "PCMA"):
            raise RtpSetupError(f"unsupported codec {codec!r}; RtpSession speaks PCMU and PCMA")
        if not 0 <= payload_type <= 127 or (
            dtmf_payload_type is not None and not 0 <= dtmf_payload_type <= 127
        ):
            raise RtpSetupError("RTP payload types are 0-127")
        remote = (_resolve(str(remote[0])), int(remote[1]))
        if remote != self._sdp_remote:
            self._sdp_remote = self._remote = remote
            self._latched = self._heard_sdp = False
            self._candidate = None
        self._codec = codec
        self._payload_type = payload_type
        self._dtmf_payload_type = dtmf_payload_type
        self._silence = g711.silence(codec, FRAME_SAMPLES)

    def set_hold(self, on_hold: bool) -> None:
        """Stop (or resume) sending; prompts pause rather than play into the void."""
        self._hold = on_hold

    # -- the CallLeg-facing API ------------------------------------------------------------

    async def events(self) -> AsyncIterator[InboundFrame | InboundDtmf]:
        """20 ms frames of 8 kHz PCM from the jitter buffer and RFC 4733 digits, until close."""
        while True:
            item = await self._events.get()
            if isinstance(item, _Closed):
                self._events.put(item)  # later readers end too
                return
            yield item

    def set_event_sink(self, sink: Callable[[InboundFrame | InboundDtmf], None] | None) -> None:
        """Hand inbound frames and digits straight to `sink` instead of `events()`.

        A call leg that only forwards them into its own queue saves a task wake-up per
        frame this way, which adds up over hundreds of calls every 20 ms. Events already
        queued go to the sink first, in order. `None` goes back to `events()`."""
        self._sink = sink
        if sink is None:
            return
        while len(self._events) and not self._closed:
            item = self._events.pop_nowait()
            if isinstance(item, _Closed):
                self._events.put(item)
                return
            sink(item)

    def play(self, pcm: bytes) -> QueuedPlayback:
        """Queue 8 kHz s16le PCM after whatever is playing; returns at once."""
        playback = self._player.enqueue(pcm)
        if self._closed:
            playback.finish(completed=False)
        return playback

    def stop_playback(self) -> None:
        """Cancel the prompt playing and everything queued (barge-in)."""
        self._player.clear()
        self._encoded = None

    async def send_dtmf(self, digits: str, *, tone_ms: int = 100, gap_ms: int = 60) -> None:
        """Send RFC 4733 events (end packet three times), muting audio meanwhile."""
        for digit in digits:
            digit_code(digit)  # validate all before sending any
        if self._dtmf_payload_type is None:
            raise DtmfError("the peer did not negotiate telephone-event")
        async with self._dtmf_lock:
            if self._closed:
                return
            self._dtmf_done = self._loop.create_future()
            self._dtmf_sender = DtmfSender(digits, tone_ms=tone_ms, gap_ms=gap_ms)
            await self._dtmf_done

    @property
    def packets_sent(self) -> int:
        """`stats().packets_sent` without copying the lateness history: cheap enough to
        read for hundreds of calls in one go while their media runs."""
        return self._sent

    def stats(self) -> RtpStats:
        j = self._jitter.stats
        return RtpStats(
            packets_sent=self._sent,
            packets_received=self._received,
            packets_lost=j.lost,
            packets_late=j.late,
            packets_duplicate=j.duplicates,
            packets_discarded=j.discarded + j.overflow_dropped,
            packets_ignored=self._ignored,
            packets_foreign=self._foreign,
            packets_send_dropped=self._send_dropped,
            jitter_depth=self._jitter.depth,
            dtmf_received=self._dtmf_count,
            events_dropped=self._events.dropped_frames,
            send_lateness_ms=tuple(x * 1000 for x in self._lateness),
            remote=self._remote,
            idle_ms=None
            if self._last_rx is None
            else round((self._loop.time() - self._last_rx) * 1000),
        )

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._clock.unregister(self)
        if self._writer_registered:
            self._loop.remove_writer(self._sock)
            self._writer_registered = False
        self._backlog.clear()
        self._sock.close()
        self._player.clear()
        self._encoded = None
        self._finish_dtmf()
        self._sink = None
        self._events.put(_CLOSED)

    # -- the clock side --------------------------------------------------------------------

    def on_tick(self, scheduled: float) -> None:
        if self._t0 is None:
            self._t0 = scheduled
        self._send_tick(scheduled)

    def after_tick(self) -> None:
        """After every session has sent its packet: take in what arrived since the last
        tick, then pull this tick's inbound frame."""
        self._drain()
        self._playout()

    def _send_tick(self, scheduled: float) -> None:
        if self._dtmf_sender is not None:
            self._send_dtmf_tick(scheduled)
            return
        if self._hold or self._remote is None or self._payload_type is None:
            return
        payload = self._next_payload()
        assert self._remote is not None
        self._seq = seq = (self._seq + 1) & 0xFFFF
        packet = self._audio_packet
        _HEADER.pack_into(
            packet,
            0,
            0x80,
            self._payload_type & 0x7F,
            seq,
            self._timestamp(scheduled) & 0xFFFFFFFF,
            self._ssrc,
        )
        packet[HEADER_SIZE:] = payload
        self._sendto(packet)
        self._sent += 1
        self._lateness.append(self._loop.time() - scheduled)

    def _next_payload(self) -> bytes:
        """This tick's G.711 payload: a slice of the prompt encoded once, or silence."""
        span = self._player.next_span()
        if span is None:
            return self._silence
        playback, start, end = span
        cached = self._encoded
        if (
            cached is not None
            and cached[0] is playback
            and cached[1] == self._codec
            and cached[2] <= start
            and end <= cached[2] + 2 * len(cached[3])
        ):
            block_start, encoded = cached[2], cached[3]
        else:  # a new prompt or block, or a re-INVITE changed the codec mid-prompt
            block_start = start
            encoded = g711.encode(playback.pcm[start : start + _ENCODE_BLOCK_BYTES], self._codec)
            self._encoded = (playback, self._codec, start, encoded)
        payload = encoded[(start - block_start) // 2 : (end - block_start) // 2]
        if end >= len(playback.pcm):
            self._encoded = None  # the prompt is done: do not keep it alive
        if len(payload) < FRAME_SAMPLES:  # the last frame of a prompt: pad with silence
            payload += self._silence[: FRAME_SAMPLES - len(payload)]
        return payload

    def _timestamp(self, scheduled: float) -> int:
        # From the schedule, not a per-tick counter: ticks the clock skipped after a stall
        # still advance media time, as they would on a real line.
        assert self._t0 is not None
        return self._ts_base + round((scheduled - self._t0) / TICK_S) * FRAME_SAMPLES

    def _send_dtmf_tick(self, scheduled: float) -> None:
        assert self._dtmf_sender is not None
        packet = self._dtmf_sender.next_tick()
        if self._dtmf_sender.done:
            self._finish_dtmf()
        if packet is None:
            return
        if packet.new_event:
            self._dtmf_timestamp = self._timestamp(scheduled)
        if self._hold or self._remote is None or self._dtmf_payload_type is None:
            return
        self._send(
            self._dtmf_payload_type, self._dtmf_timestamp, packet.payload, packet.marker, scheduled
        )

    def _finish_dtmf(self) -> None:
        self._dtmf_sender = None
        if self._dtmf_done is not None and not self._dtmf_done.done():
            self._dtmf_done.set_result(None)

    def _send(
        self, payload_type: int, timestamp: int, payload: bytes, marker: bool, scheduled: float
    ) -> None:
        assert self._remote is not None
        self._seq = (self._seq + 1) & 0xFFFF
        data = build_packet(payload_type, self._seq, timestamp, self._ssrc, payload, marker=marker)
        self._sendto(data)
        self._sent += 1
        self._lateness.append(self._loop.time() - scheduled)

    def _sendto(self, data: bytes | bytearray) -> None:
        remote = self._remote
        assert remote is not None
        if self._backlog:  # keep packet order behind what waits for the socket
            self._queue_out(bytes(data), remote)
            return
        try:
            self._sock.sendto(data, remote)
        except BlockingIOError:
            self._queue_out(bytes(data), remote)
        except OSError as exc:  # ICMP errors and the like: report, never raise
            log.debug("RTP socket error on port %s: %s", self.local_port, exc)

    def _queue_out(self, data: bytes, remote: Address) -> None:
        if len(self._backlog) >= MAX_SEND_BACKLOG:  # stale audio is worse than a gap
            self._backlog.popleft()
            self._send_dropped += 1
        self._backlog.append((data, remote))
        if not self._writer_registered:
            self._loop.add_writer(self._sock, self._flush_backlog)
            self._writer_registered = True

    def _flush_backlog(self) -> None:
        while self._backlog:
            data, remote = self._backlog[0]
            try:
                self._sock.sendto(data, remote)
            except BlockingIOError:
                return  # still full: the loop calls us again when writable
            except OSError as exc:
                log.debug("RTP socket error on port %s: %s", self.local_port, exc)
            self._backlog.popleft()
        self._loop.remove_writer(self._sock)
        self._writer_registered = False

    def _playout(self) -> None:
        if not self._carry:  # the usual case: one 20 ms packet makes one frame
            item = self._jitter.pop()
            if item is None:
                return
            if item is GAP or not item:
                self._carry = bytes(self._gap_bytes)
            else:
                assert isinstance(item, bytes)
                pcm = g711.decode(item, self._codec)
                if len(pcm) == FRAME_BYTES:  # nothing to split or carry over
                    self._gap_bytes = FRAME_BYTES
                    self._emit(InboundFrame(pcm, self._media_ms))
                    self._media_ms += FRAME_MS
                    return
                self._carry = pcm
                self._gap_bytes = len(pcm) or FRAME_BYTES
        while len(self._carry) < FRAME_BYTES:
            item = self._jitter.pop()
            if item is None:
                return  # no media yet
            if item is GAP or not item:  # a gap, or the slot of a DTMF event packet
                self._carry += bytes(self._gap_bytes)
            else:
                assert isinstance(item, bytes)
                pcm = g711.decode(item, self._codec)
                self._gap_bytes = len(pcm) or FRAME_BYTES
                self._carry += pcm
        frame, self._carry = self._carry[:FRAME_BYTES], self._carry[FRAME_BYTES:]
        self._emit(InboundFrame(frame, self._media_ms))
        self._media_ms += FRAME_MS

    def _accept_source(self, addr: Address, ssrc: int, sequence: int) -> bool:
        """Symmetric RTP for a valid packet from somewhere other than where we send.

        The rule (NAT latching) keeps the robot's audio away from whoever sends first:
        - the SDP address is always heard, and hearing it ends any latch for good (until a
          re-INVITE gives a new address): it is where signalling said the media is;
        - while nothing came from the SDP address, another source is latched to only once
          it has sent `LATCH_PACKETS` packets in a row of one stream: one SSRC, sequence
          numbers rising by one, of the negotiated payload types. Until then its packets
          are dropped and our media still goes to the SDP address. A second source sending
          meanwhile restarts the count (two senders: latch to neither);
        - once latched, a third address is foreign for the rest of the call."""
        if addr == self._sdp_remote:
            if self._remote != addr:
                log.info("RTP port %s back on the SDP address %s:%s", self.local_port, *addr)
            self._remote = addr
            self._heard_sdp = True
            self._latched = False
            self._candidate = None
            return True
        if not self._symmetric or self._heard_sdp or self._latched:
            return False
        candidate = self._candidate
        if (
            candidate is not None
            and candidate[0] == addr
            and candidate[1] == ssrc
            and sequence == (candidate[2] + 1) & 0xFFFF
        ):
            count = candidate[3] + 1
        else:
            count = 1
        if count < LATCH_PACKETS:
            self._candidate = (addr, ssrc, sequence, count)
            return False
        log.info("RTP port %s latched to %s:%s (SSRC %08x; the SDP address is silent)",
                 self.local_port, *addr, ssrc)
        self._remote = addr
        self._latched = True
        self._candidate = None
        return True

    def _emit(self, event: InboundFrame | InboundDtmf) -> None:
        sink = self._sink
        if sink is None:
            self._events.put(event)
            return
        try:
            sink(event)
        except Exception:  # a broken consumer must not break the media of the call
            log.exception("RTP event sink failed on port %s", self.local_port)

    # -- the network side ------------------------------------------------------------------

    def _drain(self) -> None:
        """Read every datagram waiting on the socket, once per tick.

        The socket is not registered with the event loop on purpose. With a reader per
        socket, each of the 50 packets per second of every call is its own wake-up and
        callback, and on loopback each `sendto` of the peer also pays for waking us up;
        at 200 calls those 10,000 callbacks a second land between the clock's ticks and
        delay them. Playout pulls one frame per tick anyway, so reading at the tick loses
        nothing. A flood is bounded per tick; the kernel drops the rest."""
        if self._closed:
            return
        recvfrom = self._sock.recvfrom
        receive = self._datagram_received
        for _ in range(MAX_DATAGRAMS_PER_TICK):
            try:
                data, addr = recvfrom(MAX_DATAGRAM)
            except BlockingIOError:
                return
            except OSError as exc:  # a queued ICMP error: the peer is gone or not yet up
                log.debug("RTP socket error on port %s: %s", self.local_port, exc)
                continue
            if len(addr) != 2:  # IPv6 gives (host, port, flowinfo, scope_id)
                addr = (addr[0], addr[1])
            receive(data, addr)

    def _datagram_received(self, data: bytes, addr: Address) -> None:
        if self._closed or self._payload_type is None:
            self._ignored += 1
            return
        if (
            len(data) >= HEADER_SIZE
            and data[0] == 0x80
            and not (_RTCP_FIRST <= data[1] <= _RTCP_LAST)
        ):
            # The usual packet (no CSRCs, extension or padding) without building an
            # RtpPacket; anything else takes the strict general parser.
            _, second, sequence, timestamp, ssrc = _HEADER.unpack_from(data)
            payload_type, payload = second & 0x7F, data[HEADER_SIZE:]
        else:
            try:
                packet = parse_packet(data)
            except RtpParseError as exc:
                self._ignored += 1
                log.debug("dropped datagram from %s: %s", addr, exc)
                return
            payload_type, payload = packet.payload_type, packet.payload
            sequence, timestamp, ssrc = packet.sequence, packet.timestamp, packet.ssrc
        size = len(payload)
        if payload_type == self._payload_type:
            valid = 0 < size <= MAX_PAYLOAD
        elif payload_type == self._dtmf_payload_type:
            valid = size >= 4
        else:
            valid = payload_type == COMFORT_NOISE_PT and size <= 64
        if not valid:
            self._ignored += 1
            return
        if addr != self._remote:
            if not self._accept_source(addr, ssrc, sequence):
                self._ignored += 1
                self._foreign += 1
                return
        elif not self._latched:  # from the SDP address itself
            self._heard_sdp = True
        self._last_rx = self._loop.time()
        self._received += 1
        if payload_type == self._payload_type:
            self._jitter.push(ssrc, sequence, payload)
            return
        # DTMF events and comfort noise use sequence numbers of the audio stream: their
        # slots play as silence, so the jitter buffer does not count them as lost audio.
        self._jitter.push(ssrc, sequence, b"")
        if payload_type == self._dtmf_payload_type:
            digit = self._dtmf_receiver.receive(ssrc, timestamp, payload)
            if digit is not None:
                self._dtmf_count += 1
                self._emit(InboundDtmf(digit, self._media_ms))


def _resolve(host: str) -> str:
    """An IP literal for the send path: `sendto` with a host name would resolve it again
    for every packet. SDP almost always carries an address; a name is looked up once."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        try:
            return str(socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)[0][4][0])
        except OSError as exc:
            raise RtpSetupError(f"cannot resolve RTP address {host!r}: {exc}") from exc


def _bind_udp(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if port:
        return _try_bind(family, host, port)
    last_error: OSError | None = None
    for _ in range(100):
        candidate = random.randrange(PORT_RANGE[0], PORT_RANGE[1] + 1, 2)
        try:
            return _try_bind(family, host, candidate)
        except OSError as exc:
            last_error = exc
    raise OSError(f"no free even UDP port in {PORT_RANGE} on {host}") from last_error


def _try_bind(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock
