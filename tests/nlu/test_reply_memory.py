"""The reply memory (`nlu.reply_memory`): what it holds, when it answers, what it never does."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot_engine.dialog.runtime import runtime_for
from bot_engine.dialog.understanding import _remembered, _step_nlu, understand
from bot_engine.nlu import cues, reply_memory
from bot_engine.nlu.light_words import side
from bot_engine.nlu.text import lemma_tuple
from bot_engine.script import load_script, load_script_file
from bot_engine.script.model import NluSettings
from tests.nlu.polar_questions import DIALOGS, now_of, step_reply

ROOT = Path(__file__).resolve().parents[2]


def _nlu_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nlu_eval", ROOT / "bench" / "nlu_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("nlu_eval", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_shipped_memory_is_every_tuned_reply_and_no_held_out_one(lang: str) -> None:
    evaluation = _nlu_eval()
    items, scripts = evaluation.load_items(lang)
    shipped = reply_memory.read_rows(lang)
    assert shipped == evaluation.memory_rows(items, scripts), (
        "regenerate with: python bench/nlu_eval.py --write-memory")
    held_out = {item.text for item in items if item.split in evaluation.HELD_OUT}
    tuned = {item.text for item in items if item.split not in evaluation.HELD_OUT}
    assert held_out - tuned, "the eval set has held-out replies of its own"
    assert not (held_out - tuned) & {text for _, _, text in shipped}
    assert {label for _, label, _ in shipped} >= {"yes", "no", "opt_out", "who_is_this"}


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        # "not X, I am Y" with names the rules do not know as a pair: a no to "is this X?"
        ("lead_qualification.ru.yaml", "greet", "не света я марина", "no"),
        # a stammered no with a deferral to "shall I connect a manager?"
        ("lead_qualification.ru.yaml", "offer_manager", "не не не потом", "no"),
        # a moment found, in words no rule lists, to "is now convenient?"
        ("lead_qualification.ru.yaml", "convenient", "минутку для вас найду", "yes"),
    ],
)
def test_replies_once_re_asked_go_the_right_way(
        script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


def _memory(lang: str, rows: list[tuple[str, str, str]]) -> reply_memory.ReplyMemory:
    table = reply_memory.build(lang, rows)
    assert table is not None
    return table


def test_a_reply_is_never_compared_with_one_that_disagrees_on_negation() -> None:
    table = _memory("ru", [(reply_memory.confirm_group("availability"), "yes",
                            "удобно сейчас говорить")])
    groups = (reply_memory.confirm_group("availability"),)
    assert table.recall("удобно говорить", groups, ("yes", "no")) is not None
    assert table.recall("не удобно говорить", groups, ("yes", "no")) is None


def test_only_the_asked_groups_and_the_options_the_step_has_can_answer() -> None:
    table = _memory("en", [
        (reply_memory.HANDLER, "opt_out", "take me off your list"),
        (reply_memory.confirm_group("relevance"), "no", "we already bought one"),
        (reply_memory.STEP, reply_memory.NONE, "next spring"),
    ])
    handler = (reply_memory.HANDLER, reply_memory.STEP)
    found = table.recall("take me off your calling list", handler, ("opt_out",))
    assert found is not None and found.label == "opt_out"
    # a script without an opt-out handler: the nearest reply's meaning is not an option
    assert table.recall("take me off your calling list", handler, ("operator",)) is None
    # a yes/no fact of another question's topic is not asked on this step
    assert table.recall("we already bought one", handler, ("opt_out",)) is None
    # the nearest remembered reply answered none of the options: no decision
    assert table.recall("next spring", handler, ("opt_out",)) is None


def test_a_consent_step_never_takes_a_yes_or_a_no_from_memory() -> None:
    script = load_script_file(DIALOGS / "consent_confirmation.ru.yaml").script
    runtime = runtime_for(script)
    step = script.steps["ask_consent"]
    compiled = _step_nlu(runtime, step)
    group = reply_memory.confirm_group(compiled.topic)
    remembered = [text for g, label, text in reply_memory.read_rows("ru")
                  if g == group and label == "yes"]
    assert remembered, "the memory holds yes answers to consent questions"
    for text in remembered[:20]:  # each is its own nearest reply, at cosine 1
        found = _remembered(runtime, step, compiled, text)
        assert found is None or found.branch not in ("yes", "no"), text


def test_the_semantic_switch_turns_the_memory_off_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A memory that knows a phrase nothing else does: read with the switch on, not off."""
    table = _memory("ru", [(reply_memory.confirm_group("identity"), "no",
                            "марсианская ботаника")])
    monkeypatch.setitem(reply_memory._loaded, "ru", table)
    script = load_script_file(DIALOGS / "lead_qualification.ru.yaml").script
    on = understand(runtime_for(script), script.steps["greet"], "ботаника марсианская",
                    now_of("ru"), {})
    assert (on.branch, on.layer) == ("no", "memory")
    off_script = script.model_copy(update={"nlu": NluSettings(semantic=False)})
    off = understand(runtime_for(off_script), off_script.steps["greet"],
                     "ботаника марсианская", now_of("ru"), {})
    assert off.branch is None


