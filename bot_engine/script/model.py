"""The script language as typed models: what a business writes in YAML (or sends as JSON).

Shorthand forms (`say: "text"`, `on: {yes: next_step}`, `expect: confirm`) are normalised to
their full forms by before-validators, so the engine only ever sees one shape, while the
exported JSON Schema still accepts both.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

VariableType = Literal["string", "number", "integer", "bool", "date", "datetime", "phone"]
FieldType = Literal[
    "string", "text", "number", "integer", "bool", "date", "datetime", "time", "phone", "json"
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
Ending = Literal[
    "completed",
    "transfer",
    "hangup",
    "no_input",
    "no_match",
    "max_turns",
    "error",
    "voicemail",
    "no_answer",
]
"""How a dialog ended (`DialogResult.ending`), independent of the business outcome."""
ENDING_NAMES: tuple[str, ...] = (
    *(name for name in get_args(Ending) if name not in ("completed", "transfer")),
    "busy",
)
"""The ways of ending a script maps to outcomes (`result.endings`) when no step decided one:
every ending but a step's own (`completed`, `transfer`), and `busy` (an unanswered call
that ends as `no_answer`, with an outcome of its own if the script wants one)."""


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


Example = Annotated[str, Field(min_length=1, max_length=300)]


CREDENTIAL_NAME = r"^[A-Z][A-Z0-9_]{0,63}$"
"""A credential is named, never written, in a script: `nlu.secrets` resolves the name."""


def _no_literal_secret(data: Any, literal: str, by_name: str) -> Any:
    """Refuse a credential written into a script: a script is shared, versioned, exported
    and shown to authors, so a key in it is a leaked key."""
    if isinstance(data, dict) and data.get(literal) is not None:
        raise ValueError(
            f"`{literal}` must not hold a credential inside a script; put it in the "
            f"environment variable VOICEBOT_NLU_KEY_<NAME> and write `{by_name}: <NAME>`"
        )
    return data


class RasaSettings(_Model):
    """A Rasa server (`rasa run --enable-api`) whose `/model/parse` reads the replies."""

    url: str = Field(pattern=r"^https?://", max_length=2000)
    timeout_ms: int = Field(default=300, ge=50, le=5000)
    token_env: str | None = Field(
        default=None, pattern=CREDENTIAL_NAME,
        description="Name of the Rasa token (`VOICEBOT_NLU_KEY_<NAME>`), never the token.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_token(cls, data: Any) -> Any:
        return _no_literal_secret(data, "token", "token_env")


class LlmSettings(_Model):
    """An OpenAI-compatible chat-completions endpoint asked about uncertain replies only."""

    url: str = Field(
        pattern=r"^https?://", max_length=2000,
        description="Base URL of the API (`.../v1`); `/chat/completions` is appended.",
    )
    model: str = Field(min_length=1, max_length=200)
    api_key_env: str | None = Field(
        default=None, pattern=CREDENTIAL_NAME,
        description="Name of the API key (`VOICEBOT_NLU_KEY_<NAME>`), never the key itself.",
    )
    timeout_ms: int = Field(default=1500, ge=100, le=10000)
    below: float = Field(
        default=0.8, ge=0, le=1,
        description="Ask when the offline reading is no match or less sure than this.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_key(cls, data: Any) -> Any:
        return _no_literal_secret(data, "api_key", "api_key_env")


class NluSettings(_Model):
    """Which understanding layers a script (or one step) uses beyond the built-in rules."""

    rasa: RasaSettings | None = None
    llm: LlmSettings | None = None
    semantic: bool = Field(default=True, description="The offline word-vector layer.")


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
    yes: list[Example] = Field(
        default_factory=list, max_length=200,
        description="confirm only: replies that mean yes to this question (matched first).",
    )
    no: list[Example] = Field(
        default_factory=list, max_length=200,
        description="confirm only: replies that mean no to this question (matched first).",
    )

    @model_validator(mode="after")
    def _polar_examples_on_confirm(self) -> Expect:
        if (self.yes or self.no) and self.type != "confirm":
            raise ValueError("`yes`/`no` examples belong to `type: confirm` steps")
        return self


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


class Accept(_Model):
    """How the operator accepts a bridged call after the whisper."""

    dtmf: str = Field(default="1", pattern=r"^[0-9*#]{1,4}$",
                      description="Keys that accept; any other key declines.")
    speech: bool = Field(default=True, description="A spoken yes accepts, a no declines.")
    timeout: float = Field(default=15.0, ge=1, le=120,
                           description="Seconds to wait for the operator's answer.")


class Connect(_Model):
    """Connect the caller to a person, and branch on how it went (`on.answered`,
    `on.busy`, `on.no_answer`, `on.declined`, `on.failed`)."""

    to: str | list[str] = Field(
        description="Target (templated: a number or SIP URI), or several tried in order."
    )
    mode: Literal["bridge", "refer"] = Field(
        default="bridge",
        description="bridge: a second call bridged by the robot (warm; works on any trunk); "
        "refer: a blind SIP REFER (cold; the trunk must support it).",
    )
    ring_timeout: float = Field(default=20.0, ge=1, le=120, description="Seconds per target.")
    whisper: PromptIn | None = Field(
        default=None, description="Said to the operator only, before the bridge (bridge mode)."
    )
    accept: Accept | None = Field(
        default=None, description="Wait for the operator to accept (bridge mode); without it, "
        "answering the call accepts it.",
    )
    after: Literal["hangup", "resume"] = Field(
        default="hangup",
        description="When the operator hangs up first: end the call (hangup), or return the "
        "caller to the script through on.answered (resume).",
    )


class MenuItem(_Model):
    """A static menu entry (the `default` menu); items from a backend are plain objects."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(max_length=200)


