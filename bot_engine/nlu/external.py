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
from typing import Any

from bot_engine.nlu.errors import NluError
from bot_engine.nlu.external_model import ExternalReading, ExternalRequest, LlmTarget, RasaTarget
from bot_engine.nlu.http import STRICT, NluBackendError, Outbound
from bot_engine.nlu.llm import classify
from bot_engine.nlu.secrets import SecretLookup, from_environment

__all__ = [
    "ExternalReading",
    "ExternalRequest",
    "LlmTarget",
    "RasaTarget",
    "consult",
    "consult_sync",
]

log = logging.getLogger(__name__)


# Rasa's stock intent names for a yes/no answer.
_RASA_POLAR = {"affirm": "yes", "deny": "no"}


class _MissingSecret(NluError):
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
