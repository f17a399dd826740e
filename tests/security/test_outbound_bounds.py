"""Answers from tenant-chosen URLs are read with a size cap and a time bound, on every path.

Before, a mid-call webhook read whatever came back (a 400 MB answer took the server to
2 GB) and a receiver dripping a byte at a time kept a request open forever. The local
server here streams bodies of any size without holding them. Peak memory during the
400 MB attack is measured by `bench/outbound_response.py`, not here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot_engine.call.webhooks import WebhookRunner
from bot_engine.delivery.adapters import adapter_for
from bot_engine.dialog.actions import CallWebhook
from bot_engine.net import OutboundSettings, SsrfGuard, guarded_client
from bot_engine.service.app import create_app

from ..service.conftest import Api, make_settings
from ..service.local_server import LocalServer
from ..service.postgres_server import free_port
from .outbound_targets import PROBE_SCRIPT, BigBody, finished_call
from .test_outbound_guard import SECRET_KEY, _job

LOOPBACK = SsrfGuard(["127.0.0.1/32"])  # the test server's address, allowed on purpose


@pytest.fixture
async def big() -> AsyncIterator[tuple[BigBody, str]]:
    server = BigBody()
    async with LocalServer(server.app, free_port()) as local:
        yield server, local.url


def _get(url: str) -> CallWebhook:
    return CallWebhook(
        request_id="r-1", step="probe", method="GET", url=url, headers={}, body=None,
        timeout_s=20,
    )


async def test_a_big_answer_is_the_webhook_error_branch(big: tuple[BigBody, str]) -> None:
    _, base = big
    runner = WebhookRunner(LOOPBACK)
    streamed = await runner(_get(f"{base}/big?mb=8"))
    declared = await runner(_get(f"{base}/declared?mb=8"))
    assert streamed.status == "error" and streamed.data is None
    assert "larger than 1000000 bytes" in (streamed.error or ""), streamed
    assert declared.status == "error" and "8388608 bytes" in (declared.error or ""), declared


async def test_the_cap_is_configurable(big: tuple[BigBody, str]) -> None:
    _, base = big
    roomy = WebhookRunner(LOOPBACK, OutboundSettings(max_response_bytes=3_000_000))
    result = await roomy(_get(f"{base}/big?mb=2"))
    assert result.status == "success" and len(result.data["a"]) == 2 * 1024 * 1024


async def test_a_compressed_answer_is_refused_not_inflated(big: tuple[BigBody, str]) -> None:
    """4 MB of JSON gzipped to a few KB: under the cap on the wire, over it inflated."""
    _, base = big
    result = await WebhookRunner(LOOPBACK)(_get(f"{base}/gzip"))
    assert result.status == "error" and "gzip-encoded" in (result.error or ""), result


async def test_a_dripping_answer_ends_at_the_request_bound(big: tuple[BigBody, str]) -> None:
    """Each read is quick, so only a bound on the whole request ends it."""
    _, base = big
    runner = WebhookRunner(LOOPBACK, OutboundSettings(request_timeout_s=1))
    result = await runner(_get(f"{base}/drip"))
    assert result.status == "timeout", result


@pytest.mark.parametrize("path", ["/big?mb=8", "/declared?mb=8", "/gzip", "/drip"])
async def test_a_delivery_with_an_unbounded_answer_is_a_failed_attempt(
    big: tuple[BigBody, str], path: str
) -> None:
    _, base = big
    target = {"type": "webhook", "url": f"{base}{path}"}
    settings = OutboundSettings(request_timeout_s=1)
    async with guarded_client(LOOPBACK, settings) as client:
        report = await adapter_for(target).deliver(_job(SECRET_KEY), client)
    assert not report.ok and not report.permanent, report  # retried later, not dead
    assert report.steps and report.steps[0]["ok"] is False
    expected = {"/drip": "within 1 s", "/gzip": "gzip-encoded"}.get(path, "bytes")
    assert expected in (report.error or ""), report


async def test_simulate_and_the_simulated_dialer_take_the_error_branch(
    tmp_path: Path, big: tuple[BigBody, str]
) -> None:
    """The whole service: a script copying an 8 MB JSON answer into its result."""
    _, base = big
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}", tmp_path)
    app = create_app(settings)
    target = {"target": f"{base}/big?mb=8"}
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("mallory")
        async with api.client(key) as client:
            simulated = await client.post(
                "/v1/simulate", json={"script": PROBE_SCRIPT, "variables": target}
            )
            dialed = await finished_call(api, client, target)
    assert simulated.status_code == 200, simulated.text
    for result in (simulated.json()["result"], dialed["result"]):
        assert result["outcome"] == "refused" and result["fields"]["leaked"] is None
