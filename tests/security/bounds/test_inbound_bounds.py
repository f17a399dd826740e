"""Inbound calls are bounded too (issue 12, section 4), with real INVITEs on loopback: an
`X-Var-*` header longer than the variable's limit never becomes a call, and a caller who
cancels while the phone rings stops the call's prompt rendering (TTS kept starting after
CANCEL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from asr_tts.settings import SpeechSettings
from asr_tts.tts.base import Synthesizer, TtsOptions
from asr_tts.tts.espeak import EspeakSynthesizer
from asr_tts.tts_cache import TtsCache
from bot_engine.call.speech import CallSpeech
from bot_engine.script.model import Script
from bot_engine.service.app import create_app
from media_gateway.sip import CallFailed, SipConfig, SipUserAgent

from .conftest import BoundedApi, settings_for, started
from .stall_kit import BASE_SCRIPT

pytestmark = pytest.mark.slow

PROMPTS = 12
MANY_PROMPTS = BASE_SCRIPT.replace("id: stall_base", "id: many_prompts").replace(
    "start: greet", "start: p0"
) + "".join(
    f"  p{i}:\n    say: \"Part {i} of what we tell {{{{ lead_name }}}}.\"\n    goto: "
    f"{'p' + str(i + 1) if i + 1 < PROMPTS else 'greet'}\n"
    for i in range(PROMPTS)
)


class GatedSynthesizer(Synthesizer):
    """espeak-ng behind a gate: renders start (and are counted) but finish only when the
    test opens the gate, so a CANCEL always arrives while rendering is under way."""

    name = "espeak"

    def __init__(self) -> None:
        self.inner = EspeakSynthesizer()
        self.started = 0
        self.first = asyncio.Event()
        self.gate = asyncio.Event()

    def synthesize(self, text: str, voice: str | None, sample_rate: int,
                   options: TtsOptions | None = None) -> Any:
        return self.inner.synthesize(text, voice, sample_rate, options)

    async def render(self, text: str, voice: str | None, sample_rate: int,
                     options: TtsOptions | None = None) -> bytes:
        self.started += 1
        self.first.set()
        await self.gate.wait()
        return await self.inner.render(text, voice, sample_rate, options)


@pytest.fixture
async def line(tmp_path: Path) -> AsyncIterator[tuple[BoundedApi, GatedSynthesizer]]:
    synth = GatedSynthesizer()
    cache = TtsCache(tmp_path / "tts", 50_000_000, synthesizers={"espeak": synth})
    speech_settings = SpeechSettings(tts_cache_dir=tmp_path / "tts")

    def speech(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings, asr_engine="whisper", cache=cache)

    settings = settings_for(tmp_path, sip_enabled=True, sip_port=0)
    try:
        async for api in started(create_app(settings, call_speech=speech)):
            assert (await api.upload(MANY_PROMPTS)).status_code == 201
            async with api.client() as client:
                for number, script in (("+15550100", "many_prompts"), ("+15550101", "stall_base")):
                    route = await client.post("/v1/inbound-routes", json={
                        "script_id": script, "match": {"to": number}})
                    assert route.status_code == 201, route.text
            yield api, synth
    finally:
        synth.gate.set()


@pytest.fixture
async def phone() -> AsyncIterator[SipUserAgent]:
    ua = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="caller", tcp=False))
    try:
        yield ua
    finally:
        await ua.close()


async def until(check: Callable[[], Awaitable[Any]], timeout: float = 60) -> Any:
    async with asyncio.timeout(timeout):
        while not (value := await check()):
            await asyncio.sleep(0.05)
        return value


async def test_a_long_x_var_header_never_becomes_a_call(
    line: tuple[BoundedApi, GatedSynthesizer], phone: SipUserAgent
) -> None:
    api, synth = line
    robot = f"sip:+15550101@127.0.0.1:{api.service.listeners.sip_port}"
    with pytest.raises(CallFailed) as refused:
        await phone.call(robot, headers={"X-Var-lead_name": "x" * 1500}, timeout_s=20)
    assert refused.value.status is not None and 400 <= refused.value.status < 500
    async with api.client() as client:
        assert (await client.get("/v1/calls")).json() == []
    assert synth.started == 0


async def test_cancel_while_ringing_stops_prompt_rendering(
    line: tuple[BoundedApi, GatedSynthesizer], phone: SipUserAgent
) -> None:
    api, synth = line
    robot = f"sip:+15550100@127.0.0.1:{api.service.listeners.sip_port}"
    calling = asyncio.get_running_loop().create_task(
        phone.call(robot, headers={"X-Var-lead_name": "Ann"}, timeout_s=60))
    await asyncio.wait_for(synth.first.wait(), 60)  # the robot is rendering prompts
    calling.cancel()  # the caller hangs up: CANCEL
    with pytest.raises(asyncio.CancelledError):
        await calls_done(calling)

    async with api.client() as client:

        async def ended() -> dict[str, Any] | None:
            listed = (await client.get("/v1/calls")).json()
            return listed[0] if listed and listed[0]["status"] == "failed" else None

        call = await until(ended, timeout=30)
        detail = (await client.get(f"/v1/calls/{call['id']}")).json()
    await until(lambda: _idle(api), timeout=30)
    assert detail["hangup_cause"] == "caller_cancelled"
    assert synth.started < PROMPTS, "prompts kept rendering after the caller cancelled"


async def calls_done(task: asyncio.Task[Any]) -> Any:
    return await task


async def _idle(api: BoundedApi) -> bool:
    return bool(api.service.inbound.active == 0)
