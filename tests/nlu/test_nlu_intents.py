"""Intent matching: examples, patterns, word order, ASR slips, ambiguity, restriction."""

from __future__ import annotations

import pytest

from bot_engine.nlu import IntentMatcher, IntentSpec, builtin_intents
from bot_engine.nlu.errors import NluInputError

RU_SCRIPT = {
    "interested": IntentSpec(examples=["мне интересно", "да, актуально", "хочу купить"]),
    "not_interested": IntentSpec(
        examples=["мне не интересно", "уже купил", "не актуально", "передумал"]
    ),
    "price": IntentSpec(
        examples=["сколько стоит", "какая цена", "во сколько обойдется"],
        patterns=[r"\bцен\w*", r"\bстоимост\w*"],
    ),
    "agree": IntentSpec(examples=["я согласен"]),
}


@pytest.fixture(scope="module")
def ru() -> IntentMatcher:
    return IntentMatcher(RU_SCRIPT, "ru-RU")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("сколько стоит", "price"),
        ("а стоит это сколько?", "price"),  # word order
        ("сколко стоит", "price"),  # ASR slip
        ("назовите стоимость", "price"),  # pattern
        ("мне это не интересно", "not_interested"),
        ("я уже купил", "not_interested"),
        ("согласна", "agree"),  # one lemma for согласна / соглашусь / согласен
        ("соглашусь", "agree"),
        ("хочу купить", "interested"),
    ],
)
def test_ru_script_intents(ru: IntentMatcher, text: str, intent: str) -> None:
    result = ru.match(text)
    assert result.intent == intent, result
    assert result.confidence >= ru.threshold
    assert result.ranking[0][0] == intent
    assert not result.ambiguous


@pytest.mark.parametrize("text", ["какая сегодня погода", "перезвоните завтра", "", "ну эээ"])
def test_unrelated_text_is_no_match(ru: IntentMatcher, text: str) -> None:
    result = ru.match(text)
    assert result.intent is None
    assert not result.ambiguous


def test_only_restricts_candidates(ru: IntentMatcher) -> None:
    assert ru.match("сколько стоит").intent == "price"
    restricted = ru.match("сколько стоит", only=["interested", "not_interested"])
    assert restricted.intent is None
    assert all(name in ("interested", "not_interested") for name, _ in restricted.ranking)


def test_ranking_is_sorted_and_bounded(ru: IntentMatcher) -> None:
    ranking = ru.match("мне не интересно, сколько стоит").ranking
    scores = [score for _, score in ranking]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_two_close_intents_are_ambiguous() -> None:
    matcher = IntentMatcher(
        {
            "buy": IntentSpec(examples=["купить квартиру"]),
            "sell": IntentSpec(examples=["продать квартиру"]),
        },
        "ru",
    )
    result = matcher.match("купить или продать квартиру")
    assert result.intent is None
    assert result.ambiguous
    assert {name for name, _ in result.ranking} == {"buy", "sell"}
    assert matcher.match("хочу купить квартиру").intent == "buy"


def test_two_pattern_hits_are_ambiguous() -> None:
    matcher = IntentMatcher(
        {"a": IntentSpec(patterns=[r"\bзаказ"]), "b": IntentSpec(patterns=[r"\bзаказ\w*"])}, "ru"
    )
    result = matcher.match("мой заказ")
    assert result.ambiguous and result.intent is None


def test_pattern_gives_high_confidence() -> None:
    matcher = IntentMatcher({"order": IntentSpec(patterns=[r"номер заказа \d+"])}, "ru")
    result = matcher.match("Номер заказа 12345!")
    assert result.intent == "order"
    assert result.confidence >= 0.9


def test_threshold_controls_acceptance() -> None:
    spec = {"callback": IntentSpec(examples=["перезвоните мне попозже вечером"])}
    loose = IntentMatcher(spec, "ru", threshold=0.3)
    strict = IntentMatcher(spec, "ru", threshold=0.95)
    assert loose.match("перезвоните попозже").intent == "callback"
    assert strict.match("перезвоните попозже").intent is None


