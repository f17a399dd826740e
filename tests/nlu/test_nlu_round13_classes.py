"""Classes of natural replies found by the thirteenth fresh batch (round thirteen), as tables
in both languages where the class exists in both: pet forms of a name (a clipped name with
"-ie", «Стас» -> «Стасик»); the caller naming themselves first, then a remark or a question
of their own; a worried "is something wrong?" is no correction; a message offered for the
one asked for (someone else answered); "literally" says nothing; staying on the line is
the yes to an offered transfer; "calling" is the call going on, no "call me"; an hour near
a meal gives way to a clock time said beside it; «ещё раз» after who is calling asks that
again; a negated want negates the verb it governs; asking for a person with the person
first («с человеком соедините») or by not wanting a robot; the caller's own words
confirmed to a read-back ("thats what i said"); "who is asking for her"; leave to do what
is needed ("do what you need", «делайте что нужно»); not to call "about this" without a no
first is an opt-out; "interested in what now" asks again; a question word and one
content word («а что решить», "whats the time") are no fact for the meaning layer;
"otherwise i would not have asked" («а то бы не оставлял»); «ещё как»; where the caller
is with an adjective before the place («на строительном рынке»). Every
example is a paraphrase, in no eval file, and fails on the code before the round; the
guards (in `*_guards` tests) go the other way on both."""

from __future__ import annotations

import pytest

from bot_engine.nlu import given_names
from tests.nlu.polar_questions import answer, step_reply, values

LEAD_RU, LEAD_EN = "lead_qualification.ru.yaml", "lead_qualification.en.yaml"
CONSENT_RU, CONSENT_EN = "consent_confirmation.ru.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("said", "asked", "lang"),
    [
        ("rosie", "rosalind", "en"),
        ("georgie", "georgina", "en"),
        ("gwennie", "gwendolyn", "en"),
        ("bernie", "bernadine", "en"),
        ("стасик", "станислав", "ru"),
        ("максик", "максим", "ru"),
    ],
)
def test_pet_forms(said: str, asked: str, lang: str) -> None:
    assert given_names.same_name(said, asked, lang)


@pytest.mark.parametrize(
    ("said", "asked", "lang"),
    [("rosie", "roberta", "en"), ("bobby", "bernadette", "en"), ("владик", "станислав", "ru")],
)
def test_pet_forms_guards(said: str, asked: str, lang: str) -> None:
    assert not given_names.same_name(said, asked, lang)


