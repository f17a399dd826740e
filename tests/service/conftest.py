"""Fixtures for the service tests: an in-process app with its lifespan (on both storage
backends, from tests/conftest.py), tenants with keys, and fast delivery schedules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot_engine.service.app import create_app
from bot_engine.service.settings import DeliverySchedule, ServiceSettings
from bot_engine.storage import open_database, tenants
from tests.conftest import SCRIPT_PATH

TEST_ENCRYPTION_KEY = "dm9pY2Vib3QtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE="
"""A fixed key (`encryption_key` is required with PostgreSQL); never a real deployment's."""
FAST_SCHEDULE = DeliverySchedule(
    first_delay_s=0.05, factor=2.0, max_delay_s=0.4, horizon_s=30.0, jitter=0.2, timeout_s=5.0
)


async def silent_speaker(text: str, language: str) -> bytes:
    """Recording audio without TTS: 20 ms of silence per character (for bulk tests)."""
    return bytes(320 * max(1, len(text)))


def make_settings(db_url: str, data_dir: Path, **extra: Any) -> ServiceSettings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": db_url,
        "ssrf_allowlist": ["127.0.0.1/32"],
        "delivery": FAST_SCHEDULE,
        "delivery_poll_s": 0.2,
        "prerender_prompts": False,
        "secret_key": "test-secret",
        "encryption_key": TEST_ENCRYPTION_KEY,
        "public_base_url": "http://127.0.0.1:9",
        "sip_port": 0,
        "audiosocket_port": 0,
        # one full collection of this process's heap per app start (0.3-1 s in a test run
        # that has loaded models); `voicebot serve` keeps the default
        "freeze_heap": False,
    }
    values.update(extra)
    return ServiceSettings(**values)


class Api:
    """An app running in-process with its lifespan, and a client per tenant key."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.transport = httpx.ASGITransport(app=app)

    def client(self, key: str | None = None) -> httpx.AsyncClient:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        return httpx.AsyncClient(
            transport=self.transport, base_url="http://api", headers=headers, timeout=30
        )

    @property
    def service(self) -> Any:
        return self.app.state.service

    async def tenant(self, name: str) -> tuple[str, str]:
        """(tenant id, API key)"""
        async with self.service.db.write() as session:
            tenant = await tenants.create_tenant(session, name)
            key = await tenants.create_key(session, tenant)
        return tenant.id, key


@pytest.fixture
async def api(db_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    app = create_app(make_settings(db_url, tmp_path), speak=silent_speaker)
    async with app.router.lifespan_context(app):
        yield Api(app)


async def upload(client: httpx.AsyncClient, text: str) -> dict[str, Any]:
    response = await client.post(
        "/v1/scripts", content=text, headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


__all__ = ["SCRIPT_PATH", "Api", "make_settings", "open_database", "silent_speaker", "upload"]