def test_english_script() -> None:
    matcher = IntentMatcher(
        {
            "price": IntentSpec(examples=["how much does it cost", "what is the price"]),
            "busy": IntentSpec(examples=["i am busy", "bad time"]),
        },
        "en-US",
    )
    assert matcher.match("how much is it gonna cost me").intent == "price"
    assert matcher.match("sorry, I'm busy").intent == "busy"
    assert matcher.match("the weather is nice").intent is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"x": IntentSpec(patterns=["(unclosed"])}, "invalid regular expression"),
    ],
)
def test_bad_spec_is_a_clear_error(spec: dict[str, IntentSpec], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IntentMatcher(spec, "ru")


def test_bad_settings_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="threshold"):
        IntentMatcher({}, "ru", threshold=2.0)
    with pytest.raises(ValueError, match="unsupported"):
        IntentMatcher({}, "fr-FR")


def test_empty_matcher_matches_nothing() -> None:
    assert IntentMatcher({}, "en").match("anything").intent is None


# ---- built-in global handlers ----------------------------------------------------

BUILTIN_RU = [
    ("соедините с оператором", "operator"),
    ("живой человек", "operator"),
    ("можно поговорить с менеджером", "operator"),
    ("аператор", "operator"),
    ("дайте живого человека пожалуйста", "operator"),
    ("повторите", "repeat"),
    ("повторите пожалуйста", "repeat"),
    ("что?", "repeat"),
    ("не расслышал", "repeat"),
    ("извините, не расслышала, что вы сказали", "repeat"),
    ("не звоните мне больше", "opt_out"),
    ("удалите мой номер", "opt_out"),
    ("отпишите меня", "opt_out"),
    ("больше мне не звоните!", "opt_out"),
    ("не надо мне больше звонить", "opt_out"),
    ("не беспокойте меня", "opt_out"),
    ("хватит мне названивать", "opt_out"),
    ("кто это", "who_is_this"),
    ("кто вы?", "who_is_this"),
    ("откуда у вас мой номер", "who_is_this"),
    ("зачем звоните", "who_is_this"),
    ("а вы кто такие", "who_is_this"),
]
BUILTIN_EN = [
    ("a human, please", "operator"),
    ("an operator", "operator"),
    ("can I talk to a real person", "operator"),
    ("repeat please", "repeat"),
    ("pardon?", "repeat"),
    ("say again", "repeat"),
    ("sorry, I didn't catch that", "repeat"),
    ("stop calling me", "opt_out"),
    ("remove my number", "opt_out"),
    ("do not call", "opt_out"),
    ("please take me off your list", "opt_out"),
    ("who is this", "who_is_this"),
    ("where did you get my number", "who_is_this"),
    ("why are you calling", "who_is_this"),
    ("who's calling?", "who_is_this"),
]
ORDINARY_RU = [
    "да", "нет", "нет, не надо", "да, бюджет около двухсот тысяч", "перезвоните завтра",
    "перезвоните в понедельник", "ага", "не интересно", "мне неудобно сейчас говорить",
    "через месяц", "я подумаю", "да, актуально", "сто тысяч", "я не хочу покупать",
    "конечно", "звоните через неделю", "не звонил я вам", "а что вы предлагаете?",
    "пришлите предложение на почту", "а сколько это стоит?", "слушаю вас", "я на работе",
]  # fmt: skip
ORDINARY_EN = [
    "yes", "no", "no, thanks", "call me back tomorrow", "my budget is about 200k",
    "I'm not interested", "sure", "maybe next month", "not right now", "yes, that's me",
    "what do you offer?", "how much does it cost?", "I am driving", "hard to say",
]  # fmt: skip


@pytest.fixture(scope="module")
def builtin_ru() -> IntentMatcher:
    return IntentMatcher(builtin_intents("ru-RU"), "ru-RU")


@pytest.fixture(scope="module")
def builtin_en() -> IntentMatcher:
    return IntentMatcher(builtin_intents("en-US"), "en-US")


