"""Classes of natural replies found by the tenth fresh batch (round ten), as tables in both
languages where the class exists in both: slang thousands and bare budgets in thousands,
«полтораста»; a part of the day then its hour, "after work", an hour with "00" minutes, a
day said after its month, and urgency as a timeframe; a reason then its conclusion, a
greeting around the answer, a busy fact with a permission, the many ways of being busy
right now, a new number, someone else's carer, another way chosen, waiting on the line,
slang yes, emphatic never, consent not given, dislike; opt-outs, asking again and hedges
in their other forms. Every example is a paraphrase, not a sentence of the eval set, and
each table has guards: the negated or unrelated form goes the other way."""

from __future__ import annotations

import pytest

from bot_engine.nlu import IntentMatcher, builtin_intents, cues
from tests.nlu.polar_questions import answer as _answer
from tests.nlu.polar_questions import step_reply as _step
from tests.nlu.polar_questions import values as _values

# --- sums: slang thousands after a number, «полтораста», a bare budget in thousands -------------


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("семьдесят косых", "ru", 70000), ("сорок тыр где-то", "ru", 40000),
     ("двадцать пять косых", "ru", 25000), ("полтораста тысяч рублей", "ru", 150000),
     ("полутора сотен", "ru", 150000),  # guard: the older reading stays
     ("three large", "en", 3000), ("like five large", "en", 5000)],
)  # fmt: skip
def test_slang_thousands_after_a_number(text: str, lang: str, value: int) -> None:
    assert _values(text, lang, "money")[:1] == [value]


@pytest.mark.parametrize("text", ["a large one", "large", "он косой", "косые взгляды"])
def test_slang_thousands_alone_are_no_sum(text: str) -> None:
    lang = "ru" if text[0] > "z" else "en"
    assert 1000 not in _values(text, lang, "money")


@pytest.mark.parametrize(
    ("text", "budget"),
    [("ну сто двадцать", 120000), ("до девяноста где-то", 90000), ("полтораста где-то", 150000),
     ("максимум двести", 200000),
     # guards: a currency or a multiplier said keeps the number as it is
     ("пятьсот рублей", 500), ("сорок тысяч", 40000), ("полтора миллиона", 1500000)],
)  # fmt: skip
def test_a_bare_russian_budget_counts_thousands(text: str, budget: int) -> None:
    branch, slots = _step("lead_qualification.ru.yaml", "ask_budget", text)
    assert branch == "ok"
    assert slots["budget"] == budget


def test_an_english_bare_budget_stays_as_said() -> None:
    assert _step("lead_qualification.en.yaml", "ask_budget", "maybe five hundred")[1][
        "budget"] == 500


# --- times: a part of the day then its hour, after work, "00" minutes, a day after its month ---


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("в обед часика в три", "ru", "2026-02-03T15:00:00+03:00"),
     ("в обед где-то в час", "ru", "2026-02-03T13:00:00+03:00"),  # guard: one is 13:00
     ("at lunch around two", "en", "2026-02-03T14:00:00-05:00"),
     ("в обед", "ru", "2026-02-03T13:00:00+03:00"),  # alone: one o'clock as before
     ("в четверг после работы часов в семь", "ru", "2026-02-05T19:00:00+03:00"),
     ("friday after work", "en", "2026-02-06T19:00:00-05:00"),
     ("tomorrow after work around 7", "en", "2026-02-04T19:00:00-05:00"),
     ("15 00 завтра", "ru", "2026-02-04T15:00:00+03:00"),
     ("завтра 16 00", "ru", "2026-02-04T16:00:00+03:00"),
     ("tomorrow 10 05", "en", "2026-02-04T10:05:00-05:00")],
)  # fmt: skip
def test_an_hour_inside_its_part_of_the_day(text: str, lang: str, value: str) -> None:
    assert _values(text, lang, "datetime")[:1] == [value]


@pytest.mark.parametrize(
    ("text", "lang", "day"),
    [("в марте числа пятнадцатого", "ru", "2026-03-15"),
     ("в апреле двадцатого числа", "ru", "2026-04-20"),
     ("in april on the twelfth", "en", "2026-04-12"),
     ("в марте", "ru", "2026-03-01"),  # guards: a month alone, a count after it
     ("в марте дня три", "ru", "2026-03-01")],
)  # fmt: skip
def test_a_day_said_after_its_month(text: str, lang: str, day: str) -> None:
    assert _values(text, lang, "date")[:1] == [day]


