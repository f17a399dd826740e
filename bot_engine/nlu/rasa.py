"""Rasa interop: import Rasa 3 ``nlu.yml`` training data, or ask a running Rasa server.

Rasa itself is not a dependency (it supports Python <= 3.10 and runs as its own
server); only its file format and its documented ``POST /model/parse`` response are used.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot_engine.nlu.errors import NluInputError, RasaFileError
from bot_engine.nlu.http import STRICT, NluBackendError, Outbound, post_json

__all__ = ["NluBackendError", "RasaNluBackend"]
from bot_engine.nlu.intents import IntentMatch, IntentSpec
from bot_engine.tenant_regex import PatternError, compile_pattern

# [сто тысяч](amount), [Иван]{"entity": "name"}, [Ivan]{"entity": "name", "value": "x"}
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_MAX_SYNONYM_VARIANTS = 20


def _strip_annotations(text: str) -> str:
    return _ANNOTATION.sub(r"\1", text).strip()


def _example_lines(block: Any, where: str) -> list[str]:
    if block is None:
        return []
    if isinstance(block, str):
        out = []
        for line in block.splitlines():
            line = line.strip()
            if not line:
                continue
            if not line.startswith("-"):
                raise RasaFileError(f"{where}: example lines must start with '- ', got {line!r}")
            out.append(line[1:].strip())
        return out
    if isinstance(block, list):  # the extended form: [{text: ..., metadata: ...}, ...]
        out = []
        for item in block:
            text = item.get("text") if isinstance(item, dict) else item
            if not isinstance(text, str):
                raise RasaFileError(f"{where}: each example needs a 'text' string, got {item!r}")
            out.append(text.strip())
        return out
    raise RasaFileError(f"{where}: 'examples' must be a '|' block of '- ' lines or a list")


def load_rasa_nlu(yaml_text: str) -> dict[str, IntentSpec]:
    """Intents from Rasa 3 ``nlu.yml`` text.

    Entity annotations are reduced to their text; ``regex:`` entries become patterns of
    the intent with the same name (other regexes describe entities and are skipped);
    ``synonym:`` entries add example variants, so "pink pig" in an example also teaches
    its synonyms. ``lookup:`` tables are entity data and are ignored.
    """
    try:
        data = YAML(typ="safe", pure=True).load(yaml_text)
    except YAMLError as exc:
        raise RasaFileError(f"nlu.yml is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
        raise RasaFileError("nlu.yml must be a mapping with an 'nlu:' list (Rasa 3 format)")
    intents: dict[str, IntentSpec] = {}
    regexes: dict[str, list[str]] = {}
    synonyms: list[tuple[str, list[str]]] = []
    for n, item in enumerate(data["nlu"]):
        where = f"nlu[{n}]"
        if not isinstance(item, dict):
            raise RasaFileError(f"{where}: expected a mapping with intent/regex/synonym/lookup")
        if "intent" in item:
            name = str(item["intent"])
            spec = intents.setdefault(name, IntentSpec())
            examples = _example_lines(item.get("examples"), f"{where} (intent {name})")
            spec.examples.extend(e for e in map(_strip_annotations, examples) if e)
        elif "regex" in item:
            name = str(item["regex"])
            regexes.setdefault(name, []).extend(
                _example_lines(item.get("examples"), f"{where} (regex {name})")
            )
        elif "synonym" in item:
            value = str(item["synonym"])
            variants = _example_lines(item.get("examples"), f"{where} (synonym {value})")
            synonyms.append((value, variants))
        elif "lookup" in item:
            continue
        else:
            raise RasaFileError(
                f"{where}: unknown entry, expected intent, regex, synonym or lookup")
    for name, patterns in regexes.items():
        if name in intents:
            for pattern in patterns:
                try:
                    compile_pattern(pattern, ignore_case=True)
                except PatternError as exc:
                    raise RasaFileError(
                        f"regex {name}: invalid pattern {pattern!r}: {exc}") from None
            intents[name].patterns.extend(patterns)
    for spec in intents.values():
        spec.examples = _with_synonyms(spec.examples, synonyms)
    return intents


def _with_synonyms(examples: list[str], synonyms: list[tuple[str, list[str]]]) -> list[str]:
    out = list(examples)
    seen = {e.lower() for e in out}
    added = 0
    for example in examples:
        low = example.lower()
        for value, variants in synonyms:
            group = [value, *variants]
            for word in group:
                if not word or word.lower() not in low:
                    continue
                for other in group:
                    if other is word or added >= _MAX_SYNONYM_VARIANTS * len(examples):
                        continue
                    variant = re.sub(re.escape(word), other, example, flags=re.IGNORECASE)
                    if variant.lower() not in seen:
                        seen.add(variant.lower())
                        out.append(variant)
                        added += 1
    return out


class RasaEntity(BaseModel):
    """An entity as a Rasa server reports it."""

    entity: str
    value: Any = None
    start: int | None = None
    end: int | None = None
    confidence: float | None = None
    extractor: str | None = None


class RasaParse(IntentMatch):
    """A Rasa ``/model/parse`` answer: an ``IntentMatch`` plus Rasa's own entities."""

    entities: list[RasaEntity] = Field(default_factory=list)


class _RasaIntent(BaseModel):
    name: str | None = None
    confidence: float = 0.0


class _RasaResponse(BaseModel):
    intent: _RasaIntent | None = None
    intent_ranking: list[_RasaIntent] = []
    entities: list[RasaEntity] = []


_FALLBACK_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})


class RasaNluBackend:
    """Calls a Rasa server's ``POST /model/parse`` (``--enable-api``) for each utterance."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 2.0,
        token: str | None = None,
        outbound: Outbound = STRICT,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise NluInputError(f"Rasa URL must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/") + "/model/parse"
        self.timeout_s = timeout_s
        self._params = {"token": token} if token else {}
        self.outbound = outbound

    async def parse(self, text: str) -> RasaParse:
        """Rasa's reading of ``text``; raises ``NluBackendError`` when Rasa cannot answer."""
        data = await post_json(
            self.url, {"text": text}, service="Rasa", timeout_s=self.timeout_s,
            params=self._params, outbound=self.outbound,
        )
        try:
            body = _RasaResponse.model_validate(data)
        except ValidationError as exc:
            raise NluBackendError(f"Rasa answered an unexpected body: {exc}") from exc
        return _to_match(body)

    async def aclose(self) -> None:
        """Nothing to release: each parse is one bounded exchange (kept for callers)."""


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, float(x)))


def _to_match(body: _RasaResponse) -> RasaParse:
    ranking = [(r.name, _clamp(r.confidence)) for r in body.intent_ranking if r.name]
    top = body.intent
    name = top.name if top is not None else None
    confidence = _clamp(top.confidence) if top is not None else 0.0
    if not ranking and name:
        ranking = [(name, confidence)]
    if name in _FALLBACK_INTENTS:
        name = None
    return RasaParse(intent=name, confidence=confidence, ranking=ranking, entities=body.entities)
