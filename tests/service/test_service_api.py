"""The HTTP API end to end (in-process ASGI, real database on both backends)."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import httpx
import pytest

from bot_engine.service.app import create_app
from bot_engine.service.settings import ServiceSettings

from .conftest import Api, make_settings, upload


async def wait_status(client: httpx.AsyncClient, call_id: str, statuses: set[str]) -> dict:
    async with asyncio.timeout(20):
        while True:
            body = (await client.get(f"/v1/calls/{call_id}")).json()
            if body["status"] in statuses:
                return body
            await asyncio.sleep(0.05)


async def test_keys_are_required(api: Api) -> None:
    async with api.client() as anon, api.client("vb_0000_bad") as bad:
        assert (await anon.get("/v1/scripts")).status_code == 401
        response = await bad.get("/v1/calls")
        assert response.status_code == 401
        assert response.json()["error"] == "http_error"
        assert response.headers["www-authenticate"] == "Bearer"


async def test_script_upload_versions_and_soft_delete(api: Api, script_yaml: str) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        first = await upload(client, script_yaml)
        second = await upload(client, script_yaml)
        assert (first["version"], second["version"]) == (1, 2)
        assert first["script_id"] == "lead_qualification_en"
        listed = (await client.get("/v1/scripts")).json()
        assert [s["script_id"] for s in listed] == ["lead_qualification_en"]
        versions = (await client.get("/v1/scripts/lead_qualification_en/versions")).json()
        assert [v["version"] for v in versions] == [1, 2]
        one = (await client.get("/v1/scripts/lead_qualification_en/versions/1")).json()
        assert one["source"] == script_yaml
        # a call created before deletion keeps its version
        created = await client.post(
            "/v1/calls",
            json={
                "to": "+15550001",
                "script_id": "lead_qualification_en",
                "version": 1,
                "variables": {"lead_name": "Ann"},
            },
        )
        assert created.status_code == 202, created.text
        assert (await client.delete("/v1/scripts/lead_qualification_en")).status_code == 204
        assert (await client.get("/v1/scripts/lead_qualification_en")).status_code == 404
        assert (await client.get("/v1/scripts")).json() == []
        refused = await client.post(
            "/v1/calls",
            json={
                "to": "+15550001",
                "script_id": "lead_qualification_en",
                "variables": {"lead_name": "Ann"},
            },
        )
        assert refused.status_code == 404
        call = (await client.get(f"/v1/calls/{created.json()['id']}")).json()
        assert call["script_version"] == 1


async def test_bad_scripts_and_bodies_get_clear_4xx(api: Api, script_yaml: str) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        broken = script_yaml.replace("goto: ask_budget", "goto: nowhere")
        response = await client.post(
            "/v1/scripts", content=broken, headers={"content-type": "application/yaml"}
        )
        assert response.status_code == 422
        issues = response.json()["issues"]
        assert any("nowhere" in i["message"] for i in issues)
        assert all({"line", "column", "path", "message"} <= set(i) for i in issues)
        assert all(i["line"] > 1 for i in issues if "nowhere" in i["message"])
        checked = await client.post(
            "/v1/scripts/validate", content=broken, headers={"content-type": "application/yaml"}
        )
        assert checked.status_code == 200 and checked.json()["valid"] is False
        wrong_type = await client.post(
            "/v1/scripts", content=b"\x00\x01", headers={"content-type": "image/png"}
        )
        assert wrong_type.status_code == 415
        not_utf8 = await client.post(
            "/v1/scripts", content=b"id: \xff\xfe", headers={"content-type": "application/yaml"}
        )
        assert not_utf8.status_code == 400
        huge = await client.post(
            "/v1/scripts", content=b"a" * 1_200_000, headers={"content-type": "application/yaml"}
        )
        assert huge.status_code == 413
        form = await client.post(
            "/v1/calls",
            content=b"to=1",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 415
        garbage = await client.post(
            "/v1/calls", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert garbage.status_code == 422


async def test_call_variables_are_validated_and_targets_guarded(api: Api, script_yaml: str) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, script_yaml)
        missing = await client.post(
            "/v1/calls",
            json={"to": "+15550001", "script_id": "lead_qualification_en", "variables": {}},
        )
        assert missing.status_code == 422
        assert "lead_name" in missing.text
        private = await client.post(
            "/v1/calls",
            json={
                "to": "+15550001",
                "script_id": "lead_qualification_en",
                "variables": {"lead_name": "Ann"},
                "webhook": "http://10.1.2.3/hook",
            },
        )
        assert private.status_code == 422
        assert "private" in private.json()["message"]


async def test_simulated_call_runs_to_a_result(api: Api, script_yaml: str) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, script_yaml)
        created = await client.post(
            "/v1/calls",
            json={
                "to": "+15550001",
                "script_id": "lead_qualification_en",
                "variables": {"lead_name": "Ann"},
            },
        )
        call_id = created.json()["id"]
        await wait_status(client, call_id, {"in_progress"})
        said = await client.post(f"/v1/calls/{call_id}/input", json={"text": "no"})
        assert said.status_code == 202
        call = await wait_status(client, call_id, {"completed", "failed"})
        assert call["status"] == "completed"
        assert call["result"]["outcome"] == "not_qualified"
        roles = [t["role"] for t in call["transcript"]]
        assert roles[:2] == ["bot", "caller"] and call["transcript"][1]["text"] == "no"
        wav = await client.get(f"/v1/calls/{call_id}/recording")
        assert wav.status_code == 200 and wav.content[:4] == b"RIFF"
        assert wav.content[22] == 2  # stereo
        assert (await client.delete(f"/v1/calls/{call_id}")).status_code == 409
        events = (await client.get(f"/v1/calls/{call_id}/events")).json()
        kinds = [e["kind"] for e in events]
        assert kinds[0] == "status" and kinds[-1] == "result"
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))


async def test_no_endpoint_leaks_across_tenants(api: Api, script_yaml: str) -> None:
    _, key_a = await api.tenant("a")
    _, key_b = await api.tenant("b")
    async with api.client(key_a) as a, api.client(key_b) as b:
        await upload(a, script_yaml)
        call_id = (
            await a.post(
                "/v1/calls",
                json={
                    "to": "+15550001",
                    "script_id": "lead_qualification_en",
                    "variables": {"lead_name": "Ann"},
                    "webhook": "http://127.0.0.1:9/hook",
                },
            )
        ).json()["id"]
        await wait_status(a, call_id, {"in_progress"})
        await a.post(f"/v1/calls/{call_id}/input", json={"hangup": True})
        await wait_status(a, call_id, {"completed", "failed"})
        async with asyncio.timeout(10):
            while not (await a.get("/v1/deliveries")).json():
                await asyncio.sleep(0.05)
        delivery_id = (await a.get("/v1/deliveries")).json()[0]["id"]
        probes = [
            ("GET", "/v1/scripts/lead_qualification_en"),
            ("GET", "/v1/scripts/lead_qualification_en/versions"),
            ("GET", "/v1/scripts/lead_qualification_en/versions/1"),
            ("DELETE", "/v1/scripts/lead_qualification_en"),
            ("GET", f"/v1/calls/{call_id}"),
            ("GET", f"/v1/calls/{call_id}/events"),
            ("GET", f"/v1/calls/{call_id}/recording"),
            ("DELETE", f"/v1/calls/{call_id}"),
            ("GET", f"/v1/deliveries/{delivery_id}"),
            ("POST", f"/v1/deliveries/{delivery_id}/retry"),
        ]
        for method, path in probes:
            response = await b.request(method, path)
            assert response.status_code == 404, (method, path, response.status_code)
        post = await b.post(f"/v1/calls/{call_id}/input", json={"text": "hi"})
        assert post.status_code == 404
        for path in ("/v1/scripts", "/v1/calls", "/v1/deliveries"):
            assert (await b.get(path)).json() == [], path
        simulate = await b.post("/v1/simulate", json={"script_id": "lead_qualification_en"})
        assert simulate.status_code == 404
        using = await b.post(
            "/v1/calls",
            json={
                "to": "+1",
                "script_id": "lead_qualification_en",
                "variables": {"lead_name": "x"},
            },
        )
        assert using.status_code == 404
        # and tenant A still sees its own
        assert (await a.get(f"/v1/calls/{call_id}")).status_code == 200


async def test_health_and_metrics(api: Api) -> None:
    async with api.client() as client:
        health = await client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        metrics = (await client.get("/metrics")).text
        for name in (
            "voicebot_active_calls",
            "voicebot_delivery_backlog",
            "voicebot_response_gap_seconds",
            "voicebot_asr_latency_seconds",
            "voicebot_tts_latency_seconds",
            "voicebot_turns",
        ):
            assert name in metrics


async def test_simulate_over_http_matches_the_simulator(api: Api, script_yaml: str) -> None:
    from bot_engine.script import load_script, validate_variables
    from bot_engine.simulator import CannedWebhooks, run_conversation

    _, key = await api.tenant("acme")
    turns = ["yes", "five thousand dollars"]
    async with api.client(key) as client:
        await upload(client, script_yaml)
        stored = await client.post(
            "/v1/simulate",
            json={
                "script_id": "lead_qualification_en",
                "variables": {"lead_name": "Ann"},
                "turns": turns,
            },
        )
        inline = await client.post(
            "/v1/simulate",
            json={"script": script_yaml, "variables": {"lead_name": "Ann"}, "turns": turns},
        )
        bad_vars = await client.post(
            "/v1/simulate",
            json={"script_id": "lead_qualification_en", "variables": {}, "turns": turns},
        )
        both = await client.post(
            "/v1/simulate", json={"script_id": "lead_qualification_en", "script": script_yaml}
        )
    assert stored.status_code == 200, stored.text
    loaded = load_script(script_yaml)
    expected = run_conversation(  # the script has no webhook step
        loaded.script,
        validate_variables(loaded.script, {"lead_name": "Ann"}),
        turns,
        webhooks=CannedWebhooks({}),
    ).document()
    assert stored.json()["result"] == expected["result"]
    assert stored.json()["transcript"] == expected["transcript"]
    assert inline.json()["result"] == expected["result"]
    assert [t["role"] for t in stored.json()["transcript"]][:2] == ["bot", "caller"]
    assert bad_vars.status_code == 422 and both.status_code == 422


async def test_inbound_calls_show_up_in_the_same_list(api: Api, script_yaml: str) -> None:
    from bot_engine.dialog.actions import DialogResult
    from bot_engine.record import HangupCause, TranscriptTurn

    tenant_id, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, script_yaml)
        outbound = (
            await client.post(
                "/v1/calls",
                json={
                    "to": "+15550001",
                    "script_id": "lead_qualification_en",
                    "variables": {"lead_name": "Ann"},
                },
            )
        ).json()["id"]
        sink = api.service.calls
        spec = await api.service.creation.open_inbound(
            tenant_id=tenant_id,
            script_id="lead_qualification_en",
            to_number="+74950000000",
            from_number="+79001112233",
            variables={"lead_name": "Caller"},
        )
        await sink.call_status(spec.call_id, "in_progress")
        await sink.record_turn(spec.call_id, TranscriptTurn(role="caller", text="hello"))
        await sink.finish(
            spec.call_id,
            DialogResult(outcome="hung_up", ending="hangup"),
            hangup_cause=HangupCause.CALLER_HANGUP,
        )
        listed = {c["id"]: c for c in (await client.get("/v1/calls")).json()}
        assert listed[spec.call_id]["direction"] == "inbound"
        assert listed[outbound]["direction"] == "outbound"
        only_inbound = (await client.get("/v1/calls", params={"direction": "inbound"})).json()
        assert [c["id"] for c in only_inbound] == [spec.call_id]
        call = (await client.get(f"/v1/calls/{spec.call_id}")).json()
        assert call["from"] == "+79001112233" and call["status"] == "completed"


async def test_upload_and_call_prerender_prompts_into_the_tts_cache(
    tmp_path: Path, script_yaml: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real espeak-ng into the real TTS cache (SQLite only: rendering does not touch the
    database engine)."""
    from bot_engine.service.app import create_app

    db_url = f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}"
    cache_dir = tmp_path / "tts-cache"
    monkeypatch.setenv("VOICEBOT_TTS_CACHE_DIR", str(cache_dir))
    app = create_app(make_settings(db_url, tmp_path, dialer="none", prerender_prompts=True))
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, script_yaml)

            async def version_rendered() -> dict:
                body = (await client.get("/v1/scripts/lead_qualification_en")).json()
                return body["latest"] if body["latest"]["render_status"] == "done" else {}

            latest = await _until(version_rendered)
            assert latest["render_detail"]["rendered"] >= 3  # greet needs variables: not here
            created = await client.post(
                "/v1/calls",
                json={
                    "to": "+15550001",
                    "script_id": "lead_qualification_en",
                    "variables": {"lead_name": "Ann"},
                },
            )

            async def call_rendered() -> bool:
                body = (await client.get(f"/v1/calls/{created.json()['id']}")).json()
                return body["prerender_status"] == "done"

            await _until(call_rendered)
    assert len(list(cache_dir.rglob("*.pcm"))) >= 4


async def _until(predicate, timeout: float = 60):  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while True:
            value = await predicate()
            if value:
                return value
            await asyncio.sleep(0.05)


async def test_a_started_service_freezes_its_start_up_heap_until_it_stops(
    tmp_path: Path,
) -> None:
    """`freeze_heap` (on by default, as `voicebot serve` runs) keeps the start-up heap out of
    the collector's full passes while the app runs; the other tests turn it off."""
    assert ServiceSettings.model_fields["freeze_heap"].default is True
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'v.db'}", tmp_path,
                             freeze_heap=True)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