@pytest.mark.parametrize(
    ("text", "lang", "day"),
    [("нужно прямо сейчас", "ru", "2026-02-03"), ("как можно быстрее бы", "ru", "2026-02-03"),
     ("immediately if possible", "en", "2026-02-03"), ("asap really", "en", "2026-02-03"),
     ("срочно но лучше в марте", "ru", "2026-03-01")],  # guard: a day named wins
)  # fmt: skip
def test_urgency_is_today_as_a_timeframe(text: str, lang: str, day: str) -> None:
    assert _values(text, lang, "date")[:1] == [day]


@pytest.mark.parametrize(("text", "lang"), [("да не срочно", "ru"), ("not right away", "en"),
                                            ("no rush", "en")])
def test_urgency_negated_is_no_day(text: str, lang: str) -> None:
    assert _values(text, lang, "date") == []


# --- answers to the question asked --------------------------------------------------------------

LEAD_RU, LEAD_EN = "lead_qualification.ru.yaml", "lead_qualification.en.yaml"
CONSENT_RU, CONSENT_EN = "consent_confirmation.ru.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a reason, then the answer it leads to
        (LEAD_RU, "convenient", "я в командировке так что да", "yes"),
        (LEAD_EN, "convenient", "im on vacation so yes", "yes"),
        (LEAD_RU, "convenient", "в машине сижу так что нет", "no"),  # guards: a no stays
        (LEAD_EN, "convenient", "im at the office so no", "no"),
        (LEAD_EN, "convenient", "im at the office so yeah", "no"),  # "so yeah": a filler
        # a busy-sounding situation with a permission: talking is allowed
        (LEAD_RU, "convenient", "да пока в автобусе еду можно", "yes"),
        (LEAD_RU, "convenient", "в пробке стою можно", "yes"),
        (LEAD_RU, "convenient", "в пробке стою можно попозже", "no"),  # guard: a deferral
        # a greeting around the name: the name decides
        (CONSENT_EN, "greet", "this is brandon good afternoon", "yes"),
        (CONSENT_EN, "greet", "brandon here good evening", "yes"),  # a guard: as before
        # a double letter heard single or doubled
        (LEAD_RU, "greet", "олег слушает", "no"),  # guard: another name
        (LEAD_RU, "greet", "олльга слушает", "yes"),
        # the shrug «а что там» before an agreement
        (LEAD_RU, "convenient", "ну а что там давай", "yes"),
    ],
)
def test_round_ten_answers_in_the_dialog(script_file: str, step: str, text: str,
                                         branch: str) -> None:
    assert _step(script_file, step, text)[0] == branch




