"""Semantic end of turn in a live call: the audio policy (`asr_tts.turn`) told what the
words at each pause say (`dialog.completeness`).

The session already decodes the caller speculatively at a pause (`utterance.Utterance`).
When that decode finishes, its text is judged for the step the dialog waits on and handed
to the policy, which then ends the turn at the short wait ("да, это я" on a yes/no step),
keeps it open ("…и", "…в"), or lets Smart Turn's verdict decide. The session calls three
things: `turn_end(...)` once, `start` at speech start and `push` on every frame of the
utterance; and it sets `on_over`, called when a transcript arriving between two frames
ends the turn (the reply then goes at once, as it would with the VAD window, instead of
up to a frame later).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable

from asr_tts.turn import Completeness, SmartEndpointing, SmartTurnSettings
from asr_tts.turn_policy import punctuates
from bot_engine.call.speech import CallSpeech
from bot_engine.call.utterance import Heard, Utterance
from bot_engine.dialog.completeness import step_completeness
from bot_engine.dialog.engine import Dialog


class TurnEnd:
    """One call's end-of-turn policy with the transcript wired in."""

    def __init__(self, smart: SmartEndpointing,
                 judge: Callable[[str, bool], Completeness]) -> None:
        """`judge(text, punctuated)` says what the words complete (`step_completeness`)."""
        self.smart = smart
        self._judge = judge
        self._hooked: asyncio.Task[Heard] | None = None
        self.on_over: Callable[[], None] | None = None
        """Called when the turn ends between frames (a transcript arrived)."""

    @property
    def settings(self) -> SmartTurnSettings:
        return self.smart.settings

    def start(self, audio: bytes) -> None:
        self.smart.start(audio)
        self._hooked = None

    def push(self, frame: bytes, silence_ms: int, utterance: Utterance) -> bool:
        """One frame of the utterance (after the session's speculation step); True when
        the turn is over."""
        spec = utterance.speculation
        if (self.settings.use_text and silence_ms and spec is not None
                and spec is not self._hooked):
            self._hooked = spec
            spec.add_done_callback(functools.partial(self._heard, self.smart.expect_text()))
        return self.smart.push(frame, silence_ms)

    def _heard(self, token: int, task: asyncio.Task[Heard]) -> None:
        verdict: Completeness | None = None
        if not task.cancelled() and task.exception() is None:
            heard = task.result()
            if heard.error is None:
                try:
                    verdict = self._judge(heard.text, punctuates(heard.engine))
                except Exception:  # a judge that fails leaves the audio in charge
                    verdict = None
        if self.smart.hear_text(token, verdict) and self.on_over is not None:
            self.on_over()


def turn_end(speech: CallSpeech, sample_rate: int, settings: SmartTurnSettings,
             dialog: Dialog) -> TurnEnd | None:
    """The policy for a call whose endpointing is `smart`, or None where the model cannot
    be had (the VAD window decides; `CallSpeech.smart_endpointing` logs it once)."""
    smart = speech.smart_endpointing(sample_rate, settings)
    if smart is None:
        return None
    return TurnEnd(smart, functools.partial(step_completeness, dialog))
