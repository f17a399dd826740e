"""The end-of-turn decision at a pause, as a pure function of what is known so far.

Inputs, all about the current pause (the caller speaking again clears them):
- the silence so far, as the VAD counts it;
- Smart Turn's latest P(complete), if a verdict has arrived (it may be asked twice in one
  pause: the second verdict, with more trailing silence heard, replaces the first);
- what the transcript of the audio so far says (`Completeness`), judged by the dialog
  layer for the current step, if a speculative decode has finished;
- whether such a decode is still running.

The wait, from the strongest evidence down:
1. text `incomplete` (it ends in "и", "но", "в", "and", "the", "um"…): `incomplete_ms`;
2. text `complete` (a clear answer to the step's question): `complete_ms`;
3. a verdict: `complete_ms` at P ≥ `threshold`; below it, a wait graded by P from
   `unsure_ms` (P just under the threshold) to `incomplete_ms` (P = 0); with `unsure_ms`
   None, `incomplete_ms` for every P below (two fixed waits);
4. nothing yet: no decision (the VAD's window, `cap_ms`, ends the turn).

A turn never ends while the transcript of this pause is being decoded (`use_text`): the
reply cannot go out before that transcript anyway (it is the one the dialog will read),
so holding on costs no time and lets a late "…and" keep the turn open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

_PUNCTUATING = ("whisper",)


def punctuates(engine: str) -> bool:
    """Whether a recognizer's text carries sentence punctuation it chose from the audio
    (Whisper ends a sentence it heard end with a full stop); Vosk's has none."""
    return engine.lower().startswith(_PUNCTUATING)


Completeness = Literal["complete", "incomplete", "unknown"]
"""What the words so far say about the turn: `complete` (a full answer to the step),
`incomplete` (they stop mid-phrase), `unknown` (they cannot tell)."""


@dataclass(frozen=True, slots=True)
class SmartTurnSettings:
    """The defaults are those `bench/turn_replay.py` chose on the tuning half of 440 recorded
    human turns (Russian and English) and checked on the other half: see docs/speech.md."""

    complete_ms: int = 200
    """Silence after which a turn judged complete ends."""
    incomplete_ms: int = 1000
    """Silence after which a turn judged incomplete ends anyway."""
    cap_ms: int = 1500
    """Silence after which any turn ends, verdict or not (the VAD window)."""
    check_ms: int = 160
    """Silence at which the model is asked."""
    threshold: float = 0.4
    """P(complete) at or above which the model's verdict is `complete`."""
    recheck_ms: int | None = None
    """Silence at which the model is asked again when its first verdict was below the
    threshold (None: once per pause). A second look did not pay: with more silence heard
    the model leans to "complete" for pauses and ends alike."""
    unsure_ms: int | None = 300
    """Wait for a verdict just below the threshold; the wait grows linearly to
    `incomplete_ms` as P falls to 0. None: `incomplete_ms` for any P below."""
    use_text: bool = True
    """Let the transcript's completeness decide where it can (see the module docstring)."""
    speculate_ms: int = 60
    """Silence at which the call decodes the turn so far (the session's `speculate_ms` with
    VAD endpointing, 100 ms). Sooner here because a smart turn ends no sooner than its
    transcript: chosen on the tuning half of the recorded Russian turns, 60 ms ended whole
    turns 40 ms sooner than 100 ms at the same cut-offs; 40 ms gained nothing more and
    tripled the talked-over decodes (docs/speech.md)."""

    def __post_init__(self) -> None:
        if not 0 < self.speculate_ms < self.cap_ms:
            raise ValueError("need 0 < speculate_ms < cap_ms")
        if not 0 < self.check_ms <= self.complete_ms < self.incomplete_ms <= self.cap_ms:
            raise ValueError("need 0 < check_ms <= complete_ms < incomplete_ms <= cap_ms")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be in (0, 1)")
        if self.recheck_ms is not None and not self.check_ms < self.recheck_ms < self.cap_ms:
            raise ValueError("need check_ms < recheck_ms < cap_ms")
        if self.unsure_ms is not None and not (
                self.complete_ms <= self.unsure_ms <= self.incomplete_ms):
            raise ValueError("need complete_ms <= unsure_ms <= incomplete_ms")


def wait_ms(settings: SmartTurnSettings, probability: float | None,
            text: Completeness | None = None) -> int | None:
    """The silence after which this pause ends the turn; None while nothing is known."""
    s = settings
    if s.use_text and text == "incomplete":
        return s.incomplete_ms
    if s.use_text and text == "complete":
        return s.complete_ms
    if probability is None:
        return None
    if probability >= s.threshold:
        return s.complete_ms
    if s.unsure_ms is None:
        return s.incomplete_ms
    share = max(0.0, probability) / s.threshold
    return round(s.incomplete_ms - (s.incomplete_ms - s.unsure_ms) * share)


def turn_over(settings: SmartTurnSettings, silence_ms: int, probability: float | None,
              text: Completeness | None = None, text_pending: bool = False) -> bool:
    """True when the turn ends at this much silence (see the module docstring)."""
    if settings.use_text and text_pending and text is None:
        return False
    wait = wait_ms(settings, probability, text)
    return wait is not None and silence_ms >= wait


def ask_at(settings: SmartTurnSettings, silence_ms: int, asked: int,
           probability: float | None) -> bool:
    """Whether to ask the model now, having asked `asked` times in this pause and heard
    `probability` back (None: no answer yet)."""
    if asked == 0:
        return silence_ms >= settings.check_ms
    return (asked == 1 and settings.recheck_ms is not None and probability is not None
            and probability < settings.threshold and silence_ms >= settings.recheck_ms)
