"""`scripts/cluster.sh` as a developer runs it: up (PostgreSQL, two workers, Kamailio),
status, a rolling restart, down; on free loopback ports in a temporary folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.rig import REPO, available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.cluster,
    pytest.mark.skipif(not available(), reason="kamailio is not installed (scripts/setup.sh)"),
]


def free_pair() -> int:
    """A port p with p and p + 1 free on UDP and TCP (worker i listens on base + i)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base = int(sock.getsockname()[1])
        if base < 65000 and all(_free(base + i) for i in (0, 1)):
            return base
    raise RuntimeError("no two consecutive free ports")


def _free(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="voicebot-cluster-"))  # PostgreSQL's user reaches it
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_up_status_rolling_restart_down(folder: Path) -> None:
    env = {
        **os.environ,
        "CLUSTER_DIR": str(folder),
        "EDGE_PORT": str(free_pair()),
        "SIP_BASE": str(free_pair()),
        "HTTP_BASE": str(free_pair()),
        "PG_PORT": str(free_pair()),
        "VOICEBOT": str(Path(sys.executable).parent / "voicebot"),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(REPO / "scripts" / "cluster.sh"), *args], env=env,
                              capture_output=True, text=True, timeout=300)

    try:
        up = run("up")
        assert up.returncode == 0, up.stdout + up.stderr
        status = run("status")
        assert status.returncode == 0, status.stdout + status.stderr
        assert status.stdout.count(": ok active_calls=0") == 2, status.stdout
        assert status.stdout.count(" active (") == 2, status.stdout  # the edge sends calls
        restart = run("restart")
        assert restart.returncode == 0, restart.stdout + restart.stderr
        assert "drained in" in (folder / "w0.log").read_text()
        assert run("status").returncode == 0
    finally:
        down = run("down")
    assert down.returncode == 0, down.stdout + down.stderr
    stopped = run("status")
    assert stopped.returncode == 1 and stopped.stdout.count(": down") == 4, stopped.stdout