@pytest.mark.parametrize(
    ("asked", "text", "lang", "names", "expected"),
    [
        # busy right now: just woke up, in bed, about to go out or shower, kids to school,
        # standing in line, a meeting about to start
        ("availability", "я только встала ещё не соображаю", "ru", (), "no"),
        ("availability", "я ещё в кровати", "ru", (), "no"),  # a guard: as before
        ("availability", "я уже выхожу из дома", "ru", (), "no"),
        ("availability", "у нас через минуту пятиминутка", "ru", (), "no"),
        ("availability", "i literally just woke up", "en", (), "no"),
        ("availability", "getting the baby dressed", "en", (), "no"),
        ("availability", "im in the checkout line", "en", (), "no"),
        ("availability", "were headed out", "en", (), "no"),
        ("availability", "give me maybe a couple of hours", "en", (), "no"),
        # all the time in the world
        ("availability", "времени вагон", "ru", (), "yes"),
        ("availability", "я на пенсии мне спешить некуда", "ru", (), "yes"),
        ("availability", "ive got all the time in the world", "en", (), "yes"),
        # the one asked for asleep or away, said of a relative; someone else's carer
        ("identity", "бабуля спит", "ru", ("ольга",), "no"),
        ("identity", "grandma is asleep", "en", ("linda",), "no"),
        ("identity", "this is his nurse he cant come to the phone", "en", ("frank",), "no"),
        ("identity", "у меня симка новая", "ru", ("ольга",), "no"),
        ("identity", "i just got this number last month", "en", ("linda",), "no"),
        ("identity", "ну я это и есть", "ru", ("ольга",), "yes"),
        # another way chosen
        ("relevance", "мы на газ перешли", "ru", (), "no"),
        ("relevance", "we switched to a heat pump", "en", (), "no"),
        ("relevance", "мы хотим перейти на газ", "ru", (), "yes"),  # guard: a wish, not done
        # waiting on the line; slang yes
        ("offer", "подожду на трубке", "ru", (), "yes"),
        ("offer", "ill hold", "en", (), "yes"),
        ("offer", "ну го", "ru", (), "yes"),
        # emphatic never; the data not to be touched; consent not given
        ("consent", "ни при каких условиях", "ru", (), "no"),
        ("consent", "не используйте мои данные", "ru", (), "no"),
        ("consent", "over my dead body", "en", (), "no"),
        ("consent", "leave my info alone", "en", (), "no"),
        ("consent", "we never gave you any consent", "en", (), "no"),
        ("consent", "i dont give you guys my consent", "en", (), "no"),
        ("consent", "мне не жалко", "ru", (), "yes"),
        ("readback", "я никакого согласия не давал", "ru", (), "no"),
        ("readback", "не давала я вам согласия", "ru", (), "no"),
    ],
)
def test_round_ten_facts(asked: str, text: str, lang: str, names: tuple[str, ...],
                         expected: str | None) -> None:
    assert _answer(asked, text, lang, names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "lang", "expected"),
    [
        ("consent", "даю согласие", "ru", "yes"),  # guards: the plain forms stay
        ("consent", "i give you permission", "en", "yes"),
        ("availability", "im retired", "en", "yes"),
        ("availability", "not this morning", "en", "no"),
        ("identity", "this is her", "en", "yes"),
        ("identity", "this is her phone", "en", "yes"),
    ],
)
def test_round_ten_guards(asked: str, text: str, lang: str, expected: str | None) -> None:
    assert _answer(asked, text, lang, ("linda",)) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        ("own_manager.ru.yaml", "ask_keep", "закрепляйте", "yes"),
        ("own_manager.ru.yaml", "ask_keep", "она мне не понравилась", "no"),
        ("callback.ru.yaml", "announce", "ладно давайте отбой", "no"),
        ("consent_confirmation.ru.yaml", "read_back", "всё не так я отказывался", "no"),
        ("consent_confirmation.ru.yaml", "read_back", "я никакого согласия не давал", "no"),
        (LEAD_EN, "convenient", "yeah im free this morning", "yes"),  # said at 9:30
        (LEAD_EN, "convenient", "im free this evening", "no"),  # guard: later today
    ],
)
def test_round_ten_other_steps(script_file: str, step: str, text: str, branch: str) -> None:
    assert _step(script_file, step, text)[0] in (branch, "busy" if branch == "no" else branch)


# --- handlers and hedges in their other forms -----------------------------------------------------


def _handler(text: str, lang: str) -> str | None:
    return IntentMatcher(builtin_intents(lang), lang, threshold=0.7).match(text).intent


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [
        ("да хватит уже нам трезвонить", "ru", "opt_out"),
        ("вычеркните меня из рассылки", "ru", "opt_out"),
        ("данные мои удалите", "ru", "opt_out"),
        ("enough with the robocalls", "en", "opt_out"),
        ("remove us from your call list", "en", "opt_out"),
        ("аюшки", "ru", "repeat"),
        ("which day did you say", "en", "repeat"),
        ("sorry whats that", "en", "repeat"),
        ("what kind of request was that", "en", "who_is_this"),
    ],
)
def test_round_ten_handlers(text: str, lang: str, intent: str) -> None:
    assert _handler(text, lang) == intent


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "ask_budget", "сумма какая не поняла вопроса", "handler:repeat"),
        (LEAD_EN, "ask_budget", "budget what sorry", "handler:repeat"),
        (LEAD_RU, "ask_budget", "дочка платит с ней говорите", "unknown"),
        (LEAD_RU, "ask_budget", "сколько выставите столько и оплатим", "unknown"),
        (LEAD_RU, "ask_budget", "зять оплачивает его спросите", "unknown"),
        (LEAD_RU, "ask_budget", "денег мало живём на пенсию", "unknown"),
        (LEAD_EN, "ask_budget", "the cheapest you have", "unknown"),
        (LEAD_RU, "ask_budget", "сто тысяч", "ok"),  # guard: a sum stays a sum
    ],
)
def test_round_ten_budget_replies(script_file: str, step: str, text: str, branch: str) -> None:
    assert _step(script_file, step, text)[0] == branch


