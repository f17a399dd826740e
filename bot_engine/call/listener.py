"""The caller's side of a live call: what the Dialog asked to hear (one `Listen` at a
time), the utterance that is being heard (started at speech start, finished at the
endpoint, read without blocking), keys into the DTMF collector, and the two timers that
end a wait: no input, and the pause between keys.

It decides nothing about prompts or the Dialog: the session says when speech started
(after its barge-in decision) and is told when a wait ended without input or a key
sequence is complete. A timer or a result that arrives for a `Listen` that has since been
replaced is dropped (each `Listen` has its own token).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot_engine.call.dtmf import DEFAULT_SPEC, DtmfCollector
from bot_engine.call.speech import CallSpeech
from bot_engine.call.utterance import Utterance
from bot_engine.dialog import actions as act


@dataclass
class Hearing:
    """An utterance under way: its recognizer, where the caller's turn began in the
    recording, and whether it cut a prompt."""

    utterance: Utterance
    turn_start_sample: int
    barged: bool = False


@dataclass
class Listening:
    listen: act.Listen
    token: int
    dtmf: DtmfCollector = field(default_factory=DtmfCollector)
    utt: Hearing | None = None
    standby: Utterance | None = None
    """A recognizer already started, waiting for speech."""
    recognizing: int = 0
    """Utterances finished at their endpoint whose text has not come back yet."""
    no_input: asyncio.TimerHandle | None = None
    digit_timer: asyncio.TimerHandle | None = None


class Listener:
    def __init__(
        self,
        speech: CallSpeech,
        *,
        alive: Callable[[], bool],
        robot_talking: Callable[[], bool],
        on_no_input: Callable[[Listening], None],
        on_keys: Callable[[Listening, str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`alive` says whether the Dialog still listens at all; `robot_talking` holds
        the no-input timer back while a prompt plays; `on_no_input` and `on_keys(digits)`
        are told once per `Listen`, after it has stopped."""
        self.speech = speech
        self.active: Listening | None = None
        self._alive = alive
        self._robot_talking = robot_talking
        self._on_no_input = on_no_input
        self._on_keys = on_keys
        self._clock = clock
        self._token = 0

    def arm(self, listen: act.Listen) -> Listening:
        """Listen for this step from now on (any earlier wait is replaced, and its
        recognizer closed: a stream left open would wait for audio until the call ends)."""
        if self.active is not None:
            self.stop(self.active)
        self._token += 1
        listening = self.active = Listening(listen, self._token,
                                            DtmfCollector(listen.dtmf or DEFAULT_SPEC))
        self.standby(listening)
        return listening

    def standby(self, listening: Listening, *, now: bool = False) -> None:
        """Start a recognizer ahead of speech (when the engine gains from it, or `now`)."""
        if listening.standby is None and (now or self.speech.prestart):
            listen = listening.listen
            listening.standby = Utterance(self.speech, list(listen.hints), listen.grammar)

    def current(self, token: int) -> Listening | None:
        listening = self.active
        if listening is None or listening.token != token or not self._alive():
            return None
        return listening

    def stop(self, listening: Listening) -> None:
        for handle in (listening.no_input, listening.digit_timer):
            if handle is not None:
                handle.cancel()
        if listening.utt is not None:
            listening.utt.utterance.abort()
            listening.utt = None
        if listening.standby is not None:
            listening.standby.abort()
            listening.standby = None
        if self.active is listening:
            self.active = None

    # -- no input ----------------------------------------------------------------------

    def wait_for_input(self, listening: Listening) -> None:
        """(Re)start the no-input timer, unless keys are being entered."""
        if listening.no_input is not None:
            listening.no_input.cancel()
        if listening.dtmf.digits:
            return
        listening.no_input = asyncio.get_running_loop().call_later(
            listening.listen.timeout_ms / 1000, self._no_input, listening.token)

    def _no_input(self, token: int) -> None:
        listening = self.current(token)
        if listening is None or listening.utt is not None or listening.recognizing:
            return
        if self._robot_talking() or listening.dtmf.digits:
            return
        self.stop(listening)
        self._on_no_input(listening)

    # -- the utterance -----------------------------------------------------------------

    def begin(self, listening: Listening, audio: bytes, start_sample: int,
              barged: bool) -> None:
        """Speech started (`audio`: the VAD's window with its pre-roll)."""
        if listening.no_input is not None:
            listening.no_input.cancel()
        self.standby(listening, now=True)
        utterance, listening.standby = listening.standby, None
        assert utterance is not None
        utterance.feed(audio)
        listening.utt = Hearing(utterance, start_sample, barged)

    def end(self, listening: Listening) -> Hearing | None:
        """The endpoint: the utterance goes to the recognizer's final decode."""
        utt, listening.utt = listening.utt, None
        if utt is not None:
            listening.recognizing += 1
            utt.utterance.finish()
        return utt

    def recognized(self, listening: Listening, text: str, *, prompt_on_leg: bool) -> bool:
        """A final text came back; False when it is no longer wanted. Empty text (noise,
        or words the recognizer could not make out) keeps listening, and restarts the
        no-input wait unless a prompt is on the leg."""
        listening.recognizing -= 1
        if self.current(listening.token) is None:
            return False
        if not text.strip():
            self.standby(listening)
            if not prompt_on_leg and listening.utt is None:
                self.wait_for_input(listening)
            return False
        self.stop(listening)
        return True

    # -- keys --------------------------------------------------------------------------

    def key(self, listening: Listening, digit: str) -> None:
        """A key ends any utterance under way; a complete sequence goes to `on_keys`."""
        if listening.no_input is not None:
            listening.no_input.cancel()
        if listening.utt is not None:
            listening.utt.utterance.abort()
            listening.utt = None
        if listening.digit_timer is not None:
            listening.digit_timer.cancel()
        digits = listening.dtmf.push(digit, self._clock())
        if digits is not None:
            self._keys(listening, digits)
            return
        deadline = listening.dtmf.deadline
        if deadline is not None:
            listening.digit_timer = asyncio.get_running_loop().call_later(
                max(0.0, deadline - self._clock()), self._digit_timeout, listening.token)

    def _digit_timeout(self, token: int) -> None:
        listening = self.current(token)
        if listening is None:
            return
        digits = listening.dtmf.expire(self._clock() + 1e-3)
        if digits:
            self._keys(listening, digits)

    def _keys(self, listening: Listening, digits: str) -> None:
        self.stop(listening)
        self._on_keys(listening, digits)