def _menu_item_shorthand(value: Any) -> Any:
    if isinstance(value, str):
        return {"name": value}
    return value


MenuItemIn = Annotated[
    MenuItem, BeforeValidator(_menu_item_shorthand, json_schema_input_type=str | MenuItem)
]


class Menu(_Model):
    """A spoken menu built from a list (a backend's contacts), one line per entry; the
    caller picks by key (1, 2, ...) or by saying the entry's name or number."""

    items: str | None = Field(
        default=None, description="An expression giving the list (a `json` slot or variable)."
    )
    default: list[MenuItemIn] = Field(
        default_factory=list, max_length=9, description="The menu when the list is empty."
    )
    label: str = Field(default="name", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$",
                       description="The key of each entry that is read out and recognised.")
    first: str | None = Field(default=None, description="Template of the first line.")
    each: str = Field(description="Template of each line; reads `item`, `number` and "
                      "`number_word`.")
    max_items: int = Field(default=9, ge=1, le=9)
    save: str | None = Field(default=None, description="A `json` slot that receives the "
                             "chosen entry.")


class Step(_Model):
    """One step. It runs `set`, then `say`, then exactly one of: ask (with `expect`),
    `menu`, `webhook`, `transfer`, `connect`, `hangup` or `goto`."""

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
    connect: Connect | None = None
    menu: Menu | None = None
    hangup: bool = False
    goto: Transitions | None = None
    on: dict[str, Transitions] = Field(default_factory=dict)
    nlu: NluSettings | None = Field(
        default=None, description="This step's own NLU layers (replace the script's)."
    )

    def kind(self) -> str:
        if self.expect is not None:
            return "ask"
        if self.menu is not None:
            return "menu"
        if self.connect is not None:
            return "connect"
        if self.webhook is not None:
            return "webhook"
        if self.transfer is not None:
            return "transfer"
        if self.hangup:
            return "hangup"
        if self.goto is not None:
            return "goto"
        return "none"


DEFAULT_MAX_LENGTH = 1_000
"""Characters of a variable's text when the script declares no `max_length`."""


class VariableSpec(_Model):
    type: VariableType = "string"
    required: bool = False
    default: Any = None
    description: str | None = None
    max_length: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description=f"Longest text accepted for this variable (default {DEFAULT_MAX_LENGTH}).",
    )

    @property
    def length_limit(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH


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
    max_turns: int = Field(
        default=40,
        ge=1,
        le=1000,
        description="Caller turns plus webhook answers; then the call ends (max_turns).",
    )
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
    nlu: NluSettings | None = Field(
        default=None, description="NLU layers beyond the built-in rules: Rasa, an LLM."
    )
    handlers: Handlers = Field(default_factory=Handlers)
    voicemail: Transitions | None = Field(
        default=None, description="What to do on an answering machine; default: hang up."
    )
    result: ResultContract
    start: str
    steps: dict[str, Step] = Field(min_length=1)

    @property
    def lang(self) -> str:
        return self.language[:2]

    def slot_types(self) -> dict[str, list[str]]:
        """Every slot with its accepted types: result fields first, then working slots."""
        types = {name: spec.types() for name, spec in self.result.fields.items()}
        for name, spec in self.slots.items():
            types.setdefault(name, spec.types())
        return types
