"""A worker builds its languages' NLU tables as it starts, not when the first call comes
(a call that arrives answered, such as a media stream, has no ringing to hide them in)."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx

from bot_engine.service.app import create_app

from .conftest import Api, make_settings
from .postgres_server import free_port
from .serve_process import _start, _until


async def test_a_fresh_worker_builds_its_languages_without_a_call(tmp_path: Path) -> None:
    port = free_port()
    proc = await _start(tmp_path, port, tmp_path / "serve.log",
                        extra_env={"VOICEBOT_NLU_PRELOAD": '["en"]'})
    try:
        async with httpx.AsyncClient() as client:
            async def built() -> dict[str, bool] | None:
                nlu = (await client.get(f"http://127.0.0.1:{port}/healthz")).json()["nlu"]
                return nlu if all(nlu.values()) else None

            # no call was placed: only the start-up build can have made it ready
            assert await _until(built, timeout=120) == {"en": True}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


async def test_no_language_is_built_when_none_is_asked(db_url: str, tmp_path: Path) -> None:
    app = create_app(make_settings(db_url, tmp_path, nlu_preload=[]))
    async with app.router.lifespan_context(app):
        api = Api(app)
        async with api.client() as client:
            health = (await client.get("/healthz")).json()
    assert health["status"] == "ok" and health["nlu"] == {}
