"""A simulated manager for loopback calls: the person a script's transfer reaches.

A second SIP user agent on 127.0.0.1 (an ephemeral port), in the same process as the
robot and the simulated caller: it answers every call, says one short line in the
script's language with the offline voice, and stays on the line until the other side
hangs up. So `voicebot demo` and `voicebot simulate-call` show a transfer that connects,
whether the robot bridges the call or the caller's phone follows a REFER.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from bot_engine.call.simulated_voices import CallerVoice, caller_voice, render_line
from bot_engine.call.speech import CallSpeech
from bot_engine.call.transfer_guard import transfer_templates
from bot_engine.script.model import Script
from bot_engine.script.templates import undeclared_names
from media_gateway.call_leg import CallEnded, CallLeg
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


class SimulatedManager:
    """Answers, says its line once per call, and waits for the hang-up."""

    def __init__(self, ua: SipUserAgent, speech: CallSpeech, voice: CallerVoice,
                 line: str) -> None:
        self.ua = ua
        self.speech = speech
        self.voice = voice
        self.log = ManagerLog(self.uri_of(ua), line)
        self.answered = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._server = asyncio.get_running_loop().create_task(self._serve())

    @classmethod
    async def start(cls, speech: CallSpeech, line: str | None = None) -> SimulatedManager:
        ua = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="manager",
                                                tcp=False))
        return cls(ua, speech, caller_voice(speech), line or manager_line(speech.language))

    @staticmethod
    def uri_of(ua: SipUserAgent) -> str:
        return f"sip:{ua.config.user}@127.0.0.1:{ua.local_port}"

    @property
    def uri(self) -> str:
        return self.log.uri

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
        await self._talk(leg)

    async def _talk(self, leg: CallLeg) -> None:
        ended = asyncio.get_running_loop().create_task(_until_ended(leg))
        try:
            pcm = await render_line(self.speech, self.voice, self.log.line, leg.sample_rate)
            await leg.play(pcm).wait()
            if not ended.done():
                self.log.said += 1
            await ended
        finally:
            ended.cancel()
            with contextlib.suppress(Exception):
                await leg.hangup()

    async def close(self) -> None:
        self._server.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(self._server, *self._tasks, return_exceptions=True)
        await self.ua.close()


async def _until_ended(leg: CallLeg) -> None:
    async for event in leg.events():
        if isinstance(event, CallEnded):
            return
