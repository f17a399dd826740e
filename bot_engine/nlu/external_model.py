"""What a shell asks a server outside the process about one turn, and what it answers:
the models `external` (which asks) and `llm` (one way of answering) share."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot_engine.nlu.lang import Lang


class ExternalReading(BaseModel):
    """An outside reading of one turn: the chosen option and raw slot values.

    ``intent`` is one of the request's options (a branch, a handler, yes/no, ok) or None;
    the engine accepts it only if it is one of the step's options, and parses ``slots``
    with its own typed parsers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: str | None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    ranking: list[tuple[str, float]] = Field(default_factory=list)
    source: Literal["rasa", "llm", "external"] = "external"
    slots: dict[str, Any] = Field(default_factory=dict)


class RasaTarget(BaseModel):
    model_config = ConfigDict(frozen=True)

    url: str
    timeout_s: float
    token_env: str | None = None
    """The token's name (`nlu.secrets`), resolved only when the server is asked."""


class LlmTarget(BaseModel):
    model_config = ConfigDict(frozen=True)

    url: str
    model: str
    timeout_s: float
    api_key_env: str | None = None
    """The key's name (`nlu.secrets`), resolved only when the server is asked."""


class ExternalRequest(BaseModel):
    """What to ask about one turn: the reply, the question, the closed set of options."""

    model_config = ConfigDict(frozen=True)

    text: str
    lang: Lang
    question: str = ""
    options: list[str]
    """The step's closed set: yes/no or ok, its intents, the global handlers."""
    hints: dict[str, str] = Field(default_factory=dict)
    """Option -> what it means, for the LLM (a script intent's first examples)."""
    slots: dict[str, str] = Field(default_factory=dict)
    """Slot name -> entity type the step may fill from this reply."""
    rasa: RasaTarget | None = None
    llm: LlmTarget | None = None
