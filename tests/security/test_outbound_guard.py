"""The SSRF guard's address policy, and that the checked address is the one connected to.

DNS rebinding is played by a resolver that answers an allowed address to the first lookup
of a name and an internal one to every later lookup: code that checks a name and then lets
the HTTP client resolve it again connects to the internal service. Two loopback addresses
stand for the two worlds (never a real outside address): 127.0.0.2 is the operator's
allow-listed CRM, 127.0.0.1 the internal service on the same port.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from bot_engine.call.webhooks import WebhookRunner
from bot_engine.delivery.adapters import adapter_for
from bot_engine.delivery.base import DeliveryJob
from bot_engine.delivery.payload import CallDetails, ResultDocument
from bot_engine.dialog.actions import CallWebhook
from bot_engine.net import OutboundSettings, SsrfGuard, TargetRefused, guarded_client
from bot_engine.service.app import create_app

from ..service.conftest import Api, make_settings
from ..service.local_server import LocalServer
from ..service.postgres_server import free_port
from ..service.receivers import AmoCrmFake, Bitrix24Fake, WebhookReceiver
from .outbound_targets import PROBE_SCRIPT, SECRET, InternalService

LEGIT = "127.0.0.2"
INTERNAL = "127.0.0.1"
ALLOW = [f"{LEGIT}/32"]

REFUSED = [
    "127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1",
    "169.254.169.254",  # cloud metadata (AWS, GCP, Azure)
    "100.100.100.200",  # cloud metadata (Alibaba), in carrier-grade NAT 100.64.0.0/10
    "100.64.0.1", "192.0.0.8", "192.0.2.1", "198.18.0.1", "224.0.0.1", "239.255.255.250",
    "240.0.0.1", "255.255.255.255",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:808:808::1",  # 6to4 of a public address: refused as a whole range
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2001::1",  # Teredo
]
ACCEPTED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_every_non_public_address_is_refused(address: str) -> None:
    with pytest.raises(TargetRefused):
        SsrfGuard().check_addresses("target.example", [ipaddress.ip_address(address)])


@pytest.mark.parametrize("address", ACCEPTED)
def test_public_addresses_pass(address: str) -> None:
    SsrfGuard().check_addresses("target.example", [ipaddress.ip_address(address)])


def test_one_internal_answer_among_public_ones_refuses_the_name() -> None:
    answers = [ipaddress.ip_address(a) for a in ("8.8.8.8", "10.0.0.1")]
    with pytest.raises(TargetRefused):
        SsrfGuard().check_addresses("mixed.example", answers)


async def test_the_allow_list_names_hosts_or_ranges() -> None:
    await SsrfGuard(["127.0.0.0/8"]).check("http://127.0.0.1:8080/hook")
    await SsrfGuard(["crm.internal"]).check("http://crm.internal/hook")
    await SsrfGuard(["100.64.0.0/10"]).check("http://100.100.100.200/")
    with pytest.raises(TargetRefused):
        await SsrfGuard(["127.0.0.1/32"]).check("http://127.0.0.2/")
    for url in ("ftp://8.8.8.8/", "http://user:pw@8.8.8.8/", "http:///x", "http://[::1/"):
        with pytest.raises(TargetRefused):
            await SsrfGuard().check(url)


class RebindingDns:
    """`socket.getaddrinfo` for names under `.test`: each name's first lookup answers
    `first`, every later lookup `then` (other names resolve as usual)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, first: str, then: str) -> None:
        self.first, self.then = first, then
        self.lookups: Counter[str] = Counter()
        real = socket.getaddrinfo

        def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if not name.endswith(".test"):
                return real(host, port, *args, **kwargs)
            self.lookups[name] += 1
            answer = self.first if self.lookups[name] == 1 else self.then
            return real(answer, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", fake)


class TwoWorlds:
    """The same port on the allow-listed address and on the internal one."""

    def __init__(self, legit_app: Any, port: int) -> None:
        self.port = port
        self.internal = InternalService()
        self.legit_app = legit_app
        self._servers = [
            LocalServer(legit_app, port, host=LEGIT),
            LocalServer(self.internal.app, port, host=INTERNAL),
        ]

    def url(self, name: str, path: str) -> str:
        return f"http://{name}.test:{self.port}{path}"

    async def __aenter__(self) -> TwoWorlds:
        for server in self._servers:
            await server.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for server in self._servers:
            await server.stop()


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> RebindingDns:
    return RebindingDns(monkeypatch, first=LEGIT, then=INTERNAL)


@pytest.fixture
async def worlds() -> AsyncIterator[TwoWorlds]:
    legit = InternalService(answer="public")
    async with TwoWorlds(legit.app, free_port()) as pair:
        pair.legit = legit  # type: ignore[attr-defined]
        yield pair


def _action(url: str, method: str = "GET") -> CallWebhook:
    return CallWebhook(
        request_id="probe-1", step="probe", method=method, url=url, headers={}, body=None,
        timeout_s=10,
    )


async def test_simulate_connects_to_the_address_it_checked(
    tmp_path: Path, dns: RebindingDns, worlds: TwoWorlds
) -> None:
    """`POST /v1/simulate` (before: a check, then a second lookup by the HTTP client)."""
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}", tmp_path, ssrf_allowlist=ALLOW,
        dialer="none",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("mallory")
        async with api.client(key) as client:
            simulated = await client.post(
                "/v1/simulate",
                json={
                    "script": PROBE_SCRIPT,
                    "variables": {"target": worlds.url("sim", "/json")},
                    "turns": [],
                },
            )
    assert simulated.status_code == 200, simulated.text
    assert worlds.internal.hits == 0, "the second lookup's internal address was connected to"
    assert simulated.json()["result"]["fields"]["leaked"] == "public"
    assert dns.lookups["sim.test"] == 1


