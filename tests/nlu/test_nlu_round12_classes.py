"""Classes of natural replies found by the twelfth fresh batch (round twelve), as tables in
both languages where the class exists in both: asking again (the question's own words
around one question word, whom the robot asked for); opting out in other words; the
matter of the call guessed, 'what is this' after a statement, an organisation by its kind;
someone from the organisation as the operator; budget hedges (someone else keeps the
books, a loan decides, an estimate first, not ready to name it, whether it must be said);
sums (half a slang unit, thousands then hundreds, a sum turned down), dates (the November
holidays, the first of the year, "come spring") and times («час» alone after a day, a day
and its hour with an errand between); who answered (a name before a longer question, a
short form, a name split in two); busy or free right now (time found, tea in hand, an
occasion, hands busy, a ladder, bad timing, "talk to me", free before lunch); relevance (made
it themselves, others hired, the house gone, making do as it is, a wish, the rhetorical "i
wouldnt have asked"); a refused or withdrawn consent, «не-не, потом», «а чего бы и нет»;
short forms of names on a menu; a running cost is no budget. The "second batch" tables hold
the classes found by the round's own paraphrases after the first fixes (see
docs/understanding.md, round twelve). Every example is a paraphrase, in no eval file, and
fails on the code before the round; the guards (in `*_guards` tests or marked as such) go
the other way on both."""

from __future__ import annotations

import pytest

from bot_engine.dialog import menu
from bot_engine.nlu.polar import answer_to_offer
from tests.nlu.polar_questions import answer, step_reply, values

LEAD_RU, LEAD_EN = "lead_qualification.ru.yaml", "lead_qualification.en.yaml"
CONSENT_RU, CONSENT_EN = "consent_confirmation.ru.yaml", "consent_confirmation.en.yaml"


# --- asking again, opting out, asking who or why, asking for a person ---------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        # the question's own words around one question word, on a yes/no step too
        (LEAD_RU, "offer_manager", "а соединить с кем извините"),
        (LEAD_RU, "relevant", "актуально что простите"),
        (LEAD_EN, "relevant", "interested in what sorry"),
        (LEAD_EN, "ask_callback", "sorry call when"),
        (LEAD_RU, "ask_callback", "перезвонить когда"),
        # whom the robot asked for
        (LEAD_EN, "greet", "wait who did you ask for"),
        (LEAD_EN, "greet", "sorry who are you looking for"),
        (LEAD_EN, "greet", "um you asked for who"),
        (LEAD_RU, "greet", "простите кого вы хотели"),
        (LEAD_RU, "greet", "извините кого вы спрашивали"),
    ],
)
def test_asking_again(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:repeat"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "relevant", "да актуально", "yes"),
        (LEAD_EN, "offer_manager", "connect me please", "yes"),
        (LEAD_EN, "greet", "who is this", "handler:who_is_this"),
        (LEAD_EN, "greet", "who did you say you were with", "handler:who_is_this"),
        (LEAD_RU, "greet", "а кто это", "handler:who_is_this"),
    ],
)
def test_asking_again_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "convenient", "да отвяжитесь вы от меня"),
        (LEAD_RU, "relevant", "отстань уже от нас со своим утеплением"),
        (LEAD_RU, "ask_callback", "оставьте меня в покое"),
        (LEAD_RU, "ask_callback", "больше мне сюда не названивайте"),
        (LEAD_EN, "convenient", "just leave us alone"),
        (LEAD_EN, "relevant", "no more phone calls please"),
        (LEAD_EN, "ask_callback", "delete this phone from your records"),
    ],
)
def test_opting_out(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:opt_out"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [(LEAD_EN, "convenient", "no more questions", "no"),
     (LEAD_EN, "relevant", "leave it alone its fine", "no")],
)  # fmt: skip
def test_opting_out_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the matter of the call guessed; an organisation by its kind
        (CONSENT_EN, "ask_consent", "wait is this about the mortgage", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "so is it regarding my account", "handler:who_is_this"),
        (CONSENT_RU, "ask_consent", "это вы насчёт кредита", "handler:who_is_this"),
        (CONSENT_RU, "ask_consent", "а вы по поводу капремонта что ли", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "which cooperative", "handler:who_is_this"),
        # 'what is this' after a statement
        (CONSENT_EN, "ask_consent", "i never signed up for anything what is this",
         "handler:who_is_this"),
        (CONSENT_RU, "ask_consent", "я ничего не подписывала что это такое",
         "handler:who_is_this"),
        # someone from the organisation
        (CONSENT_EN, "ask_consent", "i need somebody from the credit union", "handler:operator"),
        (CONSENT_RU, "ask_consent", "соедините с кем-нибудь из банка", "handler:operator"),
        (CONSENT_RU, "ask_consent", "мне бы кого-то из правления", "handler:operator"),
    ],
)
def test_asking_who_or_for_a_person(script_file: str, step: str, text: str,
                                    branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [(CONSENT_EN, "ask_consent", "yes i agree", "yes"),
     (CONSENT_RU, "ask_consent", "да согласна", "yes"),
     (CONSENT_RU, "ask_consent", "это про меня", "no_match:retry"),
     (CONSENT_EN, "ask_consent", "someone from the office already called me", "no_match:retry")],
)  # fmt: skip
def test_asking_who_or_for_a_person_guards(script_file: str, step: str, text: str,
                                           branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- budget hedges and sums ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "text"),
    [
        (LEAD_EN, "that would be my husbands department"),  # someone else keeps the books
        (LEAD_EN, "my partner does all the finances"),
        (LEAD_EN, "whatever the bank approves us for"),  # a loan or the bank decides
        (LEAD_EN, "why do i have to answer that"),  # whether it must be said
        (LEAD_RU, "сначала пусть смету пришлют"),  # an estimate first
        (LEAD_RU, "а обязательно называть"),
    ],
)
def test_budget_hedges(script_file: str, text: str) -> None:
    assert step_reply(script_file, "ask_budget", text)[0] == "unknown"


