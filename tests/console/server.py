"""The service (API and console) on a real loopback socket, in a thread of its own, with the
data the browser tests look at: two tenants, scripts, calls and deliveries.

The browser talks HTTP to it like to `voicebot serve`; the tests seed it through the API (with
an API key) or, for the parts of a live call that only a phone call produces, through the
same sink a live session reports to (`CallService`: `record_turn`, `call_report`)."""

from __future__ import annotations

import asyncio
import socket
import threading
import wave
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import numpy as np
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot_engine.call.report import BargeIn, CallMeta, CallReport, TranscriptTurn
from bot_engine.call.timings import ConsentEvidence, TurnTimings
from bot_engine.dialog.actions import DialogResult
from bot_engine.service.app import create_app
from bot_engine.service.settings import DeliverySchedule, ServiceSettings
from bot_engine.storage import tenants

ROOT = Path(__file__).parents[2]
LEAD_SCRIPT = ROOT / "examples" / "scripts" / "lead_qualification_en.yaml"
CONSENT_SCRIPT = ROOT / "dialogs" / "consent_confirmation.en.yaml"
T = TypeVar("T")

QUICK_DEATH = DeliverySchedule(
    first_delay_s=0.05, factor=2.0, max_delay_s=0.1, horizon_s=0.4, jitter=0.0, timeout_s=5.0
)
"""A failing receiver makes a delivery dead within a second (the retry test needs one)."""


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class Receiver:
    """A customer's webhook that answers 500 until told to work."""

    def __init__(self) -> None:
        self.working = False
        self.received = 0
        self.app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        await request.body()
        if not self.working:
            return Response("down for maintenance", status_code=500)
        self.received += 1
        return Response(status_code=204)


class ConsoleServer:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.receiver = Receiver()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._sock = _bound_socket()
        self._hook_sock = _bound_socket()
        self.port = self._sock.getsockname()[1]
        self.hook_url = f"http://127.0.0.1:{self._hook_sock.getsockname()[1]}/hook"
        settings = ServiceSettings(
            data_dir=data_dir,
            database_url=f"sqlite+aiosqlite:///{data_dir / 'voicebot.db'}",
            ssrf_allowlist=["127.0.0.1/32"],
            delivery=QUICK_DEATH,
            delivery_poll_s=0.1,
            prerender_prompts=False,
            secret_key="console-test-secret",
            public_base_url=f"http://127.0.0.1:{self.port}",
            sip_port=0,
            audiosocket_port=0,
            sip_enabled=False,
            audiosocket_enabled=False,
            dialer="simulated",
            freeze_heap=False,  # a full collection per app start; see tests/service/conftest
        )
        self.app = create_app(settings)
        self.servers = [
            uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on")),
            uvicorn.Server(uvicorn.Config(self.receiver.app, log_level="warning", lifespan="off")),
        ]
        self.keys: dict[str, str] = {}
        self.tenant_ids: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> None:
        self.thread.start()
        for server, sock in zip(self.servers, (self._sock, self._hook_sock), strict=True):
            self.loop.call_soon_threadsafe(
                lambda s=server, k=sock: self.loop.create_task(s.serve(sockets=[k]))
            )

        async def started() -> None:
            async with asyncio.timeout(60):
                while not all(s.started for s in self.servers):
                    await asyncio.sleep(0.02)

        self.run(started())

    def stop(self) -> None:
        async def stopping() -> None:
            for server in self.servers:
                server.should_exit = True
            async with asyncio.timeout(30):
                while any(s.started and not s.should_exit for s in self.servers):
                    await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)

        try:
            self.run(stopping())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(30)

    # -- seeding ---------------------------------------------------------------------------

    @property
    def service(self) -> Any:
        return self.app.state.service

    def tenant(self, name: str) -> str:
        """A tenant and its API key (as `voicebot tenants create` makes them)."""

        async def make() -> tuple[str, str]:
            async with self.service.db.write() as session:
                tenant = await tenants.create_tenant(session, name)
                key = await tenants.create_key(session, tenant)
            return tenant.id, key

        self.tenant_ids[name], self.keys[name] = self.run(make())
        return self.keys[name]

    def api(self, tenant: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"authorization": f"Bearer {self.keys[tenant]}"},
            timeout=60,
        )

    def upload(self, tenant: str, path: Path) -> dict[str, Any]:
        with self.api(tenant) as client:
            response = client.post(
                "/v1/scripts",
                content=path.read_text(),
                headers={"content-type": "application/yaml"},
            )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def simulated_call(self, tenant: str, lines: list[str], webhook: str | None) -> str:
        """A call through the simulated dialer (espeak-ng speaks both sides into the stereo
        recording), run to its end."""
        with self.api(tenant) as client:
            created = client.post("/v1/calls", json={
                "to": "+15550100", "script_id": "lead_qualification_en",
                "variables": {"lead_name": "Ann"}, "webhook": webhook,
            })
            assert created.status_code == 202, created.text
            call_id: str = created.json()["id"]
            self._until(lambda: client.get(f"/v1/calls/{call_id}").json()["status"]
                        == "in_progress")
            for line in lines:
                sent = client.post(f"/v1/calls/{call_id}/input", json={"text": line})
                assert sent.status_code == 202, sent.text
            self._until(lambda: client.get(f"/v1/calls/{call_id}").json()["status"]
                        in ("completed", "failed"))
        return call_id

    def delivery_of(self, tenant: str, call_id: str, status: str) -> str:
        with self.api(tenant) as client:
            def found() -> list[Any]:
                rows = client.get("/v1/deliveries", params={"call_id": call_id}).json()
                return [d for d in rows if d["status"] == status]

            rows = self._until(found)
        delivery_id: str = rows[0]["id"]
        return delivery_id

    @staticmethod
    def _until(predicate: Any, timeout: float = 60) -> Any:
        import time

        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            assert time.monotonic() < deadline, "timed out waiting"
            time.sleep(0.1)

    def live_call(self, tenant: str) -> str:
        """A finished phone call as a live session stores it: turns, a webhook, a barge-in,
        keys, the transfer, timings, consent evidence, offsets and a stereo recording."""
        return self.run(self._live_call(self.tenant_ids[tenant]))

    async def _live_call(self, tenant_id: str) -> str:
        sink = self.service.calls
        spec = await self.service.creation.open_inbound(
            tenant_id=tenant_id, script_id="consent_confirmation", to_number="+74950000001",
            from_number="+79160000002",
            variables={"name": "Ann", "company": "Acme", "purpose": "call you about offers"},
        )
        answered = datetime.now(UTC) - timedelta(seconds=12)
        write_stereo(spec.recording_path, *LIVE_SPEECH)
        await sink.call_status(spec.call_id, "in_progress", at=answered)
        report = live_report(spec.call_id, answered)
        for turn in report.transcript:
            await sink.record_turn(spec.call_id, turn)
        await sink.call_report(spec.call_id, report)
        await sink.finish(spec.call_id, report.result, hangup_cause="transferred",
                          at=answered + timedelta(seconds=12))
        return spec.call_id


