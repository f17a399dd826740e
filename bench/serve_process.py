"""`voicebot serve` as its own process on loopback, for benchmarks that attack it.

`source` selects the checkout whose code runs (with this machine's virtualenv), so one
benchmark script measures an older commit and the current one the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) / 1024


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    data: Path
    client: httpx.AsyncClient
    """Authenticated as the tenant `acme`."""
    sip_port: int


@contextlib.asynccontextmanager
async def serve(source: Path, script: str, **env_extra: str) -> AsyncIterator[Served]:
    """The server, with tenant `acme` and `script` uploaded."""
    data = Path(tempfile.mkdtemp(prefix="vb-bench-"))
    http_port, sip_port = free_port(), free_port(socket.SOCK_DGRAM)
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(source.resolve()),
        "VOICEBOT_DATA_DIR": str(data),
        "VOICEBOT_SIP_PORT": str(sip_port),
        "VOICEBOT_AUDIOSOCKET_PORT": "0",
        "VOICEBOT_PRERENDER_PROMPTS": "false",
        "VOICEBOT_TTS_CACHE_DIR": str(data / "tts-cache"),
        **env_extra,
    })
    cli = [sys.executable, "-c", "from bot_engine.cli import main; main()"]
    # `python -c` puts the working directory first on sys.path: run in `source`
    created = subprocess.run([*cli, "tenants", "create", "acme"], env=env, check=True,
                             capture_output=True, text=True, timeout=120,
                             cwd=source).stdout
    key = re.search(r"api key \(shown once\): (\S+)", created)
    assert key is not None, created
    log = (data / "serve.log").open("wb")
    process = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(http_port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=source,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_port}", timeout=60,
                                     headers={"authorization": f"Bearer {key.group(1)}"}) as c:
            async with asyncio.timeout(120):
                while True:
                    try:
                        if (await c.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)
            uploaded = await c.post("/v1/scripts", content=script,
                                    headers={"content-type": "application/yaml"})
            assert uploaded.status_code == 201, uploaded.text
            yield Served(process, data, c, sip_port)
    finally:
        process.terminate()
        process.wait(30)
        log.close()
        shutil.rmtree(data, ignore_errors=True)


def invite(number: str, port: int, local_port: int, call_id: str, extra: str = "") -> bytes:
    """An unauthenticated INVITE with a PCMU offer, as raw bytes."""
    sdp = (
        b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        b"m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
        b"a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
    )
    head = (
        f"INVITE sip:{number}@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch=z9hG4bK{call_id};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:attacker@127.0.0.1:{local_port}>;tag=a1\r\n"
        f"To: <sip:{number}@127.0.0.1:{port}>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: 1 INVITE\r\n"
        f"Contact: <sip:attacker@127.0.0.1:{local_port}>\r\n{extra}"
        f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n"
    )
    return head.encode() + sdp


def cancel(number: str, port: int, local_port: int, call_id: str) -> bytes:
    return (
        f"CANCEL sip:{number}@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch=z9hG4bK{call_id};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:attacker@127.0.0.1:{local_port}>;tag=a1\r\n"
        f"To: <sip:{number}@127.0.0.1:{port}>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n"
    ).encode()
