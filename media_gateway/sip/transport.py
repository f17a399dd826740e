"""The asyncio edge of the SIP stack: UDP and TCP sockets in, parsed messages out.

Everything protocol-related happens above (`user_agent`) or below (`message`). A datagram
or TCP frame that does not parse is logged and dropped here; a broken TCP connection
closes alone. Neither ever reaches the caller as an exception.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from media_gateway.sip.message import SipMessage, SipParseError, StreamFramer, parse_message

log = logging.getLogger(__name__)

TransportName = Literal["udp", "tcp"]


@dataclass(frozen=True)
class Peer:
    transport: TransportName
    host: str
    port: int


MessageHandler = Callable[[SipMessage, Peer], None]


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, network: SipNetwork) -> None:
        self.network = network

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        host, port = str(addr[0]), int(addr[1])
        self.network._received(data, Peer("udp", host, port), stream=False)

    def error_received(self, exc: Exception) -> None:
        log.info("sip udp: %s", exc)


class SipNetwork:
    """One UDP socket and one TCP listener on the same host:port."""

    def __init__(self, handler: MessageHandler) -> None:
        self._handler = handler
        self._udp: asyncio.DatagramTransport | None = None
        self._server: asyncio.Server | None = None
        self._writers: dict[tuple[str, int], asyncio.StreamWriter] = {}
        self._pending: dict[tuple[str, int], list[bytes]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.host = "127.0.0.1"
        self.port = 0
        self.received = 0
        self.dropped = 0
        """Malformed messages dropped (for tests and metrics)."""
        self.handler_errors = 0
        """Messages whose handling raised: a bug, logged with its traceback, never fatal."""

    @classmethod
    async def open(
        cls, host: str, port: int, handler: MessageHandler, *, tcp: bool = True
    ) -> SipNetwork:
        """Bind UDP and TCP on host:port. With port 0 the OS picks the UDP port; if that
        number is taken on TCP by someone else, another one is tried."""
        network = cls(handler)
        for attempt in range(20):
            try:
                await network._bind(host, port, tcp=tcp)
                return network
            except OSError:
                await network.close()
                if port != 0 or attempt == 19:
                    raise
        raise AssertionError("unreachable")

    async def _bind(self, host: str, port: int, *, tcp: bool) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _UdpProtocol(self), local_addr=(host, port)
        )
        self._udp = transport
        self.host, self.port = transport.get_extra_info("sockname")[:2]
        if tcp:
            self._server = await asyncio.start_server(self._accept, host, self.port)

    def _received(self, data: bytes, peer: Peer, *, stream: bool) -> None:
        self.received += 1
        if data.strip(b"\r\n") == b"":
            return  # keep-alive
        try:
            message = parse_message(data, stream=stream)
        except SipParseError as exc:
            self.dropped += 1
            log.info("sip: dropped malformed message from %s:%s: %s", peer.host, peer.port, exc)
            return
        try:
            self._handler(message, peer)
        except Exception:  # the stack must survive any single bad message
            self.handler_errors += 1
            log.exception("sip: error while handling %r from %s:%s", message, peer.host, peer.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:  # so close() can wait for it to end cleanly
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        host, port = writer.get_extra_info("peername")[:2]
        self._writers[(host, port)] = writer
        await self._read_stream(reader, Peer("tcp", host, port))

    async def _read_stream(self, reader: asyncio.StreamReader, peer: Peer) -> None:
        framer = StreamFramer()
        try:
            while data := await reader.read(65536):
                for raw in framer.feed(data):
                    self._received(raw, peer, stream=True)
        except SipParseError as exc:
            log.info("sip tcp: closing %s:%s after unframeable data: %s", peer.host, peer.port, exc)
        except (ConnectionError, OSError) as exc:
            log.info("sip tcp: %s:%s: %s", peer.host, peer.port, exc)
        finally:
            writer = self._writers.pop((peer.host, peer.port), None)
            if writer is not None:
                writer.close()

    def send(self, message: SipMessage, peer: Peer) -> None:
        data = message.to_bytes()
        if peer.transport == "udp":
            if self._udp is not None and not self._udp.is_closing():
                self._udp.sendto(data, (peer.host, peer.port))
            return
        key = (peer.host, peer.port)
        writer = self._writers.get(key)
        if writer is not None and not writer.is_closing():
            writer.write(data)
            return
        if key in self._pending:
            self._pending[key].append(data)
            return
        self._pending[key] = [data]
        task = asyncio.get_running_loop().create_task(self._connect(peer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect(self, peer: Peer) -> None:
        key = (peer.host, peer.port)
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(peer.host, peer.port), timeout=5
            )
        except (OSError, TimeoutError) as exc:
            log.info("sip tcp: cannot connect to %s:%s: %s", peer.host, peer.port, exc)
            self._pending.pop(key, None)
            return
        self._writers[key] = writer
        for data in self._pending.pop(key, []):
            writer.write(data)
        await self._read_stream(reader, peer)

    async def close(self) -> None:
        if self._udp is not None:
            self._udp.close()
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers.values()):
            writer.close()
        self._writers.clear()
        if self._tasks:  # readers end by themselves once their connection is closed
            _, pending = await asyncio.wait(list(self._tasks), timeout=1)
            for task in pending:
                task.cancel()
