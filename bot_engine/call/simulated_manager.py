"""A simulated manager for loopback calls: the person a script's transfer reaches.

A second SIP user agent on 127.0.0.1 (an ephemeral port), in the same process as the
robot and the simulated caller: it answers every call, says one short line in the
script's language with the offline voice, and stays on the line until the other side
hangs up. So `voicebot demo` and `voicebot simulate-call` show a transfer that connects,
whether the robot bridges the call or the caller's phone follows a REFER. On a bridged
transfer with a whisper it listens to the whisper first and accepts with the script's key,
as the operator in the call-centre scenarios does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.speech import CallSpeech
from bot_engine.call.transfer_guard import connects, transfer_templates
from bot_engine.script.model import Script
from bot_engine.script.templates import undeclared_names
from media_gateway.call_leg import CallLeg
from media_gateway.sip import IncomingCall, SipConfig, SipUserAgent

log = logging.getLogger(__name__)

MANAGER_LINES = {"ru": "Менеджер Анна, слушаю.", "en": "Anna from sales speaking."}
"""What the simulated manager says on answering, per language (English otherwise)."""


def manager_line(language: str) -> str:
    return MANAGER_LINES.get(language.split("-")[0].lower(), MANAGER_LINES["en"])


def transfer_variables(script: Script) -> set[str]:
    """The call variables a script's transfer targets are made of (`{{ manager }}`)."""
    names: set[str] = set()
    for template in transfer_templates(script):
        names |= undeclared_names(template)
    return names & set(script.variables)


def accept_key(script: Script) -> str | None:
    """The key that accepts the script's bridged transfers (after a whisper), if any."""
    return next((c.accept.dtmf[0] for c in connects(script)
                 if c.mode == "bridge" and c.accept is not None and c.accept.dtmf), None)


def whispers(script: Script) -> bool:
    """Whether a bridged transfer of the script whispers to the person it reaches."""
    return any(c.mode == "bridge" and c.whisper is not None for c in connects(script))


@dataclass
class ManagerLog:
    """What happened at the simulated manager's phone."""

    uri: str
    line: str
    answered: int = 0
    """Calls answered."""
    said: int = 0
    """Times the line was said to the end."""
    callers: list[str] = field(default_factory=list)
    """Who called (the caller's user, or the robot's on a bridged transfer)."""

    def document(self) -> dict[str, Any]:
        return {"uri": self.uri, "line": self.line, "answered": self.answered,
                "said": self.said, "callers": list(self.callers)}


REPEATS = 3
"""A bridged call without a whisper: the line is said up to this many times, as a person
says "hello?" again when nobody answers (the robot puts the caller through only after its
own last words, so the first one may go unheard)."""
ANSWER_WAIT_S = 2.0
"""How long the manager waits for an answer before saying the line again."""


class SimulatedManager:
    """Answers, says its line, and waits for the hang-up. A call from `robot_user` is a
    bridged transfer: with `whisper`, the manager hears the whisper out, accepts with
    `accept_key` (if one is needed) and speaks; without, it says its line again until
    someone answers or hangs up (at most `REPEATS` times)."""

    def __init__(self, ua: SipUserAgent, speech: CallSpeech, line: str, *,
                 robot_user: str | None = None, whisper: bool = False,
                 accept_key: str | None = None, wait_s: float = 30.0) -> None:
        self.ua = ua
        self.speech = speech
        self.robot_user = robot_user
        self.whisper = whisper
        self.accept_key = accept_key
        self.wait_s = wait_s
        self.log = ManagerLog(self.uri_of(ua), line)
        self.answered = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._server = asyncio.get_running_loop().create_task(self._serve())

    @classmethod
    async def start(cls, speech: CallSpeech, line: str | None = None, *,
                    robot_user: str | None = None, whisper: bool = False,
                    accept_key: str | None = None) -> SimulatedManager:
        ua = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="manager",
                                                tcp=False))
        return cls(ua, speech, line or manager_line(speech.language),
                   robot_user=robot_user, whisper=whisper, accept_key=accept_key)

    @staticmethod
    def uri_of(ua: SipUserAgent) -> str:
        return f"sip:{ua.config.user}@127.0.0.1:{ua.local_port}"

    @property
    def uri(self) -> str:
        return self.log.uri

    @property
    def address(self) -> str:
        """HOST:PORT of the manager's phone."""
        return f"127.0.0.1:{self.ua.local_port}"

    async def _serve(self) -> None:
        async for incoming in self.ua.incoming():
            task = asyncio.get_running_loop().create_task(self._take(incoming))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _take(self, incoming: IncomingCall) -> None:
        incoming.ring()
        try:
            leg = await incoming.answer()
        except Exception:  # the caller gave up while it rang
            log.info("simulated manager: the call %s went away", incoming.info.call_id)
            return
        self.log.answered += 1
        self.log.callers.append(incoming.info.caller)
        self.answered.set()
        await self._talk(leg, bridged=incoming.info.caller == self.robot_user)

    async def _talk(self, leg: CallLeg, *, bridged: bool) -> None:
        me = SimulatedCaller(leg, self.speech, wait_s=self.wait_s)
        try:
            repeats = 1
            if bridged and self.whisper:
                await me.wait_robot_quiet()  # the whisper, to its end
                if self.accept_key is not None and not me.ended.is_set():
                    await me.press(self.accept_key)
            elif bridged:
                repeats = REPEATS
            for _ in range(repeats):
                if me.ended.is_set():
                    break
                await me.say(self.log.line)
                if not me.ended.is_set():
                    self.log.said += 1
                if await me.until(lambda: me.robot_talking, timeout=ANSWER_WAIT_S):
                    break  # an answer: no need to say it again
            await me.ended.wait()
        finally:
            with contextlib.suppress(Exception):
                await leg.hangup()
            await me.close()

    async def close(self) -> None:
        self._server.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(self._server, *self._tasks, return_exceptions=True)
        await self.ua.close()

