"""Bring-your-own NLU: a Rasa server and an OpenAI-compatible LLM, each a real HTTP peer on
loopback speaking its documented protocol, driving (or failing to drive) a real dialog."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot_engine.dialog.engine import Dialog
from bot_engine.net import SsrfGuard
from bot_engine.nlu.external import ExternalRequest, RasaTarget, consult
from bot_engine.nlu.http import Outbound
from bot_engine.script import load_script_file, validate_variables
from bot_engine.script.model import LlmSettings, NluSettings, RasaSettings, Script, Step
from bot_engine.simulator.session import TextSession, run_conversation
from bot_engine.simulator.webhooks import CannedWebhooks
from tests.nlu.json_server import JsonServer, chat_completion, rasa_parse

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
LOOPBACK = Outbound(SsrfGuard(["127.0.0.1/32"]))
"""The test servers live on loopback: allow-listed deliberately, as an operator would."""
RU_VARS = {"name": "Иван", "product": "кухню", "company": "Мебель Плюс", "min_budget": 100000}
EN_VARS = {"name": "John", "product": "a kitchen", "company": "Acme", "min_budget": 1000}


def lead(lang: str, nlu: NluSettings, step_nlu: dict[str, NluSettings] | None = None) -> Script:
    script = load_script_file(DIALOGS / f"lead_qualification.{lang}.yaml").script
    steps: dict[str, Step] = dict(script.steps)
    for name, settings in (step_nlu or {}).items():
        steps[name] = steps[name].model_copy(update={"nlu": settings})
    return script.model_copy(update={"nlu": nlu, "steps": steps})


def talk(script: Script, lines: list[str]) -> TextSession:
    variables = validate_variables(script, RU_VARS if script.lang == "ru" else EN_VARS)
    return run_conversation(
        script, variables, lines, webhooks=CannedWebhooks({}), outbound=LOOPBACK
    )


@pytest.fixture
def server() -> Iterator[JsonServer]:
    srv = JsonServer(lambda path, body: (200, rasa_parse(None)))
    yield srv
    srv.close()


def rasa(server: JsonServer, timeout_ms: int = 2000) -> NluSettings:
    return NluSettings(rasa=RasaSettings(url=server.url, timeout_ms=timeout_ms))


def test_rasa_intents_drive_the_steps_branches(server: JsonServer) -> None:
    server.answer = lambda path, body: (200, rasa_parse("deny", 0.97))
    session = talk(lead("ru", rasa(server)), ["да, это я"])
    assert session.result is not None and session.result.outcome == "wrong_person"
    assert server.requests[0][0] == "/model/parse"
    assert server.requests[0][1] == {"text": "да, это я"}
    caller = next(e for e in session.transcript if e.role == "caller")
    assert (caller.layer, caller.intent) == ("rasa", "no")


def test_rasa_entities_fill_slots_through_the_same_parsers(server: JsonServer) -> None:
    def answer(path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if "бюджет" in body["text"]:
            return 200, rasa_parse("inform", 0.8, [{"entity": "budget", "value": "двести тысяч",
                                                    "start": 0, "end": 5}])
        return 200, rasa_parse("affirm", 0.95)

    server.answer = answer
    session = talk(lead("ru", rasa(server)),
                   ["да", "да", "да", "в следующем месяце", "бюджет как у всех"])
    assert session.dialog.state.slots["budget"] == 200000
    assert session.dialog.state.step == "offer_manager"


@pytest.mark.parametrize(
    "reply",
    [(500, {"error": "boom"}), (200, b"not json"), (200, {"intent": {"name": 5}}),
     (200, rasa_parse("nlu_fallback", 0.3)), (200, rasa_parse("greet", 0.99))],
    ids=["http-500", "not-json", "bad-shape", "nlu_fallback", "not-an-option"],
)
def test_rasa_that_cannot_answer_leaves_the_turn_to_the_built_in_nlu(
    server: JsonServer, reply: tuple[int, Any]
) -> None:
    server.answer = lambda path, body: reply
    session = talk(lead("ru", rasa(server)), ["да, я", "давайте попозже"])
    assert len(server.requests) == 2, "Rasa was asked about each turn"
    assert session.dialog.state.step == "ask_callback"


def test_a_stalled_rasa_times_out_into_the_built_in_nlu(server: JsonServer) -> None:
    server.hold.clear()
    try:
        session = talk(lead("en", rasa(server, timeout_ms=200)), ["yeah that's me"])
    finally:
        server.hold.set()
    assert server.requests
    assert session.dialog.state.step == "convenient"


def test_a_step_without_rasa_does_not_ask_it(server: JsonServer) -> None:
    server.answer = lambda path, body: (200, rasa_parse("affirm"))
    script = lead("en", rasa(server), {"convenient": NluSettings()})
    session = talk(script, ["yes", "i'm driving"])
    assert [body["text"] for _, body, _ in server.requests] == ["yes"]
    assert session.dialog.state.step == "ask_callback"


@pytest.fixture(autouse=True)
def llm_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process holds the key; scripts only name it."""
    monkeypatch.setenv("VOICEBOT_NLU_KEY_TEST_LLM", "k-1")


