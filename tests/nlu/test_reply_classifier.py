"""The reply classifier (`nlu/reply_classifier.py`): what it mends, where it keeps out, and
that the shipped weights are the ones the eval set trains."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot_engine.dialog.runtime import runtime_for
from bot_engine.dialog.understanding import understand
from bot_engine.nlu import reply_classifier
from bot_engine.script import load_script, load_script_file
from tests.nlu.polar_questions import DIALOGS, now_of, step_reply

ROOT = Path(__file__).resolve().parents[2]
RU, EN = "lead_qualification.ru.yaml", "lead_qualification.en.yaml"


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_shipped_weights_are_trained_on_every_tuned_reply(lang: str) -> None:
    evaluation = _bench("nlu_eval")
    items, scripts = evaluation.load_items(lang)
    rows = evaluation.classifier_rows(items, scripts)
    shipped = json.loads((ROOT / "bot_engine" / "nlu" / f"reply_classifier.{lang}.json")
                         .read_text(encoding="utf-8"))
    assert shipped["rows"] == len(rows)
    assert shipped["rows_sha256"] == _bench("nlu_classifier").digest(rows), (
        "retrain with: python bench/nlu_eval.py --write-memory")
    curated = _bench("nlu_curated").read(lang)
    assert curated, "the curated paraphrase tests are rows too (bench/nlu_curated.py)"
    assert len(rows) == len(curated) + sum(
        evaluation.classifier_row(item, scripts[item.split, item.script]) is not None
        for item in items if item.split not in evaluation.HELD_OUT)


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a yes, then where the caller is: the fact alone reads as busy, the yes decides
        (RU, "convenient", "да я в машине жду жену", "yes"),
        (RU, "convenient", "да я в пробке стою", "yes"),
        (RU, "convenient", "да на даче я грядки полю", "yes"),
        (EN, "convenient", "yeah im at the laundromat waiting", "yes"),
        # an indirect no nobody wrote a rule for
        (RU, "relevant", "решили со старыми пожить", "no"),
        (EN, "relevant", "my nephew does that for a living", "no"),
    ],
)
def test_what_the_rules_missed(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # an answer word is the rules' to read, whatever the words around it weigh
        (EN, "relevant", "of course not", "no"),
        # a deferral is no agreement («давайте попозже»)
        (EN, "convenient", "sure lets do it later", "no"),
        # a yes the fact does not open with stays the fact's
        (EN, "convenient", "im at work so yeah", "no"),
        # names are the rules' to compare
        (EN, "greet", "karen yes", "no"),
        (RU, "greet", "олег слушает", "no"),
        # a song line: «не было» alone is no refusal
        (RU, "relevant", "кабы не было зимы", "no_match:retry"),
        # "who knows", an aside: no answer on purpose
        (RU, "convenient", "да кто его там знает", "no_match:retry"),
        # a question asked back is re-asked, not read as "say it again"
        (RU, "relevant", "а что решить", "no_match:retry"),
    ],
)
def test_where_it_keeps_out(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    "text",
    ["honestly its just milk and diapers they can see that", "i mean whatever works for you",
     "we already pay for the premium plan"],
)
def test_a_consent_is_never_given_on_its_word(text: str) -> None:
    script = load_script_file(DIALOGS / "consent_confirmation.en.yaml").script
    runtime = runtime_for(script)
    step = script.steps["ask_consent"]
    out = understand(runtime, step, text, now_of("en"), {}, None, {"name": "Brandon"})
    assert not (out.layer == "classifier" and out.branch == "yes")


CONSENT_RU, CONSENT_EN = "consent_confirmation.ru.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("script_file", "text"),
    [
        # a refusal the rules did not read, which the model is sure of
        (CONSENT_RU, "нет мне и так хорошо"),
        (CONSENT_RU, "я свои данные никому не доверяю"),
        (CONSENT_EN, "no thanks im fine"),
    ],
)
def test_a_refusal_it_is_sure_of(script_file: str, text: str) -> None:
    assert step_reply(script_file, "ask_consent", text)[0] == "no"


@pytest.mark.parametrize(
    ("script_file", "text"),
    [(CONSENT_EN, "im in the car right now"), (CONSENT_RU, "я сейчас за рулём")],
)
def test_a_busy_caller_has_not_refused(script_file: str, text: str) -> None:
    assert step_reply(script_file, "ask_consent", text)[0] != "no"


@pytest.mark.parametrize(
    ("script_file", "text"),
    [
        # the rules read a fact of agreement; the reply opens with a no
        (CONSENT_EN, "nope email works great for me"),
        (CONSENT_RU, "нет меня и бумажный вариант устраивает"),
    ],
)
def test_no_consent_from_a_fact_against_the_opening_no(script_file: str, text: str) -> None:
    assert step_reply(script_file, "ask_consent", text)[0] == "no"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # elsewhere the opening word does not decide against the fact
        (RU, "offer_manager", "да ну его к лешему", "no"),
        (CONSENT_RU, "read_back", "нет нет все верно", "yes"),
        (EN, "convenient", "sure lets do it later", "no"),
    ],
)
def test_the_opening_word_does_not_decide_alone(script_file: str, step: str, text: str,
                                                branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


def test_the_opening_word_is_a_feature_of_its_own() -> None:
    found = reply_classifier.features(("нет", "мне", "хорошо"), "confirm:consent")
    assert {"^нет", "confirmconsent__^нет"} <= found.keys()
    assert not any(name.startswith("^") and name != "^нет" for name in found)


SWITCHED_OFF = """
id: windows_lead
language: ru-RU
%s
result:
  outcomes: [interested, not_interested, hangup, error]
  endings: {hangup: hangup, error: error}
start: relevant
steps:
  relevant:
    ask: "Подскажите, ваша заявка на окна ещё актуальна?"
    expect: confirm
    on:
      yes: {say: "Отлично.", outcome: interested, hangup: true}
      no: {say: "Поняла.", outcome: not_interested, hangup: true}
"""


@pytest.mark.parametrize(("setting", "layers"),
                         [("", {"classifier", "memory"}), ("nlu: {semantic: false}", {None})])
def test_the_author_turns_it_off_with_the_other_learned_layers(setting: str,
                                                              layers: set[str | None]) -> None:
    script = load_script(SWITCHED_OFF % setting, source="windows.yaml").script
    runtime = runtime_for(script)
    out = understand(runtime, script.steps["relevant"], "решили со старыми пожить",
                     now_of("ru"), {})
    assert (out.layer if out.branch else None) in layers


def test_without_its_weights_the_rules_go_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reply_classifier, "_FILES", {"ru": ROOT / "missing.json",
                                                     "en": ROOT / "missing.json"})
    monkeypatch.setattr(reply_classifier, "_loaded", {})
    assert reply_classifier.classifier("ru") is None
    assert step_reply(RU, "convenient", "да я в машине жду жену")[0] == "no"
    assert step_reply(RU, "convenient", "да")[0] == "yes"


def test_a_reading_is_the_same_every_time() -> None:
    model = reply_classifier.classifier("ru")
    assert model is not None
    options = {"yes", "no", reply_classifier.NONE, "who_is_this", "repeat"}
    first = model.read("да я в машине жду жену", "confirm:availability", "ru", options)
    assert first is not None and first.label == "yes"
    assert all(model.read("да я в машине жду жену", "confirm:availability", "ru", options)
               == first for _ in range(3))
