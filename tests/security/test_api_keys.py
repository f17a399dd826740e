"""API keys: revocation takes effect at the next request (in this worker and in another one
sharing the database), and an address that keeps presenting wrong keys gets 429s."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from bot_engine.cli import app as cli_app
from bot_engine.service.app import create_app
from bot_engine.service.auth import FailureLimiter
from bot_engine.storage.models import ApiKey, utcnow

from ..service.conftest import Api, make_settings, silent_speaker


def key_id(key: str) -> str:
    return key.split("_")[1]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client_from(api: Api, address: str, key: str | None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=api.app, client=(address, 40000))
    headers = {"authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(transport=transport, base_url="http://api", headers=headers)


async def test_a_revoked_key_stops_working_at_once(api: Api) -> None:
    _, key = await api.tenant("acme")
    _, other = await api.tenant("other")
    async with api.client(key) as client, api.client(other) as bystander:
        assert (await client.get("/v1/tenant")).status_code == 200  # verified (was cached)
        # revoked behind the server's back, as `voicebot keys revoke` does from another process
        async with api.service.db.write() as session:
            await session.execute(
                update(ApiKey).where(ApiKey.id == key_id(key)).values(revoked_at=utcnow())
            )
        assert (await client.get("/v1/tenant")).status_code == 401
        assert (await bystander.get("/v1/tenant")).status_code == 200


async def test_a_tenant_revokes_its_own_key_through_the_api(api: Api) -> None:
    tenant_id, key = await api.tenant("acme")
    _, other_key = await api.tenant("other")
    async with api.service.db.write() as session:
        from bot_engine.storage import tenants
        from bot_engine.storage.models import Tenant

        second = await tenants.create_key(session, await session.get(Tenant, tenant_id))
    async with api.client(key) as client, api.client(second) as spare:
        listed = (await client.get("/v1/keys")).json()
        assert {k["id"] for k in listed} == {key_id(key), key_id(second)}
        assert all(k["revoked_at"] is None for k in listed)
        # another tenant's key cannot be revoked (or even seen)
        assert (await client.delete(f"/v1/keys/{key_id(other_key)}")).status_code == 404
        assert (await spare.delete(f"/v1/keys/{key_id(key)}")).status_code == 204
        assert (await client.get("/v1/tenant")).status_code == 401
        listed = {k["id"]: k for k in (await spare.get("/v1/keys")).json()}
        assert listed[key_id(key)]["revoked_at"] is not None
    async with api.client(other_key) as other:
        assert (await other.get("/v1/tenant")).status_code == 200


async def test_revocation_reaches_every_worker_sharing_the_database(
    db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    first = create_app(
        make_settings(db_url, tmp_path_factory.mktemp("w1"), dialer="none"), speak=silent_speaker
    )
    second = create_app(
        make_settings(db_url, tmp_path_factory.mktemp("w2"), dialer="none"), speak=silent_speaker
    )
    async with first.router.lifespan_context(first), second.router.lifespan_context(second):
        one, two = Api(first), Api(second)
        _, key = await one.tenant("acme")
        async with one.client(key) as a, two.client(key) as b:
            assert (await a.get("/v1/tenant")).status_code == 200
            assert (await b.get("/v1/tenant")).status_code == 200
            assert (await a.delete(f"/v1/keys/{key_id(key)}")).status_code == 204
            assert (await b.get("/v1/tenant")).status_code == 401


def test_the_cli_revokes_a_key(tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(cli_app, ["tenants", "create", "acme", "--data-dir", str(tmp_path)])
    assert created.exit_code == 0, created.output
    key = created.output.split("api key (shown once): ")[1].split()[0]
    listed = runner.invoke(cli_app, ["keys", "list", "acme", "--data-dir", str(tmp_path)])
    assert f"{key_id(key)}  created" in listed.output and "active" in listed.output
    revoked = runner.invoke(cli_app, ["keys", "revoke", key, "--data-dir", str(tmp_path)])
    assert revoked.exit_code == 0 and key_id(key) in revoked.output
    assert key.split("_", 2)[2] not in revoked.output  # the secret is never echoed
    listed = runner.invoke(cli_app, ["keys", "list", "acme", "--data-dir", str(tmp_path)])
    assert "revoked" in listed.output
    missing = runner.invoke(cli_app, ["keys", "revoke", "nope", "--data-dir", str(tmp_path)])
    assert missing.exit_code == 1


async def test_failed_keys_are_rate_limited_per_address(api: Api) -> None:
    _, key = await api.tenant("acme")
    clock = FakeClock()
    limiter = FailureLimiter(burst=5, refill_s=3.0, size=100, clock=clock)
    api.service.auth_failures = limiter
    bad = key[:-4] + "AAAA"
    async with (
        client_from(api, "203.0.113.7", bad) as guesser,
        client_from(api, "203.0.113.7", key) as same_address_good_key,
        client_from(api, "198.51.100.1", key) as elsewhere,
    ):
        statuses = [(await guesser.get("/v1/calls")).status_code for _ in range(5)]
        assert statuses == [401] * 5
        refused = await guesser.get("/v1/calls")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "3"
        assert refused.json()["error"] == "http_error"
        # the address is refused before any key is looked at, a good one included
        assert (await same_address_good_key.get("/v1/calls")).status_code == 429
        assert (await elsewhere.get("/v1/calls")).status_code == 200
        # a missing key is a 401 that costs nothing and is not counted
        async with client_from(api, "192.0.2.9", None) as keyless:
            assert [(await keyless.get("/v1/calls")).status_code for _ in range(8)] == [401] * 8
            assert limiter.retry_after("192.0.2.9") is None
        clock.now += 3.0  # one more attempt has been earned
        assert (await same_address_good_key.get("/v1/calls")).status_code == 200
        assert (await guesser.get("/v1/calls")).status_code == 401
        assert (await guesser.get("/v1/calls")).status_code == 429
        clock.now += 15.0  # the whole burst is back
        assert [(await guesser.get("/v1/calls")).status_code for _ in range(6)] == [401] * 5 + [
            429
        ]


def test_the_limiter_table_is_bounded_and_groups_ipv6_by_64() -> None:
    from starlette.requests import Request

    from bot_engine.service.auth import client_address

    clock = FakeClock()
    limiter = FailureLimiter(burst=1, refill_s=10.0, size=100, clock=clock)
    for n in range(10_000):
        limiter.failed(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
    assert len(limiter) == 100
    assert limiter.retry_after("10.0.39.15") is not None  # among the newest: remembered
    assert limiter.retry_after("10.0.0.0") is None  # the oldest: forgotten

    def address(host: str) -> str:
        return client_address(Request({"type": "http", "client": (host, 1), "headers": []}))

    assert address("2001:db8:1:2:aaaa::1") == address("2001:db8:1:2:bbbb::2") == (
        "2001:db8:1:2::/64"
    )
    assert address("2001:db8:1:3::1") != address("2001:db8:1:2::1")
    assert address("192.0.2.1") == "192.0.2.1"
