"""Peak memory of the service while a tenant's webhook answers with a huge body.

Run: .venv/bin/python bench/outbound_response.py [--mb 400] [--rounds 3]

A local server streams `--mb` MB of valid JSON (`{"a": "xxx…"}`) without holding it. Two
processes read it, each measured by its own peak RSS (VmHWM):
- baseline: a plain httpx client reading and parsing the whole answer, as the unguarded
  mid-call runner did (`response.json()` after `client.request`);
- service: a real `voicebot serve`, attacked through `POST /v1/simulate` with a script
  whose webhook fetches that URL into its result (loopback allow-listed on purpose, so the
  only bound left is the answer-size cap).
Everything is on loopback. Prints medians over the rounds, most important last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.service.postgres_server import free_port  # noqa: E402

VOICEBOT = str(Path(sys.executable).parent / "voicebot")
PROBE = (ROOT / "tests" / "security" / "scripts" / "ssrf_probe.en.yaml").read_text()
CHUNK = b"x" * 65536


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) / 1024


async def serve_big(port: int) -> None:
    """`GET /?mb=N`: N MB of JSON, chunked, produced on the fly."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            mb = int(re.search(rb"mb=(\d+)", head).group(1))  # type: ignore[union-attr]
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            )
            for piece in [b'{"a": "', *([CHUNK] * (mb * 16)), b'"}']:
                writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


async def baseline_client(url: str) -> None:
    """What the unguarded runner did; prints its peak RSS."""
    async with httpx.AsyncClient(timeout=120) as client:
        response = await client.request("GET", url)
        data = response.json()
    print(json.dumps({"peak_mb": peak_rss_mb(os.getpid()), "chars": len(data["a"])}))


def _env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VOICEBOT_DATA_DIR": str(data),
        "VOICEBOT_SSRF_ALLOWLIST": '["127.0.0.1/32"]',
        "VOICEBOT_PRERENDER_PROMPTS": "false",
        "VOICEBOT_SIP_ENABLED": "false",
        "VOICEBOT_AUDIOSOCKET_ENABLED": "false",
        "VOICEBOT_DIALER": "none",
    }


async def attack_service(url: str) -> tuple[float, float, float, str]:
    """(idle peak RSS, peak RSS after the attack, attack seconds, the result's outcome)."""
    data = Path(tempfile.mkdtemp(prefix="vb-bench-"))
    created = subprocess.run(
        [VOICEBOT, "tenants", "create", "bench"], env=_env(data), capture_output=True,
        text=True, check=True, timeout=120,
    ).stdout
    key = re.search(r"api key \(shown once\): (\S+)", created).group(1)  # type: ignore[union-attr]
    port = free_port()
    proc = subprocess.Popen(
        [VOICEBOT, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=600,
            headers={"authorization": f"Bearer {key}"},
        ) as client:
            async with asyncio.timeout(60):
                while True:
                    try:
                        if (await client.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
            small = url.replace(re.search(r"mb=\d+", url).group(0), "mb=0")  # type: ignore[union-attr]
            warm = await client.post(
                "/v1/simulate", json={"script": PROBE, "variables": {"target": small}}
            )
            assert warm.status_code == 200, warm.text
            idle = peak_rss_mb(proc.pid)
            start = time.perf_counter()
            attacked = await client.post(
                "/v1/simulate", json={"script": PROBE, "variables": {"target": url}}
            )
            elapsed = time.perf_counter() - start
            assert attacked.status_code == 200, attacked.text
            return idle, peak_rss_mb(proc.pid), elapsed, attacked.json()["result"]["outcome"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        await serve_big(args.serve)
        return
    if args.baseline:
        await baseline_client(args.baseline)
        return
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    url = f"http://127.0.0.1:{port}/json?mb={args.mb}"
    try:
        async with asyncio.timeout(30):  # until the server process listens
            while True:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    break
                except OSError:
                    await asyncio.sleep(0.05)
        baseline, idle, peak, seconds, outcomes = [], [], [], [], []
        for _ in range(args.rounds):
            done = subprocess.run(
                [sys.executable, __file__, "--baseline", url], capture_output=True, text=True,
                check=True, timeout=600,
            )
            baseline.append(json.loads(done.stdout)["peak_mb"])
            rss_idle, rss_peak, elapsed, outcome = await attack_service(url)
            idle.append(rss_idle)
            peak.append(rss_peak)
            seconds.append(elapsed)
            outcomes.append(outcome)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"answer size: {args.mb} MB of JSON; rounds: {args.rounds}; outcomes: {outcomes}")
    print(f"baseline (plain httpx reads it all): peak RSS {statistics.median(baseline):.0f} MB")
    print(f"voicebot serve, idle peak RSS:        {statistics.median(idle):.0f} MB")
    print(f"attack request took:                  {statistics.median(seconds):.2f} s")
    growth = statistics.median(p - i for p, i in zip(peak, idle, strict=True))
    print(f"voicebot serve, peak RSS under attack: {statistics.median(peak):.0f} MB "
          f"(+{growth:.0f} MB; baseline/serve peak = "
          f"{statistics.median(baseline) / statistics.median(peak):.1f}x)")


if __name__ == "__main__":
    asyncio.run(main())
