"""Peak memory of `voicebot serve` while unauthenticated INVITEs carry a huge `X-Var-*`
header (a caller-chosen variable of 60 KB), against the same server left idle.

Run: .venv/bin/python bench/sip_oversized_header.py [--source DIR] [--header-bytes 61440]
     [--invites 3] [--seconds 20]

`--source` runs another checkout (e.g. an export of an older commit), so before/after
figures come from one script. The INVITEs go over UDP from a raw socket, each CANCELled
halfway through `--seconds`. Prints the server's peak RSS (VmHWM) after start-up and
after the attack, in MB; `--header-bytes 8` gives the figure for ordinary calls.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.serve_process import cancel, invite, peak_rss_mb, serve  # noqa: E402

SCRIPT = (ROOT / "tests" / "service" / "scripts" / "inbound_check.en.yaml").read_text()
NUMBER = "+15550100"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--header-bytes", type=int, default=60 * 1024)
    parser.add_argument("--invites", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    async with serve(args.source, SCRIPT) as served:
        client = served.client
        route = await client.post("/v1/inbound-routes", json={
            "script_id": "inbound_check", "match": {"to": NUMBER, "channel": "sip"}})
        assert route.status_code == 201, route.text
        await asyncio.sleep(1.0)
        idle = peak_rss_mb(served.process.pid)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            sock.setblocking(False)
            local = sock.getsockname()[1]
            ids = [f"big{n}{secrets.token_hex(4)}" for n in range(args.invites)]
            header = f"X-Var-lead_name: {'A' * args.header_bytes}\r\n"
            for call_id in ids:
                sock.sendto(invite(NUMBER, served.sip_port, local, call_id, header),
                            ("127.0.0.1", served.sip_port))
            deadline = time.monotonic() + args.seconds
            cancelled = False
            while time.monotonic() < deadline:
                if not cancelled and time.monotonic() > deadline - args.seconds / 2:
                    for call_id in ids:
                        sock.sendto(cancel(NUMBER, served.sip_port, local, call_id),
                                    ("127.0.0.1", served.sip_port))
                    cancelled = True
                await asyncio.sleep(0.2)
                while True:
                    try:
                        sock.recv(65536)
                    except BlockingIOError:
                        break
        calls = (await client.get("/v1/calls")).json()
        attacked = peak_rss_mb(served.process.pid)
    print(f"calls created by the attack: {len(calls)} ({[c['status'] for c in calls]})")
    print(f"source: {args.source}")
    print(f"peak RSS idle:          {idle:8.1f} MB")
    print(f"peak RSS under attack:  {attacked:8.1f} MB "
          f"({args.invites} INVITEs, X-Var-lead_name of {args.header_bytes} bytes)")


if __name__ == "__main__":
    asyncio.run(main())