def test_builtin_names() -> None:
    expected = {"operator", "repeat", "opt_out", "who_is_this"}
    assert set(builtin_intents("ru")) == expected == set(builtin_intents("en"))


def test_builtin_intents_are_fresh_copies() -> None:
    first = builtin_intents("ru")
    first["operator"].examples.clear()
    assert builtin_intents("ru")["operator"].examples


@pytest.mark.parametrize(("text", "intent"), BUILTIN_RU)
def test_builtin_ru_fires(builtin_ru: IntentMatcher, text: str, intent: str) -> None:
    assert builtin_ru.match(text).intent == intent


@pytest.mark.parametrize(("text", "intent"), BUILTIN_EN)
def test_builtin_en_fires(builtin_en: IntentMatcher, text: str, intent: str) -> None:
    assert builtin_en.match(text).intent == intent


@pytest.mark.parametrize("text", ORDINARY_RU)
def test_builtin_ru_silent_on_ordinary_answers(builtin_ru: IntentMatcher, text: str) -> None:
    result = builtin_ru.match(text)
    assert result.intent is None, result


@pytest.mark.parametrize("text", ORDINARY_EN)
def test_builtin_en_silent_on_ordinary_answers(builtin_en: IntentMatcher, text: str) -> None:
    result = builtin_en.match(text)
    assert result.intent is None, result


def test_builtins_merge_with_script_intents() -> None:
    intents = {**RU_SCRIPT, **builtin_intents("ru")}
    matcher = IntentMatcher(intents, "ru")
    assert matcher.match("сколько стоит").intent == "price"
    assert matcher.match("позовите оператора").intent == "operator"
    assert matcher.match("нет, не надо").intent not in builtin_intents("ru")


def test_prefixed_opposites_are_not_asr_slips() -> None:
    matcher = IntentMatcher({"busy": IntentSpec(examples=["сейчас неудобно", "я занят"])}, "ru")
    assert matcher.match("неудобно сейчас").intent == "busy"
    assert matcher.match("да, удобно").intent is None
    en = IntentMatcher({"cold": IntentSpec(examples=["uninterested"])}, "en")
    assert en.match("interested").intent is None


def test_filler_adverbs_do_not_block_a_match() -> None:
    matcher = IntentMatcher({"busy": IntentSpec(examples=["i can not talk right now"])}, "en")
    assert matcher.match("I can't talk").intent == "busy"


def test_patterns_keep_their_meaning_when_an_intent_has_many() -> None:
    matcher = IntentMatcher(
        {
            "laugh": IntentSpec(patterns=[r"(ха){2}", r"\bлол\b", r"(?i)(хи){2}"]),
            "price": IntentSpec(patterns=[r"\bцен\w*", r"\bстоимост\w*", r"^сколько$"]),
        },
        "ru",
    )
    assert matcher.match("хаха").intent == "laugh"
    assert matcher.match("хихи").intent == "laugh"
    assert matcher.match("ха").intent is None
    assert matcher.match("какая стоимость").intent == "price"
    assert matcher.match("сколько").intent == "price"
    assert matcher.match("сколько стоит").intent is None
    with pytest.raises(NluInputError, match="unsupported backreference"):
        IntentMatcher({"laugh": IntentSpec(patterns=[r"(ха)\1"])}, "ru")


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [
        ("павтарите пожалуйста", "ru", "repeat"),
        ("не званите мне болше", "ru", "opt_out"),
        ("мэнеджера пазавите", "ru", "operator"),
        ("саедините с аператором", "ru", "operator"),
        ("аткуда у вас мой номер", "ru", "who_is_this"),
        ("opperator please", "en", "operator"),
        ("stop caling me", "en", "opt_out"),
        ("remove my numbr", "en", "opt_out"),
    ],
)
def test_asr_slips_still_match(text: str, lang: str, intent: str) -> None:
    assert IntentMatcher(builtin_intents(lang), lang).match(text).intent == intent
