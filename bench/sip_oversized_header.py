"""Peak memory of `voicebot serve` while unauthenticated INVITEs carry a huge `X-Var-*`
header (a caller-chosen variable of 60 KB), against the same server left idle.

Run: .venv/bin/python bench/sip_oversized_header.py [--source DIR] [--header-bytes 61440]
     [--invites 3] [--seconds 20]

`--source` runs another checkout of voicebot (e.g. an export of an older commit) with this
machine's virtualenv, so before/after figures come from one script. The server runs as
its own process on loopback (free ports, a throwaway data dir, offline speech); the
INVITEs go over UDP from a raw socket, each followed by a CANCEL after `--seconds` / 2.
Prints the server's peak RSS (VmHWM) after start-up and after the attack, in MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = (ROOT / "tests" / "service" / "scripts" / "inbound_check.en.yaml").read_text()
NUMBER = "+15550100"


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) / 1024


def invite(port: int, local_port: int, call_id: str, header_bytes: int) -> tuple[bytes, bytes]:
    sdp = (
        b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        b"m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
        b"a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
    )
    branch = "z9hG4bK" + secrets.token_hex(8)
    head = (
        f"INVITE sip:{NUMBER}@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:attacker@127.0.0.1:{local_port}>;tag={secrets.token_hex(4)}\r\n"
        f"To: <sip:{NUMBER}@127.0.0.1:{port}>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: 1 INVITE\r\n"
        f"Contact: <sip:attacker@127.0.0.1:{local_port}>\r\n"
        f"X-Var-lead_name: {'A' * header_bytes}\r\n"
        f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n"
    )
    cancel = (
        f"CANCEL sip:{NUMBER}@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:attacker@127.0.0.1:{local_port}>;tag=x\r\n"
        f"To: <sip:{NUMBER}@127.0.0.1:{port}>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n"
    )
    return head.encode() + sdp, cancel.encode()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--header-bytes", type=int, default=60 * 1024)
    parser.add_argument("--invites", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="vb-bench-hdr-"))
    http_port, sip_port = free_port(), free_port(socket.SOCK_DGRAM)
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(args.source.resolve()),
        "VOICEBOT_DATA_DIR": str(data),
        "VOICEBOT_SIP_PORT": str(sip_port),
        "VOICEBOT_AUDIOSOCKET_PORT": "0",
        "VOICEBOT_PRERENDER_PROMPTS": "false",
        "VOICEBOT_TTS_CACHE_DIR": str(data / "tts-cache"),
    })
    cli = [sys.executable, "-c", "from bot_engine.cli import main; main()"]
    created = subprocess.run([*cli, "tenants", "create", "acme"], env=env, check=True,
                             capture_output=True, text=True, timeout=120).stdout
    key_match = re.search(r"api key \(shown once\): (\S+)", created)
    assert key_match is not None, created
    key = key_match.group(1)
    log = (data / "serve.log").open("wb")
    proc = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(http_port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{http_port}"
        async with httpx.AsyncClient(base_url=base, timeout=30,
                                     headers={"authorization": f"Bearer {key}"}) as client:
            async with asyncio.timeout(120):
                while True:
                    try:
                        if (await client.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)
            uploaded = await client.post("/v1/scripts", content=SCRIPT,
                                         headers={"content-type": "application/yaml"})
            assert uploaded.status_code == 201, uploaded.text
            route = await client.post("/v1/inbound-routes", json={
                "script_id": "inbound_check", "match": {"to": NUMBER, "channel": "sip"}})
            assert route.status_code == 201, route.text
            await asyncio.sleep(1.0)
            idle = peak_rss_mb(proc.pid)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.bind(("127.0.0.1", 0))
                sock.setblocking(False)
                local = sock.getsockname()[1]
                cancels = []
                for n in range(args.invites):
                    message, cancel = invite(sip_port, local, f"big-{n}-{secrets.token_hex(4)}",
                                             args.header_bytes)
                    sock.sendto(message, ("127.0.0.1", sip_port))
                    cancels.append(cancel)
                deadline = time.monotonic() + args.seconds
                cancelled = False
                while time.monotonic() < deadline:
                    if not cancelled and time.monotonic() > deadline - args.seconds / 2:
                        for cancel in cancels:
                            sock.sendto(cancel, ("127.0.0.1", sip_port))
                        cancelled = True
                    await asyncio.sleep(0.2)
                    while True:
                        try:
                            sock.recv(65536)
                        except BlockingIOError:
                            break
            calls = (await client.get("/v1/calls")).json()
        attacked = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)
    print(f"calls created by the attack: {len(calls)} ({[c['status'] for c in calls]})")
    print(f"source: {args.source}")
    print(f"peak RSS idle:          {idle:8.1f} MB")
    print(f"peak RSS under attack:  {attacked:8.1f} MB "
          f"({args.invites} INVITEs, X-Var-lead_name of {args.header_bytes} bytes)")


if __name__ == "__main__":
    asyncio.run(main())
