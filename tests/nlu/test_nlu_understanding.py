"""Answers judged against the question: polar families, negation-aware matching, a step's
own yes/no examples, slots only with their own cue, and the semantic layer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog, DialogState
from bot_engine.nlu import IntentMatcher, IntentSpec, semantic
from bot_engine.nlu.polar import polar
from bot_engine.script.loader import load_script

NOW = datetime.fromisoformat("2026-11-21T12:00:00+03:00")

FAMILIES = [
    # (lang, reply, answer, family)
    ("ru", "валяйте", "yes", "agree"),
    ("ru", "ну раз надо, пусть будет", "yes", "agree"),
    ("ru", "пара минут найдётся", "yes", "available"),
    ("ru", "я на проводе", "yes", "identity"),
    ("ru", "мы всё ещё выбираем", "yes", "still"),
    ("ru", "пока не заказали", "yes", "still"),
    ("ru", "уже заказали у соседей", "no", "done"),
    ("ru", "давайте в следующий раз", "no", "later"),
    ("ru", "я в самолёте", "no", "busy"),
    ("ru", "не угадали", "no", "wrong"),
    ("ru", "ни за что", "no", None),
    ("en", "go for it", "yes", "agree"),
    ("en", "no objections here", "yes", "agree"),
    ("en", "i've got a minute", "yes", "available"),
    ("en", "you've got her", "yes", "identity"),
    ("en", "still shopping around", "yes", "still"),
    ("en", "we went with the other guys", "no", "done"),
    ("en", "try me next week", "no", "later"),
    ("en", "i'm on the road", "no", "busy"),
    ("en", "nobody called that lives here", "no", "wrong"),
    ("en", "i'd rather not", "no", "refuse"),
]


@pytest.mark.parametrize(("lang", "text", "answer", "family"), FAMILIES)
def test_polar_families(lang: str, text: str, answer: str, family: str | None) -> None:
    reading = polar(text, lang)
    assert reading.answer == answer, reading
    if family is not None:
        assert reading.family == family


@pytest.mark.parametrize(
    ("lang", "text"),
    [("ru", "давайте попозже"), ("ru", "да, но давайте завтра"), ("en", "okay but later")],
)
def test_a_deferral_is_not_an_agreement(lang: str, text: str) -> None:
    assert polar(text, lang).answer == "no"


@pytest.mark.parametrize(
    ("lang", "negated_example", "affirmative_reply"),
    [
        ("en", "this is not a good time", "yes it's a good time"),
        ("en", "i can not talk now", "yes i can talk now"),
        ("ru", "сейчас не могу говорить", "да, сейчас могу говорить"),
        ("ru", "не интересует", "да, интересует"),
    ],
)
def test_a_negated_example_never_matches_an_affirmative_reply(
    lang: str, negated_example: str, affirmative_reply: str
) -> None:
    matcher = IntentMatcher({"busy": IntentSpec(examples=[negated_example])}, lang)
    assert matcher.match(affirmative_reply).intent is None
    assert matcher.match(negated_example).intent == "busy"
    # and the other way round
    flipped = IntentMatcher({"fine": IntentSpec(examples=[affirmative_reply])}, lang)
    assert flipped.match(negated_example).intent is None


ORDER_SCRIPT = """
id: delivery
language: ru-RU
intents:
  busy: {examples: [не могу сейчас говорить, я занят]}
result:
  outcomes: [received, missing, later]
  fields: {budget: number}
  endings: {hangup: later, error: later}
start: got_it
steps:
  got_it:
    ask: "Вы уже купили билет?"
    expect:
      type: confirm
      intents: [busy]
      also: {budget: money}
      yes: [уже купил, взял вчера]
      no: [ещё не купил, до сих пор выбираю]
    on: {yes: thanks, no: sorry, busy: later}
  thanks: {say: "Спасибо!", outcome: received, hangup: true}
  sorry: {say: "Разберёмся.", outcome: missing, hangup: true}
  later: {say: "Перезвоним.", outcome: later, hangup: true}
"""


def said(script_text: str, step: str, text: str) -> tuple[str, act.Understood]:
    script = load_script(script_text).script
    state = DialogState(script_id=script.id, step=step, waiting="input",
                        slots={name: None for name in script.result.fields}, now=NOW)
    dialog = Dialog.restore(script, state)
    actions = dialog.handle(ev.UserSaid(text=text, at=NOW))
    understood = next(a for a in actions if isinstance(a, act.Understood))
    branch = next(a.branch for a in actions if isinstance(a, act.Transition))
    return branch, understood


@pytest.mark.parametrize(
    ("text", "branch"),
    [("уже купили", "yes"), ("да, взяли вчера вечером", "yes"), ("до сих пор выбираем", "no"),
     ("нет, ещё не купили", "no")],
)
def test_a_steps_own_examples_say_what_its_facts_mean(text: str, branch: str) -> None:
    """"уже купили" is a no to "still relevant?" by default, a yes to this question."""
    assert polar("уже купили", "ru").answer == "no"
    assert polar("ещё не купили", "ru").answer == "yes"
    assert said(ORDER_SCRIPT, "got_it", text)[0] == branch


CHAT_SCRIPT = """
id: chat
language: en-US
intents:
  busy: {examples: [bad time for talking]}
