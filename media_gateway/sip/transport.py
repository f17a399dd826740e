"""The asyncio edge of the SIP stack: UDP and TCP sockets in, parsed messages out.

Everything protocol-related happens above (`core`, which parses, and drops and logs what
does not parse). A TCP stream that cannot be framed, or breaks, closes alone; an error in
the handler is logged and counted. Neither ever reaches the caller as an exception.

TCP connections are reused the way RFC 3261 §18 and RFC 5923 describe: a request sent to
HOST:PORT goes over a live connection to that address, or over a connection the peer
opened to us from the same IP whose requests named HOST:PORT as their Via sent-by (a
proxy connects from an ephemeral port but listens on 5060). When that connection is gone,
a new one is opened to HOST:PORT itself, never to the old ephemeral port.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

from media_gateway.sip.address import Via
from media_gateway.sip.message import SipMessage, SipParseError, SipRequest, StreamFramer
from media_gateway.sip.peer import Peer as Peer  # re-exported
from media_gateway.sip.peer import TransportName as TransportName  # re-exported

log = logging.getLogger(__name__)

MessageHandler = Callable[[bytes, Peer], SipMessage | None]
"""Handles what arrived (parsing it); returns the message, or None when it was dropped."""


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
        self._aliases: dict[tuple[str, int], tuple[str, int]] = {}
        """Via sent-by address → the live inbound connection its requests came over."""
        self._pending: dict[tuple[str, int], list[bytes]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.host = "127.0.0.1"
        self.port = 0
        self.received = 0
        self.handler_errors = 0
        """Messages whose handling raised: a bug, logged with its traceback, never fatal."""

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        handler: MessageHandler,
        *,
        tcp: bool = True,
        recv_buffer_bytes: int | None = None,
    ) -> SipNetwork:
        """Bind UDP and TCP on host:port. With port 0 the OS picks the UDP port; if that
        number is taken on TCP by someone else, another one is tried."""
        network = cls(handler)
        for attempt in range(20):
            try:
                await network._bind(host, port, tcp=tcp, recv_buffer_bytes=recv_buffer_bytes)
                return network
            except OSError:
                await network.close()
                if port != 0 or attempt == 19:
                    raise
        raise AssertionError("unreachable")

    async def _bind(
        self, host: str, port: int, *, tcp: bool, recv_buffer_bytes: int | None
    ) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _UdpProtocol(self), local_addr=(host, port)
        )
        self._udp = transport
        if recv_buffer_bytes:
            _grow_receive_buffer(transport.get_extra_info("socket"), recv_buffer_bytes)
        self.host, self.port = transport.get_extra_info("sockname")[:2]
        if tcp:
            self._server = await asyncio.start_server(self._accept, host, self.port)

    def _received(self, data: bytes, peer: Peer, *, stream: bool) -> None:
        self.received += 1
        try:
            message = self._handler(data, peer)
        except Exception:  # the stack must survive any single bad message
            self.handler_errors += 1
            log.exception("sip: error while handling %d bytes from %s:%s",
                          len(data), peer.host, peer.port)
            return
        if stream and isinstance(message, SipRequest):
            self._learn_alias(message, peer)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:  # so close() can wait for it to end cleanly
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        host, port = writer.get_extra_info("peername")[:2]
        self._writers[(host, port)] = writer
        await self._read_stream(reader, Peer("tcp", host, port))

    def _learn_alias(self, request: SipRequest, peer: Peer) -> None:
        """A request over a connection from IP:EPHEMERAL whose top Via says IP:PORT: the
        peer listens on IP:PORT, and this connection reaches it while it lives. Only the
        same IP counts, so a connection cannot claim someone else's address."""
        try:
            via = Via.parse(request.top_via)
        except SipParseError:
            return
        sent_by = (via.host, via.port or 5060)
        if via.host == peer.host and sent_by != (peer.host, peer.port):
            self._aliases[sent_by] = (peer.host, peer.port)

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
            key = (peer.host, peer.port)
            writer = self._writers.pop(key, None)
            if writer is not None:
                writer.close()
            for alias in [a for a, target in self._aliases.items() if target == key]:
                del self._aliases[alias]

    def send(self, data: bytes, peer: Peer) -> None:
        if peer.transport == "udp":
            if self._udp is not None and not self._udp.is_closing():
                self._udp.sendto(data, (peer.host, peer.port))
            return
        key = (peer.host, peer.port)
        writer = self._writers.get(key) or self._writers.get(self._aliases.get(key, key))
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

    @property
    def connections(self) -> list[tuple[str, int]]:
        """Remote addresses of the live TCP connections."""
        return [key for key, writer in self._writers.items() if not writer.is_closing()]

    def has_connection(self, host: str, port: int) -> bool:
        """A live TCP connection reaches HOST:PORT (its own, or one aliased to it)."""
        key = (host, port)
        writer = self._writers.get(key) or self._writers.get(self._aliases.get(key, key))
        return writer is not None and not writer.is_closing()

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


def _grow_receive_buffer(sock: Any, size: int) -> None:
    """Ask for a `size`-byte receive buffer, so a burst of requests (200 INVITEs at once)
    waits in the kernel instead of being dropped; Linux grants at most
    `net.core.rmem_max` (doubled), and a smaller grant is logged."""
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
        granted = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    except OSError as exc:
        log.warning("sip udp: cannot set SO_RCVBUF to %d: %s", size, exc)
        return
    if granted < size:
        log.warning(
            "sip udp: receive buffer is %d bytes, not the %d asked for; raise "
            "net.core.rmem_max (sysctl) or bursts of INVITEs may be dropped", granted, size
        )
