"""An LLM as a classifier of uncertain turns, over any OpenAI-compatible chat-completions
endpoint (vLLM, Ollama, llama.cpp server, YandexGPT and GigaChat gateways).

The model never writes what the robot says and never picks a step: it chooses one of the
step's closed set of options (or none) and copies slot values from the reply, as JSON.
Its answer is parsed strictly (`_Choice`), the choice must be one of the options, and the
engine parses every slot value with its own typed parsers, so a wrong or creative answer
can only make the turn the offline reading it would have been anyway.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot_engine.nlu.external_model import ExternalReading, ExternalRequest, LlmTarget
from bot_engine.nlu.http import STRICT, NluBackendError, Outbound, post_json

_GLOSS = {
    "yes": "the caller answers yes to the question",
    "no": "the caller answers no to the question",
    "ok": "the caller gives the value the question asks for",
    "operator": "the caller asks for a human, an operator or a manager",
    "repeat": "the caller did not hear or asks to repeat",
    "opt_out": "the caller asks never to be called again",
    "who_is_this": "the caller asks who is calling or why",
}
_SYSTEM = (
    "You classify one reply of a person on a phone call. Choose exactly one option from "
    "the list, or \"no_match\" when none fits. Copy slot values from the reply as the "
    "caller said them, or null. Answer with one JSON object only: "
    '{"choice": "<option>", "confidence": <0..1>, "slots": {"<slot>": "<words or null>"}}'
)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


class _Message(BaseModel):
    content: str | None = None


class _ChatChoice(BaseModel):
    message: _Message


class _ChatResponse(BaseModel):
    choices: list[_ChatChoice] = Field(min_length=1)


class _Choice(BaseModel):
    model_config = ConfigDict(extra="ignore")

    choice: str = Field(max_length=100)
    confidence: float = Field(default=0.9, ge=0.0, le=1.0)
    slots: dict[str, str | int | float | None] = Field(default_factory=dict, max_length=20)


def prompt(request: ExternalRequest) -> list[dict[str, str]]:
    """The chat messages for one turn (kept small: a step's options and one reply)."""
    options = {name: request.hints.get(name) or _GLOSS.get(name, name)
               for name in request.options}
    user = {
        "language": request.lang,
        "question": request.question[:500],
        "reply": request.text[:500],
        "options": options,
        "slots": request.slots,
    }
    return [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": json.dumps(user, ensure_ascii=False)},
    ]


async def classify(
    request: ExternalRequest,
    target: LlmTarget,
    api_key: str | None = None,
    outbound: Outbound = STRICT,
) -> ExternalReading | None:
    """The model's choice for ``request``; None when it chose no_match. ``api_key`` is the
    resolved credential the script named (`nlu.secrets`), sent as a bearer token.

    Raises `NluBackendError` for anything but a well-formed answer within the deadline."""
    body: dict[str, Any] = {
        "model": target.model,
        "messages": prompt(request),
        "temperature": 0,
        "max_tokens": 200,
        "response_format": {"type": "json_object"},
    }
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    data = await post_json(
        target.url.rstrip("/") + "/chat/completions", body, service="LLM",
        timeout_s=target.timeout_s, headers=headers, outbound=outbound,
    )
    try:
        content = _ChatResponse.model_validate(data).choices[0].message.content or ""
        answer = _Choice.model_validate_json(_FENCE.sub("", content.strip()))
    except ValidationError as exc:
        raise NluBackendError(f"LLM answered an unexpected body: {exc}") from exc
    if answer.choice == "no_match":
        return None
    if answer.choice not in request.options:
        raise NluBackendError(f"LLM chose {answer.choice!r}, not one of {request.options}")
    slots = {name: value for name, value in answer.slots.items()
             if name in request.slots and value is not None}
    return ExternalReading(intent=answer.choice, confidence=answer.confidence,
                           source="llm", slots=slots)
