"""Each adapter against a local server speaking the vendor's documented format."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.service.conftest import Api, make_settings, silent_speaker, upload
from tests.service.drive import place, run_call, wait_deliveries
from tests.service.local_server import LocalServer
from tests.service.postgres_server import free_port
from tests.service.receivers import AmoCrmFake, Bitrix24Fake, WebhookReceiver


@pytest.fixture
async def api_nodial(db_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    from bot_engine.service.app import create_app

    app = create_app(make_settings(db_url, tmp_path, dialer="none"), speak=silent_speaker)
    async with app.router.lifespan_context(app):
        yield Api(app)


async def test_webhook_is_signed_and_complete(api_nodial: Api, script_yaml: str) -> None:
    api = api_nodial
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
        receiver = WebhookReceiver(secret)
        async with LocalServer(receiver.app, free_port()) as server:
            await upload(client, script_yaml)
            target = {"type": "webhook", "url": f"{server.url}/hook", "inline_recording": True}
            call_id = await place(client, target)
            await run_call(api, call_id, ["yes", "about five thousand"])
            [delivery] = await wait_deliveries(client, 1, "delivered")
        payload = receiver.received[f"res_{call_id}"]
        assert delivery["idempotency_key"] == f"res_{call_id}"
        assert payload["call"]["id"] == call_id
        assert payload["result"]["outcome"] in {"qualified", "hung_up", "error"}
        assert [t["role"] for t in payload["transcript"]][:2] == ["bot", "caller"]
        recording = payload["recording"]
        assert base64.b64decode(recording["inline_base64"])[:4] == b"RIFF"
        # the expiring link works without an API key, and only with its signature
        path = recording["url"].split("127.0.0.1:9", 1)[1]
        async with api.client() as anon:
            assert (await anon.get(path)).content[:4] == b"RIFF"
            assert (await anon.get(path[:-3] + "000")).status_code == 404
        detail = (await client.get(f"/v1/deliveries/{delivery['id']}")).json()
        assert detail["log"][0]["ok"] is True and detail["log"][0]["status_code"] == 204


async def test_bitrix24_register_finish_attach(api_nodial: Api, script_yaml: str) -> None:
    api = api_nodial
    _, key = await api.tenant("acme")
    fake = Bitrix24Fake()
    fake.fail_methods["telephony.externalCall.attachRecord"] = 1  # throttled once
    async with api.client(key) as client, LocalServer(fake.app, free_port()) as server:
        await upload(client, script_yaml)
        target = {
            "type": "bitrix24",
            "webhook_url": f"{server.url}/rest/1/tok123/",
            "user_id": 3,
            "create_lead_outcomes": ["qualified", "not_qualified"],
        }
        call_id = await place(client, target)
        await run_call(api, call_id, ["no"])
        [delivery] = await wait_deliveries(client, 1, "delivered")
        detail = (await client.get(f"/v1/deliveries/{delivery['id']}")).json()
    names = [name for name, _ in fake.calls]
    # register and finish ran once: the retry resumed at attachRecord
    assert names == [
        "telephony.externalcall.register",
        "telephony.externalcall.finish",
        "telephony.externalCall.attachRecord",
        "telephony.externalCall.attachRecord",
        "crm.activity.update",
        "crm.lead.add",
    ]
    register = fake.calls[0][1]
    assert register["CRM_CREATE"] == 1 and register["EXTERNAL_CALL_ID"] == f"res_{call_id}"
    assert register["PHONE_NUMBER"] == "+15550001" and register["USER_ID"] == 3
    finish = fake.calls[1][1]
    assert finish["STATUS_CODE"] == "200" and finish["CALL_ID"].startswith("externalCall.")
    attach = fake.calls[3][1]
    assert base64.b64decode(attach["FILE_CONTENT"])[:4] == b"RIFF"
    assert "not_qualified" in fake.calls[4][1]["fields"]["DESCRIPTION"]
    assert [a["ok"] for a in detail["log"]] == [False, True]
    assert "QUERY_LIMIT_EXCEEDED" in detail["log"][0]["error"]


async def test_amocrm_contact_first_then_call_and_note(api_nodial: Api, script_yaml: str) -> None:
    api = api_nodial
    _, key = await api.tenant("acme")
    fake = AmoCrmFake()
    async with api.client(key) as client, LocalServer(fake.app, free_port()) as server:
        await upload(client, script_yaml)
        target = {"type": "amocrm", "base_url": server.url, "access_token": "amo-token"}
        first = await place(client, target, to="+79001112233")
        await run_call(api, first, ["no"])
        await wait_deliveries(client, 1, "delivered")
        second = await place(client, target, to="+79001112233")
        await run_call(api, second, ["no"])
        await wait_deliveries(client, 2, "delivered")
    # the first call created the contact, the second found it
    assert len(fake.contacts) == 1
    assert fake.requests[:4] == ["GET contacts", "POST contacts", "POST calls", "POST notes"]
    assert fake.requests[4:] == ["GET contacts", "POST calls", "POST notes"]
    assert len(fake.calls) == 2 and fake.calls[0]["uniq"] == f"res_{first}"
    assert fake.calls[0]["link"].startswith("http://127.0.0.1:9/recordings/")
    assert fake.calls[0]["direction"] == "outbound"
    assert "Outcome: not_qualified" in fake.notes[0]["params"]["text"]


async def test_dead_letter_then_retry(db_url: str, tmp_path: Path, script_yaml: str) -> None:
    from bot_engine.service.app import create_app
    from bot_engine.service.settings import DeliverySchedule

    schedule = DeliverySchedule(
        first_delay_s=0.05, factor=2, max_delay_s=0.1, horizon_s=0.2, jitter=0, timeout_s=2
    )
    app = create_app(
        make_settings(db_url, tmp_path, dialer="none", delivery=schedule), speak=silent_speaker
    )
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
            await upload(client, script_yaml)
            port = free_port()  # nothing listens yet: connection refused
            call_id = await place(client, f"http://127.0.0.1:{port}/hook")
            await run_call(api, call_id, ["no"], record=False)
            [dead] = await wait_deliveries(client, 1, "dead")
            detail = (await client.get(f"/v1/deliveries/{dead['id']}")).json()
            assert len(detail["log"]) >= 3 and not any(a["ok"] for a in detail["log"])
            receiver = WebhookReceiver(secret)
            async with LocalServer(receiver.app, port):
                retried = await client.post(f"/v1/deliveries/{dead['id']}/retry")
                assert retried.status_code == 200
                await wait_deliveries(client, 1, "delivered")
            assert list(receiver.received) == [f"res_{call_id}"]
