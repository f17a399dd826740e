"""The one dialer (here with a SIP user agent per call): status, turns, what the session
measured and exactly one result reach the sink."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typing_extensions import override

from bot_engine.call.dialer import Dialer, NumbersOnly, own_user_agent
from bot_engine.call.report import CallReport
from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.spec import CallSpec
from bot_engine.call.speech import CallSpeech
from bot_engine.dialog.actions import DialogResult
from bot_engine.record import HangupCause, TranscriptTurn
from bot_engine.script import validate_variables
from bot_engine.script.model import Script
from media_gateway.sip import SipConfig, SipUserAgent
from tests.call_session.call_session_helpers import load

pytestmark = pytest.mark.slow


class ListSink:
    """Keeps what a runner reports, in order."""

    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []
        self.states: list[dict[str, Any] | None] = []
        self.finished = asyncio.Event()

    async def call_status(self, call_id: str, status: str, *, at: datetime | None = None
                          ) -> None:
        self.log.append(("status", status))

    async def call_event(self, call_id: str, kind: str, data: dict[str, Any], *,
                         at: datetime | None = None,
                         dialog_state: dict[str, Any] | None = None) -> None:
        self.log.append(("event", data))

    async def record_turn(self, call_id: str, turn: TranscriptTurn, *,
                          dialog_state: dict[str, Any] | None = None) -> None:
        self.log.append((turn.role, turn.text))
        self.states.append(dialog_state)

    async def call_report(self, call_id: str, report: CallReport) -> None:
        self.log.append(("report", report))

    async def finish(self, call_id: str, result: DialogResult, *, hangup_cause: HangupCause,
                     at: datetime | None = None, dialog_state: dict[str, Any] | None = None,
                     error: str | None = None) -> None:
        self.log.append(("finish", (result, hangup_cause, error)))
        self.finished.set()


def dialer(make_speech: Callable[[Script], CallSpeech], proxy: str | None = None) -> Dialer:
    """The service's dialer when it answers no SIP itself: a user agent per call, and no
    policy (numbers through the trunk only)."""
    config = SipConfig(host="127.0.0.1", port=0, proxy=proxy)
    return Dialer(make_speech, own_user_agent(config), proxy=proxy, amd=False)


def spec(script: Script, to: str, tmp_path: Path) -> CallSpec:
    return CallSpec(call_id="call-1", tenant_id="t", to=to, from_=None, direction="outbound",
                    script=script, script_version=1,
                    variables=validate_variables(script, {}),
                    recording_path=tmp_path / "call-1.wav")


async def test_an_answered_call_reports_status_turns_and_one_result(
    make_speech: Callable[[Script], CallSpeech],
    tmp_path: Path,
) -> None:
    script = load("call_features.en.yaml")
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="bob", tcp=False))
    runner = dialer(make_speech, proxy=f"127.0.0.1:{phone.local_port}")  # the phone: a trunk
    sink = ListSink()

    async def answer() -> None:
        async for incoming in phone.incoming():
            leg = await incoming.answer()
            caller = SimulatedCaller(leg, make_speech(script))
            await caller.run(["/dtmf 2"])
            await caller.close()
            return

    answering = asyncio.get_running_loop().create_task(answer())
    try:
        await runner.start(spec(script, "bob", tmp_path), sink)
        await asyncio.wait_for(sink.finished.wait(), 60)
        await asyncio.wait_for(answering, 10)
    finally:
        await runner.close()
        await phone.close()
    kinds = [kind for kind, _ in sink.log]
    assert kinds[:2] == ["status", "status"]
    assert [value for _, value in sink.log[:2]] == ["ringing", "in_progress"]
    assert ("caller", "[dtmf 2]") in sink.log and "bot" in kinds
    assert kinds.count("finish") == 1 and kinds[-2:] == ["report", "finish"]
    result, cause, _ = sink.log[-1][1]
    assert result.outcome == "agent" and cause == "robot_hangup"
    assert (tmp_path / "call-1.wav").stat().st_size > 44
    # every stored line carries a restorable dialog state, so a crash loses no progress
    assert sink.states and all(state is not None for state in sink.states)
    from bot_engine.dialog.engine import Dialog

    restored = Dialog.restore(script, sink.states[-1])
    assert restored.state.script_id == script.id and restored.state.turns >= 1


async def test_a_call_nobody_answers_still_finishes_once(
    make_speech: Callable[[Script], CallSpeech], tmp_path: Path
) -> None:
    script = load("call_features.en.yaml")
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="bob", tcp=False))

    async def decline() -> None:
        async for incoming in phone.incoming():
            await incoming.reject(480)
            return

    declining = asyncio.get_running_loop().create_task(decline())
    runner = dialer(make_speech, proxy=f"127.0.0.1:{phone.local_port}")
    sink = ListSink()
    try:
        await runner.start(spec(script, "+15550100", tmp_path), sink)
        await asyncio.wait_for(sink.finished.wait(), 30)
        await asyncio.wait_for(declining, 10)
    finally:
        await runner.close()
        await phone.close()
    finishes = [value for kind, value in sink.log if kind == "finish"]
    assert len(finishes) == 1
    result, cause, error = finishes[0]
    assert result.ending == "no_answer" and result.outcome == "no_answer"
    assert cause == "no_answer" and error is not None and error.startswith("SIP 480")
    assert ("status", "in_progress") not in sink.log


async def test_without_a_policy_a_sip_uri_is_not_dialled(
    make_speech: Callable[[Script], CallSpeech], tmp_path: Path
) -> None:
    """A `to` naming its own host would go straight there (SSRF over SIP): only numbers,
    through the trunk, unless the service's policy allows the tenant SIP URIs."""
    script = load("call_features.en.yaml")
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="bob", tcp=False))
    runner = dialer(make_speech)
    sink = ListSink()
    try:
        await runner.start(spec(script, f"sip:bob@127.0.0.1:{phone.local_port}", tmp_path),
                           sink)
        await asyncio.wait_for(sink.finished.wait(), 30)
    finally:
        await runner.close()
        await phone.close()
    finishes = [value for kind, value in sink.log if kind == "finish"]
    [(_, cause, error)] = finishes
    assert cause == "failed" and error is not None and "must be a number" in error
    assert phone.received_messages == 0