@pytest.mark.parametrize(
    ("script_file", "text", "branch", "budget"),
    [(LEAD_EN, "my husband said about five grand", "ok", 5000),  # a sum wins
     (LEAD_EN, "we got a loan for twenty thousand", "ok", 20000),
     (LEAD_RU, "смета была на сто тысяч", "ok", 100000),
     (LEAD_EN, "do you guys offer financing", "no_match:retry", None)],  # as round eleven
)  # fmt: skip
def test_budget_hedges_guards(script_file: str, text: str, branch: str,
                              budget: int | None) -> None:
    got, slots = step_reply(script_file, "ask_budget", text)
    assert (got, slots["budget"]) == (branch, budget)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("ну полляма наверное", "ru", [500000]),  # half a slang unit in one word
        ("поллимона где-то", "ru", [500000]),
        ("два лимона", "ru", [2000000]),
        ("eighteen five", "en", [18500]),  # thousands, then one digit of hundreds
        ("maybe thirty two five", "en", [32500]),
        ("пятьсот тысяч это дорого давайте триста", "ru", [300000]),  # a sum turned down
        ("двести тысяч многовато а так сто пятьдесят", "ru", [150000]),
        ("twenty grand is too steep so more like twelve", "en", [12000]),
        ("forty thousand is way too much maybe twenty five thousand", "en", [25000]),
        # a third batch: hundreds then two digits, the second end of a range in the first's
        # scale, "mil", half of any magnitude
        ("two fifty", "en", [250]), ("twelve fifty", "en", [1250]),
        ("тысяч триста-четыреста", "ru", [300000, 400000]),
        ("тысяч сто или двести", "ru", [100000, 200000]), ("300k to 400", "en", [300000, 400000]),
        ("half a mil", "en", [500000]), ("half a grand", "en", [500]),
    ],
)
def test_sums(text: str, lang: str, expected: list[int]) -> None:
    assert values(text, lang, "money") == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [("twenty five", "en", [25]), ("nine five", "en", [9, 5]),
     ("five to ten thousand", "en", [5000, 10000]),
     ("двести или триста тысяч", "ru", [200000, 300000]),
     ("сто тысяч это много", "ru", [100000]), ("in two weeks budget is around 3k", "en", [3000]),
     ("two or three", "en", [2, 3]), ("двести тысяч и пять", "ru", [200005])],
)  # fmt: skip
def test_sums_guards(text: str, lang: str, expected: list[int]) -> None:
    assert values(text, lang, "money") == expected


