"""Run SIPp (sip-tester) scenarios on loopback, bounded by -m, -timeout and a kill timer."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

SCENARIOS = Path(__file__).parent / "sipp"


def port_taken(port: int) -> bool:
    """True once something is bound to the port on UDP or TCP."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return True
    return False


MEDIA_SPAN = 4
"""Ports SIPp binds from its media port on: RTP and RTCP for audio, then for video."""


def sipp_ports() -> tuple[int, int]:
    """A SIP port and a media port for SIPp: every port it binds free on UDP and TCP, the
    media span clear of the SIP port. A port free on TCP alone, or a media port picked next
    to the SIP port, made SIPp exit with "Unable to bind main socket" now and then."""
    for _ in range(200):
        sip = _free_span(1)
        media = _free_span(MEDIA_SPAN)
        if sip is not None and media is not None and not media <= sip < media + MEDIA_SPAN:
            return sip, media
    raise RuntimeError("no free ports for SIPp")


def _free_span(count: int) -> int | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        first = int(probe.getsockname()[1])
    if first + count > 65535 or any(port_taken(p) for p in range(first, first + count)):
        return None
    return first


class Sipp:
    def __init__(
        self,
        scenario: str,
        folder: Path,
        *,
        port: int,
        remote: str | None = None,
        calls: int = 1,
        keys: dict[str, str] | None = None,
        extra: tuple[str, ...] = (),
    ) -> None:
        self.folder = folder
        self.port = port
        folder.mkdir(parents=True, exist_ok=True)
        source = ["-sn", scenario] if "." not in scenario else ["-sf", str(SCENARIOS / scenario)]
        self.args = [
            *source,
            *([remote] if remote else []),
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-m",
            str(calls),
            "-nostdin",
            "-timeout",
            "30s",
            "-timeout_error",
            "-trace_err",
            "-error_file",
            str(folder / "errors.log"),
            "-trace_msg",
            "-message_file",
            str(folder / "messages.log"),
            "-trace_logs",
            "-log_file",
            str(folder / "actions.log"),
            *extra,
        ]
        for name, value in (keys or {}).items():
            self.args += ["-key", name, value]
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            "sipp",
            *self.args,
            stdin=asyncio.subprocess.DEVNULL,
            # the child writes its log there; opening a local file is instant
            stdout=open(self.folder / "stdout.log", "wb"),  # noqa: SIM115, ASYNC230
            stderr=asyncio.subprocess.STDOUT,
        )

    async def wait_listening(self, timeout: float = 10) -> None:
        """Until SIPp has bound its port (polled, bounded)."""
        async with asyncio.timeout(timeout):
            while not port_taken(self.port):
                assert self.process is not None and self.process.returncode is None
                await asyncio.sleep(0.02)

    async def wait(self, timeout: float = 60) -> int:
        assert self.process is not None
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise

    def messages(self) -> str:
        path = self.folder / "messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def report(self) -> str:
        parts = []
        for name in ("errors.log", "stdout.log"):
            path = self.folder / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
