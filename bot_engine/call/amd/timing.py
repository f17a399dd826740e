"""Greeting timing analysis in the manner of Asterisk's app_amd.

Pure logic over one speech/silence flag per frame: a person answers with a short
greeting ("Алло?") and then waits in silence; a machine talks longer, in more bursts,
or not at all. The counters and their order follow app_amd so its tuning advice applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot_engine.call.amd.result import AmdDecision, AmdReason
from bot_engine.call.amd.settings import AmdSettings


@dataclass(frozen=True, slots=True)
class TimingVerdict:
    decision: AmdDecision
    reason: AmdReason
    detail: str


class GreetingTimer:
    """Counts speech, silence and words; returns a verdict once one is reached."""

    def __init__(self, settings: AmdSettings, frame_ms: int = 20) -> None:
        self.s = settings
        self.frame_ms = frame_ms
        self.silence_ms = 0
        self.speech_ms = 0
        self.consecutive_speech_ms = 0
        self.words = 0
        self.in_word = False
        self.in_initial_silence = True
        self.in_greeting = False
        self.elapsed_ms = 0
        self.greeting_start_ms: int | None = None
        """Audio time where the first word began (the greeting's start, for an ASR)."""

    def feed(self, is_speech: bool) -> TimingVerdict | None:
        s = self.s
        self.elapsed_ms += self.frame_ms
        if not is_speech:
            self.silence_ms += self.frame_ms
            self.consecutive_speech_ms = 0
            if self.silence_ms >= s.between_words_silence_ms and self.in_word:
                self.in_word = False
            if self.in_initial_silence and self.silence_ms >= s.initial_silence_ms:
                return TimingVerdict(
                    AmdDecision(s.initial_silence_decision),
                    AmdReason.INITIAL_SILENCE,
                    f"{self.silence_ms} ms of silence before any speech",
                )
            if self.in_greeting and self.silence_ms >= s.after_greeting_silence_ms:
                return TimingVerdict(
                    AmdDecision.HUMAN,
                    AmdReason.SILENCE_AFTER_GREETING,
                    f"{self.words} word(s), {self.speech_ms} ms of speech, "
                    f"then {self.silence_ms} ms of silence",
                )
        else:
            self.consecutive_speech_ms += self.frame_ms
            self.speech_ms += self.frame_ms
            if self.consecutive_speech_ms >= s.min_word_ms and not self.in_word:
                self.words += 1
                self.in_word = True
                if self.greeting_start_ms is None:
                    self.greeting_start_ms = self.elapsed_ms - self.consecutive_speech_ms
            if self.consecutive_speech_ms >= s.max_word_ms:
                return TimingVerdict(
                    AmdDecision.MACHINE,
                    AmdReason.MAX_WORD_LENGTH,
                    f"one burst of {self.consecutive_speech_ms} ms",
                )
            if self.words > s.max_words:
                return TimingVerdict(
                    AmdDecision.MACHINE,
                    AmdReason.MAX_WORDS,
                    f"{self.words} words (more than {s.max_words})",
                )
            if self.in_greeting and self.speech_ms >= s.greeting_ms:
                return TimingVerdict(
                    AmdDecision.MACHINE,
                    AmdReason.LONG_GREETING,
                    f"{self.speech_ms} ms of speech (at least {s.greeting_ms})",
                )
            if self.consecutive_speech_ms >= s.min_word_ms:
                # A real word, not a click: the greeting has started and silence restarts.
                self.silence_ms = 0
                self.in_initial_silence = False
                self.in_greeting = True
        if self.elapsed_ms >= s.total_analysis_ms:
            return TimingVerdict(
                AmdDecision.NOT_SURE,
                AmdReason.TOO_LONG,
                f"no verdict within {s.total_analysis_ms} ms",
            )
        return None
