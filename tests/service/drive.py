"""Drive calls through the same sink the live call session uses (dialer `none`)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from bot_engine.call.recording import TurnByTurnRecording
from bot_engine.dialog import Dialog
from bot_engine.dialog.events import HungUp, UserSaid
from bot_engine.record import HangupCause, TranscriptTurn

from .conftest import Api


async def place(client: httpx.AsyncClient, webhook: Any, to: str = "+15550001") -> str:
    response = await client.post(
        "/v1/calls",
        json={
            "to": to,
            "script_id": "lead_qualification_en",
            "variables": {"lead_name": "Ann"},
            "webhook": webhook,
        },
    )
    assert response.status_code == 202, response.text
    call_id: str = response.json()["id"]
    return call_id


async def run_call(api: Api, call_id: str, said: list[str], *, record: bool = True) -> None:
    """Play a call as a session would: status, turns with dialog state, recording, result."""
    svc = api.service
    sink = svc.calls
    async with svc.db.sessions() as session:
        from bot_engine.storage.models import Call, ScriptVersion

        call = await session.get(Call, call_id)
        version = await session.get(ScriptVersion, call.script_version_id)
    script = svc.scripts.get(version).script
    await sink.call_status(call_id, "ringing")
    await sink.call_status(call_id, "in_progress")
    writer = TurnByTurnRecording(sink.recording_path(call_id)) if record else None
    dialog = Dialog(script, dict(call.variables))
    actions = dialog.start()
    for text in [*said, None]:
        for action in actions:
            if getattr(action, "type", "") == "say":
                await sink.record_turn(
                    call_id,
                    TranscriptTurn(role="bot", text=action.text),
                    dialog_state=dialog.state.model_dump(mode="json"),
                )
                if writer:
                    writer.append(b"", bytes(1600))
        if dialog.finished:
            break
        if text is None:
            actions = dialog.handle(HungUp(cause="caller"))
            continue
        await sink.record_turn(call_id, TranscriptTurn(role="caller", text=text))
        if writer:
            writer.append(bytes(1600), b"")
        actions = dialog.handle(UserSaid(text=text))
    if writer:
        writer.close()
    assert dialog.result is not None
    await sink.finish(
        call_id,
        dialog.result,
        hangup_cause=HangupCause.ROBOT_HANGUP,
        dialog_state=dialog.state.model_dump(mode="json"),
    )


async def wait_deliveries(
    client: httpx.AsyncClient, count: int, status: str, timeout: float = 60
) -> list[dict[str, Any]]:
    async with asyncio.timeout(timeout):
        while True:
            rows = (
                await client.get("/v1/deliveries", params={"limit": 500, "status": status})
            ).json()
            if len(rows) >= count:
                return rows
            await asyncio.sleep(0.1)
