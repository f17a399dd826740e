"""Classes of natural replies found by round twelve's memory batch (round12), as tables in
both languages where the class exists in both. Every example is a paraphrase, in no eval
file, and fails on the code before the round; each table has guards that go the other way.

Classes: calls refused by their noun or by "leave me alone"; asking who by where the
caller is; the question's own words around a question word; a wait or a lead-in is no
answer yet; "who?" to "is this Ann?" asks whom again; a person asked for by trade or rank,
or after the machine is refused; "speak up, I can't hear you"; a free spell ("while the
kids nap") or «сейчас могу» after an hour; a manager declined for lack of time; an aside
to the room; asking who in other words (the number found, the name recalled, the company
doubted); a read-back narrowed («нет, только на…», "no, i only…") is a no;
relevance facts (in place for a while, a move that makes the need, the trouble gone,
nobody hired); busy in an office with a queue or with work in hand;
the request denied to "do you have a minute?" asks what the call is about;
nothing signed over the phone; the operator's «давай другому»; the name said twice, or retired;
what the robot wrote down, asked back; what the manager is, asked;
a ready-made one bought, the manager to explain now, a name not caught."""

from __future__ import annotations

import pytest

from bot_engine.nlu import IntentMatcher, builtin_intents
from bot_engine.nlu.polar import answer_to_offer
from tests.nlu.polar_questions import answer, step_reply

LEAD_RU, LEAD_EN = "lead_qualification.ru.yaml", "lead_qualification.en.yaml"
CONSENT_RU, CONSENT_EN = "consent_confirmation.ru.yaml", "consent_confirmation.en.yaml"


def _handler(text: str, lang: str) -> str | None:
    return IntentMatcher(builtin_intents(lang), lang).match(text).intent


# --- calls refused by their noun or by "leave me alone" -----------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("да отстаньте вы уже", "ru"), ("не хотим никаких ваших звонков", "ru"),
     ("занесите номер в стоп-лист", "ru"), ("не перезванивайте больше сюда", "ru"),
     ("нам не нужно больше перезванивать", "ru"), ("just leave us alone", "en"),
     ("no more phone calls ok", "en"), ("we never want any calls", "en"),
     ("do not ever ring here again", "en"), ("delete us", "en")],
)  # fmt: skip
def test_calls_refused(text: str, lang: str) -> None:
    assert _handler(text, lang) == "opt_out"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("не хочу пропустить звонок", "ru"), ("не надо перезванивать я сейчас могу", "ru"),
     ("он от жизни отстал", "ru"), ("my kids wont leave me alone", "en"),
     ("leave it alone", "en"), ("i want a call tomorrow", "en")],
)  # fmt: skip
def test_calls_refused_guards(text: str, lang: str) -> None:
    assert _handler(text, lang) != "opt_out"


# --- asking who, by where the caller is ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("а вы в какой стране находитесь", "ru"), ("а ваша фирма в какой области работает", "ru"),
     ("в каком районе вы сидите", "ru"), ("вы в каком городе базируетесь", "ru"),
     ("а в каком регионе вы работаете", "ru")],
)  # fmt: skip
def test_where_the_caller_is(text: str, lang: str) -> None:
    assert _handler(text, lang) == "who_is_this"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("в каком районе у вас квартира", "ru"), ("из какого города", "ru"),
     ("в каком городе", "ru")],
)  # fmt: skip
def test_where_the_caller_is_guards(text: str, lang: str) -> None:
    assert _handler(text, lang) != "who_is_this"


