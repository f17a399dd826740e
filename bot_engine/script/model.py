"""The script language as typed models: what a business writes in YAML (or sends as JSON).

Shorthand forms (`say: "text"`, `on: {yes: next_step}`, `expect: confirm`) are normalised to
their full forms by before-validators, so the engine only ever sees one shape, while the
exported JSON Schema still accepts both.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

VariableType = Literal["string", "number", "integer", "bool", "date", "datetime", "phone"]
FieldType = Literal[
    "string", "text", "number", "integer", "bool", "date", "datetime", "time", "phone"
]
ExpectType = Literal[
    "confirm",
    "intent",
    "number",
    "integer",
    "money",
    "date",
    "time",
    "datetime",
    "phone",
    "name",
    "text",
    "dtmf",
]
EntityExpectType = Literal[
    "number", "integer", "money", "date", "time", "datetime", "phone", "name"
]
ENTITY_EXPECTS: frozenset[str] = frozenset(
    ("number", "integer", "money", "date", "time", "datetime", "phone", "name")
)
HANDLER_NAMES = ("operator", "repeat", "opt_out", "who_is_this")
ENDING_NAMES = (
    "hangup",
    "no_input",
    "no_match",
    "max_turns",
    "error",
    "voicemail",
    "no_answer",
    "busy",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- shorthand normalisers -------------------------------------------------------------


def _type_shorthand(value: Any) -> Any:
    """`budget: number` means `budget: {type: number}`."""
    if isinstance(value, str | list):
        return {"type": value}
    return value


def _prompt_shorthand(value: Any) -> Any:
    if isinstance(value, str):
        return {"text": value}
    return value


def _transitions_shorthand(value: Any) -> Any:
    """A branch target is a step id, one transition, or a list of conditional ones."""
    if isinstance(value, str):
        return [{"goto": value}]
    if isinstance(value, dict):
        return [value]
    return value


def _expect_shorthand(value: Any) -> Any:
    if isinstance(value, str):
        return {"type": value}
    return value


def _policy_shorthand(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"retries": value}
    return value


# --- building blocks ---------------------------------------------------------------------


class Prompt(_Model):
    """Something the robot says: a text template, or a prerecorded audio file."""

    text: str | None = None
    audio: str | None = Field(
        default=None, description="Path of a prerecorded file; `text` is its transcript."
    )

    @model_validator(mode="after")
    def _one_of(self) -> Prompt:
        if self.text is None and self.audio is None:
            raise ValueError("a prompt needs `text` or `audio`")
        return self


PromptIn = Annotated[
    Prompt, BeforeValidator(_prompt_shorthand, json_schema_input_type=str | Prompt)
]


class Transition(_Model):
    """Where a branch leads, with optional side effects applied on the way."""

    when: str | None = Field(
        default=None,
        alias="if",
        description="A condition over variables and slots; the first true transition wins.",
    )
    say: PromptIn | None = None
    set: dict[str, Any] = Field(default_factory=dict)
    outcome: str | None = Field(default=None, description="Decide the call's outcome.")
    goto: str | None = None
    resume: bool = Field(
        default=False, description="Return to the interrupted step and ask its question again."
    )
    repeat: bool = Field(default=False, description="Repeat the last prompts.")
    transfer: str | None = Field(default=None, description="Transfer target (templated).")
    hangup: bool = False

    def ends(self) -> bool:
        return self.hangup or self.transfer is not None

    def continuations(self) -> int:
        return sum(
            (self.goto is not None, self.resume, self.repeat, self.transfer is not None,
             self.hangup)
        )


Transitions = Annotated[
    list[Transition],
    BeforeValidator(
        _transitions_shorthand,
        json_schema_input_type=str | Transition | list[Transition],
    ),
]


class RetryPolicy(_Model):
    """What happens when the caller says nothing (no-input) or nothing usable (no-match)."""

    retries: int = Field(default=2, ge=0, le=10)
    prompts: list[str] = Field(
        default_factory=list,
        description="Said before the question on each retry, in order (the last repeats).",
    )
    then: Transitions | None = Field(
        default=None,
        description="Where to go once retries are exhausted; default: end the call.",
    )


PolicyIn = Annotated[
    RetryPolicy, BeforeValidator(_policy_shorthand, json_schema_input_type=int | RetryPolicy)
]


class Expect(_Model):
    type: ExpectType
    intents: list[str] = Field(
        default_factory=list,
        description="Script intents also accepted here; each is a branch in `on`.",
    )
    save: str | None = Field(default=None, description="Slot that receives the value.")
    also: dict[str, EntityExpectType] = Field(
        default_factory=dict,
        description="Other slots this answer may fill early: slot -> entity type.",
    )
    accept_text: bool = Field(
        default=False, description="For entity types: keep the words when nothing parses."
    )
    max_digits: int | None = Field(default=None, ge=1, le=64)
    terminator: str | None = Field(default=None, pattern=r"^[#*]$")
    hints: list[str] = Field(default_factory=list, description="Phrase hints for ASR.")
    grammar: list[str] | None = Field(
        default=None, description="A closed list of phrases for grammar-mode ASR."
    )


ExpectIn = Annotated[
    Expect, BeforeValidator(_expect_shorthand, json_schema_input_type=ExpectType | Expect)
]


class Webhook(_Model):
    """A request to the customer's backend during the call."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    timeout: float = Field(default=3.0, gt=0, le=30, description="Seconds.")