result: {outcomes: [talk, later], endings: {hangup: later, error: later}}
start: now
steps:
  now:
    ask: "Do you have a minute?"
    expect: {type: confirm, intents: [busy]}
    on: {yes: talk, no: later, busy: later}
  talk: {say: "Great.", outcome: talk, hangup: true}
  later: {say: "Later then.", outcome: later, hangup: true}
"""


def test_a_clear_answer_beats_a_weaker_fuzzy_intent() -> None:
    script = load_script(CHAT_SCRIPT).script
    from bot_engine.dialog.runtime import runtime_for

    fuzzy = runtime_for(script).intents
    assert fuzzy is not None
    assert fuzzy.match("yes, good time for talking").intent == "busy"  # the weaker reading
    branch, understood = said(CHAT_SCRIPT, "now", "yes, good time for talking")
    assert branch == "yes"
    assert understood.layer == "rule"
    assert understood.runner_up is not None and understood.runner_up[0] == "busy"


@pytest.mark.parametrize(
    ("text", "budget"),
    # a bare Russian budget counts thousands: «бюджет сто» is 100 000
    [("да, уже купил один", None), ("нет, ещё два выбираю", None),
     ("да, купил, стоил двести тысяч", 200000), ("да, бюджет сто", 100000),
     ("да, где-то на 5к", 5000)],
)
def test_also_fills_money_only_from_a_value_with_its_cue(text: str, budget: int | None) -> None:
    script = load_script(ORDER_SCRIPT).script
    state = DialogState(script_id=script.id, step="got_it", waiting="input",
                        slots={"budget": None}, now=NOW)
    dialog = Dialog.restore(script, state)
    dialog.handle(ev.UserSaid(text=text, at=NOW))
    assert dialog.state.slots["budget"] == budget


def test_semantic_layer_finds_the_nearest_option_and_respects_negation() -> None:
    index = semantic.build_index("ru", semantic.step_examples(
        "ru", True, {"yes": ["заказ у меня"], "no": ["посылка потерялась"]}, {}))
    assert index is not None
    found = index.classify("заказ уже у меня дома")
    assert found is not None and found[0] == "yes" and found[1] >= semantic.THRESHOLD
    assert index.classify("посылка, похоже, потерялась") is not None
    assert index.classify("не знаю даже") is None  # a hedge stays no-match
    assert index.classify("") is None


@pytest.fixture
def fresh_vectors() -> Iterator[None]:
    semantic._loaded.clear()
    yield
    semantic._loaded.clear()


def test_word_vectors_whose_hash_differs_turn_the_layer_off(
    fresh_vectors: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(semantic, "NAVEC_SHA256", "0" * 64)
    monkeypatch.setitem(semantic.MINILM_FILES, "model/tokenizer.json", "0" * 64)
    assert semantic.word_vectors("ru") is None
    assert semantic.word_vectors("en") is None
    assert "pinned" in caplog.text
    assert semantic.build_index("ru", {"yes": ["да"]}) is None


def test_word_vectors_load_once_and_are_shared(fresh_vectors: None) -> None:
    first = semantic.word_vectors("en")
    assert first is not None and semantic.word_vectors("en") is first
    vector = semantic.embed("we bought it elsewhere", "en")
    assert vector is not None and vector.shape == (384,)


@pytest.mark.parametrize(
    ("lang", "text", "key"),
    [("ru", "единичка", "1"), ("ru", "нажимаю двойку", "2"), ("ru", "второй", "2"),
     ("en", "the second one", "2"), ("en", "first", "1"), ("ru", "да", None)],
)
def test_keys_said_as_nouns_or_ordinals(lang: str, text: str, key: str | None) -> None:
    from bot_engine.nlu.keys import spoken_key

    assert spoken_key(text, lang) == key


@pytest.mark.parametrize(
    ("lang", "text", "declines"),
    [("ru", "не надо менеджера", True), ("ru", "менеджер мне не нужен", True),
     ("ru", "соедините с менеджером", False), ("en", "no manager please", True),
     ("en", "i don't want to talk to a manager", True), ("en", "get me a manager", False)],
)
def test_a_mention_of_a_human_that_declines_one(lang: str, text: str, declines: bool) -> None:
    from bot_engine.nlu.polar import declines_human

    assert declines_human(text, lang) is declines
    if declines:
        assert polar(text, lang).answer == "no"


@pytest.mark.parametrize(
    ("lang", "text", "answer"),
    [("ru", "я иван", "yes"), ("ru", "иван я", "yes"), ("ru", "я сплю", "no"),
     ("en", "i'm john", "yes"), ("en", "john here", "yes"), ("en", "i'm sleeping", "no")],
)
def test_saying_ones_own_name_is_identity_other_words_are_not(
    lang: str, text: str, answer: str
) -> None:
    assert polar(text, lang).answer == answer