# --- the question's own words around a question word --------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "relevant", "актуальна что"),  # a yes/no step too
        (LEAD_RU, "ask_budget", "а что вы сейчас сказали"),  # the robot's words, no hedge
        (LEAD_EN, "relevant", "still interested what"),  # not who-is-this
        (LEAD_EN, "ask_budget", "your what"),  # nothing but small words before "what"
        (LEAD_EN, "ask_budget", "the what"),
        (CONSENT_RU, "read_back", "верно что"),
        (LEAD_RU, "offer_manager", "сделать что"),  # «что» and a small verb: "do what?"
        (LEAD_EN, "ask_budget", "wait what was that about budget"),
    ],
)
def test_question_echoed_back(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:repeat"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "relevant", "а что за заявка такая", "handler:who_is_this"),  # what it is
        (LEAD_RU, "relevant", "да а что", "yes"),  # an answer, then a question
        (CONSENT_RU, "ask_consent", "согласие на что именно", "handler:who_is_this"),
        (CONSENT_RU, "ask_consent", "еще чего", "no"),  # an idiom: "no way"
        (LEAD_EN, "relevant", "so what", "no"),
        (LEAD_EN, "relevant", "yes what", "yes"),
        (LEAD_EN, "greet", "whats this about", "handler:who_is_this"),  # no word of its own
        (LEAD_EN, "greet", "what sort of company is this", "handler:who_is_this"),  # a variable
    ],
)
def test_question_echoed_back_guards(script_file: str, step: str, text: str,
                                     branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- a wait or a lead-in is no answer yet -------------------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "convenient", "ну так"),  # «так» leads in
        (LEAD_RU, "convenient", "щас щас"),  # «сейчас» said twice is a wait, once a «now»
        (LEAD_EN, "convenient", "alright hold on a sec"),  # "ok" before a wait
        (LEAD_EN, "convenient", "ok so uh"),
        (LEAD_EN, "relevant", "just a moment please"),
        (LEAD_EN, "convenient", "wow interesting"),
        (CONSENT_EN, "ask_consent", "okay one sec"),  # no consent either
    ],
)
def test_a_wait_is_no_answer(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "no_match:retry"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "convenient", "так точно", "yes"),
        (LEAD_RU, "convenient", "погодите да удобно", "yes"),  # the answer after the wait
        (LEAD_EN, "convenient", "ok", "yes"),
        (LEAD_EN, "convenient", "hold on yeah go ahead", "yes"),
        (CONSENT_EN, "ask_consent", "okay", "yes"),
    ],
)
def test_a_wait_is_no_answer_guards(script_file: str, step: str, text: str,
                                    branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- "who?" to "is this Ann?" asks whom again ---------------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "greet", "кого вам надо"),
        (LEAD_RU, "greet", "ой кого позвать простите"),
        (LEAD_RU, "greet", "оль кто"),  # the name cut short, then «кто»
        (LEAD_RU, "greet", "кто простите"),
        (LEAD_EN, "greet", "excuse me who"),
        (LEAD_EN, "greet", "looking for who"),
        (LEAD_EN, "greet", "who do you need"),
        (CONSENT_EN, "greet", "wait whom did you ask for"),
    ],
)
def test_whom_asked_again(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:repeat"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "greet", "вы кто", "handler:who_is_this"),  # who is calling
        (LEAD_RU, "greet", "ольга кто", "no"),  # the whole name: not known here
        (LEAD_RU, "convenient", "кого позвать", "handler:who_is_this"),  # no name asked
        (LEAD_EN, "greet", "who are you", "handler:who_is_this"),
        (LEAD_EN, "greet", "megan who", "no"),
    ],
)
def test_whom_asked_again_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- a person by trade or rank, or after the machine is refused ---------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "greet", "с автоматом не стану разговаривать"),
        (LEAD_RU, "convenient", "с машиной не хочу говорить дайте человека"),
        (LEAD_RU, "convenient", "переключите на вашего начальника"),
        (LEAD_RU, "convenient", "позовите того кто монтаж делает"),
        (LEAD_EN, "greet", "i wont talk to a machine get me a person"),
        (LEAD_EN, "convenient", "put me through to the lady who handles billing"),
    ],
)
def test_a_person_asked_for(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:operator"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "convenient", "не надо никого звать", "no"),
        (LEAD_RU, "convenient", "соедините с ним позже", "no"),
        (LEAD_EN, "convenient", "i dont need anyone", "no"),
    ],
)
def test_a_person_asked_for_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- "speak up, I can't hear you" ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "greet", "говорите погромче ничего не слышу", "handler:repeat"),
        (LEAD_EN, "greet", "speak up please i cant hear you", "handler:repeat"),
        (LEAD_RU, "convenient", "я в метро плохо слышно", "no"),  # guard: busy, no repeat
        (LEAD_EN, "convenient", "im on the subway i cant hear you", "no"),
    ],
)
def test_speak_up(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- a free spell, or «сейчас могу» after an hour -----------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "text", "branch"),
    [
        (LEAD_RU, "давайте пока дочка спит", "yes"),  # the one who needs the caller asleep
        (LEAD_RU, "да пока дети спят", "yes"),
        (LEAD_RU, "в обед щас могу", "yes"),  # an hour, then «сейчас могу»: now
        (LEAD_EN, "sure while the baby is asleep", "yes"),
        (LEAD_EN, "yeah while my daughter is napping", "yes"),
        (LEAD_EN, "im just watching a movie", "yes"),  # idle
        (LEAD_RU, "я с ребенком пока не уснет", "no"),  # guards: busy until then
        (LEAD_RU, "пока не могу", "no"),
        (LEAD_EN, "im watching the kids", "no"),
        (LEAD_EN, "were watching the game", "no"),  # watching, not idle
    ],
)
def test_a_free_spell(script_file: str, text: str, branch: str) -> None:
    assert step_reply(script_file, "convenient", text)[0] == branch


