"""A number belongs to one tenant: another tenant's route can neither be created over it
(409) nor, if one exists anyway, take its calls (the call is refused, both routes logged).

Real parts: the service's own SIP listener on a free loopback port, our SIP user agent as
the phone, SQLite. The calls stop right after routing (the speech factory refuses), which
is enough to see which tenant a call was given to.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot_engine.script.model import Script
from bot_engine.service.app import create_app
from bot_engine.storage import inbound_routes as route_repo
from media_gateway.sip import CallFailed, SipConfig, SipUserAgent
from tests.service.conftest import Api, make_settings, upload

SCRIPT = (Path(__file__).parents[1] / "service" / "scripts" / "inbound_check.en.yaml").read_text()
A_NUMBER = "+74951234567"
A_PATTERN = "^\\+7812\\d{7}$"


class NoSpeech(RuntimeError):
    pass


def no_speech(script: Script) -> Any:
    raise NoSpeech("routing tests stop before speech")


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}", tmp_path)
    app = create_app(settings, call_speech=no_speech)
    async with app.router.lifespan_context(app):
        yield Api(app)


async def _tenant(api: Api, name: str) -> tuple[str, str]:
    tenant_id, key = await api.tenant(name)
    async with api.client(key) as client:
        await upload(client, SCRIPT)
    return tenant_id, key


def _route(**match: Any) -> dict[str, Any]:
    priority = match.pop("priority", 0)
    return {"script_id": "inbound_check", "match": match, "priority": priority,
            "variables": {"lead_name": "x"}}


async def _calls(api: Api, key: str) -> list[dict[str, Any]]:
    async with api.client(key) as client:
        listed: list[dict[str, Any]] = (await client.get("/v1/calls")).json()
    return listed


async def _dial(phone: SipUserAgent, api: Api, number: str) -> int | None:
    port = api.service.listeners.sip_port
    with pytest.raises(CallFailed) as failed:
        await phone.call(f"sip:{number}@127.0.0.1:{port}", timeout_s=20)
    return failed.value.status


async def test_the_reported_takeover_is_refused_at_creation(api: Api) -> None:
    """Tenant B's `sip_user` on A's number and B's `^\\+78.*$` over A's `^\\+7812\\d{7}$`,
    both at priority 1000, were accepted and took A's calls."""
    _, key_a = await _tenant(api, "a")
    _, key_b = await _tenant(api, "b")
    async with api.client(key_a) as a, api.client(key_b) as b:
        assert (await a.post("/v1/inbound-routes", json=_route(to=A_NUMBER))).status_code == 201
        assert (await a.post("/v1/inbound-routes", json=_route(to=A_PATTERN))).status_code == 201
        for match in (
            {"sip_user": A_NUMBER, "priority": 1000},
            {"to": "^\\+78.*$", "priority": 1000},
            {"to": "+78121234567"},  # a number A's pattern matches
            {"sip_user": "^\\+7495\\d{7}$"},  # a pattern matching A's number
            {"to": "^\\+7\\d+$", "channel": "sip"},
            {"from": "+79990000000"},  # any number, from one caller: still A's numbers
            {"channel": "audiosocket"},  # every number on a channel A uses
        ):
            refused = await b.post("/v1/inbound-routes", json=_route(**match))
            assert refused.status_code == 409, (match, refused.text)
        # numbers A's routes cannot match stay free
        for match in ({"to": "+74951234568"}, {"to": "^\\+7813\\d{7}$"},
                      {"sip_user": "^\\+1\\d+$"}, {"channel": "websocket"}):
            created = await b.post("/v1/inbound-routes", json=_route(**match))
            assert created.status_code == 201, (match, created.text)
        # A may add its own overlapping routes; its priorities order them
        mine = await a.post("/v1/inbound-routes", json=_route(to="^\\+7812.*$", priority=5))
        assert mine.status_code == 201


async def test_real_invites_go_to_the_owner_and_a_contested_call_to_nobody(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    tenant_a, key_a = await _tenant(api, "a")
    tenant_b, key_b = await _tenant(api, "b")
    async with api.client(key_a) as a:
        own_number = (await a.post("/v1/inbound-routes", json=_route(to=A_NUMBER))).json()
        own_pattern = (await a.post("/v1/inbound-routes", json=_route(to=A_PATTERN))).json()
    # B's routes as they were created before the ownership rule (straight into storage)
    stolen = {}
    async with api.service.db.write() as session:
        for name, match in (("user", {"sip_user": A_NUMBER}), ("pattern", {"to": "^\\+78.*$"})):
            row = await route_repo.create_route(
                session, tenant_id=tenant_b, match=match, exact_to=None,
                script_name="inbound_check", version=None, variables={"lead_name": "b"},
                variable_headers={}, webhook=None, priority=1000, token="t-" + name,
            )
            stolen[name] = row.id
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="caller",
                                               tcp=False))
    try:
        caplog.set_level(logging.WARNING, logger="bot_engine.service.inbound")
        assert await _dial(phone, api, A_NUMBER) == 404
        assert await _dial(phone, api, "+78121234567") == 404
        refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
        assert len(refusals) == 2
        assert own_number["id"] in refusals[0] and stolen["user"] in refusals[0]
        assert own_pattern["id"] in refusals[1] and stolen["pattern"] in refusals[1]
        # nobody got those calls
        assert await _calls(api, key_a) == [] and await _calls(api, key_b) == []
        # a number only B's route matches is B's; once B's stolen routes are gone, A's
        # numbers are A's again (503: this test's service has no speech after routing)
        assert await _dial(phone, api, "+78000000000") == 503
        async with api.service.db.write() as session:
            for route_id in stolen.values():
                row = await route_repo.get_route(session, tenant_b, route_id)
                assert row is not None
                await route_repo.delete_route(session, row)
        assert await _dial(phone, api, A_NUMBER) == 503
        assert await _dial(phone, api, "+78121234567") == 503
    finally:
        await phone.close()
    calls_a, calls_b = await _calls(api, key_a), await _calls(api, key_b)
    assert sorted(c["to"] for c in calls_a) == sorted([A_NUMBER, "+78121234567"])
    assert [c["to"] for c in calls_b] == ["+78000000000"]
    assert tenant_a != tenant_b
