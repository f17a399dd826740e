"""Shared helpers for the RTP tests: a raw UDP peer, tones and bounded waits."""

from __future__ import annotations

import asyncio
from typing import cast

import numpy as np

from media_gateway.call_leg import InboundDtmf, InboundFrame
from media_gateway.rtp.clock import MediaClock
from media_gateway.rtp.session import RtpSession

TIMEOUT_S = 5.0


def tone(freq: float, seconds: float, rate: int = 8000, amplitude: int = 8000) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * freq * t) * amplitude).astype("<i2").tobytes()


def dominant_frequency(pcm: bytes, rate: int = 8000) -> float:
    samples = np.frombuffer(pcm, "<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, "<i2").astype(float)
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


async def loud_audio(session: RtpSession, frames: int, threshold: float = 1000) -> bytes:
    """The first `frames` loud frames the session hears (bounded in time)."""
    got: list[bytes] = []
    async with asyncio.timeout(TIMEOUT_S):
        async for event in session.events():
            if isinstance(event, InboundFrame) and rms(event.pcm) > threshold:
                got.append(event.pcm)
                if len(got) == frames:
                    break
    return b"".join(got)


async def digits(session: RtpSession, count: int) -> list[str]:
    got: list[str] = []
    async with asyncio.timeout(TIMEOUT_S):
        async for event in session.events():
            if isinstance(event, InboundDtmf):
                got.append(event.digit)
                if len(got) == count:
                    break
    return got


class TickWaiter:
    """A clock client that lets a test wait for N ticks instead of sleeping."""

    def __init__(self, clock: MediaClock) -> None:
        self.clock = clock
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.count = 0

    def on_tick(self, scheduled: float) -> None:
        self.count += 1
        for target, future in list(self._waiters):
            if self.count >= target and not future.done():
                future.set_result(None)

    async def ticks(self, n: int) -> None:
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((self.count + n, future))
        self.clock.register(self)
        try:
            async with asyncio.timeout(TIMEOUT_S):
                await future
        finally:
            self.clock.unregister(self)


class UdpPeer(asyncio.DatagramProtocol):
    """A bare UDP socket standing in for a remote RTP endpoint."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[bytes, tuple[str, int]]] = asyncio.Queue()
        self.transport: asyncio.DatagramTransport | None = None

    @classmethod
    async def open(cls) -> UdpPeer:
        peer = cls()
        await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: peer, local_addr=("127.0.0.1", 0)
        )
        return peer

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.received.put_nowait((data, addr))

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def send(self, data: bytes, port: int) -> None:
        assert self.transport is not None
        self.transport.sendto(data, ("127.0.0.1", port))

    async def next_datagram(self) -> tuple[bytes, tuple[str, int]]:
        async with asyncio.timeout(TIMEOUT_S):
            return await self.received.get()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class LocalAsgiServer:
    """A real uvicorn server on a pre-bound loopback socket, inside the test's loop.

    Binding and listening before uvicorn starts means a client may connect at once: the
    kernel queues the connection until the server reads it, so there is nothing to poll.
    """

    def __init__(self, app: object) -> None:
        import socket

        import uvicorn

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="websockets-sansio")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LocalAsgiServer:
        self._task = asyncio.get_running_loop().create_task(
            self.server.serve(sockets=[self.socket])
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        if self._task is not None:
            async with asyncio.timeout(TIMEOUT_S):
                await self._task
        self.socket.close()
