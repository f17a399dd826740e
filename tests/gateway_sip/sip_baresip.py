"""A headless baresip driven over ctrl_tcp (netstring JSON), as a real SIP peer on loopback.

Configuration follows /work/shared/TESTING.md: `net_interface 127.0.0.1`, aufile as the
microphone, sndfile recording, auto-answer, ctrl_tcp control.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from pathlib import Path
from typing import Any

STARTUP_S = 10


def free_port(pair: bool = False) -> int:
    """A free loopback port (UDP and TCP); with `pair`, port+1 is free too (baresip binds
    SIP TLS there)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port > 65000:
            continue
        ports = [port, port + 1] if pair else [port]
        try:
            for p in ports:
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    with socket.socket(socket.AF_INET, kind) as s:
                        s.bind(("127.0.0.1", p))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair")


class Baresip:
    def __init__(self, folder: Path, microphone: Path) -> None:
        self.folder = folder
        self.microphone = microphone
        self.sip_port = free_port(pair=True)
        self.ctrl_port = free_port()
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._responses: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._pump: asyncio.Task[None] | None = None

    @property
    def uri(self) -> str:
        return f"sip:peer@127.0.0.1:{self.sip_port}"

    def _write_config(self) -> None:
        # baresip runs in its folder and is given paths relative to it: it keeps device
        # names in 128-byte buffers, so a long temporary path would be cut short.
        (self.folder / "rec").mkdir(parents=True, exist_ok=True)
        microphone = os.path.relpath(self.microphone, self.folder)
        (self.folder / "config").write_text(
            f"sip_listen 127.0.0.1:{self.sip_port}\n"
            "net_interface 127.0.0.1\n"
            "module_path /usr/lib/baresip/modules\n"
            "module g711.so\nmodule aufile.so\nmodule sndfile.so\n"
            "module_tmp uuid.so\nmodule_tmp account.so\n"
            "module_app menu.so\nmodule_app ctrl_tcp.so\n"
            f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}\n"
            f"audio_source aufile,{microphone}\n"
            "audio_player aufile,played.wav\n"
            "snd_path rec\n"
        )
        (self.folder / "accounts").write_text(
            f"<sip:peer@127.0.0.1:{self.sip_port}>;regint=0;answermode=auto;audio_codecs=PCMU\n"
        )

    async def start(self) -> None:
        self._write_config()
        self.process = await asyncio.create_subprocess_exec(
            "baresip",
            "-4",
            "-f",
            ".",
            cwd=self.folder,
            stdin=asyncio.subprocess.DEVNULL,
            # the child writes its log there; opening a local file is instant
            stdout=open(self.folder / "stdout.log", "wb"),  # noqa: SIM115, ASYNC230
            stderr=asyncio.subprocess.STDOUT,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_S
        while True:
            try:
                self._reader, self._writer = await asyncio.open_connection(
                    "127.0.0.1", self.ctrl_port
                )
                break
            except OSError:
                if loop.time() > deadline or self.process.returncode is not None:
                    raise RuntimeError(f"baresip did not start: {self.log()[-2000:]}") from None
                await asyncio.sleep(0.05)  # polling for the control port to open
        self._pump = loop.create_task(self._read())

    def log(self) -> str:
        path = self.folder / "stdout.log"
        return path.read_text(errors="replace") if path.exists() else ""

    async def _read(self) -> None:
        assert self._reader is not None
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                length = int((await self._reader.readuntil(b":"))[:-1])
                payload = await self._reader.readexactly(length + 1)
                message = json.loads(payload[:-1])
                if message.get("event"):
                    self.events.put_nowait(message)
                elif message.get("response"):
                    self._responses.put_nowait(message)

    async def command(self, command: str, params: str = "", timeout: float = 10) -> dict[str, Any]:
        assert self._writer is not None
        body = json.dumps({"command": command, "params": params, "token": command}).encode()
        self._writer.write(str(len(body)).encode() + b":" + body + b",")
        await self._writer.drain()
        return await asyncio.wait_for(self._responses.get(), timeout)

    async def wait_event(self, kind: str, timeout: float = 15) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                event = await self.events.get()
                if event.get("type") == kind:
                    return event

    def decoded_recording(self) -> Path:
        """What baresip heard (sndfile's *-dec.wav)."""
        files = sorted((self.folder / "rec").glob("*-dec.wav"))
        if not files:
            raise FileNotFoundError(f"no recording; log: {self.log()[-2000:]}")
        return files[-1]

    async def stop(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self.command("quit", timeout=2)
            self._writer.close()
        if self.process is not None and self.process.returncode is None:
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._pump is not None:
            self._pump.cancel()