# --- dates and times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "kind", "expected"),
    [
        ("после ноябрьских праздников", "ru", "date", ["2026-11-05"]),  # the November holiday
        ("sometime after the first of the year", "en", "date", ["2027-01-02"]),
        ("come summer", "en", "date", ["2026-06-01"]),  # "come spring": when it comes
        ("probably come fall", "en", "date", ["2026-09-01"]),
        ("завтра около часа", "ru", "datetime", ["2026-02-04T13:00:00+03:00"]),  # «час»: 1 pm
        ("в пятницу в час дня", "ru", "datetime", ["2026-02-06T13:00:00+03:00"]),
        # a day, a few words of an errand, then the hour
        ("tomorrow after i drop the kids around three", "en", "datetime",
         ["2026-02-04T15:00:00-05:00"]),
        ("в понедельник как с работы приду часов в семь", "ru", "datetime",
         ["2026-02-09T19:00:00+03:00"]),
        # a lunch break of a day named
        ("tomorrow on my lunch break", "en", "datetime", ["2026-02-04T13:00:00-05:00"]),
        ("завтра в обеденный перерыв", "ru", "datetime", ["2026-02-04T13:00:00+03:00"]),
    ],
)
def test_dates_and_times(text: str, lang: str, kind: str, expected: list[str]) -> None:
    assert values(text, lang, kind) == expected


@pytest.mark.parametrize(
    ("text", "lang", "kind", "expected"),
    [("около часа", "ru", "datetime", []),  # how long, with no day named
     ("im on my lunch break", "en", "datetime", []),  # where one is now, no time named
     ("tomorrow or at five", "en", "datetime", ["2026-02-04T17:00:00-05:00"])],
)  # fmt: skip
def test_dates_and_times_guards(text: str, lang: str, kind: str, expected: list[str]) -> None:
    assert values(text, lang, kind) == expected


def test_a_day_and_its_hour_at_the_callback_step() -> None:
    slots = step_reply(LEAD_EN, "ask_callback", "tomorrow on my break around one")[1]
    assert slots["callback_at"] == "2026-02-04T13:00:00-05:00"
    slots = step_reply(LEAD_RU, "ask_callback", "завтра как с обеда вернусь около часа")[1]
    assert slots["callback_at"] == "2026-02-04T13:00:00+03:00"


# --- yes and no to the question asked -----------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "text", "lang", "names", "expected"),
    [
        # who answered: a short form in «не X, я Y»; the name split in two
        ("identity", "не кеша я дима", "ru", ("иннокентий",), "no"),
        ("identity", "не тома я галя", "ru", ("тамара",), "no"),
        ("identity", "this is jean marie", "en", ("jeanmarie",), "yes"),
        # busy or free right now
        ("availability", "ну минутку выкрою", "ru", (), "yes"),  # time found
        ("availability", "пять минут найду", "ru", (), "yes"),
        ("availability", "у меня руки в тесте", "ru", (), "no"),  # hands busy
        ("availability", "my hands are covered in grease", "en", (), "no"),
        ("availability", "im up on the roof right now", "en", (), "no"),
        ("availability", "im under the sink fixing a leak", "en", (), "no"),
        ("availability", "awful timing", "en", (), "no"),
        ("availability", "i got time talk to me", "en", (), "yes"),
        # relevance: made it themselves, others hired, the thing gone, making do, a wish
        ("relevance", "муж сам утеплил", "ru", (), "no"),
        ("relevance", "мы частника наняли", "ru", (), "no"),
        ("relevance", "наняли бригаду из города", "ru", (), "no"),
        ("relevance", "дачу продали", "ru", (), "no"),
        ("relevance", "да так и перезимуем", "ru", (), "no"),
        ("relevance", "хотим сделать до холодов", "ru", (), "yes"),
        ("relevance", "we wouldnt have called if we didnt want it", "en", (), "yes"),
        # a consent refused or withdrawn
        ("consent", "я отзываю согласие", "ru", (), "no"),
        ("consent", "i withdraw my consent", "en", (), "no"),
    ],
)
def test_answers(asked: str, text: str, lang: str, names: tuple[str, ...],
                 expected: str) -> None:
    assert answer(asked, text, lang, names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "lang", "names", "expected"),
    [
        ("identity", "я светлана а кто это", "ru", ("светлана",), "yes"),
        ("identity", "не шура я петя", "ru", ("александра",), "no"),
        ("identity", "mary here", "en", ("marisol",), "no"),  # another name
        ("availability", "не найду я времени", "ru", (), "no"),
        ("availability", "talk to me later", "en", (), "no"),
        ("availability", "руки заняты", "ru", (), "no"),
        ("consent", "согласна", "ru", (), "yes"),
        ("offer", "не потом а сейчас", "ru", (), None),
    ],
)
def test_answers_guards(asked: str, text: str, lang: str, names: tuple[str, ...],
                        expected: str | None) -> None:
    assert answer(asked, text, lang, names) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "greet", "я ольга а вам чего надо", "yes"),  # the name, then a question
        (LEAD_EN, "convenient", "yes got a little time before lunch", "yes"),  # free till then
        (LEAD_RU, "offer_manager", "не-не потом как-нибудь", "no"),
        (CONSENT_RU, "ask_consent", "я отказываюсь от своего согласия", "no"),
        (CONSENT_RU, "ask_consent", "отзываю своё согласие", "no"),
        (CONSENT_EN, "ask_consent", "im withdrawing my consent", "no"),
    ],
)
def test_answers_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- names on a menu; a running cost ------------------------------------------------------------


