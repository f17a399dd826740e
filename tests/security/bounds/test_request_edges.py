"""What tenants send is bounded at the edge (issue 12, section 4): variable length (default
1,000 characters, or the script's `max_length`), text that is not Unicode, unbounded
numbers and dates in paths and queries, unknown simulator commands, chunked bodies over
the limit and malformed webhook secrets are each a clear 4xx, never a 500 and never a
call that cannot be read back."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from bot_engine.dialog import Dialog
from bot_engine.script import ScriptError, load_script, validate_variables
from bot_engine.service.app import create_app

from .conftest import BoundedApi, settings_for, started
from .stall_kit import BASE_SCRIPT

CALL = {"to": "+79001234567", "script_id": "stall_base"}
NUMBERS = BASE_SCRIPT.replace("id: stall_base", "id: numbers").replace(
    "  lead_name: {type: string, required: true}",
    "  lead_name: {type: string, required: true, max_length: 5000}\n  count: number",
)


async def post_raw(api: BoundedApi, path: str, text: str) -> tuple[int, dict]:
    async with api.client() as client:
        response = await client.post(path, content=text.encode(),
                                     headers={"content-type": "application/json"})
    return response.status_code, response.json() if response.content else {}


async def test_a_900_kb_variable_is_refused_and_no_call_is_created(
    bounded_api: BoundedApi,
) -> None:
    async with bounded_api.client() as client:
        response = await client.post("/v1/calls", json={
            **CALL, "variables": {"lead_name": "x" * 900_000}})
        listed = await client.get("/v1/calls")
    assert response.status_code == 422
    [issue] = response.json()["issues"]
    assert issue["path"] == "variables.lead_name" and "at most 1,000" in issue["message"]
    assert listed.json() == []


async def test_a_script_may_declare_a_longer_max_length(bounded_api: BoundedApi) -> None:
    assert (await bounded_api.upload(NUMBERS)).status_code == 201
    async with bounded_api.client() as client:
        fits = await client.post("/v1/calls", json={
            **CALL, "script_id": "numbers", "variables": {"lead_name": "x" * 5000}})
        too_long = await client.post("/v1/calls", json={
            **CALL, "script_id": "numbers", "variables": {"lead_name": "x" * 5001}})
        simulated = await client.post("/v1/simulate", json={
            "script_id": "stall_base", "variables": {"lead_name": "x" * 1001}})
    assert fits.status_code == 202, fits.text
    assert too_long.status_code == 422 and "at most 5,000" in too_long.text
    assert simulated.status_code == 422 and "at most 1,000" in simulated.text


def test_a_set_that_makes_a_variable_too_long_ends_the_call_with_an_error() -> None:
    text = BASE_SCRIPT.replace(
        "    say: \"Hello", "    set: {lead_name: \"{{ lead_name * 600 }}\"}\n    say: \"Hello")
    script = load_script(text).script
    dialog = Dialog(script, validate_variables(script, {"lead_name": "ab"}))
    dialog.start()
    assert dialog.result is not None and dialog.result.ending == "error"
    assert "at most 1,000" in (dialog.result.error or "")


@pytest.mark.parametrize("raw", [
    '{"to": "+79001234567", "script_id": "stall_base", "variables": {"lead_name": "\\ud800"}}',
    '{"to": "+79001234567", "script_id": "stall_base", "variables": {"\\udfff": "x"}}',
    '{"to": "+79001234567", "script_id": "stall_base\\ud800"}',
])
async def test_a_lone_surrogate_in_a_call_is_refused(bounded_api: BoundedApi, raw: str) -> None:
    status, body = await post_raw(bounded_api, "/v1/calls", raw)
    assert status == 422, body
    assert "surrogate" in body["issues"][0]["message"]
    async with bounded_api.client() as client:
        listed = await client.get("/v1/calls")
    assert listed.status_code == 200 and listed.json() == []


@pytest.mark.parametrize(("path", "raw"), [
    ("/v1/simulate", '{"script_id": "stall_base", "turns": ["hi \\ud83d"]}'),
    ("/v1/simulate", '{"script": {"id": "x\\udc00"}}'),
    ("/v1/scripts", '{"id": "s", "description": "\\ud800"}'),
    ("/v1/calls/c_1/input", '{"text": "\\ud800"}'),
])
async def test_a_lone_surrogate_anywhere_in_json_is_refused(
    bounded_api: BoundedApi, path: str, raw: str
) -> None:
    status, body = await post_raw(bounded_api, path, raw)
    assert status == 422 and "surrogate" in str(body), body


async def test_a_surrogate_pair_is_ordinary_text(bounded_api: BoundedApi) -> None:
    status, body = await post_raw(
        bounded_api, "/v1/calls",
        '{"to": "+79001234567", "script_id": "stall_base", "variables": '
        '{"lead_name": "Ann \\ud83d\\ude00"}}')
    assert status == 202, body
    async with bounded_api.client() as client:
        call = await client.get(f"/v1/calls/{body['id']}")
    assert call.status_code == 200 and call.json()["variables"]["lead_name"] == "Ann \U0001f600"


def test_variables_from_any_edge_must_be_unicode() -> None:
    script = load_script(BASE_SCRIPT).script
    with pytest.raises(ScriptError, match="surrogate"):
        validate_variables(script, {"lead_name": "X-Var \udc80"})


@pytest.mark.parametrize("turn", ["/foo", "/dtmf x", "/dtmf", "/dtmf 12a", "/"])
async def test_unknown_simulator_commands_are_a_422(bounded_api: BoundedApi, turn: str) -> None:
    async with bounded_api.client() as client:
        response = await client.post("/v1/simulate", json={
            "script_id": "stall_base", "variables": {"lead_name": "Ann"},
            "turns": ["hello", turn]})
    assert response.status_code == 422, response.text
    assert response.json()["issues"][0]["path"] == "turns[1]"


@pytest.mark.parametrize("query", [
    "/v1/scripts/stall_base/versions/9223372036854775808",
    "/v1/scripts/stall_base/versions/99999999999999999999999999999",
    "/v1/scripts/stall_base/versions/0",
    "/v1/scripts/stall_base/versions/-1",
    "/v1/calls?before=9999-12-31T23:59:59-12:00",
    "/v1/calls?before=0001-01-01T00:00:00%2B14:00",
    "/v1/calls?limit=9223372036854775808",
    "/v1/deliveries?limit=9223372036854775808",
])
async def test_out_of_range_numbers_and_dates_are_a_422(
    bounded_api: BoundedApi, query: str
) -> None:
    async with bounded_api.client() as client:
        response = await client.get(query)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("raw_count", ["1e999", "-1e999", "1" + "0" * 400])
async def test_numbers_beyond_a_float_are_a_422(bounded_api: BoundedApi, raw_count: str) -> None:
    assert (await bounded_api.upload(NUMBERS)).status_code == 201
    status, body = await post_raw(
        bounded_api, "/v1/calls",
        '{"to": "+79001234567", "script_id": "numbers", "variables": '
        f'{{"lead_name": "Ann", "count": {raw_count}}}}}')
    assert status == 422, body
    assert body["issues"][0]["path"] == "variables.count"


@pytest.mark.parametrize("secret", ["whsec_!!!", "not base64 at all", "whsec_abc",
                                    "whsec_" + "A" * 200])
async def test_a_malformed_webhook_secret_is_a_422_at_creation(
    bounded_api: BoundedApi, secret: str
) -> None:
    target = {"type": "webhook", "url": "http://127.0.0.1:9/hook", "secret": secret}
    async with bounded_api.client() as client:
        call = await client.post("/v1/calls", json={
            **CALL, "variables": {"lead_name": "Ann"}, "webhook": target})
        route = await client.post("/v1/inbound-routes", json={
            "script_id": "stall_base", "match": {"to": "+15550100"}, "webhook": target})
    assert call.status_code == 422, call.text
    assert route.status_code == 422, route.text


async def test_a_standard_webhook_secret_is_accepted(bounded_api: BoundedApi) -> None:
    target = {"type": "webhook", "url": "http://127.0.0.1:9/hook",
              "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
    async with bounded_api.client() as client:
        call = await client.post("/v1/calls", json={
            **CALL, "variables": {"lead_name": "Ann"}, "webhook": target})
    assert call.status_code == 202, call.text


@pytest.fixture
async def http_url(bounded_api: BoundedApi) -> AsyncIterator[str]:
    """The same app behind a real HTTP server on a loopback port (chunked bodies)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(bounded_api.app, lifespan="off", log_level="warning"))
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


