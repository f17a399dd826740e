"""POST /v1/callbacks: a callback is an ordinary call to the operator running the callback
script; operators are tried in turn when one does not answer (both storage backends)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx

from bot_engine.dialog.actions import DialogResult
from bot_engine.record import HangupCause

from .conftest import Api, upload

CALLBACK_SCRIPT = Path(__file__).parents[2] / "dialogs" / "callback.ru.yaml"


async def wait_call(
    client: httpx.AsyncClient, call_id: str, ready: Callable[[dict], bool]
) -> dict:
    async with asyncio.timeout(20):
        while True:
            body = (await client.get(f"/v1/calls/{call_id}")).json()
            if ready(body):
                return body
            await asyncio.sleep(0.05)  # polling the API for a state, bounded above


async def wait_status(client: httpx.AsyncClient, call_id: str, statuses: set[str]) -> dict:
    return await wait_call(client, call_id, lambda body: body["status"] in statuses)


async def test_a_callback_calls_the_operator_then_connects_the_lead(api: Api) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, CALLBACK_SCRIPT.read_text())
        created = await client.post("/v1/callbacks", json={
            "lead_phone": "+79161234567", "operator": "+74950000001",
            "announce": "Кухня, бюджет двести тысяч.",
            "variables": {"lead_name": "Иван", "source": "kuhni.example"},
        })
        assert created.status_code == 202, created.text
        body = created.json()
        assert body["operator"] == "+74950000001" and body["operators_next"] == []
        # the call is in progress a moment before the robot's first turn is recorded
        call = await wait_call(client, body["id"],
                               lambda c: c["status"] == "in_progress" and c["transcript"])
        assert call["to"] == "+74950000001"
        assert call["variables"]["lead_phone"] == "+79161234567"
        first = call["transcript"][0]["text"]
        assert "клиент Иван, заявка с kuhni.example. Кухня, бюджет двести тысяч." in first
        await client.post(f"/v1/calls/{body['id']}/input", json={"dtmf": "1"})
        done = await wait_status(client, body["id"], {"completed", "failed"})
    result = done["result"]
    assert result["outcome"] == "connected" and result["ending"] == "transfer"
    assert [t["outcome"] for t in result["transfers"]] == ["answered"]
    assert result["transfers"][0]["target"] == "+79161234567"


async def test_operators_are_tried_in_turn_when_one_does_not_answer(api: Api) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, CALLBACK_SCRIPT.read_text())
        created = await client.post("/v1/callbacks", json={
            "lead_phone": "+79161234567",
            "operator": ["+74950000001", "+74950000002", "+74950000003"],
        })
        body = created.json()
        assert body["operators_next"] == ["+74950000002", "+74950000003"]
        await wait_status(client, body["id"], {"in_progress"})
        # the first operator's phone was not answered (as the dialer reports it)
        unanswered = DialogResult(outcome="operator_declined", ending="no_answer")
        await api.app.state.service.calls.finish(body["id"], unanswered,
                                                 hangup_cause=HangupCause.NO_ANSWER)
        calls = (await client.get("/v1/calls")).json()
        assert [c["to"] for c in calls][:2] == ["+74950000002", "+74950000001"]
        second = (await client.get(f"/v1/calls/{calls[0]['id']}")).json()
        assert second["variables"]["operators_next"] == "+74950000003"
        assert second["variables"]["lead_phone"] == "+79161234567"
        # an operator who answers and declines ends the callback: nobody else is called
        await wait_status(client, second["id"], {"in_progress"})
        await client.post(f"/v1/calls/{second['id']}/input", json={"text": "нет"})
        done = await wait_status(client, second["id"], {"completed", "failed"})
        assert done["result"]["outcome"] == "operator_declined"
        assert len((await client.get("/v1/calls")).json()) == 2


async def test_bad_callbacks_get_clear_4xx(api: Api) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, CALLBACK_SCRIPT.read_text())
        bad = [
            {"lead_phone": "+7916", "operator": []},
            {"lead_phone": "+7916", "operator": ["1", "2", "3", "4", "5", "6"]},
            {"lead_phone": "not a number!", "operator": "+7495"},
            {"lead_phone": "+7916", "operator": "+7495", "announce": "x" * 301},
            {"lead_phone": "+7916", "operator": "+7495", "extra": 1},
        ]
        for body in bad:
            response = await client.post("/v1/callbacks", json=body)
            assert response.status_code == 422, (body, response.text)
        missing = await client.post("/v1/callbacks", json={
            "lead_phone": "+7916", "operator": "+7495", "script_id": "nope"})
        assert missing.status_code == 404