async def test_the_webhook_runner_resolves_once_and_keeps_the_host_header(
    dns: RebindingDns, worlds: TwoWorlds
) -> None:
    legit: InternalService = worlds.legit  # type: ignore[attr-defined]
    runner = WebhookRunner(SsrfGuard(ALLOW))
    one_off = await runner(_action(worlds.url("once", "/json")))
    async with runner:  # the service's shared pool: the second request reuses the connection
        shared = [await runner(_action(worlds.url("pool", "/json"))) for _ in range(2)]
    assert [r.status for r in (one_off, *shared)] == ["success"] * 3
    assert all(r.data == {"a": "public"} for r in (one_off, *shared))
    assert worlds.internal.hits == 0
    assert legit.hosts == [f"once.test:{worlds.port}"] + [f"pool.test:{worlds.port}"] * 2
    assert dns.lookups["once.test"] == 1 and dns.lookups["pool.test"] == 1


def _job(secret: str) -> DeliveryJob:
    now = datetime.now(UTC)
    call = CallDetails(
        id="c1", direction="outbound", to="+15550001", status="completed", script_id="s",
        script_version=1, variables={"lead_name": "Ann"}, created_at=now, answered_at=now,
        ended_at=now,
    )
    document = ResultDocument(
        idempotency_key="res_c1", call=call, result={"outcome": "qualified"}, transcript=[]
    )
    return DeliveryJob(document=document, recording_path=None, progress={}, webhook_secret=secret)


SECRET_KEY = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

ADAPTERS: dict[str, tuple[Callable[[], Any], Callable[[TwoWorlds], dict[str, Any]]]] = {
    "webhook": (
        lambda: WebhookReceiver(SECRET_KEY),
        lambda w: {"type": "webhook", "url": w.url("hook", "/hook")},
    ),
    "bitrix24": (
        Bitrix24Fake,
        lambda w: {"type": "bitrix24", "webhook_url": w.url("portal", "/rest/1/tok123/")},
    ),
    "amocrm": (
        AmoCrmFake,
        lambda w: {"type": "amocrm", "base_url": w.url("amo", ""), "access_token": "amo-token"},
    ),
}


@pytest.mark.parametrize("kind", list(ADAPTERS))
async def test_deliveries_connect_to_the_address_they_checked(
    kind: str, dns: RebindingDns
) -> None:
    make_fake, make_target = ADAPTERS[kind]
    fake = make_fake()
    async with TwoWorlds(fake.app, free_port()) as worlds:
        target = make_target(worlds)
        async with guarded_client(SsrfGuard(ALLOW)) as client:
            report = await adapter_for(target).deliver(_job(SECRET_KEY), client)
    assert report.ok, report
    assert worlds.internal.hits == 0, "a delivery reached the internal service"


async def test_https_keeps_sni_and_verifies_the_certificate_for_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The socket goes to the checked address; TLS still speaks to and verifies the name."""
    RebindingDns(monkeypatch, first=LEGIT, then=INTERNAL)
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("crm.test").configure_cert(server_context)
    server_names: list[str | None] = []
    heads: list[bytes] = []

    def remember_sni(sock: Any, name: str | None, context: Any) -> None:
        server_names.append(name)

    server_context.sni_callback = remember_sni

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            heads.append(await reader.readuntil(b"\r\n\r\n"))
            body = b'{"a": "tls"}'
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, LEGIT, 0, ssl=server_context)
    port = server.sockets[0].getsockname()[1]
    runner = WebhookRunner(SsrfGuard(ALLOW), OutboundSettings(ca_file=ca_file))
    try:
        good = await runner(_action(f"https://crm.test:{port}/json"))
        # the same address under a name the certificate does not carry
        bad = await runner(_action(f"https://other.test:{port}/json"))
    finally:
        server.close()
        await server.wait_closed()
    assert good.status == "success" and good.data == {"a": "tls"}, good
    assert server_names[0] == "crm.test"
    assert f"host: crm.test:{port}".encode() in heads[0].lower()
    assert bad.status == "error" and "certificate" in (bad.error or "").lower(), bad


async def test_a_refused_target_is_the_error_branch_and_never_connected(
    worlds: TwoWorlds,
) -> None:
    result = await WebhookRunner()(_action(f"http://{INTERNAL}:{worlds.port}/json"))
    assert result.status == "error" and "refused" in (result.error or "")
    assert worlds.internal.hits == 0
    assert SECRET not in str(result)


async def test_httpx_refusal_inside_the_pool_is_a_target_refused() -> None:
    async with guarded_client(SsrfGuard()) as client:
        with pytest.raises(TargetRefused):
            await client.get("http://127.0.0.1:9/")
        with pytest.raises(httpx.UnsupportedProtocol):
            await client.get("file:///etc/passwd")
