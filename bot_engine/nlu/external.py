"""Asking a server outside the process how to read one caller turn: Rasa or an LLM.

The dialogue engine is pure, so it never calls these. It says what to ask
(`ExternalRequest`, from `Dialog.understanding_request`), a shell awaits `consult` and
attaches the `ExternalReading` to the turn's `UserSaid`. `consult` never raises and never
waits longer than the request's deadlines: any failure (refused, slow, a 500, a body that
is not the documented shape, an option outside the closed set) is None, and the engine
then uses its offline reading.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot_engine.nlu.http import STRICT, NluBackendError, Outbound
from bot_engine.nlu.lang import Lang
from bot_engine.nlu.secrets import SecretLookup, from_environment

log = logging.getLogger(__name__)


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


# Rasa's stock intent names for a yes/no answer.
_RASA_POLAR = {"affirm": "yes", "deny": "no"}


class _MissingSecret(Exception):
    pass


def _secret(name: str | None, lookup: SecretLookup, what: str) -> str | None:
    if name is None:
        return None
    value = lookup(name)
    if value is None:
        raise _MissingSecret(f"{what} {name!r} is not set (VOICEBOT_NLU_KEY_{name})")
    return value


async def consult(
    request: ExternalRequest | None,
    secrets: SecretLookup = from_environment,
    outbound: Outbound = STRICT,
) -> ExternalReading | None:
    """Rasa first (when named), then the LLM (when the offline reading was unsure).

    ``secrets`` resolves the credentials the script names (default: the environment,
    `nlu.secrets`); a named credential that does not resolve skips that server.
    ``outbound`` is the shell's guard for tenant-named URLs (`nlu.http.Outbound`)."""
    if request is None:
        return None
    if request.rasa is not None:
        reading = await _guarded("Rasa", _rasa(request, request.rasa, secrets, outbound))
        if reading is not None:
            return reading
    if request.llm is not None:
        from bot_engine.nlu.llm import classify

        target = request.llm
        return await _guarded("LLM", _with_key(target, secrets, classify, request, outbound))
    return None


async def _with_key(
    target: LlmTarget,
    secrets: SecretLookup,
    classify: Any,
    request: ExternalRequest,
    outbound: Outbound,
) -> ExternalReading | None:
    key = _secret(target.api_key_env, secrets, "the LLM key")
    result: ExternalReading | None = await classify(
        request, target, api_key=key, outbound=outbound
    )
    return result


def consult_sync(
    request: ExternalRequest | None,
    secrets: SecretLookup = from_environment,
    outbound: Outbound = STRICT,
) -> ExternalReading | None:
    """`consult` for the text shells, which run outside an event loop."""
    if request is None:
        return None
    return asyncio.run(consult(request, secrets, outbound))


async def _guarded(name: str, call: Any) -> ExternalReading | None:
    try:
        result: ExternalReading | None = await call
        return result
    except (NluBackendError, _MissingSecret) as exc:
        log.warning("%s could not read the turn, using the built-in reading: %s", name, exc)
    except Exception:
        log.exception("%s reading failed, using the built-in reading", name)
    return None


async def _rasa(
    request: ExternalRequest, target: RasaTarget, secrets: SecretLookup, outbound: Outbound
) -> ExternalReading | None:
    from bot_engine.nlu.rasa import RasaNluBackend

    token = _secret(target.token_env, secrets, "the Rasa token")
    parse = await RasaNluBackend(
        target.url, timeout_s=target.timeout_s, token=token, outbound=outbound
    ).parse(request.text)
    slots = {e.entity: e.value for e in parse.entities if e.entity in request.slots}
    options = set(request.options)

    def option(name: str | None) -> str | None:
        if name is None:
            return None
        name = _RASA_POLAR.get(name, name) if "yes" in options else name
        return name if name in options else None

    choice = option(parse.intent)
    if choice is None and slots and "ok" in options:
        choice = "ok"
    if choice is None:
        return None
    ranking = [(o, score) for name, score in parse.ranking if (o := option(name)) is not None]
    return ExternalReading(intent=choice, confidence=parse.confidence, ranking=ranking,
                           source="rasa", slots=slots)