CUSTOM = """
id: dentist_reminder
language: ru-RU
result:
  outcomes: [talk, later, hangup, error]
  endings: {hangup: hangup, error: error}
start: can_talk
steps:
  can_talk:
    ask: "Добрый день! Это стоматология «Улыбка». Вам сейчас удобно говорить?"
    expect: confirm
    on:
      yes: {say: "Отлично.", outcome: talk, hangup: true}
      no: {say: "Перезвоним позже.", outcome: later, hangup: true}
"""


def test_a_customers_own_question_meets_the_replies_of_its_topic() -> None:
    """Keyed by the question's topic, not by the shipped scripts' step names: a step named
    and worded by a customer recalls the replies to "is now convenient?"."""
    script = load_script(CUSTOM, source="dentist.yaml").script
    runtime = runtime_for(script)
    step = script.steps["can_talk"]
    compiled = _step_nlu(runtime, step)
    assert compiled.topic == "availability"
    shipped = load_script_file(DIALOGS / "lead_qualification.ru.yaml").script
    shipped_runtime = runtime_for(shipped)
    convenient = shipped.steps["convenient"]
    shipped_compiled = _step_nlu(shipped_runtime, convenient)
    assert shipped_compiled.topic == "availability"
    texts = [text for group, label, text in reply_memory.read_rows("ru")
             if group == reply_memory.confirm_group("availability") and label in ("yes", "no")]
    answered = []
    for text in texts[:: max(1, len(texts) // 40)]:
        found = _remembered(runtime, step, compiled, text)
        same = _remembered(shipped_runtime, convenient, shipped_compiled, text)
        assert (found and found.branch) == (same and same.branch), text
        answered += [found.branch] if found is not None else []
    assert {"yes", "no"} <= set(answered)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_remembered_dont_know_is_the_steps_own_dont_know_intent(lang: str) -> None:
    script = load_script_file(DIALOGS / f"lead_qualification.{lang}.yaml").script
    runtime = runtime_for(script)
    step = script.steps["ask_budget"]
    compiled = _step_nlu(runtime, step)
    assert compiled.hedge_intent is not None
    # a hedge the cues know is re-asked before the memory is asked: sample the others
    texts = [text for group, label, text in reply_memory.read_rows(lang)
             if group == reply_memory.STEP and label == reply_memory.DONT_KNOW
             and not cues.hedge(text, lang)]
    recalled = [found.branch for text in texts[:: max(1, len(texts) // 30)]
                if (found := _remembered(runtime, step, compiled, text)) is not None]
    assert recalled and set(recalled) == {compiled.hedge_intent}
    # a step without a "don't know" intent never takes one from memory
    ask_timeframe = script.steps["ask_timeframe"]
    plain = _step_nlu(runtime, ask_timeframe)
    assert plain.hedge_intent is None
    plain_found = [_remembered(runtime, ask_timeframe, plain, text) for text in texts[:30]]
    assert all(found is None or found.branch != compiled.hedge_intent for found in plain_found)


def test_building_the_memory_keeps_numpys_blas_on_one_thread() -> None:
    """A recall's matrix product must not wake every core (a fresh process: other tests
    may have limited BLAS already)."""
    import subprocess

    probe = (
        "from threadpoolctl import threadpool_info\n"
        "from bot_engine.nlu import reply_memory\n"
        "assert reply_memory.memory('en') is not None\n"
        "print(max(i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT),
                                                    "OPENBLAS_NUM_THREADS": "2"})
    assert out.stdout.strip() == "1"


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "человек у нас работает над этим", "we"),
        ("ru", "а человек у вас вообще работает", "you"),
        ("ru", "у нас с вами договор", ""),
        ("ru", "давайте попозже", ""),
        ("en", "our guy is on it", "we"),
        ("en", "is your manager there", "you"),
    ],
)
def test_a_reply_speaks_of_one_side_or_none(lang: str, text: str, expected: str) -> None:
    assert side(lemma_tuple(text, lang)) == expected