MENU = [{"name": "Клавдия Иванова"}, {"name": "Фёдор Сидоров"}, {"name": "Маргарита Лис"},
        {"name": "Яков Гусев"}]


@pytest.mark.parametrize(
    ("text", "index"),
    [("рите", 2), ("дайте риту", 2), ("яшу можно", 3)],  # short forms not in the table before
)  # fmt: skip
def test_menu_short_forms(text: str, index: int | None) -> None:
    assert menu.choose_words(MENU, "name", text) == index


@pytest.mark.parametrize(("text", "index"),
                         [("федора", 1), ("гусева", 3), ("толку нет", None)])  # as before
def test_menu_short_forms_guards(text: str, index: int | None) -> None:
    assert menu.choose_words(MENU, "name", text) == index


@pytest.mark.parametrize(
    ("script_file", "text"),
    [(LEAD_EN, "yeah we pay like two hundred a month for power"),
     (LEAD_RU, "да за отопление платим тысяч пять в месяц"),
     (LEAD_RU, "да счёт за свет три тысячи пришёл")],
)  # fmt: skip
def test_a_running_cost_is_no_budget(script_file: str, text: str) -> None:
    branch, slots = step_reply(script_file, "relevant", text)
    assert (branch, slots["budget"]) == ("yes", None)


def test_a_running_cost_is_no_budget_guards() -> None:
    assert step_reply(LEAD_EN, "relevant", "yes and we can spend about 4000")[1]["budget"] == 4000
    assert step_reply(LEAD_RU, "relevant", "да тысяч на двести рассчитываем")[1][
        "budget"] == 200000


