"""CRM outage: 200 results produced while the receiver is down, then while it fails half
the time. Every result arrives, exactly once after deduplication by idempotency key."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot_engine.service.app import create_app
from bot_engine.service.settings import DeliverySchedule
from tests.service.conftest import Api, make_settings, silent_speaker, upload
from tests.service.drive import place, wait_deliveries
from tests.service.local_server import LocalServer
from tests.service.postgres_server import free_port
from tests.service.receivers import WebhookReceiver

RESULTS = 200


@pytest.mark.slow
async def test_outage_then_flaky_receiver_gets_every_result_once(
    db_url: str, tmp_path: Path, script_yaml: str
) -> None:
    # retries every ~0.5-1 s: a 24 h schedule squeezed into seconds
    schedule = DeliverySchedule(
        first_delay_s=0.5, factor=2, max_delay_s=1.0, horizon_s=300, jitter=0.2, timeout_s=5
    )
    settings = make_settings(
        db_url, tmp_path, dialer="none", delivery_concurrency=16, delivery=schedule
    )
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        sink = api.service.calls
        async with api.client(key) as client:
            secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
            await upload(client, script_yaml)
            port = free_port()  # the CRM is down: nothing listens here
            hook = f"http://127.0.0.1:{port}/hook"
            call_ids = [await place(client, hook) for _ in range(RESULTS)]

            from bot_engine.dialog.actions import DialogResult
            from bot_engine.record import HangupCause, TranscriptTurn

            for call_id in call_ids:
                await sink.call_status(call_id, "in_progress")
                await sink.record_turn(call_id, TranscriptTurn(role="bot", text="Hello"))
                result = DialogResult(
                    outcome="qualified", fields={"budget": 10}, ending="completed"
                )
                await sink.finish(call_id, result, hangup_cause=HangupCause.ROBOT_HANGUP)

            # every result is retried during the outage, none is lost or dead
            async with asyncio.timeout(60):
                while True:
                    rows = (await client.get("/v1/deliveries", params={"limit": 500})).json()
                    if len(rows) == RESULTS and all(r["attempts"] >= 2 for r in rows):
                        break
                    await asyncio.sleep(0.2)
            assert {r["status"] for r in rows} == {"pending"}

            # the CRM comes back, answering 500 half the time
            receiver = WebhookReceiver(secret, fail_ratio=0.5, seed=7)
            async with LocalServer(receiver.app, port):
                delivered = await wait_deliveries(client, RESULTS, "delivered", timeout=120)
                metrics = (await client.get("/metrics")).text

        assert receiver.bad_signatures == 0
        assert set(receiver.received) == {f"res_{c}" for c in call_ids}
        assert all(receiver.hits[f"res_{c}"] >= 1 for c in call_ids)
        assert {p["call"]["id"] for p in receiver.received.values()} == set(call_ids)
        assert all(p["result"]["outcome"] == "qualified" for p in receiver.received.values())
        assert len(delivered) == RESULTS
        assert "voicebot_delivery_backlog 0.0" in metrics
