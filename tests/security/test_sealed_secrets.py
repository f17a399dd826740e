"""Webhook secrets and CRM tokens are sealed at rest (real SQLite and PostgreSQL): the raw
rows (and SQLite's files) never hold them, deliveries still sign and authenticate, plain rows
of an older version are sealed, and a wrong or missing key stops the service at start."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot_engine.cli import app as cli_app
from bot_engine.service.app import create_app
from bot_engine.service.settings import ConfigurationError, ServiceSettings
from bot_engine.storage import calls as call_repo
from bot_engine.storage import open_database, tenants
from bot_engine.storage import scripts as script_repo
from bot_engine.storage.models import Call, Delivery, Tenant
from bot_engine.storage.resealing import reseal
from bot_engine.storage.sealing import SecretBox, SecretsLocked, key_id, new_key

from ..service.conftest import Api, make_settings, silent_speaker, upload
from ..service.drive import place, run_call, wait_deliveries
from ..service.local_server import LocalServer
from ..service.postgres_server import free_port
from ..service.receivers import AmoCrmFake, WebhookReceiver

RAW_SECRET_COLUMNS = (
    "SELECT webhook_secret FROM tenants",
    "SELECT CAST(delivery_target AS TEXT) FROM calls",
    "SELECT CAST(target AS TEXT) FROM deliveries",
    "SELECT CAST(webhook AS TEXT) FROM inbound_routes",
)


async def raw_values(db_url: str) -> list[str]:
    """What the database itself holds in every secret-bearing column (no decoding)."""
    db = await open_database(db_url, migrate=False)  # no box: nothing is opened
    try:
        async with db.sessions() as session:
            found: list[str] = []
            for query in RAW_SECRET_COLUMNS:
                found += [row[0] for row in await session.execute(text(query)) if row[0]]
            return found
    finally:
        await db.close()


def sqlite_bytes(db_url: str) -> bytes:
    path = Path(db_url.split("///", 1)[1])
    return b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )


async def test_secrets_are_sealed_at_rest_and_deliveries_still_sign(
    db_url: str, tmp_path: Path, script_yaml: str
) -> None:
    custom_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    amo = AmoCrmFake(token="amo-" + secrets.token_hex(16))
    receiver = WebhookReceiver(custom_secret)
    app = create_app(make_settings(db_url, tmp_path, dialer="none"), speak=silent_speaker)
    async with (
        app.router.lifespan_context(app),
        LocalServer(receiver.app, free_port()) as hook,
        LocalServer(amo.app, free_port()) as crm,
    ):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            tenant_secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
            await upload(client, script_yaml)
            webhook = {"type": "webhook", "url": f"{hook.url}/hook", "secret": custom_secret}
            amocrm = {"type": "amocrm", "base_url": crm.url, "access_token": amo.token}
            route = await client.post(
                "/v1/inbound-routes",
                json={"match": {"to": "+74950000001"}, "script_id": "lead_qualification_en",
                      "webhook": amocrm},
            )
            assert route.status_code == 201, route.text
            assert route.json()["webhook"]["access_token"] == amo.token  # the owner reads it
            first = await place(client, webhook)
            second = await place(client, amocrm)
            await run_call(api, first, ["yes"])
            await run_call(api, second, ["yes"])
            delivered = await wait_deliveries(client, 2, "delivered")
        assert {d["call_id"] for d in delivered} == {first, second}
        # the custom secret signed the webhook (the receiver verified it), the token reached
        # amoCRM, and neither is in the database in clear
        assert f"res_{first}" in receiver.received and receiver.bad_signatures == 0
        assert amo.calls, "amoCRM got the call with its bearer token"
        raw = await raw_values(db_url)
        assert len(raw) == 6  # tenant, 2 calls, 2 deliveries, 1 route
        for value in raw:
            assert value.lstrip('"').startswith("vbenc1:"), value
            for secret in (tenant_secret, custom_secret, amo.token):
                assert secret not in value
        if db_url.startswith("sqlite"):
            files = sqlite_bytes(db_url)
            for secret in (tenant_secret, custom_secret, amo.token):
                assert secret.encode() not in files


async def test_plain_rows_of_an_older_version_are_sealed(empty_db_url: str) -> None:
    from alembic import command
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot_engine.storage.db import alembic_config

    engine = create_async_engine(empty_db_url)  # the schema and rows of the previous release
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(alembic_config(c), "0002"))
        await conn.execute(
            text(
                "INSERT INTO tenants (id, name, webhook_secret, created_at) "
                "VALUES ('t1', 'old', 'whsec_plain', CURRENT_TIMESTAMP)"
            )
        )
    await engine.dispose()
    db = await open_database(empty_db_url, box=None)  # a tool without the key writes plain values
    async with db.write() as session:
        _, version = await script_repo.add_version(session, "t1", "s", "x", "yaml", [])
        call = await call_repo.create_call(
            session,
            tenant_id="t1",
            script_version_id=version.id,
            to_number="+1",
            variables={},
            delivery_target={"type": "amocrm", "access_token": "amo-plain"},
        )
    await db.close()
    assert "amo-plain" in " ".join(await raw_values(empty_db_url))

    box = SecretBox([new_key()])
    db = await open_database(empty_db_url, box=box)
    async with db.sessions() as session:  # plain rows read as they are meanwhile
        assert (await session.get(Tenant, "t1")).webhook_secret == "whsec_plain"
    assert await reseal(db, batch=1) == 2
    assert await reseal(db) == 0  # nothing left: a second pass rewrites nothing
    async with db.sessions() as session:
        assert (await session.get(Tenant, "t1")).webhook_secret == "whsec_plain"
        stored = await session.get(Call, call.id)
        assert stored.delivery_target == {"type": "amocrm", "access_token": "amo-plain"}
    await db.close()
    raw = " ".join(await raw_values(empty_db_url))
    assert "amo-plain" not in raw and "whsec_plain" not in raw


async def test_a_rotated_key_is_replaced_by_the_background_pass(db_url: str) -> None:
    old, new = new_key(), new_key()
    db = await open_database(db_url, box=SecretBox([old]))
    async with db.write() as session:
        tenant = await tenants.create_tenant(session, "acme")
        secret = tenant.webhook_secret
        _, version = await script_repo.add_version(session, tenant.id, "s", "x", "yaml", [])
        call = await call_repo.create_call(
            session,
            tenant_id=tenant.id,
            script_version_id=version.id,
            to_number="+1",
            variables={},
            delivery_target={"type": "webhook", "url": "https://x.example/", "secret": "s1"},
        )
        session.add(
            Delivery(
                id="d1",
                tenant_id=tenant.id,
                call_id=call.id,
                target={"type": "webhook", "url": "https://x.example/"},
                idempotency_key="res_x",
            )
        )
    await db.close()
    db = await open_database(db_url, box=SecretBox([new, old]))
    assert await reseal(db) == 3
    await db.close()
    assert all(f"vbenc1:{key_id(new)}:" in v for v in await raw_values(db_url))
    db = await open_database(db_url, box=SecretBox([new]))  # the old key can go now
    async with db.sessions() as session:
        assert (await session.get(Tenant, tenant.id)).webhook_secret == secret
        assert (await session.get(Call, call.id)).delivery_target["secret"] == "s1"
    await db.close()


async def test_the_wrong_key_stops_the_start(db_url: str) -> None:
    db = await open_database(db_url, box=SecretBox([new_key()]))
    async with db.write() as session:
        await tenants.create_tenant(session, "acme")
    await db.close()
    with pytest.raises(SecretsLocked, match="another encryption key"):
        await open_database(db_url, box=SecretBox([new_key()]))


def test_a_shared_database_needs_a_configured_key(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://voicebot@127.0.0.1:1/voicebot"
    settings = ServiceSettings(data_dir=tmp_path, database_url=url)
    with pytest.raises(ConfigurationError, match="encryption_key is required"):
        settings.secret_box()
    result = CliRunner().invoke(
        cli_app, ["serve", "--data-dir", str(tmp_path)], env={"VOICEBOT_DATABASE_URL": url}
    )
    assert result.exit_code == 2
    assert "encryption_key is required" in result.output
    # a malformed key is refused by the settings themselves
    result = CliRunner().invoke(
        cli_app,
        ["serve", "--data-dir", str(tmp_path)],
        env={"VOICEBOT_ENCRYPTION_KEY": "not-a-key"},
    )
    assert result.exit_code == 2 and "encryption key is 32 random bytes" in result.output
    # the embedded database makes its own key, once
    embedded = ServiceSettings(data_dir=tmp_path)
    first = embedded.secret_box()
    assert first.current_id == embedded.secret_box().current_id
    assert (tmp_path / "encryption_key").is_file()


def test_opening_is_cached_so_loading_every_route_stays_cheap() -> None:
    """Each inbound call loads every tenant's routes: a value already opened is not
    decrypted again (a new token, i.e. a new value, is)."""
    box = SecretBox([new_key()])
    sealed = box.seal('{"type": "amocrm", "access_token": "t"}')
    decrypted: list[bytes] = []

    class Counting:
        """The box's MultiFernet, counting its decryptions (its own methods are read-only
        where cryptography implements it in Rust)."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def decrypt(self, token: bytes, *args: Any) -> bytes:
            decrypted.append(token)
            return self.inner.decrypt(token, *args)  # type: ignore[no-any-return]

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    box._fernet = Counting(box._fernet)  # type: ignore[assignment]
    for _ in range(100):
        assert box.open("".join(sealed)) == '{"type": "amocrm", "access_token": "t"}'
    assert len(decrypted) == 1
    assert box.open(box.seal("x")) == "x" and len(decrypted) == 2