@pytest.mark.parametrize(("text", "lang"), [("сын оплатил уже", "ru"), ("we paid it off", "en")])
def test_paying_done_is_no_hedge(text: str, lang: str) -> None:
    assert not cues.hedge(text, lang)


# --- a sum volunteered with "we have"; a two-letter clip of the name before "here" -------------


@pytest.mark.parametrize(
    ("script_file", "text", "budget"),
    [(LEAD_EN, "in a month or so and we have around 2500", 2500),
     (LEAD_RU, "в марте и у нас есть где-то двести", 200000),
     (LEAD_EN, "next month we have about 1800 square feet", None),  # guards: a count, or
     (LEAD_EN, "next month we have about 12", None)],  # too small to be a sum
)  # fmt: skip
def test_a_sum_held_is_offered(script_file: str, text: str, budget: int | None) -> None:
    branch, slots = _step(script_file, "ask_timeframe", text)
    assert branch == "ok"
    assert slots["budget"] == budget


@pytest.mark.parametrize(("text", "names", "expected"),
                         [("its ty here", ("tyler",), True), ("its ty here", ("linda",), False),
                          ("no here", ("nora",), False), ("ty", ("tyler",), False)])
def test_a_two_letter_clip_before_here(text: str, names: tuple[str, ...], expected: bool) -> None:
    assert (_answer("identity", text, "en", names) == "yes") is expected


# --- round ten, second batch: paraphrases written after the first fixes -------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "convenient", "только глаза продрал", "no"),
        # a yes example met only in part yields to a busy fact of the other side
        (LEAD_EN, "convenient", "i have a meeting in two minutes", "no"),
        (LEAD_EN, "convenient", "i have a minute", "yes"),  # guard: the example itself
        (LEAD_EN, "greet", "my mom is sleeping", "no"),
        (LEAD_EN, "relevant", "we went solar instead", "no"),
        (CONSENT_RU, "ask_consent", "ни в коем разе", "no"),
        ("own_manager.ru.yaml", "ask_keep", "да оставьте его за мной", "yes"),
        ("own_manager.ru.yaml", "ask_keep", "оставьте меня в покое", "no"),  # guard
        # a third batch
        (LEAD_RU, "convenient", "ась чего", "handler:repeat"),
        (LEAD_EN, "convenient", "im in the car but i can talk", "yes"),
        (LEAD_EN, "convenient", "im driving i cant talk", "no"),  # guard
        (LEAD_EN, "ask_budget", "my daughter is paying", "unknown"),
        # a fourth batch
        (LEAD_RU, "greet", "дед в огороде", "no"),
        (LEAD_RU, "convenient", "собираюсь выходить", "no"),
        (LEAD_EN, "convenient", "i got all morning", "yes"),
        (LEAD_RU, "relevant", "мы решили на электричество перейти", "no"),
        (LEAD_EN, "offer_manager", "ill hang on", "yes"),
        (LEAD_EN, "ask_budget", "as little as possible", "unknown"),
    ],
)
def test_round_ten_second_batch(script_file: str, step: str, text: str, branch: str) -> None:
    assert _step(script_file, step, text)[0] in (branch, "busy" if branch == "no" else branch)


def test_urgency_with_a_past_day_is_today() -> None:
    assert _values("срочно надо было ещё вчера", "ru", "date")[:1] == ["2026-02-03"]


@pytest.mark.parametrize(
    ("text", "lang", "kind", "value"),
    [("в пятницу 10 30", "ru", "datetime", "2026-02-06T10:30:00+03:00"),
     ("around lunch maybe 12 30", "en", "datetime", "2026-02-03T12:30:00-05:00"),
     ("в марте где-то двадцатого", "ru", "date", "2026-03-20")],
)  # fmt: skip
def test_round_ten_third_batch_times(text: str, lang: str, kind: str, value: str) -> None:
    assert _values(text, lang, kind)[:1] == [value]
