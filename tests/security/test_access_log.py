"""The access log of a real `voicebot serve` holds no credential: Twilio stream route tokens,
recording-link signatures and keys a careless client puts in a query are masked, and the
harmless parts of each request stay readable."""

from __future__ import annotations

import logging
import signal
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bot_engine.service.access_log import MASK, Redactor, install

from ..service.conftest import SCRIPT_PATH
from ..service.local_server import LocalServer
from ..service.postgres_server import free_port
from ..service.receivers import WebhookReceiver
from ..service.serve_process import _start, _until, create_tenant


@pytest.mark.slow
async def test_serve_access_log_masks_tokens_and_signatures(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key, secret = create_tenant(data_dir)
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
            route = await client.post(
                "/v1/inbound-routes",
                json={"match": {"to": "+74950000001"}, "script_id": "lead_qualification_en"},
            )
            assert route.status_code == 201, route.text
            route_id, token = route.json()["id"], route.json()["token"]
            # a Twilio stream with its route token in the path: accepted, then a bad one
            async with connect(f"ws://127.0.0.1:{port}/v1/media/twilio/{route_id}/{token}"):
                pass
            with pytest.raises(InvalidStatus):
                async with connect(f"ws://127.0.0.1:{port}/v1/media/twilio/{route_id}/x{token}"):
                    pass
            # a simulated call whose result carries a signed recording link, fetched by the CRM
            placed = await client.post(
                "/v1/calls",
                json={
                    "to": "+15550001",
                    "script_id": "lead_qualification_en",
                    "variables": {"lead_name": "Ann"},
                    "webhook": f"{crm.url}/hook",
                },
            )
            call_id = placed.json()["id"]

            async def answered() -> bool:
                body = (await client.get(f"/v1/calls/{call_id}")).json()
                return len(body["transcript"]) >= 1

            await _until(answered)
            hung_up = await client.post(f"/v1/calls/{call_id}/input", json={"hangup": True})
            assert hung_up.status_code == 202

            async def delivered() -> bool:
                return f"res_{call_id}" in receiver.received

            await _until(delivered)
            link = receiver.received[f"res_{call_id}"]["recording"]["url"]
            signature = link.split("signature=")[1]
            async with httpx.AsyncClient() as anonymous:
                fetched = await anonymous.get(link)
            assert fetched.status_code == 200 and fetched.content[:4] == b"RIFF"
            # a careless client that puts its key in the query string
            careless = await client.get(f"/v1/calls?limit=5&api_key={key}")
            assert careless.status_code == 200
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    text = log.read_text()
    for credential in (token, signature, key, key.split("_", 2)[2]):
        assert credential not in text
    assert f'"WebSocket /v1/media/twilio/{route_id}/{MASK}" [accepted]' in text
    assert f'"WebSocket /v1/media/twilio/{route_id}/{MASK}" 403' in text
    assert f"GET /recordings/{call_id}.wav?expires=" in text
    assert f"&signature={MASK} HTTP/1.1" in text
    assert f"GET /v1/calls?limit=5&api_key={MASK} HTTP/1.1" in text


def test_rules_follow_the_routes_parameter_names() -> None:
    """A route added later is covered by the names of its parameters, not by a list here."""
    app = FastAPI()

    @app.get("/hooks/{hook_id}/{secret}")
    def hook(hook_id: str, secret: str) -> None: ...

    @app.get("/items")
    def items(page: int = 1, access_token: str = "") -> None: ...

    redactor = Redactor.for_routes(app.routes)
    assert redactor.redact("/hooks/h1/s3cr3t?page=2") == f"/hooks/h1/{MASK}?page=2"
    assert (
        redactor.redact("/items?page=2&access_token=abc&code=xyz&bare")
        == f"/items?page=2&access_token={MASK}&code={MASK}&{MASK}"
    )
    assert redactor.redact("/other/vb_0123abcd_sEcReT-value") == f"/other/{MASK}"
    assert redactor.redact("/items") == "/items"


def test_uvicorn_records_are_rewritten_and_the_filter_comes_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FastAPI()

    @app.get("/r/{token}")
    def r(token: str) -> None: ...

    uninstall = install(Redactor.for_routes(app.routes))
    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", "/r/abc?x=1", "1.1", 200)
        uninstall()
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", "/r/abc", "1.1", 200)
    first, second = (r.getMessage() for r in caplog.records)
    assert first == f'127.0.0.1:1 - "GET /r/{MASK}?x={MASK} HTTP/1.1" 200'
    assert second == '127.0.0.1:1 - "GET /r/abc HTTP/1.1" 200'
