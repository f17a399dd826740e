"""SIGKILL during active calls: after restart every interrupted call gets a contract-valid
result with its partial transcript and recording, and it is delivered."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
from ruamel.yaml import YAML

from .conftest import SCRIPT_PATH
from .local_server import LocalServer
from .postgres_server import free_port
from .receivers import WebhookReceiver
from .serve_process import _start, _until, create_tenant

CALLS = 3


@pytest.mark.slow
async def test_sigkill_mid_call_then_recovery_delivers_valid_results(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key, secret = create_tenant(data_dir)
    contract = YAML(typ="safe").load(SCRIPT_PATH.read_text())["result"]

    port = free_port()
    log = tmp_path / "serve.log"
    receiver = WebhookReceiver(secret)
    base = f"http://127.0.0.1:{port}"
    headers = {"authorization": f"Bearer {key}"}
    async with (
        LocalServer(receiver.app, free_port()) as crm,
        httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client,
    ):
        proc = await _start(data_dir, port, log)
        try:
            uploaded = await client.post(
                "/v1/scripts",
                content=SCRIPT_PATH.read_text(),
                headers={"content-type": "application/yaml"},
            )
            assert uploaded.status_code == 201
            call_ids = []
            for n in range(CALLS):
                response = await client.post(
                    "/v1/calls",
                    json={
                        "to": f"+1555000{n}",
                        "script_id": "lead_qualification_en",
                        "variables": {"lead_name": f"Lead {n}"},
                        "webhook": f"{crm.url}/hook",
                    },
                )
                assert response.status_code == 202, response.text
                call_ids.append(response.json()["id"])

            async def turns(call_id: str, count: int) -> bool:
                body = (await client.get(f"/v1/calls/{call_id}")).json()
                return len(body["transcript"]) >= count

            for call_id in call_ids:
                await _until(lambda c=call_id: turns(c, 1))
                said = await client.post(f"/v1/calls/{call_id}/input", json={"text": "yes"})
                assert said.status_code == 202
            for call_id in call_ids:
                await _until(lambda c=call_id: turns(c, 3))
            before = {c: (await client.get(f"/v1/calls/{c}")).json() for c in call_ids}
            assert all(b["status"] == "in_progress" for b in before.values())
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        assert receiver.received == {}

        proc = await _start(data_dir, port, log)
        try:

            async def all_delivered() -> bool:
                return len(receiver.received) == CALLS

            await _until(all_delivered)
            for call_id in call_ids:
                payload = receiver.received[f"res_{call_id}"]
                result = payload["result"]
                assert result["outcome"] in contract["outcomes"]
                assert set(result["fields"]) == set(contract["fields"])
                assert payload["call"]["hangup_cause"] == "system_failure"
                texts = [(t["role"], t["text"]) for t in payload["transcript"]]
                assert ("caller", "yes") in texts
                assert texts == [(t["role"], t["text"]) for t in before[call_id]["transcript"]]
                assert payload["recording"] is not None
                call = (await client.get(f"/v1/calls/{call_id}")).json()
                assert call["status"] == "failed" and call["result"] == result
                wav = await client.get(f"/v1/calls/{call_id}/recording")
                assert wav.status_code == 200 and wav.content[:4] == b"RIFF"
                data_size = int.from_bytes(wav.content[40:44], "little")
                assert data_size == len(wav.content) - 44 and data_size > 8000
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


@pytest.mark.slow
async def test_sigkill_mid_inbound_sip_call_then_recovery_delivers_its_result(
    tmp_path: Path,
) -> None:
    """An inbound call answered by `voicebot serve` is as safe as an outbound one: killed
    mid-call, it is ended from its saved dialog state after restart and delivered."""
    from asr_tts.settings import SpeechSettings
    from bot_engine.call.simulated_caller import SimulatedCaller
    from bot_engine.call.speech import CallSpeech
    from bot_engine.script import load_script
    from media_gateway.sip import SipConfig, SipUserAgent

    script_text = (Path(__file__).parent / "scripts" / "inbound_check.en.yaml").read_text()
    data_dir = tmp_path / "data"
    key, secret = create_tenant(data_dir)
    port = free_port()
    log = tmp_path / "serve.log"
    receiver = WebhookReceiver(secret)
    headers = {"authorization": f"Bearer {key}"}
    script = load_script(script_text).script
    speech = CallSpeech.for_script(
        script, SpeechSettings(tts_cache_dir=tmp_path / "caller-tts"), asr_engine="whisper"
    )
    async with (
        LocalServer(receiver.app, free_port()) as crm,
        # a safety net as in the test above: the first upload starts the script workers,
        # which took over 5 s (httpx's default) on a loaded machine
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers,
                          timeout=30) as client,
    ):
        proc = await _start(data_dir, port, log)
        phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, tcp=False))
        try:
            uploaded = await client.post(
                "/v1/scripts", content=script_text, headers={"content-type": "application/yaml"}
            )
            assert uploaded.status_code == 201
            route = await client.post(
                "/v1/inbound-routes",
                json={
                    "match": {"to": "+15550100"},
                    "script_id": "inbound_check",
                    "variable_headers": {"lead_name": "X-Lead-Name"},
                    "webhook": f"{crm.url}/hook",
                },
            )
            assert route.status_code == 201, route.text
            sip_port = (await client.get("/healthz")).json()["listeners"]["sip"]["port"]
            leg = await phone.call(
                f"sip:+15550100@127.0.0.1:{sip_port}", timeout_s=60, headers={"X-Lead-Name": "Kim"}
            )
            caller = SimulatedCaller(leg, speech)
            assert await caller.wait_robot_quiet()
            await caller.perform("/dtmf 1")  # on to the yes/no question, then the crash

            async def at_the_question() -> dict | None:  # type: ignore[type-arg]
                calls = (await client.get("/v1/calls")).json()
                if not calls:
                    return None
                call = (await client.get(f"/v1/calls/{calls[0]['id']}")).json()
                steps = [t["step"] for t in call["transcript"] if t["role"] == "bot"]
                return call if "confirm" in steps else None

            before = await _until(at_the_question)
            assert before["status"] == "in_progress" and before["direction"] == "inbound"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            await phone.close()
        assert receiver.received == {}

        proc = await _start(data_dir, port, log)
        try:

            async def delivered() -> bool:
                return f"res_{before['id']}" in receiver.received

            await _until(delivered)
            payload = receiver.received[f"res_{before['id']}"]
            assert payload["call"]["direction"] == "inbound"
            assert payload["call"]["hangup_cause"] == "system_failure"
            assert payload["call"]["variables"]["lead_name"] == "Kim"
            assert payload["result"]["outcome"] == "unclear"  # the script's error ending
            texts = [(t["role"], t["text"]) for t in payload["transcript"]]
            assert ("caller", "[dtmf 1]") in texts
            wav = await client.get(f"/v1/calls/{before['id']}/recording")
            assert wav.status_code == 200 and wav.content[:4] == b"RIFF"
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
