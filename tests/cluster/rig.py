"""A local cluster for the tests, as `scripts/cluster.sh` starts one: PostgreSQL (the test
session's server, a fresh database per test), N `voicebot serve` workers each on its own
SIP and HTTP ports, and Kamailio running `deploy/kamailio/kamailio.cfg` in front of them.
Loopback only, free ports; every process is stopped by `close()`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.gateway_sip.sip_baresip import free_port as free_sip_port
from tests.gateway_sip.sip_kamailio import MODULES, STARTUP_S, Kamailio, available
from tests.gateway_sip.sip_sipp import Sipp, sipp_ports
from tests.service.conftest import TEST_ENCRYPTION_KEY
from tests.service.postgres_server import free_port

REPO = Path(__file__).parents[2]
EDGE_CONFIG = REPO / "deploy" / "kamailio" / "kamailio.cfg"
VOICEBOT = str(Path(sys.executable).parent / "voicebot")
HERE = Path(__file__).parent
START_S = 90


class Edge(Kamailio):
    """Kamailio with the shipped edge config; its settings given as `-A` defines."""

    def __init__(
        self, folder: Path, workers: list[str], *, ping_s: int = 1, trunk: str | None = None
    ) -> None:
        super().__init__(folder, workers)
        self.ping_s = ping_s
        self.trunk = trunk
        self.ctl = folder / "kamailio_ctl"

    async def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "dispatcher.list").write_text(
            "".join(f"1 {uri} 0 0 name=w{i}\n" for i, uri in enumerate(self.workers))
        )
        here = f"127.0.0.1:{self.port}"
        defines = [
            f"SIP_LISTEN_UDP=udp:{here}",
            f"SIP_LISTEN_TCP=tcp:{here}",
            f'SIP_ALIAS="{here}"',
            f'DISPATCHER_LIST="{self.folder / "dispatcher.list"}"',
            f'MODULES_DIR="{MODULES}/"',
            f'CTL_SOCKET="unix:{self.ctl}"',
            f"PING_INTERVAL={self.ping_s}",
            f'PING_FROM="sip:edge@{here}"',
        ]
        if self.trunk is not None:
            defines += ["WITH_TRUNK", f'TRUNK_URI="{self.trunk}"']
        args = [arg for define in defines for arg in ("-A", define)]
        self.process = await asyncio.create_subprocess_exec(
            "kamailio", "-f", str(EDGE_CONFIG), *args, "-DD", "-E", "-m", "64", "-M", "8",
            "-Y", str(self.folder),
            cwd=self.folder, stdout=self.log.open("wb"), stderr=asyncio.subprocess.STDOUT,
        )
        async with asyncio.timeout(STARTUP_S):
            while not await self._listening():
                assert self.process.returncode is None, self.log.read_text()[-3000:]
                await asyncio.sleep(0.1)

    async def destinations(self) -> dict[int, str]:
        """The dispatcher's view: worker SIP port -> flags (`AP` active, `IP` inactive)."""
        done = await asyncio.create_subprocess_exec(
            "kamcmd", "-s", f"unix:{self.ctl}", "dispatcher.list",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(done.communicate(), 10)
        text = out.decode(errors="replace")
        found = re.findall(r"URI:\s*sip:127\.0\.0\.1:(\d+)\s*\n\s*FLAGS:\s*(\w+)", text)
        return {int(port): flags for port, flags in found}


class Worker:
    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name = name
        self.folder = folder
        self.http_port = free_port()
        self.sip_port = free_sip_port()  # free on UDP too: the worker's SIP listens there
        self.env = env
        self.log = folder / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def id(self) -> str:
        return f"127.0.0.1:{self.http_port}"

    @property
    def url(self) -> str:
        return f"http://{self.id}"

    @property
    def sip_uri(self) -> str:
        return f"sip:127.0.0.1:{self.sip_port}"

    def launch(self) -> None:
        data = self.folder / self.name
        data.mkdir(parents=True, exist_ok=True)
        env = {
            **self.env,
            "VOICEBOT_DATA_DIR": str(data),
            "VOICEBOT_TTS_CACHE_DIR": str(data / "tts-cache"),
            "VOICEBOT_SIP_PORT": str(self.sip_port),
        }
        self.proc = subprocess.Popen(
            [VOICEBOT, "serve", "--host", "127.0.0.1", "--port", str(self.http_port)],
            env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )

    async def ready(self, *, fresh_ports: bool = False) -> None:
        """Until the worker answers its health check. With ``fresh_ports`` (before the edge
        knows its ports), a port taken between choosing it and binding it (another
        process's outgoing connection may take any free port of the ephemeral range) is
        chosen again, a few times, instead of failing the test."""
        for attempt in range(3):
            async with httpx.AsyncClient() as client, asyncio.timeout(START_S):
                while True:
                    assert self.proc is not None
                    if self.proc.poll() is not None:
                        taken = "address already in use" in self.tail()
                        assert fresh_ports and taken and attempt < 2, self.tail()
                        self.http_port, self.sip_port = free_port(), free_sip_port()
                        self.launch()
                        break
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get(f"{self.url}/healthz")).status_code == 200:
                            return
                    await asyncio.sleep(0.1)

    async def health(self) -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            body: dict[str, Any] = (await client.get(f"{self.url}/healthz", timeout=10)).json()
        return body

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)

    async def exited(self, timeout: float = 120) -> int:
        assert self.proc is not None
        async with asyncio.timeout(timeout):
            while self.proc.poll() is None:
                await asyncio.sleep(0.1)
        return self.proc.returncode

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class Cluster:
    def __init__(self, folder: Path, db_url: str, *, workers: int = 2, **env: str) -> None:
        self.folder = folder
        self.db_url = db_url
        base = {
            **os.environ,
            "VOICEBOT_DATABASE_URL": db_url,
            "VOICEBOT_ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,
            "VOICEBOT_SECRET_KEY": "cluster-test-secret",
            "VOICEBOT_SSRF_ALLOWLIST": '["127.0.0.1/32"]',
            "VOICEBOT_DELIVERY__FIRST_DELAY_S": "0.2",
            "VOICEBOT_DELIVERY__MAX_DELAY_S": "1",
            "VOICEBOT_DELIVERY_POLL_S": "0.2",
            "VOICEBOT_PRERENDER_PROMPTS": "false",
            "VOICEBOT_AUDIOSOCKET_ENABLED": "false",
            "VOICEBOT_SIP_HOST": "127.0.0.1",
            "VOICEBOT_WORKER_HEARTBEAT_S": "0.5",
            "VOICEBOT_WORKER_LEASE_S": "3",
            "VOICEBOT_DRAIN_TIMEOUT_S": "60",
            **env,
        }
        self.env = base
        self.workers = [Worker(f"w{i}", folder, base) for i in range(workers)]
        self.edge: Edge | None = None

    async def start(self, *, trunk: str | None = None, ping_s: int = 1) -> None:
        self.edge = Edge(self.folder / "kamailio", [w.sip_uri for w in self.workers],
                         ping_s=ping_s, trunk=trunk)
        for worker in self.workers:
            worker.env = {**worker.env, "VOICEBOT_SIP_PROXY": f"127.0.0.1:{self.edge.port}"}
            worker.launch()  # together: migrations take turns (an advisory lock)
        await asyncio.gather(*(w.ready(fresh_ports=True) for w in self.workers))
        self.edge.workers = [w.sip_uri for w in self.workers]  # as they finally listen
        await self.edge.start()
        await self.until_active(self.workers)

    async def until_active(self, workers: list[Worker], timeout: float = 60) -> None:
        """Until the edge's OPTIONS probes have found these workers up."""
        assert self.edge is not None
        async with asyncio.timeout(timeout):
            while True:
                seen = await self.edge.destinations()
                if all(seen.get(w.sip_port, "").startswith("A") for w in workers):
                    return
                await asyncio.sleep(0.1)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [VOICEBOT, *args], env={**self.env, "VOICEBOT_DATA_DIR": str(self.folder)},
            capture_output=True, text=True, timeout=120, check=True,
        )
        return done.stdout

    def tenant(self, name: str = "acme") -> tuple[str, str]:
        """(API key, webhook secret) of a new tenant."""
        created = self.cli("tenants", "create", name)
        key = re.search(r"api key \(shown once\): (\S+)", created)
        secret = re.search(r"webhook secret: (\S+)", created)
        assert key is not None and secret is not None, created
        return key.group(1), secret.group(1)

    def client(self, key: str, worker: Worker | None = None) -> httpx.AsyncClient:
        base = (worker or self.workers[0]).url
        return httpx.AsyncClient(base_url=base, headers={"authorization": f"Bearer {key}"},
                                 timeout=30)

    async def rows(self, query: str, *args: Any) -> list[asyncpg.Record]:
        dsn = self.db_url.replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(dsn)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    async def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self.edge is not None:
            await self.edge.stop()

    def report(self) -> str:
        parts = [f"== {w.name}\n{w.tail()}" for w in self.workers]
        if self.edge is not None and self.edge.log.exists():
            parts.append("== kamailio\n" + self.edge.log.read_text(errors="replace")[-3000:])
        return "\n".join(parts)


class Caller(Sipp):
    async def stop(self, timeout: float = 120) -> int:
        """Place no more calls, let those in progress end (SIGUSR1); SIPp's exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGUSR1)
        return await self.wait(timeout)


def caller(folder: Path, edge: Edge, *, calls: int, rate: float, hold_ms: int,
           service: str = "100") -> Caller:
    """SIPp placing up to `calls` calls through the edge, `rate` per second, each hung up
    by the caller after `hold_ms`."""
    port, media = sipp_ports()
    sipp = Caller(
        str(HERE / "sipp" / "caller.xml"), folder, port=port,
        remote=f"127.0.0.1:{edge.port}", calls=calls,
        extra=("-s", service, "-r", str(rate), "-d", str(hold_ms),
               "-mi", "127.0.0.1", "-mp", str(media)),
    )
    sipp.args[sipp.args.index("-timeout") + 1] = "600s"  # the whole run, not one call
    return sipp

__all__ = ["Caller", "Cluster", "Edge", "Worker", "available", "caller"]
