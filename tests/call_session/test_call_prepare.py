"""While the phone rings (`CallSpeech.prepare`) the script's NLU is built with its prompts
and ASR, so the first caller turn builds nothing; an inbound call is answered, and an
outbound call greeted, only once it is ready or its bound has passed."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import bot_engine.nlu.polar as polar
import bot_engine.nlu.reply_classifier as reply_classifier
import bot_engine.nlu.reply_memory as reply_memory
import bot_engine.nlu.warmup as warmup
from bot_engine import nlu
from bot_engine.call.answerer import Answerer, OpenedCall
from bot_engine.call.dialer import Dialer, OperatorDialing, own_user_agent
from bot_engine.call.memory_sink import MemorySink
from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.spec import CallSpec
from bot_engine.call.speech import CallSpeech
from bot_engine.script import validate_variables
from media_gateway.call_leg import CallInfo
from media_gateway.sip import SipCallLeg, SipConfig, SipUserAgent
from tests.call_session.call_session_helpers import load
from tests.call_session.fakes import fake_speech
from tests.call_session.test_call_sip_runner import ListSink

LEAD_VARS = {"name": "John", "product": "a custom kitchen", "company": "Acme Furniture"}
WAIT_S = 30  # a safety net on every wait, never a timing assertion


async def test_prepare_builds_the_nlu_tables_of_the_scripts_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a fresh process: no table of the language built yet (and no build under way from
    # an earlier test's script load, which would fill the tables this test replaces)
    for thread in threading.enumerate():
        if thread.name.startswith("nlu-"):
            thread.join(WAIT_S)
    monkeypatch.setattr(warmup, "_ready", set(), raising=False)
    monkeypatch.setattr(reply_memory, "_loaded", {})
    monkeypatch.setattr(reply_classifier, "_loaded", {})
    polar._compiled.cache_clear()
    script = load("lead_qualification.en.yaml")
    speech = fake_speech(tmp_path)

    await speech.prepare(script, validate_variables(script, LEAD_VARS))

    assert "en" in reply_memory._loaded and "en" in reply_classifier._loaded
    assert polar._compiled.cache_info().currsize == 1


@dataclass
class HeldNlu:
    """`nlu.ready` that blocks until the test releases it."""

    asked: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def ready(self, language: str) -> None:
        self.asked.set()
        self.release.wait(WAIT_S)

    async def was_asked(self) -> bool:
        return await asyncio.to_thread(self.asked.wait, WAIT_S)


@pytest.fixture
def held_nlu(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldNlu]:
    held = HeldNlu()
    monkeypatch.setattr(nlu, "ready", held.ready, raising=False)
    monkeypatch.setattr(nlu, "is_ready", lambda language: False, raising=False)
    yield held
    held.release.set()


@pytest.fixture
async def robot_and_phone() -> AsyncIterator[tuple[SipUserAgent, SipUserAgent]]:
    robot = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="robot", tcp=False))
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="phone", tcp=False))
    yield robot, phone
    await phone.close()
    await robot.close()


async def _inbound(robot: SipUserAgent, phone: SipUserAgent, speech: CallSpeech
                   ) -> tuple[asyncio.Task[None], asyncio.Task[SipCallLeg]]:
    """The robot answering as `serve-calls` does, and the phone calling it."""
    script = load("lead_qualification.en.yaml")
    variables = validate_variables(script, LEAD_VARS)
    sink = MemorySink()
    answerer = Answerer(sink, lambda _script: speech, policy=OperatorDialing(None))

    async def open_call(info: CallInfo) -> OpenedCall:
        spec = CallSpec(call_id=info.call_id, tenant_id="", to=info.callee, from_=None,
                        direction="inbound", script=script, script_version=None,
                        variables=variables, recording_path=None)
        sink.open(spec)
        return OpenedCall(spec)

    async def serve() -> None:
        async for incoming in robot.incoming():
            await answerer.answer_sip(incoming, open_call)
            return

    loop = asyncio.get_running_loop()
    return (loop.create_task(serve()),
            loop.create_task(phone.call(f"sip:robot@127.0.0.1:{robot.local_port}",
                                        timeout_s=WAIT_S)))


async def test_an_inbound_call_rings_until_its_nlu_is_ready(
    tmp_path: Path, held_nlu: HeldNlu, robot_and_phone: tuple[SipUserAgent, SipUserAgent]
) -> None:
    speech = fake_speech(tmp_path)
    speech.nlu_wait_s = 60.0
    serving, calling = await _inbound(*robot_and_phone, speech)
    try:
        assert await held_nlu.was_asked(), "the call was prepared without its NLU"
        assert not calling.done()  # still ringing
        held_nlu.release.set()
        leg = await asyncio.wait_for(calling, WAIT_S)
        await leg.hangup()
        await asyncio.wait_for(serving, WAIT_S)
    finally:
        serving.cancel()
        calling.cancel()


async def test_a_call_whose_nlu_is_not_ready_in_time_is_answered_anyway(
    tmp_path: Path, held_nlu: HeldNlu, robot_and_phone: tuple[SipUserAgent, SipUserAgent],
    caplog: pytest.LogCaptureFixture,
) -> None:
    speech = fake_speech(tmp_path)
    speech.nlu_wait_s = 0.05
    caplog.set_level(logging.WARNING, logger="bot_engine.call.speech")
    serving, calling = await _inbound(*robot_and_phone, speech)
    try:
        leg = await asyncio.wait_for(calling, WAIT_S)  # held_nlu is never released
        assert held_nlu.asked.is_set()
        assert "not ready after" in caplog.text
        await leg.hangup()
        await asyncio.wait_for(serving, WAIT_S)
    finally:
        held_nlu.release.set()  # the thread it holds would keep the loop from closing
        serving.cancel()
        calling.cancel()


async def test_an_outbound_call_greets_only_once_its_nlu_is_ready(
    tmp_path: Path, held_nlu: HeldNlu, robot_and_phone: tuple[SipUserAgent, SipUserAgent]
) -> None:
    _, phone = robot_and_phone
    script = load("call_features.en.yaml")
    speech = fake_speech(tmp_path)
    speech.nlu_wait_s = 60.0
    trunk = f"127.0.0.1:{phone.local_port}"  # the phone stands in for the trunk
    runner = Dialer(lambda _script: speech,
                    own_user_agent(SipConfig(host="127.0.0.1", port=0, proxy=trunk)),
                    proxy=trunk, amd=False)
    sink = ListSink()
    answered = asyncio.Event()

    async def answer() -> None:
        async for incoming in phone.incoming():
            leg = await incoming.answer()
            answered.set()
            caller = SimulatedCaller(leg, fake_speech(tmp_path / "phone"))
            await caller.run(["/dtmf 2"])
            await caller.close()
            return

    answering = asyncio.get_running_loop().create_task(answer())
    try:
        await runner.start(CallSpec(call_id="call-1", tenant_id="t", to="bob", from_=None,
                                    direction="outbound", script=script, script_version=1,
                                    variables=validate_variables(script, {}),
                                    recording_path=None), sink)
        assert await held_nlu.was_asked(), "the call was prepared without its NLU"
        await asyncio.wait_for(answered.wait(), WAIT_S)
        assert "bot" not in [kind for kind, _ in sink.log]  # answered, not yet greeted
        held_nlu.release.set()
        await asyncio.wait_for(sink.finished.wait(), WAIT_S)
        await asyncio.wait_for(answering, WAIT_S)
    finally:
        answering.cancel()
        await runner.close()
    assert "bot" in [kind for kind, _ in sink.log]