class Step(_Model):
    """One step. It runs `set`, then `say`, then exactly one of: ask (with `expect`),
    `webhook`, `transfer`, `hangup` or `goto`."""

    set: dict[str, Any] = Field(default_factory=dict)
    outcome: str | None = None
    say: PromptIn | None = None
    ask: PromptIn | None = None
    reprompt: PromptIn | None = Field(
        default=None, description="The question in other words, for retries."
    )
    expect: ExpectIn | None = None
    no_input: PolicyIn | None = None
    no_match: PolicyIn | None = None
    timeout_ms: int | None = Field(default=None, ge=500, le=60000)
    barge_in: bool | None = None
    skip_if_filled: bool = Field(
        default=True, description="Skip the question when its slot was already filled."
    )
    consent: bool = Field(
        default=False, description="This answer is consent evidence (kept with its audio)."
    )
    webhook: Webhook | None = None
    transfer: str | None = None
    hangup: bool = False
    goto: Transitions | None = None
    on: dict[str, Transitions] = Field(default_factory=dict)

    def kind(self) -> str:
        if self.expect is not None:
            return "ask"
        if self.webhook is not None:
            return "webhook"
        if self.transfer is not None:
            return "transfer"
        if self.hangup:
            return "hangup"
        if self.goto is not None:
            return "goto"
        return "none"


class VariableSpec(_Model):
    type: VariableType = "string"
    required: bool = False
    default: Any = None
    description: str | None = None


VariableIn = Annotated[
    VariableSpec,
    BeforeValidator(_type_shorthand, json_schema_input_type=VariableType | VariableSpec),
]


class FieldSpec(_Model):
    type: FieldType | list[FieldType] = "string"
    description: str | None = None

    def types(self) -> list[str]:
        return [self.type] if isinstance(self.type, str) else list(self.type)


FieldIn = Annotated[
    FieldSpec,
    BeforeValidator(
        _type_shorthand, json_schema_input_type=FieldType | list[FieldType] | FieldSpec
    ),
]


class Endings(_Model):
    """Which outcome each way of ending records when no step decided one."""

    hangup: str
    error: str
    no_input: str | None = None
    no_match: str | None = None
    max_turns: str | None = None
    voicemail: str | None = None
    no_answer: str | None = None
    busy: str | None = None

    def outcome_for(self, ending: str) -> str:
        value = getattr(self, ending, None)
        if value is None and ending == "busy":
            value = self.no_answer
        return value if value is not None else self.error


class ResultContract(_Model):
    outcomes: list[str] = Field(min_length=1)
    fields: dict[str, FieldIn] = Field(default_factory=dict)
    endings: Endings


class Handler(Transition):
    """A global handler: recognised in every step, before the step's own expectations."""

    examples: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    enabled: bool = True


class Handlers(_Model):
    operator: Handler | None = None
    repeat: Handler | None = None
    opt_out: Handler | None = None
    who_is_this: Handler | None = None


class IntentDef(_Model):
    examples: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)


def _intent_shorthand(value: Any) -> Any:
    if isinstance(value, list):
        return {"examples": value}
    return value


IntentIn = Annotated[
    IntentDef, BeforeValidator(_intent_shorthand, json_schema_input_type=list[str] | IntentDef)
]


class Settings(_Model):
    voice: str | None = None
    tts_engine: str | None = None
    timezone: str | None = Field(
        default=None, description="IANA zone for dates; default by language."
    )
    barge_in: bool = True
    no_input_timeout_ms: int = Field(default=5000, ge=500, le=60000)
    endpoint_ms: int = Field(default=600, ge=100, le=5000)
    endpointing: Literal["vad", "smart"] = Field(
        default="vad",
        description="End of the caller's turn: `vad` waits `endpoint_ms` of silence; "
        "`smart` asks the Smart Turn model at each pause (short wait when the turn sounds "
        "complete, a longer one when not). Falls back to `vad` where the model is missing.",
    )
    confidence_threshold: float = Field(default=0.3, ge=0, le=1)
    low_confidence_prompt: str | None = None
    intent_threshold: float = Field(default=0.6, ge=0, le=1)
    max_turns: int = Field(default=40, ge=1, le=1000)
    no_input: PolicyIn = Field(default_factory=RetryPolicy)
    no_match: PolicyIn = Field(default_factory=RetryPolicy)


class IntentSources(_Model):
    rasa: str | None = Field(
        default=None, description="A Rasa `nlu.yml`: a path relative to the script."
    )


class Script(_Model):
    """A dialog script."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    version: str | None = None
    language: Literal["ru-RU", "en-US", "en-GB", "ru", "en"]
    description: str | None = None
    settings: Settings = Field(default_factory=Settings)
    variables: dict[str, VariableIn] = Field(default_factory=dict)
    slots: dict[str, FieldIn] = Field(
        default_factory=dict, description="Working slots beyond the result fields."
    )
    intents: dict[str, IntentIn] = Field(default_factory=dict)
    intents_from: IntentSources | None = None
    handlers: Handlers = Field(default_factory=Handlers)
    voicemail: Transitions | None = Field(
        default=None, description="What to do on an answering machine; default: hang up."
    )
    result: ResultContract
    start: str
    steps: dict[str, Step] = Field(min_length=1)

    _runtime: Any = PrivateAttr(default=None)

    @property
    def lang(self) -> str:
        return self.language[:2]

    def slot_types(self) -> dict[str, list[str]]:
        """Every slot with its accepted types: result fields first, then working slots."""
        types = {name: spec.types() for name, spec in self.result.fields.items()}
        for name, spec in self.slots.items():
            types.setdefault(name, spec.types())
        return types