def llm(server: JsonServer, timeout_ms: int = 2000, key: str | None = "TEST_LLM") -> NluSettings:
    return NluSettings(llm=LlmSettings(url=server.url + "/v1", model="tiny", api_key_env=key,
                                       timeout_ms=timeout_ms))


def test_the_llm_reads_only_unsure_turns_and_chooses_among_the_options(
    server: JsonServer,
) -> None:
    server.answer = lambda path, body: (200, chat_completion('{"choice": "no"}'))
    session = talk(lead("en", llm(server)), ["yes", "the purple elephant sings"])
    assert len(server.requests) == 1, "a clear 'yes' is not sent to the model"
    path, body, headers = server.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer k-1"
    assert body["model"] == "tiny" and body["temperature"] == 0
    asked = json.loads(body["messages"][1]["content"])
    assert asked["reply"] == "the purple elephant sings"
    assert {"yes", "no", "busy", "operator", "opt_out"} <= set(asked["options"])
    assert "couple of minutes" in asked["question"]
    assert session.dialog.state.step == "ask_callback"
    caller = [e for e in session.transcript if e.role == "caller"][-1]
    assert caller.layer == "llm"


@pytest.mark.parametrize(
    "content",
    ["not json at all", '{"choice": "transfer_to_ceo"}', '{"choice": 3}', '{"choice": "no_match"}'],
)
def test_an_invalid_llm_answer_is_the_offline_reading(server: JsonServer, content: str) -> None:
    server.answer = lambda path, body: (200, chat_completion(content))
    session = talk(lead("en", llm(server)), ["the purple elephant sings"])
    assert server.requests
    assert session.dialog.state.step == "greet"  # no match: the question is asked again
    assert session.dialog.state.no_match == 1


def test_a_slow_llm_never_holds_the_turn_past_its_timeout(server: JsonServer) -> None:
    server.hold.clear()
    try:
        session = talk(lead("en", llm(server, timeout_ms=200)), ["the purple elephant sings"])
    finally:
        server.hold.set()
    assert server.requests
    assert session.dialog.state.no_match == 1


def test_llm_slot_values_go_through_the_typed_parsers(server: JsonServer) -> None:
    replies = iter([
        '{"choice": "yes", "slots": {"budget": "about two thousand dollars"}}',
        '{"choice": "yes", "slots": {"budget": "lots", "timeframe": null}}',
    ])
    server.answer = lambda path, body: (200, chat_completion(next(replies)))
    script = lead("en", NluSettings(), {"relevant": llm(server)})
    first = talk(script, ["yes", "sure", "hmm the purple one i guess"])
    assert first.dialog.state.slots["relevant"] is True
    assert first.dialog.state.slots["budget"] == 2000
    second = talk(script, ["yes", "sure", "hmm the purple one i guess"])
    assert second.dialog.state.slots["budget"] is None


async def test_the_live_path_awaits_the_reading_without_blocking_the_loop(
    server: JsonServer,
) -> None:
    """The server answers only once a coroutine on the same loop lets it: a call that
    blocked the loop would time out and give no reading."""
    server.answer = lambda path, body: (200, rasa_parse("affirm", 0.9))
    server.hold.clear()
    request = ExternalRequest(text="да", lang="ru", options=["yes", "no"],
                              rasa=RasaTarget(url=server.url, timeout_s=5.0))

    async def release() -> None:
        while not server.requests:
            await asyncio.sleep(0.005)
        server.hold.set()

    reading, _ = await asyncio.gather(consult(request, outbound=LOOPBACK), release())
    assert reading is not None and reading.intent == "yes" and reading.source == "rasa"