# --- a second batch: more of each class, said at the dialog step --------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "convenient", "чаёвничаем как раз давайте", "yes"),
        (LEAD_RU, "convenient", "совсем не вовремя звоните", "no"),
        (LEAD_EN, "relevant", "my son in law did it himself", "no"),
        (LEAD_EN, "relevant", "we tore the old house down", "no"),
        (LEAD_EN, "relevant", "well make do with what we have", "no"),
        (LEAD_EN, "relevant", "i wouldnt be talking to you if i wasnt", "yes"),
        (LEAD_RU, "ask_budget", "это к жене она деньгами распоряжается", "unknown"),
        (LEAD_RU, "ask_budget", "сколько банк одобрит", "unknown"),
        (LEAD_RU, "ask_budget", "а зачем вам это знать", "unknown"),
        (LEAD_EN, "ask_budget", "is that really necessary", "unknown"),
        (LEAD_EN, "greet", "whos that you want", "handler:repeat"),
        (LEAD_EN, "greet", "who did you say you wanted", "handler:repeat"),
        (LEAD_EN, "offer_manager", "connect me to who now", "handler:repeat"),
        (CONSENT_RU, "ask_consent", "отказываюсь давать согласие", "no"),
        # a third batch: busy, then told to go on, where the script has a busy intent
        (LEAD_EN, "convenient", "busy but go ahead", "yes"),
        (LEAD_EN, "convenient", "kinda busy but make it quick", "yes"),
        (LEAD_RU, "convenient", "занят но говорите быстро", "yes"),
        (LEAD_RU, "convenient", "у меня тесто подошло", "no"),
        (LEAD_EN, "relevant", "my brother is an electrician hes doing it", "no"),
        # resigned, then the answer: «куда деваться» opens no question
        (CONSENT_RU, "ask_consent", "ну а куда деваться согласен", "yes"),
        (LEAD_RU, "offer_manager", "куда деваться соединяйте", "yes"),
        # up to the ears in it; whatever it needs
        (LEAD_EN, "convenient", "im up to my ears in work", "no"),
        (LEAD_RU, "convenient", "я по уши в делах", "no"),
        (LEAD_EN, "ask_budget", "whatever gets the job done", "unknown"),
        (LEAD_RU, "convenient", "ой да какое там", "no"),  # «какое там»: hardly
        (LEAD_RU, "offer_manager", "ну какое там", "no"),
        # which one of that name: «какая ольга», "which megan" (as "megan who")
        (LEAD_RU, "greet", "какая ольга", "no"),
        (LEAD_EN, "greet", "which megan", "no"),
        (LEAD_RU, "relevant", "у нас уже новые окна", "no"),  # new ones in already
        # the trouble it would fix, said as a fact; a bad line, then "go on"
        (LEAD_RU, "relevant", "счета за отопление огромные", "yes"),
        (LEAD_EN, "relevant", "our bedroom is freezing every night", "yes"),
        (LEAD_EN, "relevant", "the electric bills are through the roof", "yes"),
        (LEAD_EN, "relevant", "more than ever", "yes"),
        (LEAD_RU, "convenient", "я на даче связь плохая но говорите", "yes"),
        # asking who or why at the consent question, in more words
        (CONSENT_EN, "ask_consent", "do i have to answer that", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "is this the credit union", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "agree to what now", "handler:who_is_this"),
        (CONSENT_RU, "ask_consent", "а что будет если откажусь", "handler:who_is_this"),
        # the question's words around "exactly"
        (LEAD_EN, "relevant", "interested in what exactly", "handler:repeat"),
        (LEAD_RU, "relevant", "а что именно актуально", "handler:repeat"),
        # the one asked for is the speaker's relative
        (LEAD_EN, "greet", "thats my wife", "no"),
        # any of them will do, to "always this manager?"
        ("own_manager.ru.yaml", "ask_keep", "любой", "no"),
        ("own_manager.ru.yaml", "ask_keep", "да любой подойдёт", "no"),
        # minutes on hand, an errand in town, someone found
        (LEAD_EN, "convenient", "i got like five", "yes"),
        (LEAD_EN, "convenient", "i have about ten minutes", "yes"),  # no hour: "ten minutes"
        (LEAD_EN, "convenient", "at the vet with my dog", "no"),
        (LEAD_EN, "relevant", "we found a guy", "no"),
        (LEAD_RU, "convenient", "в бане я", "no"),
        (LEAD_RU, "convenient", "у ветеринара сижу", "no"),
        (LEAD_RU, "relevant", "ну их нафиг", "no"),  # sent packing
        (LEAD_RU, "offer_manager", "да ну его к лешему", "no"),
        (LEAD_RU, "relevant", "ясен пень", "yes"),
        # what kind of call it is; the request not remembered; someone proper; told before
        (LEAD_RU, "convenient", "это реклама что ли", "handler:who_is_this"),
        (LEAD_RU, "convenient", "это опять вы", "handler:who_is_this"),
        (LEAD_EN, "relevant", "is this a sales call", "handler:who_is_this"),
        (LEAD_EN, "relevant", "is this a scam", "handler:who_is_this"),
        (LEAD_RU, "relevant", "не помню никакой заявки", "no"),
        (LEAD_RU, "ask_budget", "позовите кого-нибудь нормального", "handler:operator"),
        (LEAD_RU, "ask_budget", "я с автоответчиком разговаривать не буду", "handler:operator"),
        (LEAD_RU, "relevant", "я вам уже говорила не звонить", "handler:opt_out"),
        (LEAD_RU, "relevant", "сколько можно названивать", "handler:opt_out"),
        (LEAD_EN, "offer_manager", "connect me to whom", "handler:repeat"),
        (LEAD_EN, "greet", "who did you want to talk to", "handler:repeat"),
        (LEAD_EN, "convenient", "im home all day", "yes"),
        (LEAD_EN, "relevant", "the insurance covered a new one", "no"),
        (LEAD_EN, "relevant", "we decided to just patch it", "no"),
        (LEAD_RU, "relevant", "управляйка обещала сама утеплить", "no"),
        (LEAD_RU, "relevant", "старые окна совсем сгнили", "yes"),
        (LEAD_RU, "relevant", "с потолка капает", "yes"),
        (LEAD_RU, "relevant", "батареи не греют", "yes"),
        (LEAD_RU, "ask_budget", "лишних денег нет", "unknown"),  # little to spare
        (LEAD_RU, "ask_budget", "вам какая разница", "unknown"),  # whether it must be said
        (LEAD_EN, "ask_budget", "the least amount possible", "unknown"),
        # the name asked for spelt otherwise, a surname before "yes" and a question; not here
        (LEAD_EN, "greet", "meghan yes", "yes"),
        (LEAD_EN, "greet", "megan miller yes who is this", "yes"),
        (LEAD_EN, "greet", "depends who wants her", "handler:who_is_this"),
        (LEAD_RU, "greet", "нету тут ольги", "no"),
        (LEAD_EN, "relevant", "yes but no rush", "yes"),  # the "no" is the rush's
        (LEAD_EN, "relevant", "yeah no rush though", "yes"),
    ],
)
def test_round_twelve_second_batch(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (CONSENT_RU, "ask_consent", "куда деваться", "no_match:retry"),
        (LEAD_RU, "greet", "а какая", "handler:repeat"),  # no name
        (LEAD_RU, "convenient", "связь плохая", "handler:repeat"),
        (LEAD_EN, "greet", "oh shes my mom hold on", "no_match:retry"),  # fetching her
        (LEAD_EN, "relevant", "we havent found a guy yet", "yes"),  # negated
        (LEAD_RU, "relevant", "помню заявку да", "yes"),
        (LEAD_EN, "relevant", "the insurance hasnt covered anything yet", "yes"),
        (LEAD_RU, "relevant", "батареи греют нормально так что нет", "no"),
        (LEAD_EN, "greet", "karen yes", "no"),  # another name
        (LEAD_EN, "relevant", "no not anymore", "no"),
    ],
)
def test_round_twelve_second_batch_guards(script_file: str, step: str, text: str,
                                          branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "expected"),
    [("подключай клиента", "yes"), ("кидай его мне", "yes"),  # an order with its object
     ("ну перекидывай", "yes")],
)  # fmt: skip
def test_an_order_on_the_operators_leg(text: str, expected: str | None) -> None:
    assert answer_to_offer(text, "ru") == expected


@pytest.mark.parametrize("text", ["не кидай", "не подключай его"])
def test_an_order_on_the_operators_leg_guards(text: str) -> None:
    assert answer_to_offer(text, "ru") is None


@pytest.mark.parametrize(("text", "branch"), [("набирай", "yes"), ("ну набирайте", "yes")])
def test_told_to_dial(text: str, branch: str) -> None:
    assert step_reply("callback.ru.yaml", "announce", text)[0] == branch


def test_told_to_dial_guards() -> None:
    """A negated order is no yes: «не набирай» says not to dial (the reply classifier reads
    the no; the rules alone re-ask)."""
    assert step_reply("callback.ru.yaml", "announce", "не набирай")[0] in (
        "no", "no_match:retry")