class HeldPolicy(NumbersOnly):
    """Numbers through the trunk, but the target is given only once `release` is set (a
    slow DNS or database: the call is being prepared)."""

    def __init__(self, proxy: str) -> None:
        super().__init__(proxy)
        self.asked = asyncio.Event()
        self.release = asyncio.Event()

    @override
    async def dial_target(self, tenant_id: str, to: str) -> str:
        self.asked.set()
        await self.release.wait()
        return await super().dial_target(tenant_id, to)


class TrunkSocket(asyncio.DatagramProtocol):
    """A trunk that only notes which SIP requests reached it, and what the sink had been
    told at that moment."""

    def __init__(self, sink: ListSink) -> None:
        self.sink = sink
        self.invited = asyncio.Event()
        self.log_at_invite: list[tuple[str, Any]] = []

    @override
    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        if data.startswith(b"INVITE ") and not self.invited.is_set():
            self.log_at_invite = list(self.sink.log)
            self.invited.set()


@contextlib.asynccontextmanager
async def call_being_prepared(
    make_speech: Callable[[Script], CallSpeech], tmp_path: Path
) -> AsyncIterator[tuple[Dialer, HeldPolicy, TrunkSocket, ListSink]]:
    """A dialer whose one call waits in its preparation (the policy holds the target),
    toward a trunk that notes the INVITE."""
    script = load("call_features.en.yaml")
    sink = ListSink()
    transport, trunk = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: TrunkSocket(sink), local_addr=("127.0.0.1", 0)
    )
    proxy = "127.0.0.1:{}".format(transport.get_extra_info("sockname")[1])
    policy = HeldPolicy(proxy)
    config = SipConfig(host="127.0.0.1", port=0, proxy=proxy, tcp=False)
    runner = Dialer(make_speech, own_user_agent(config), policy=policy, amd=False,
                    ring_timeout_s=5)
    try:
        await runner.start(spec(script, "+15550100", tmp_path), sink)
        await asyncio.wait_for(policy.asked.wait(), 10)
        yield runner, policy, trunk, sink
    finally:
        await runner.close()
        transport.close()


async def test_a_call_is_ringing_only_once_its_invite_is_written(
    make_speech: Callable[[Script], CallSpeech], tmp_path: Path
) -> None:
    """A crash while a call is being prepared must leave it `queued` (it never reached the
    wire, so a campaign does not count it as an attempt); once the INVITE is out, the call
    is `ringing` (a crash then counts it)."""
    async with call_being_prepared(make_speech, tmp_path) as (_, policy, trunk, sink):
        assert ("status", "ringing") not in sink.log  # still being prepared: queued
        policy.release.set()
        await asyncio.wait_for(trunk.invited.wait(), 10)
        assert trunk.log_at_invite == [("status", "ringing")]


@pytest.mark.parametrize("how", ["stop_placing", "close"])
async def test_a_call_still_being_prepared_when_the_worker_stops_stays_queued(
    make_speech: Callable[[Script], CallSpeech], tmp_path: Path, how: str
) -> None:
    """Draining (or closing) a dialer leaves a call that has not reached the wire queued,
    with no result, for another worker to place; it is not cancelled, and no INVITE goes."""
    async with call_being_prepared(make_speech, tmp_path) as (runner, policy, trunk, sink):
        if how == "close":
            await runner.close()
        else:
            runner.stop_placing()
            policy.release.set()
            [task] = runner._calls.values()
            await asyncio.wait_for(task, 10)
    assert sink.log == [] and not trunk.invited.is_set()