async def test_a_chunked_body_over_the_limit_is_a_413(
    bounded_api: BoundedApi, http_url: str
) -> None:
    limit = bounded_api.service.settings.max_body_bytes

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"to": "+79001234567", "script_id": "stall_base", "variables": {"lead_name": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}}'

    async with httpx.AsyncClient(base_url=http_url, timeout=30,
                                 headers={"authorization": f"Bearer {bounded_api.key}"}) as c:
        response = await c.post("/v1/calls", content=chunks(),
                                headers={"content-type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "payload_too_large"


class GatedPrerenderer:
    """Pre-renders a call's prompts only once the test opens the gate; records whether the
    work was cancelled."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.gate = asyncio.Event()
        self.cancelled = False
        self.finished = False

    async def script_prompts(self, script: object) -> dict[str, str]:
        return {"status": "skipped"}

    async def call_prompts(self, script: object, variables: object) -> dict[str, str]:
        self.started.set()
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        self.finished = True
        return {"status": "done"}


async def test_cancelling_a_queued_call_stops_its_prompt_rendering(tmp_path: Path) -> None:
    prerenderer = GatedPrerenderer()
    app = create_app(settings_for(tmp_path, dialer="none"), prerenderer=prerenderer)
    async for api in started(app):
        async with api.client() as client:
            created = await client.post("/v1/calls", json={
                **CALL, "variables": {"lead_name": "Ann"}})
            assert created.status_code == 202, created.text
            await asyncio.wait_for(prerenderer.started.wait(), 30)
            cancelled = await client.delete(f"/v1/calls/{created.json()['id']}")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert prerenderer.cancelled and not prerenderer.finished


async def test_a_call_with_thousands_of_variables_is_a_short_422(bounded_api: BoundedApi) -> None:
    variables = {f"v{i}": "x" for i in range(20_000)}
    async with bounded_api.client() as client:
        response = await client.post("/v1/calls", json={**CALL, "variables": variables})
    assert response.status_code == 422
    assert len(response.content) < 10_000


async def test_a_surrogate_encoded_as_raw_bytes_is_refused(bounded_api: BoundedApi) -> None:
    """JSON decoding passes UTF-8-encoded surrogates through (`surrogatepass`)."""
    body = (b'{"to": "+79001234567", "script_id": "stall_base", '
            b'"variables": {"lead_name": "Ann \xed\xa0\x80"}}')
    async with bounded_api.client() as client:
        response = await client.post("/v1/calls", content=body,
                                     headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["issues"][0]["path"] == "variables.lead_name"
