"""The voice simulator: a scripted caller talks to the robot over real SIP/RTP on loopback.

The robot side is the production path (SIP user agent → `Answerer` → CallSession → VAD
→ ASR → Dialog → TTS cache). The caller is our own UAC: it speaks its lines with an offline voice
(Festival's Russian voice for Russian, espeak-ng otherwise: `caller_voice`),
each line starting when the robot stops talking, which it hears as the robot's audio going
quiet (the robot sends exact digital silence between prompts). `/silence` says nothing,
`/dtmf N` presses keys, `/hangup` hangs up. When the lines run out the caller waits for
the robot's reply and hangs up, as `voicebot chat` does when input runs out.

With a simulated manager (`ManagerSetup`), the script's transfer targets point at a
second user agent that answers (`simulated_manager`), and the caller stays on the line
through a transfer: its phone follows a REFER (a blind transfer) by calling the target
and reporting the outcome in a NOTIFY, or it hears the manager through the robot's bridge.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot_engine.call.answerer import Answerer, OpenedCall
from bot_engine.call.dialer import OperatorDialing
from bot_engine.call.memory_sink import MemorySink
from bot_engine.call.report import CallReport
from bot_engine.call.session import SessionSettings
from bot_engine.call.simulated_caller import (
    CallerError,
    CallerLog,
    SimulatedCaller,
    check_lines,
)
from bot_engine.call.simulated_manager import (
    ManagerLog,
    SimulatedManager,
    accept_key,
    transfer_variables,
    whispers,
)
from bot_engine.call.spec import CallSpec
from bot_engine.call.speech import CallSpeech
from bot_engine.call.transfer_guard import transfer_templates
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner
from bot_engine.script.model import Script
from media_gateway.call_leg import (
    CallInfo,
)
from media_gateway.sip import SipConfig, SipUserAgent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ManagerSetup:
    """Ring a simulated manager: `variables` (the script's transfer targets the user left
    unset) point at it; `line` is what it says (default: one for the script's language);
    on a bridged transfer it hears out a whisper (`whisper`) and accepts with
    `accept_key`."""

    variables: tuple[str, ...] = ()
    line: str | None = None
    whisper: bool = False
    accept_key: str | None = None

    @classmethod
    def for_script(cls, script: Script, given: Collection[str] = ()) -> ManagerSetup | None:
        """A script that transfers rings a simulated manager; its transfer variables
        point there unless set in `given` (then that target is used as given)."""
        if not transfer_templates(script):
            return None
        return cls(variables=tuple(sorted(transfer_variables(script) - set(given))),
                   whisper=whispers(script), accept_key=accept_key(script))


@dataclass
class Simulation:
    report: CallReport
    caller: CallerLog
    manager: ManagerLog | None = None
    """The simulated manager's side, when one was ringing."""


class LoopbackCall:
    """A robot UA and a caller UA on 127.0.0.1, for one call at a time."""

    def __init__(self, robot: SipUserAgent, caller: SipUserAgent) -> None:
        self.robot = robot
        self.caller = caller
        self.manager: SimulatedManager | None = None

    @classmethod
    async def open(cls, *, follow_refer: bool = False) -> LoopbackCall:
        robot = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="robot",
                                                   tcp=False))
        try:
            caller = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="caller",
                                                        tcp=False, follow_refer=follow_refer))
        except BaseException:
            await robot.close()
            raise
        return cls(robot, caller)

    @property
    def robot_uri(self) -> str:
        return f"sip:robot@127.0.0.1:{self.robot.local_port}"

    async def close(self) -> None:
        if self.manager is not None:
            await self.manager.close()
        await self.caller.close()
        await self.robot.close()


CallerScript = Callable[[SimulatedCaller], Awaitable[object]]


