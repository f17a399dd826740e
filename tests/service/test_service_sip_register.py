"""`sip_register`: the service registers at a PBX (SIPp as a digest-challenging registrar
on loopback), keeps the registration refreshed, reports it in /healthz and unregisters on
shutdown."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot_engine.service.app import create_app
from tests.gateway_sip.sip_sipp import Sipp

from .conftest import Api, make_settings
from .postgres_server import free_port

pytestmark = pytest.mark.slow


async def test_the_service_registers_at_the_pbx_and_unregisters_on_shutdown(
    tmp_path: Path,
) -> None:
    port = free_port()
    sipp = Sipp("uas_register.xml", tmp_path / "sipp", port=port)
    await sipp.start()
    await sipp.wait_listening()
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}",
        tmp_path,
        sip_register=True,
        sip_proxy=f"127.0.0.1:{port}",
        sip_domain="reg.test",
        sip_caller="robot",
        sip_username="robot",
        sip_password="s3cret",
    )
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            api = Api(app)
            ua = api.service.listeners.sip
            async with asyncio.timeout(10):  # the registrar grants 2 s: a refresh follows
                while ua.registrations < 2:
                    await asyncio.sleep(0.05)
            async with api.client() as client:
                health = (await client.get("/healthz")).json()
            assert health["listeners"]["sip"]["registered"] is True
        assert await sipp.wait(10) == 0, sipp.report()
    finally:
        await sipp.kill()
    sent = re.findall(
        r"REGISTER sip:reg.test SIP/2.0\r?\n(?:[^\r\n]+\r?\n)*?Expires: (\d+)", sipp.messages()
    )
    assert sent == ["3600"] * 4 + ["0"] * 2  # challenge + answer, refresh twice, unregister


def test_registering_needs_a_registrar(tmp_path: Path) -> None:
    from bot_engine.service.listeners import ListenerError

    app = create_app(
        make_settings(f"sqlite+aiosqlite:///{tmp_path / 'v.db'}", tmp_path, sip_register=True)
    )

    async def start() -> None:
        async with app.router.lifespan_context(app):
            pass

    with pytest.raises(ListenerError, match="sip_proxy"):
        asyncio.run(start())