def test_the_engine_says_what_to_ask_and_changes_nothing(server: JsonServer) -> None:
    script = lead("en", llm(server))
    dialog = Dialog(script, validate_variables(script, EN_VARS))
    dialog.start()
    before = dialog.state.model_dump()
    assert dialog.understanding_request("yes") is None  # sure enough offline
    request = dialog.understanding_request("the purple elephant sings")
    assert request is not None and request.llm is not None and request.rasa is None
    assert request.options[:2] == ["yes", "no"]
    assert dialog.state.model_dump() == before
    assert not server.requests


@pytest.mark.parametrize(
    ("nlu", "field"),
    [({"llm": {"url": "http://x/v1", "model": "m", "api_key": "sk-live-123"}}, "api_key"),
     ({"rasa": {"url": "http://rasa:5005", "token": "s3cret"}}, "token")],
)
def test_a_script_that_holds_a_credential_is_refused(
    tmp_path: Path, nlu: dict[str, Any], field: str
) -> None:
    from bot_engine.script import ScriptError, load_script

    text = (DIALOGS / "lead_qualification.en.yaml").read_text(encoding="utf-8")
    text += "\nnlu: " + json.dumps(nlu) + "\n"
    with pytest.raises(ScriptError) as caught:
        load_script(text)
    message = str(caught.value)
    assert f"`{field}` must not hold a credential" in message
    assert "VOICEBOT_NLU_KEY_" in message and "sk-live-123" not in message.split("input")[0]


def test_a_credential_name_must_be_a_plain_name() -> None:
    for bad in ("sk-live-123", "openai key", "lower", "A" * 65, "$HOME"):
        with pytest.raises(ValidationError):
            LlmSettings(url="http://x/v1", model="m", api_key_env=bad)
    assert LlmSettings(url="http://x/v1", model="m", api_key_env="OPENAI_PROD").api_key_env


def test_a_name_reaches_only_the_nlu_key_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot_engine.nlu.secrets import from_environment

    monkeypatch.setenv("DATABASE_URL", "postgres://secret")
    monkeypatch.setenv("VOICEBOT_NLU_KEY_OPENAI", "k-2")
    assert from_environment("DATABASE_URL") is None
    assert from_environment("OPENAI") == "k-2"
    assert from_environment("../OPENAI") is None


def test_a_named_key_that_is_not_set_skips_the_llm(server: JsonServer) -> None:
    server.answer = lambda path, body: (200, chat_completion('{"choice": "no"}'))
    session = talk(lead("en", llm(server, key="NOT_SET_ANYWHERE")), ["the purple elephant sings"])
    assert not server.requests, "no request without its credential"
    assert session.dialog.state.step == "greet"  # the offline reading: no match, re-asked


def test_a_host_with_its_own_secret_store_resolves_the_names(server: JsonServer) -> None:
    server.answer = lambda path, body: (200, rasa_parse("affirm", 0.9))
    request = ExternalRequest(text="yes", lang="en", options=["yes", "no"],
                              rasa=RasaTarget(url=server.url, timeout_s=2, token_env="TENANT_RASA"))
    reading = asyncio.run(consult(request, secrets={"TENANT_RASA": "t-7"}.get, outbound=LOOPBACK))
    assert reading is not None and reading.intent == "yes"
    assert server.requests[0][0] == "/model/parse?token=t-7"


def test_nlu_settings_are_validated() -> None:
    with pytest.raises(ValidationError, match="http"):
        RasaSettings(url="localhost:5005")
    with pytest.raises(ValidationError):
        LlmSettings(url="http://x/v1", model="m", timeout_ms=50_000)
    with pytest.raises(ValidationError, match="confirm"):
        Step.model_validate({"ask": "Сумма?", "expect": {"type": "money", "yes": ["да"]},
                             "on": {"ok": "x"}})


def test_a_rasa_server_on_an_internal_address_is_not_reached_by_default(
    server: JsonServer,
) -> None:
    """A step's Rasa URL is tenant-named: without the operator's allow-list a loopback (or
    any non-public) address is refused and the built-in reading decides."""
    server.answer = lambda path, body: (200, rasa_parse("deny", 0.97))
    variables = validate_variables(lead("ru", rasa(server)), RU_VARS)
    session = run_conversation(
        lead("ru", rasa(server)), variables, ["да, это я"], webhooks=CannedWebhooks({})
    )
    assert server.requests == []
    caller = next(e for e in session.transcript if e.role == "caller")
    assert caller.layer != "rasa" and caller.intent == "yes"
