"""Engines by configuration name, shared by ASR and TTS so both report unknown names the
same way and third parties can plug engines in without editing this package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from asr_tts.errors import UnknownEngineError
from asr_tts.settings import SpeechSettings

T = TypeVar("T")


class EngineRegistry(Generic[T]):
    def __init__(self, kind: str, engines: dict[str, Callable[[SpeechSettings], T]]) -> None:
        self.kind = kind
        self._engines = dict(engines)

    def register(self, name: str, factory: Callable[[SpeechSettings], T]) -> None:
        """Add (or replace) an engine under a configuration name."""
        self._engines[name] = factory

    def names(self) -> list[str]:
        return sorted(self._engines)

    def check(self, name: str) -> None:
        """Raise UnknownEngineError naming the known engines: a typo in the configuration
        fails at start, not on the first call."""
        if name not in self._engines:
            raise UnknownEngineError(
                f"unknown {self.kind} engine {name!r}; known: {', '.join(self.names())}"
            )

    def create(self, name: str, config: SpeechSettings) -> T:
        """One engine by name, without fallback."""
        self.check(name)
        return self._engines[name](config)
