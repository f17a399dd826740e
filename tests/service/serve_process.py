"""Run `voicebot serve` as a real subprocess on loopback for end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

VOICEBOT = str(Path(sys.executable).parent / "voicebot")


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "VOICEBOT_SSRF_ALLOWLIST": '["127.0.0.1/32"]',
            "VOICEBOT_DELIVERY__FIRST_DELAY_S": "0.2",
            "VOICEBOT_DELIVERY__MAX_DELAY_S": "1",
            "VOICEBOT_DELIVERY_POLL_S": "0.2",
            "VOICEBOT_PRERENDER_PROMPTS": "false",
            "VOICEBOT_DATA_DIR": str(data_dir),
            "VOICEBOT_SIP_PORT": "0",
            "VOICEBOT_AUDIOSOCKET_PORT": "0",
            "VOICEBOT_TTS_CACHE_DIR": str(data_dir / "tts-cache"),
            # SIGTERM drains: calls in progress (simulated ones wait for input) get 5 s
            "VOICEBOT_DRAIN_TIMEOUT_S": "5",
        }
    )
    return env


def create_tenant(data_dir: Path, name: str = "acme") -> tuple[str, str]:
    """`voicebot tenants create NAME` as a user runs it: (API key, webhook secret)."""
    created = subprocess.run(
        [VOICEBOT, "tenants", "create", name],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    key = re.search(r"api key \(shown once\): (\S+)", created)
    secret = re.search(r"webhook secret: (\S+)", created)
    assert key is not None and secret is not None, created
    return key.group(1), secret.group(1)


async def _start(
    data_dir: Path,
    port: int,
    log: Path,
    extra_env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [VOICEBOT, "serve", "--host", "127.0.0.1", "--port", str(port), *extra_args],
        env={**_env(data_dir), **(extra_env or {})},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    async with httpx.AsyncClient() as client, asyncio.timeout(60):
        while True:
            assert proc.poll() is None, log.read_text()  # noqa: ASYNC240 (only on failure)
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return proc
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


async def _until(predicate, timeout: float = 60):  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while True:
            value = await predicate()
            if value:
                return value
            await asyncio.sleep(0.1)