def test_a_remembered_reply_about_the_other_side_is_never_recalled() -> None:
    """«у нас человек над этим работает» (someone of ours is on it) is no request for a
    person at the robot's end, however near its words are to one."""
    table = reply_memory.build("ru", [
        (reply_memory.HANDLER, "operator", "а человек у вас вообще работает"),
        (reply_memory.HANDLER, "repeat", "повторите пожалуйста"),
    ])
    assert table is not None
    labels = ["operator", "repeat"]
    assert table.recall("а человек у вас там работает", [reply_memory.HANDLER], labels)
    assert table.recall("человек у нас работает над этим", [reply_memory.HANDLER],
                        labels) is None


def test_a_reply_heard_word_for_word_takes_its_remembered_label() -> None:
    """Two remembered replies whose averaged vectors tie (both come down to «звонить») no
    longer cancel each other out for the one heard exactly."""
    table = reply_memory.build("ru", [
        ("confirm:identity", "yes", "ну я же вы мне звоните"),
        (reply_memory.STEP, reply_memory.NONE, "как хотите так и звоните"),
    ])
    assert table is not None
    groups = ["confirm:identity", reply_memory.STEP]
    found = table.recall("ну я же вы мне звоните", groups, ["yes", "no"])
    assert found is not None and found.label == "yes"
    assert table.recall("как хотите так и звоните", groups, ["yes", "no"]) is None
    assert table.recall("ну вы же мне звоните", groups, ["yes", "no"]) is None  # a tie


def test_the_written_memory_keeps_a_dont_know_over_none_for_the_same_reply() -> None:
    evaluation = _nlu_eval()
    items, scripts = evaluation.load_items("ru")
    rows = evaluation.memory_rows(items, scripts)
    dont_know = {text for group, label, text in rows
                 if group == reply_memory.STEP and label == reply_memory.DONT_KNOW}
    assert "как зарплату дадут" in dont_know
    assert not any(group == reply_memory.STEP and label == reply_memory.NONE
                   and text in dont_know for group, label, text in rows)


def test_a_recall_ranks_every_row_of_the_groups_asked_and_no_other() -> None:
    """Rows given in any order are kept together by group; a recall ranks the rows of the
    groups it asks, each named by its own text, as one ranking of those rows would."""
    rows = [
        ("confirm:availability", "no", "я за рулём"),
        (reply_memory.HANDLER, "repeat", "повторите пожалуйста"),
        ("confirm:availability", "yes", "да говорите"),
        (reply_memory.HANDLER, "operator", "соедините с человеком"),
        ("confirm:relevance", "no", "уже купили"),
    ]
    table = reply_memory.build("ru", rows)
    assert table is not None
    for groups in (["confirm:availability"], [reply_memory.HANDLER, "confirm:relevance"],
                   [reply_memory.HANDLER, "confirm:availability", "confirm:relevance"]):
        ranked = table.ranked("да я за рулём говорите", groups)
        asked = {(label, text) for group, label, text in rows if group in groups}
        assert {(label, table.texts[row]) for label, _, row in ranked} <= asked
        assert {label for label, _, _ in ranked} == {label for label, _ in asked}
        assert [score for _, score, _ in ranked] == sorted(
            (score for _, score, _ in ranked), reverse=True)
    assert table.ranked("да я за рулём", ["confirm:unknown"]) == []