@pytest.mark.parametrize(
    ("asked", "text", "lang", "names", "expected"),
    [
        # pet forms as the answer
        ("identity", "rosie speaking", "en", ("rosalind",), "yes"),
        ("identity", "yeah georgie here", "en", ("georgina",), "yes"),
        ("identity", "ну максик", "ru", ("максим",), "yes"),
        # the caller's own name (or «я») first, then a remark or a question of their own
        ("identity", "я ольга с утра пораньше звоните", "ru", ("ольга",), "yes"),
        ("identity", "ну я ольга воскресенье же", "ru", ("ольга",), "yes"),
        ("identity", "я а вы собственно кто такие будете", "ru", ("ольга",), "yes"),
        ("identity", "ну я а вы по поводу чего звоните", "ru", ("ольга",), "yes"),
        ("identity", "ну я и вы по какому вопросу", "ru", ("ольга",), "yes"),
        ("identity", "its megan did something happen", "en", ("megan",), "yes"),
        ("identity", "its megan is anything the matter", "en", ("megan",), "yes"),
        ("identity", "im megan and you are", "en", ("megan",), "yes"),
        # a worried question is no correction
        ("identity", "yes speaking what went wrong", "en", ("megan",), "yes"),
        ("identity", "speaking is something wrong", "en", ("megan",), "yes"),
        # a message offered for the one asked for: someone else answered
        ("identity", "sorry can i take a message", "en", ("megan",), "no"),
        ("identity", "would you like to leave her a message", "en", ("megan",), "no"),
        ("identity", "а что ей передать", "ru", ("ольга",), "no"),
        ("identity", "я ей всё передам", "ru", ("ольга",), "no"),
        # "literally" says nothing
        ("availability", "im literally in the bath", "en", (), "no"),
        # a negated want negates the verb it governs: no to the consent
        ("consent", "не хочу я ничего подтверждать", "ru", (), "no"),
        ("consent", "не хочу ничего разрешать", "ru", (), "no"),
        ("consent", "i dont really want to agree", "en", (), "no"),
        ("consent", "i do not want to agree to this", "en", (), "no"),
        # staying on the line, to an offered transfer
        ("offer", "yes im holding on", "en", (), "yes"),
        ("offer", "yeah were holding", "en", (), "yes"),
        ("offer", "ok im hanging on", "en", (), "yes"),
        ("offer", "угу я ещё на линии", "ru", (), "yes"),
        ("offer", "да вишу", "ru", (), "yes"),
    ],
)
def test_answers(asked: str, text: str, lang: str, names: tuple[str, ...],
                 expected: str) -> None:
    assert answer(asked, text, lang, names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "lang", "names", "expected"),
    [
        ("identity", "this is the office megan left", "en", ("megan",), None),
        ("identity", "я сергей воскресенье же", "ru", ("ольга",), None),
        ("identity", "my wife will take a message", "en", ("megan",), None),
        ("readback", "thats wrong", "en", (), "no"),
        ("readback", "something is wrong", "en", (), "no"),
        ("offer", "im holding the baby", "en", (), "no"),
        ("offer", "я на линии с другим клиентом", "ru", (), "no"),
        ("offer", "im holding off for now", "en", (), "no"),
        ("identity", "mary here", "en", ("marisol",), "no"),  # a name of its own
        ("relevance", "не хочу ничего менять", "ru", (), "no"),
    ],
)
def test_answers_guards(asked: str, text: str, lang: str, names: tuple[str, ...],
                        expected: str | None) -> None:
    assert answer(asked, text, lang, names) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # «ещё раз» after who is calling asks that again: who-is-this, not a repeat
        (LEAD_RU, "ask_callback", "а вы кто такие напомните ещё раз", "handler:who_is_this"),
        (LEAD_RU, "ask_callback", "так вы откуда ещё раз", "handler:who_is_this"),
        (LEAD_RU, "ask_timeframe", "вы кто вообще ещё раз", "handler:who_is_this"),
        # asking for a person: the person first, or a robot not wanted
        (LEAD_RU, "convenient", "с людьми соедините", "handler:operator"),
        (LEAD_RU, "relevant", "с человеком меня соедините", "handler:operator"),
        (CONSENT_EN, "ask_consent", "i hate talking to machines", "handler:operator"),
        (LEAD_EN, "relevant", "i cant stand talking to a computer", "handler:operator"),
        (LEAD_EN, "convenient", "i dont want to talk to a robot", "handler:operator"),
        # to a read-back, the caller's own words confirmed
        (CONSENT_EN, "read_back", "correct thats just what i said", "yes"),
        (CONSENT_EN, "read_back", "right that is what i said", "yes"),
        (CONSENT_RU, "read_back", "ну так я и сказала", "yes"),
        # who is asking for the one asked for
        (CONSENT_EN, "greet", "um who is asking for her please", "handler:who_is_this"),
        # leave to do what is needed: a yes, no "what do you need"
        (CONSENT_EN, "ask_consent", "do what you need", "yes"),
        (CONSENT_EN, "ask_consent", "fine do what you need", "yes"),
        (CONSENT_RU, "ask_consent", "делайте что считаете нужным", "yes"),
        (CONSENT_RU, "ask_consent", "ну делайте что нужно", "yes"),
        # not to call "about this" without a no first: an opt-out
        (CONSENT_EN, "ask_consent", "please dont call me about this anymore", "handler:opt_out"),
        (CONSENT_EN, "ask_consent", "dont call about this again", "handler:opt_out"),
        # the question's words around a question word, "now" after it: asked again
        (LEAD_EN, "relevant", "interested in what now", "handler:repeat"),
        # a question word and one content word: no fact for the meaning layer to read
        (LEAD_RU, "relevant", "а что решить", "no_match:retry"),
        (LEAD_RU, "relevant", "а что оформить", "no_match:retry"),
        (LEAD_RU, "offer_manager", "а что решить", "no_match:retry"),
        (LEAD_EN, "convenient", "whats the time", "no_match:retry"),
        # "otherwise i would not have asked": the request was meant
        (LEAD_RU, "relevant", "иначе я бы не звонила", "yes"),
        (LEAD_RU, "relevant", "конечно а то бы и не оставляли", "yes"),
        (LEAD_EN, "relevant", "otherwise i wouldnt have called", "yes"),
        # «ещё как» is a yes, a fact after it its reason
        (LEAD_RU, "relevant", "ещё как у нас вся крыша в дырах", "yes"),
        (LEAD_RU, "relevant", "ещё как снегом всё завалило", "yes"),
        # where the caller is, an adjective before the place
        (LEAD_RU, "convenient", "мы на строительном рынке", "no"),
        (LEAD_RU, "convenient", "я на вещевом рынке", "no"),
        # "calling" is the call going on, no "call me (back)"
        (LEAD_EN, "convenient", "which outfit is this calling me", "handler:who_is_this"),
        (LEAD_EN, "offer_manager", "sure seeing as youre calling connect me", "yes"),
        (LEAD_EN, "offer_manager", "sure since youre calling patch me through", "yes"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_EN, "convenient", "call me back later", "no"),
        (LEAD_EN, "relevant", "so what", "no"),  # dismissive, no question of one word
        (LEAD_RU, "convenient", "я в хорошем настроении", "no_match:retry"),
        (CONSENT_EN, "read_back", "thats not what i said", "no"),
        (CONSENT_EN, "ask_consent", "what do you need", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "no and dont call me about this again", "no"),
        (CONSENT_RU, "ask_consent", "нет и не звоните по этому поводу", "no"),
        (LEAD_RU, "ask_callback", "скажите ещё раз", "handler:repeat"),
        (LEAD_RU, "ask_callback", "а кого вы спрашивали ещё раз", "handler:repeat"),
        (LEAD_EN, "convenient", "stop calling me", "handler:opt_out"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # an hour near a meal, and the clock time said beside it: one time, the clock's
        ("после обеда часа в четыре", "ru", ["2026-02-03T16:00"]),
        ("завтра после обеда часа в четыре", "ru", ["2026-02-04T16:00"]),
        ("до обеда где то в половине одиннадцатого", "ru", ["2026-02-03T10:30"]),
        ("часов в двенадцать ближе к обеду", "ru", ["2026-02-03T12:00"]),
        ("after lunch say two fifteen", "en", ["2026-02-03T14:15"]),
        ("tomorrow after lunch at three", "en", ["2026-02-04T15:00"]),
        ("before lunch like eleven thirty", "en", ["2026-02-03T11:30"]),
    ],
)
def test_an_hour_near_a_meal(text: str, lang: str, expected: list[str]) -> None:
    assert [str(v)[:16] for v in values(text, lang, "datetime")] == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("после обеда", "ru", ["2026-02-03T15:00"]),
        ("ближе к обеду", "ru", ["2026-02-03T13:00"]),
        ("after lunch", "en", ["2026-02-03T14:00"]),
        ("before lunch", "en", ["2026-02-03T11:00"]),
    ],
)
def test_an_hour_near_a_meal_guards(text: str, lang: str, expected: list[str]) -> None:
    assert [str(v)[:16] for v in values(text, lang, "datetime")] == expected