LIVE_SPEECH: tuple[list[tuple[float, float]], list[tuple[float, float]], float] = (
    [(0.2, 2.8)], [(3.4, 5.0), (8.0, 9.0)], 12.0,
)
"""Caller and robot speech of `live_report`'s recording, and its length."""


def live_report(call_id: str, answered: datetime) -> CallReport:
    """A consent call with everything the timeline shows: a barge-in, a webhook, keys, the
    transfer, timings and consent evidence, offsets on the recording's clock."""
    turns = [
        TranscriptTurn(role="bot", text="Hello, is this Ann?", step="greet",
                       start_ms=200, end_ms=2400, interrupted=True, heard_ms=2200),
        TranscriptTurn(role="caller", text="yes it's me", step="greet", start_ms=2300,
                       end_ms=2800, confidence=0.91, interrupted=True),
        TranscriptTurn(role="event", text="webhook POST https://crm.example/lookup",
                       step="greet", start_ms=3000),
        TranscriptTurn(role="bot", text="Do you agree?", step="ask_consent", start_ms=3400,
                       end_ms=5000),
        TranscriptTurn(role="caller", text="yes I agree", step="ask_consent",
                       start_ms=5400, end_ms=6600, confidence=0.87),
        TranscriptTurn(role="caller", text="[dtmf 1]", step="ask_consent"),
        TranscriptTurn(role="bot", text="Connecting you now.", step="transfer",
                       start_ms=8000, end_ms=9000),
        TranscriptTurn(role="event", text="transfer to sip:sales@pbx: accepted",
                       step="transfer", start_ms=9500),
    ]
    for turn in turns:
        start = turn.start_ms if turn.start_ms is not None else 7000
        turn.at = answered + timedelta(milliseconds=start)
    result = DialogResult(outcome="consent_given", ending="transfer", step="transfer",
                          fields={"consent": True, "consent_utterance": "yes I agree"})
    return CallReport(
        call=CallMeta(call_id=call_id, direction="inbound", caller="+79160000002",
                      callee="+74950000001", transport="sip", script_id="consent_confirmation",
                      started_at=answered, answered_at=answered,
                      ended_at=answered + timedelta(seconds=12), hangup_cause="transferred"),
        variables={"name": "Ann", "company": "Acme", "purpose": "call you about offers"},
        result=result,
        transcript=turns,
        timings=[
            TurnTimings(turn=0, step_id="greet", endpointing_ms=250, asr_final_ms=40,
                        dialogue_ms=3, tts_ms=1, send_ms=2),
            TurnTimings(turn=1, step_id="ask_consent", endpointing_ms=250,
                        asr_final_ms=120, dialogue_ms=4, tts_ms=60, send_ms=2),
        ],
        consent=[ConsentEvidence(step_id="ask_consent", utterance="yes I agree",
                                 confidence=0.87, at=answered + timedelta(seconds=6.6),
                                 audio_start_ms=5400, audio_end_ms=6600)],
        barge_ins=[BargeIn(step="greet", trigger="onset", heard_ms=2200, stop_ms=20,
                           onset_to_stop_ms=60)],
    )


def write_stereo(
    path: Path, caller: list[tuple[float, float]], robot: list[tuple[float, float]],
    seconds: float, rate: int = 8000,
) -> None:
    """A stereo 16-bit WAV: tones where each side speaks (caller left, robot right), a faint
    hiss elsewhere, as a phone line has."""
    rng = np.random.default_rng(7)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    left = rng.normal(0, 30, n)
    right = np.zeros(n)
    for start, end in caller:
        span = slice(int(start * rate), int(end * rate))
        left[span] += 6000 * np.sin(2 * np.pi * 300 * t[span])
    for start, end in robot:
        span = slice(int(start * rate), int(end * rate))
        right[span] += 6000 * np.sin(2 * np.pi * 500 * t[span])
    frames = np.stack([left, right], axis=1).clip(-32768, 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames.tobytes())