# --- a manager declined for lack of time --------------------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "text", "branch"),
    [
        (LEAD_RU, "некогда мне с менеджером болтать", "no"),
        (LEAD_RU, "нет времени у меня на специалиста", "no"),
        (LEAD_RU, "не до консультанта сейчас", "no"),
        (LEAD_RU, "переключать не надо", "no"),  # the verb first, then its «не надо»
        (LEAD_EN, "i dont have time for a manager today", "no"),
        (LEAD_EN, "no time to talk to a rep", "no"),
        (LEAD_RU, "мне неудобно соедините с менеджером", "operator"),  # guards
        (LEAD_RU, "да соединяйте", "yes"),
        (LEAD_EN, "bad time just connect me with a manager", "operator"),
    ],
)
def test_a_manager_declined_for_time(script_file: str, text: str, branch: str) -> None:
    assert step_reply(script_file, "offer_manager", text)[0] == branch


# --- an aside: a wait for the door, the other phone, a child ------------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "greet", "ой погодите внучка плачет", "no_match:retry"),
        (LEAD_RU, "greet", "погодите тут сын кричит", "no_match:retry"),
        (LEAD_RU, "convenient", "кто там пришла", "no_match:retry"),  # said into the room
        (LEAD_RU, "greet", "кто это там пришел", "no_match:retry"),
        (LEAD_EN, "convenient", "wait my other line is ringing", "no_match:retry"),
        (LEAD_EN, "ask_budget", "oh hang on somebodys at the door", "no_match:retry"),
        (LEAD_RU, "convenient", "секунду дверь закрою да удобно", "yes"),  # guards: an answer
        (LEAD_EN, "convenient", "hold on someones at the door yeah go ahead", "yes"),
        (LEAD_RU, "convenient", "кто там", "handler:who_is_this"),  # asks the robot
    ],
)
def test_an_aside(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- asking who in other words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "ask_timeframe", "а где вы мой телефон достали", "handler:who_is_this"),
        (LEAD_RU, "ask_timeframe", "как вы наш номер получили", "handler:who_is_this"),
        (LEAD_RU, "ask_timeframe", "подскажите название вашей компании", "handler:who_is_this"),
        (CONSENT_RU, "ask_consent", "это точно ваша компания", "handler:who_is_this"),
        (LEAD_EN, "greet", "why are you asking about her", "handler:who_is_this"),
        (LEAD_EN, "relevant", "are you acme or somebody else", "handler:who_is_this"),
        (LEAD_EN, "relevant", "is it the roofer or someone else", "handler:who_is_this"),
        (CONSENT_RU, "ask_consent", "вы точно уверены", "yes"),  # guards: no company doubted
        (LEAD_RU, "ask_timeframe", "через месяц", "ok"),
    ],
)
def test_asking_who_in_other_words(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- a read-back narrowed is a no ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "text", "branch"),
    [
        (CONSENT_RU, "нет я соглашался только на рассылку", "no"),
        (CONSENT_RU, "нет только на смс согласна", "no"),
        (CONSENT_EN, "nope i only said yes to emails", "no"),
        (CONSENT_RU, "да только побыстрее", "yes"),  # guards: a yes with «только»
        (CONSENT_RU, "нет нет все верно", "yes"),
        (CONSENT_EN, "no thats right", "yes"),
    ],
)
def test_a_read_back_narrowed(script_file: str, text: str, branch: str) -> None:
    assert step_reply(script_file, "read_back", text)[0] == branch


# --- relevance facts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("уже полгода как висят", "ru", "no"),  # in place for a while
        ("они уже год как стоят", "ru", "no"),
        ("мы как раз въезжаем", "ru", "yes"),  # a move that makes the need
        ("the leak went away on its own", "en", "no"),  # the trouble gone
        ("the mice are gone now", "en", "no"),
        ("we didnt hire anybody", "en", "yes"),  # nobody hired
        ("мы переезжаем", "ru", "no"),  # guards: moving away
        ("we already hired someone", "en", "no"),
    ],
)
def test_relevance_facts(text: str, lang: str, expected: str) -> None:
    assert answer("relevance", text, lang) == expected


