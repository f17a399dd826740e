"""Russian classes of natural replies found by the twenty-first fresh batch (round sixteen,
second part): who is calling asked as a doubt of the company's kind («вы точно
риелторы»), as «а какой салон», «кто вы» at the end, «напомните, откуда вы», why the
consent is wanted or what the messages will be about; opt-out asked politely («прошу
больше не беспокоить») or with «сюда»; to a consent for reminders, loyalty said as a fact
(«я к вам каждый год езжу», «купила у вас машину») agrees and a fact of leaving («машину
продал», «обслуживаюсь у знакомого», «ноги моей у вас не будет») refuses; to «удобно
говорить?» a situation (idle in a queue, a passenger) is a yes, a job at hand (a workman
at home, an interview, paying at a till) a no; to «актуально?» progress toward the thing
(materials on the plot, the old one lost) is a yes, done by the family or chosen another
way a no. Every example is a paraphrase, in no eval file, and fails on the code before the
round; the guards go the other way after it."""

from __future__ import annotations

import pytest

from bot_engine.dialog.menu import choose_words
from tests.nlu.polar_questions import step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        # who is calling: the company's kind doubted, the company asked, «кто вы» last
        (LEAD, "ask_budget", "а вы вообще монтажники или перекупщики", "handler:who_is_this"),
        (LEAD, "ask_budget", "вы правда сантехники", "handler:who_is_this"),
        (LEAD, "relevant", "вы точно кровельщики", "handler:who_is_this"),
        (LEAD, "ask_budget", "а вы реально застройщики", "handler:who_is_this"),
        (CONSENT, "greet", "а какой сервис", "handler:who_is_this"),
        (CONSENT, "greet", "а какой автосервис", "handler:who_is_this"),
        (LEAD, "ask_callback", "какая компания ещё раз повторите", "handler:who_is_this"),
        (LEAD, "ask_callback", "что за фирма повторите", "handler:who_is_this"),
        (LEAD, "convenient", "я где только не оставлял а вы кто", "handler:who_is_this"),
        (LEAD, "ask_timeframe", "подскажите ещё раз откуда вы", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а про что сообщать будете", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а о чём информировать-то станете", "handler:who_is_this"),
        # opt-out with «сюда»
        (CONSENT, "greet", "не надо сюда трезвонить", "handler:opt_out"),
        (LEAD, "greet", "не стоит сюда звонить никогда", "handler:opt_out"),
        # to a consent: a client already, the trouble a reminder spares
        (CONSENT, "ask_consent", "мы к вам в клинику каждые полгода ходим", "yes"),
        (CONSENT, "ask_consent", "я у вас в салоне уже лет пять стригусь", "yes"),
        (CONSENT, "ask_consent", "я вечно забываю про прививки собаке", "yes"),
        (CONSENT, "ask_consent", "у меня память дырявая так что", "yes"),
        (CONSENT, "ask_consent", "я чуть страховку не просрочил в прошлый раз", "yes"),
        # gone for good, seen to elsewhere, the thing no longer the caller's
        (CONSENT, "ask_consent", "в вашу аптеку я больше ни ногой", "no"),
        (CONSENT, "ask_consent", "ноги моей в вашем салоне больше не будет", "no"),
        (CONSENT, "ask_consent", "я к своему стоматологу хожу много лет", "no"),
        (CONSENT, "ask_consent", "стригусь у знакомой мастерицы", "no"),
        (CONSENT, "ask_consent", "я сам масло меняю и всё обслуживаю", "no"),
        (CONSENT, "ask_consent", "дачу продали прошлой осенью", "no"),
        (CONSENT, "ask_consent", "телефон этот дочке отдала", "no"),
        # to «удобно говорить?»: stuck waiting, a passenger; a tradesman at work, a till
        (LEAD, "convenient", "в очереди на таможне застряли надолго", "yes"),
        (LEAD, "convenient", "стоим на переезде минут десять не меньше", "yes"),
        (LEAD, "convenient", "сын машину ведёт я пассажир", "yes"),
        (LEAD, "convenient", "я на пассажирском еду", "yes"),
        (LEAD, "convenient", "у нас плиточник работает в ванной", "no"),
        (LEAD, "convenient", "кровельщики приехали крышу меняют", "no"),
        (LEAD, "convenient", "я в продуктовом у кассы стою", "no"),
        # to «актуально?»: a step done and the rest wanted, the old one lost, materials on
        # the plot, a part bought and the thing lacking
        (LEAD, "relevant", "проект утвердили осталось подрядчика найти", "yes"),
        (LEAD, "relevant", "дом уже купили дело за мастерами", "yes"),
        (LEAD, "relevant", "старый сарай сгорел прошлым летом", "yes"),
        (LEAD, "relevant", "летом гараж рухнул от снега", "yes"),
        (LEAD, "relevant", "кирпич уже во дворе лежит", "yes"),
        (LEAD, "relevant", "газоблоки завезли в марте", "yes"),
        (LEAD, "relevant", "плиту купили а кухни нет", "yes"),
        # done by the family, the need met another way, the request stale
        (LEAD, "relevant", "шурин нам дом достроил", "no"),
        (LEAD, "relevant", "дед сам сложил печку", "no"),
        (LEAD, "relevant", "мы решили вместо забора живую изгородь", "no"),
        (LEAD, "relevant", "решили в квартире душевую кабину поставить", "no"),
        # to «соединить с менеджером?»: the manager heard out
        (LEAD, "offer_manager", "глянем что он предложит", "yes"),
        (LEAD, "offer_manager", "посмотрим что расскажет", "yes"),
        (LEAD, "offer_manager", "ну выслушаем хотя бы что скажет", "yes"),
        (LEAD, "offer_manager", "ну можно посмотрим что нам предложит", "yes"),
        # the company's name checked back; the subject beyond the caller, no repeat
        (LEAD, "ask_timeframe", "погодите это окна плюс да", "handler:who_is_this"),
        (LEAD, "ask_budget", "это окна плюс что ли", "handler:who_is_this"),
        (CONSENT, "ask_consent", "я в страховании ничего не понимаю", "no_match:retry"),
        # to «это Ольга?»: the name, then the matter guessed; «я это» with a greeting
        (LEAD, "greet", "ольга это а вы по поводу окон что ли", "yes"),
        (LEAD, "greet", "ольга это а вы насчёт ремонта", "yes"),
        (LEAD, "greet", "алло я это добрый день", "yes"),
        # two question words around the question's own word ask it again
        (LEAD, "ask_timeframe", "когда что планируете", "handler:repeat"),
    ],
)
def test_at_step(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        (LEAD, "ask_callback", "повторите пожалуйста", "handler:repeat"),
        (CONSENT, "ask_consent", "нет не надо", "no"),
        (LEAD, "offer_manager", "вы точно перезвоните", "no"),
        (LEAD, "relevant", "вы точно уверены", "yes"),
        (CONSENT, "ask_consent", "пусть не пишут", "no_match:retry"),
        (CONSENT, "ask_consent", "вы мне машину продали а она сломалась", "no_match:retry"),
        (CONSENT, "ask_consent", "я к вам иногда езжу но не надо", "no"),
        (CONSENT, "ask_consent", "мы к вам больше не ходим", "no"),
        (LEAD, "convenient", "я за рулём", "busy"),
        (LEAD, "convenient", "в пробке стою перезвоните потом", "busy"),
        (LEAD, "convenient", "на больничном но плохо себя чувствую", "no"),
        (LEAD, "convenient", "во вторник приехали можно", "yes"),
        (LEAD, "relevant", "сарай не сгорел", "no"),
        (LEAD, "relevant", "мы ещё не решили", "yes"),
        (LEAD, "relevant", "фундамент ещё не залили", "yes"),
        (LEAD, "relevant", "это давно было уже не важно", "no"),
        (LEAD, "offer_manager", "посмотрим что жена скажет", "no_match:retry"),
        (LEAD, "ask_budget", "это много да", "no_match:retry"),
        (LEAD, "greet", "ольга это по поводу её заявки", "no"),
        (CONSENT, "ask_consent", "не понимаю в смысле", "handler:repeat"),
        (CONSENT, "ask_consent", "а про что напоминания", "handler:who_is_this"),
    ],
)
def test_at_step_guards(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


_CONTACTS = [{"name": "Ренат Гатдулин"}, {"name": "Зарина Латыпова"},
             {"name": "Олег Абдуллаев"}]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        # a voiced and voiceless pair met in a surname's cluster, heard once
        ("гадулина", 0),
        ("мне гатулина пожалуйста", 0),
        # guards: another surname, a word too short to judge
        ("латыпову", 1),
        ("абдуллаева", 2),
        ("надо", None),
    ],
)
def test_menu_surname_heard(text: str, index: int | None) -> None:
    assert choose_words(_CONTACTS, "name", text) == index
