"""The service in-process (real SQLite, its own lifespan and script workers) with one tenant,
for the bounds tests; the `bounded_api` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot_engine.service.app import create_app
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage import tenants

from .stall_kit import BASE_SCRIPT


@dataclass
class BoundedApi:
    app: Any
    key: str

    @property
    def service(self) -> Any:
        return self.app.state.service

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://api",
            headers={"authorization": f"Bearer {self.key}"}, timeout=60,
        )

    async def upload(self, text: str) -> httpx.Response:
        async with self.client() as client:
            return await client.post("/v1/scripts", content=text,
                                     headers={"content-type": "application/yaml"})


def settings_for(data_dir: Path, **extra: Any) -> ServiceSettings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": f"sqlite+aiosqlite:///{data_dir / 'bounds.db'}",
        "prerender_prompts": False,
        "secret_key": "bounds",
        "ssrf_allowlist": ["127.0.0.1/32"],
        "sip_enabled": False,
        "audiosocket_enabled": False,
        "freeze_heap": False,  # a full collection per app start; see tests/service/conftest
        **extra,
    }
    return ServiceSettings(**values)


async def started(app: Any) -> AsyncIterator[BoundedApi]:
    async with app.router.lifespan_context(app):
        async with app.state.service.db.write() as session:
            tenant = await tenants.create_tenant(session, "bounds")
            key = await tenants.create_key(session, tenant)
        api = BoundedApi(app, key)
        assert (await api.upload(BASE_SCRIPT)).status_code == 201
        yield api


@pytest.fixture
async def bounded_api(tmp_path: Path) -> AsyncIterator[BoundedApi]:
    async for api in started(create_app(settings_for(tmp_path))):
        yield api