# --- busy in an office with a queue, or with work in hand ---------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("мы в мфц стоим", "ru", "no"),
        ("я в пенсионном стою", "ru", "no"),
        ("в банке сижу", "ru", "no"),
        ("im doing an estimate right now", "en", "no"),
        ("were doing a walkthrough now", "en", "no"),
        ("im doing nothing right now", "en", "yes"),  # guard: idle
    ],
)
def test_busy_in_an_office_or_at_work(text: str, lang: str, expected: str) -> None:
    assert answer("availability", text, lang) == expected


# --- the request denied to "do you have a minute?" ----------------------------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "convenient", "я нигде ничего не оставляла", "handler:who_is_this"),
        (LEAD_RU, "convenient", "ничего я не заказывала", "handler:who_is_this"),
        (LEAD_EN, "convenient", "we never requested anything", "handler:who_is_this"),
        (LEAD_EN, "convenient", "i dont remember signing up for anything", "handler:who_is_this"),
        (LEAD_RU, "relevant", "я нигде ничего не оставляла", "no"),  # guards: to "still on?"
        (LEAD_EN, "relevant", "we never requested anything", "no"),
        (LEAD_EN, "convenient", "i never asked for anything stop calling", "handler:opt_out"),
    ],
)
def test_the_request_denied(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- nothing signed over the phone; the operator's «давай другому» ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("по телефону не подпишу ничего", "no"), ("я не буду подписывать", "no"),
     ("подпишу конечно", "yes")],
)  # fmt: skip
def test_nothing_signed(text: str, expected: str) -> None:
    assert answer("consent", text, "ru") == expected


def test_the_operator_passes_it_on() -> None:
    assert answer_to_offer("нет давайте другому", "ru") == "no"
    assert answer_to_offer("давай соединяй", "ru") == "yes"  # guard


# --- who answered: the name said twice, or the one asked for retired ----------------------------


@pytest.mark.parametrize(
    ("text", "lang", "names", "expected"),
    [
        ("ну ольга я ольга", "ru", ("ольга",), "yes"),  # the name said twice
        ("karen this is karen", "en", ("karen",), "yes"),
        ("well karen im karen", "en", ("karen",), "yes"),
        ("ольга на пенсии давно", "ru", ("ольга",), "no"),  # free, but said of her
        ("ольга ушла на пенсию", "ru", ("ольга",), "no"),
        ("ну ольга я ирина", "ru", ("ольга",), "no"),  # guards: another name
        ("ольга я да", "ru", ("ольга",), "yes"),
        ("karen is retired now", "en", ("karen",), "no"),
    ],
)
def test_who_answered(text: str, lang: str, names: tuple[str, ...], expected: str) -> None:
    assert answer("identity", text, lang, names) == expected


# --- what the robot wrote down, asked back; what the manager is, asked ----------------------------


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (CONSENT_RU, "read_back", "простите что вы там зафиксировали", "handler:repeat"),
        (CONSENT_EN, "read_back", "wait what did you write down", "handler:repeat"),
        (CONSENT_EN, "read_back", "what have you noted", "handler:repeat"),
        (LEAD_RU, "offer_manager", "что это еще за менеджер", "handler:who_is_this"),
        (LEAD_RU, "offer_manager", "кто такой менеджер", "handler:who_is_this"),
        (LEAD_RU, "offer_manager", "дайте менеджера", "operator"),  # guards: one asked for
        (LEAD_EN, "offer_manager", "yes a manager please", "operator"),
    ],
)
def test_asked_back(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


# --- a ready-made one bought; the manager to explain now; a name not caught ---------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("купили готовую уже", "no"), ("да взяла готовый", "no"),
     ("мы не купили готовую", "yes")],  # guard: not bought
)  # fmt: skip
def test_a_ready_made_one(text: str, expected: str) -> None:
    assert answer("relevance", text, "ru") == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_RU, "offer_manager", "ну пусть расскажет что к чему", "yes"),
        (LEAD_RU, "offer_manager", "пусть перезвонит завтра", "no"),  # guard: deferred
        (LEAD_EN, "greet", "megan or meghan i didnt catch the name", "handler:repeat"),
        (LEAD_RU, "greet", "ольга или олеся не расслышала кого", "handler:repeat"),
        (LEAD_RU, "greet", "ольга кто", "no"),  # guard: the name known, not this one
    ],
)
def test_explain_now_and_a_name_not_caught(script_file: str, step: str, text: str,
                                           branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch
