"""schemathesis against /openapi.json on a loopback server: no input produces a 5xx."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from bot_engine.service.app import create_app
from bot_engine.storage import open_database, tenants

from .conftest import SCRIPT_PATH, make_settings, silent_speaker
from .postgres_server import free_port


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    import asyncio

    data = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite+aiosqlite:///{data / 'voicebot.db'}"

    async def make_tenant() -> str:
        db = await open_database(url)
        async with db.write() as session:
            tenant = await tenants.create_tenant(session, "fuzz")
            key = await tenants.create_key(session, tenant)
        await db.close()
        return key

    key = asyncio.run(make_tenant())
    app = create_app(make_settings(url, Path(data)), speak=silent_speaker)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    uploaded = httpx.post(
        f"{base}/v1/scripts",
        content=SCRIPT_PATH.read_text(),
        headers={"content-type": "application/yaml", "authorization": f"Bearer {key}"},
    )
    assert uploaded.status_code == 201
    try:
        yield base, key
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# The schema is the app's own /openapi.json document (no server needed to build it).
schema = schemathesis.openapi.from_dict(create_app().openapi())


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_never_get_a_5xx(
    case: schemathesis.Case, fuzz_server: tuple[str, str]
) -> None:
    base, key = fuzz_server
    case.call_and_validate(
        base_url=base, headers={"authorization": f"Bearer {key}"}, checks=[not_a_server_error]
    )