async def simulate_call(
    script: Script,
    variables: dict[str, Any],
    lines: list[str],
    speech: CallSpeech,
    *,
    record: str | Path | None = None,
    settings: SessionSettings | None = None,
    webhooks: AsyncWebhookRunner = STRICT,
    timeout_s: float = 300.0,
    quiet_ms: int = 700,
    caller_voice: str | None = None,
    manager: ManagerSetup | None = None,
) -> Simulation:
    """One complete simulated call from caller lines; the robot runs the full pipeline
    (and, with `manager`, transfers reach a simulated manager)."""
    check_lines(lines)

    async def drive(caller: SimulatedCaller) -> None:
        await caller.run(lines)

    return await loopback_call(script, variables, speech, drive, record=record,
                               settings=settings, webhooks=webhooks, timeout_s=timeout_s,
                               quiet_ms=quiet_ms, caller_voice=caller_voice, manager=manager)


async def loopback_call(
    script: Script,
    variables: dict[str, Any],
    speech: CallSpeech,
    drive: CallerScript,
    *,
    record: str | Path | None = None,
    settings: SessionSettings | None = None,
    webhooks: AsyncWebhookRunner = STRICT,
    timeout_s: float = 300.0,
    quiet_ms: int = 700,
    caller_voice: str | None = None,
    manager: ManagerSetup | None = None,
) -> Simulation:
    """One call over SIP/RTP on 127.0.0.1: `drive` plays the caller; the robot answers
    and runs `script`. Ends when both sides are done (bounded by `timeout_s`)."""
    net = await LoopbackCall.open(follow_refer=manager is not None)
    try:
        if manager is not None:
            net.manager = await SimulatedManager.start(
                speech, manager.line, robot_user=net.robot.config.user,
                whisper=manager.whisper, accept_key=manager.accept_key)
            variables = {**variables, **dict.fromkeys(manager.variables, net.manager.uri)}
        await speech.prepare(script, variables)
        async with asyncio.timeout(timeout_s):
            simulation = await _converse(net, script, variables, speech, drive, record,
                                         settings, webhooks, quiet_ms, caller_voice)
    finally:
        await net.close()
    if net.manager is not None:
        simulation.manager = net.manager.log
    return simulation


async def _converse(
    net: LoopbackCall,
    script: Script,
    variables: dict[str, Any],
    speech: CallSpeech,
    drive: CallerScript,
    record: str | Path | None,
    settings: SessionSettings | None,
    webhooks: AsyncWebhookRunner,
    quiet_ms: int,
    caller_voice: str | None,
) -> Simulation:
    # The robot answers as `voicebot serve-calls` does: the one answerer, a memory sink.
    sink = MemorySink()
    answerer = Answerer(sink, lambda _script: speech, policy=OperatorDialing(None),
                        webhooks=webhooks, settings=settings or SessionSettings())

    async def open_call(info: CallInfo) -> OpenedCall:
        spec = CallSpec(call_id=info.call_id, tenant_id="", to=info.callee,
                        from_=info.caller or None, direction="inbound", script=script,
                        script_version=None, variables=variables,
                        recording_path=Path(record) if record is not None else None)
        sink.open(spec)
        return OpenedCall(spec)

    async def robot() -> CallReport:
        async for incoming in net.robot.incoming():
            await answerer.answer_sip(incoming, open_call)
            return sink.report(incoming.info.call_id)
        raise CallerError("the robot's user agent closed before a call came in")

    robot_task = asyncio.get_running_loop().create_task(robot())
    try:
        leg = await net.caller.call(net.robot_uri, timeout_s=10)
        caller = SimulatedCaller(
            leg, speech, quiet_ms=quiet_ms, voice=caller_voice, phone=net.caller,
            transfer_answered=net.manager.answered if net.manager is not None else None,
            numbers_to=net.manager.address if net.manager is not None else None)
        try:
            await drive(caller)
            if not caller.ended.is_set():
                await caller.hangup()
        finally:
            await caller.close()
        report = await robot_task
    finally:
        if not robot_task.done():
            robot_task.cancel()
    return Simulation(report, caller.log)
