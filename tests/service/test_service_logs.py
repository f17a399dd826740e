"""Log lines name their call and tenant (from context variables), in text and in JSON lines,
and `voicebot serve --log-format json` writes every line as one JSON object."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot_engine import log_context
from bot_engine.service.app import create_app
from bot_engine.service.auth import TenantDep

from .conftest import SCRIPT_PATH, Api, make_settings, upload
from .postgres_server import free_port
from .serve_process import _start, _until, create_tenant


class Records(logging.Handler):
    """Keeps the records one logger tree emits, after the context filter ran."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(log_context.ContextFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _capture(fmt: log_context.LogFormat) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(f"test.log_context.{fmt}")
    logger.handlers[:] = [log_context.handler(fmt, stream)]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


async def _two_calls(logger: logging.Logger) -> None:
    """Two concurrent calls of two tenants, each logging from its own task and a child."""

    async def call(call_id: str, tenant: str) -> None:
        log_context.enter_call(call_id, tenant)
        await asyncio.sleep(0)
        logger.warning("turn of %s", call_id)
        await asyncio.create_task(asyncio.to_thread(lambda: None))
        await asyncio.get_running_loop().create_task(_child(logger, call_id))

    await asyncio.gather(call("c_1", "t_a"), call("c_2", "t_b"))
    logger.info("between calls")


async def _child(logger: logging.Logger, call_id: str) -> None:
    logger.info("child of %s", call_id)


async def test_text_lines_name_the_call_and_tenant_of_their_own_task() -> None:
    logger, stream = _capture("text")
    await _two_calls(logger)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 5
    for call_id, tenant in (("c_1", "t_a"), ("c_2", "t_b")):
        mine = [line for line in lines if line.endswith(call_id)]
        assert len(mine) == 2
        assert all(f" [call={call_id} tenant={tenant}]: " in line for line in mine)
    assert lines[-1].endswith(" INFO test.log_context.text: between calls")
    assert log_context.call_id() is None and log_context.tenant() is None


async def test_json_lines_carry_the_call_and_tenant_as_fields() -> None:
    logger, stream = _capture("json")
    await _two_calls(logger)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 5
    for line in lines:
        assert set(line) == {"time", "level", "logger", "message", "call_id", "tenant"}
        assert line["logger"] == "test.log_context.json"
    turn = next(line for line in lines if line["message"] == "turn of c_2")
    assert (turn["level"], turn["call_id"], turn["tenant"]) == ("WARNING", "c_2", "t_b")
    child = next(line for line in lines if line["message"] == "child of c_1")
    assert (child["call_id"], child["tenant"]) == ("c_1", "t_a")
    assert (lines[-1]["call_id"], lines[-1]["tenant"]) == (None, None)


async def test_a_session_labels_its_call_unless_the_service_did() -> None:
    """A live session labels lines with its leg's id; inside a service call the service's
    call id stays (it is the one /v1/calls knows)."""
    seen: list[str | None] = []

    @log_context.in_call(lambda leg_id: leg_id)
    async def session(leg_id: str) -> None:
        seen.append(log_context.call_id())

    await session("sip-leg-1")
    with log_context.bound(call_id="call_api_1", tenant="t_a"):
        await session("sip-leg-2")
        seen.append(log_context.tenant())
    assert seen == ["sip-leg-1", "call_api_1", "t_a"]
    assert log_context.call_id() is None


async def test_an_api_request_and_a_call_log_their_tenant_and_call_id(
    tmp_path: Path, records: Records
) -> None:
    """The API key's tenant labels the request's lines; a call's own lines (here: the
    recording's TTS failing for every prompt) carry its call id and tenant."""

    async def failing_speaker(text: str, language: str) -> bytes:
        raise RuntimeError("no voice")

    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'db'}", tmp_path),
                     speak=failing_speaker)
    probe = logging.getLogger("test.api_probe")

    @app.get("/v1/log-probe")
    async def log_probe(tenant: TenantDep) -> dict[str, Any]:
        probe.warning("probe")
        return {}

    async with app.router.lifespan_context(app):
        api = Api(app)
        tenant_id, key = await api.tenant("acme")
        async with api.client(key) as client:
            assert (await client.get("/v1/log-probe")).status_code == 200
            await upload(client, SCRIPT_PATH.read_text())
            created = await client.post(
                "/v1/calls",
                json={"to": "+15550001", "script_id": "lead_qualification_en",
                      "variables": {"lead_name": "Lead"}},
            )
            assert created.status_code == 202, created.text
            call_id = created.json()["id"]

            def tts_failed() -> list[logging.LogRecord]:
                return [r for r in records.records if r.getMessage().startswith("TTS failed")]

            async with asyncio.timeout(60):
                while not tts_failed():
                    await asyncio.sleep(0.05)
            await client.post(f"/v1/calls/{call_id}/input", json={"hangup": True})
    (request,) = [r for r in records.records if r.name == "test.api_probe"]
    assert (request.call_id, request.tenant) == (None, tenant_id)  # type: ignore[attr-defined]
    failed = tts_failed()[0]
    assert (failed.call_id, failed.tenant) == (call_id, tenant_id)  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_serve_writes_its_log_format(tmp_path: Path, fmt: str) -> None:
    """Text stays the default (uvicorn's lines unchanged, ours with their context); with
    --log-format json every log line is a JSON object, uvicorn's access lines included,
    and an authenticated request's access line names its tenant."""
    data_dir = tmp_path / "data"
    key, _ = create_tenant(data_dir)
    port = free_port()
    log = tmp_path / "serve.log"
    args = ("--log-format", "json") if fmt == "json" else ()
    proc = await _start(data_dir, port, log, extra_args=args)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            listed = await client.get("/v1/scripts", headers={"authorization": f"Bearer {key}"})
            assert listed.status_code == 200

            async def logged() -> bool:
                return "GET /v1/scripts" in log.read_text()

            await _until(logged)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    lines = log.read_text().splitlines()
    if fmt == "text":
        assert not any(line.startswith("{") for line in lines)
        assert any(line.startswith("INFO:") and "Uvicorn running on" in line for line in lines)
        assert any(" INFO bot_engine.service.listeners: SIP listening on " in line
                   for line in lines)
        return
    objects = [json.loads(line) for line in lines if not line.startswith("web console:")]
    assert len(objects) == len(lines) - 1
    loggers = {o["logger"] for o in objects}
    assert {"uvicorn.error", "uvicorn.access", "bot_engine.service.listeners"} <= loggers
    (access,) = [o for o in objects if "GET /v1/scripts" in o["message"]]
    assert access["level"] == "INFO" and access["tenant"] is not None
    assert access["call_id"] is None
