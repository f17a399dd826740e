"""Russian classes of natural replies to yes/no questions found by the nineteenth and
twentieth fresh batches (round sixteen): to «актуально?» the thing in a bad state
(«крыша течёт», «рамы сгнили», «ступени шатаются»), knocked down or holed, lacking
(«а теплицы нормальной нет», «там одни сваи»), broken into or stolen from, planned or
nagged for by the family, or the means for it found («кредит одобрили») says yes, and so
does a place bought (read past: «дачу купили, там пусто»); done or being done by the
family or hired hands, a flat, a shared one, the place let or for sale, contentment and
«какой …» after the caller's situation say no. To «удобно говорить?» a spell until
something happens is a yes, a job at home, the outdoors or the water a no; to a consent
an order to send or a yes on a condition agrees, another shop, no messenger or someone
else's SIM refuses; a read-back narrowed («не на все») or the record refused says no;
told to call the third party («да, наберите её») takes the call. Every example is a
paraphrase, in no eval file, and fails on the code before the round; the guards (in
`*_guards` tests) go the other way after it."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD, CONSENT, CALLBACK = ("lead_qualification.ru.yaml", "consent_confirmation.ru.yaml",
                           "callback.ru.yaml")


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # the thing in a bad state
        ("relevance", "рамы на веранде сгнили", "yes"),
        ("relevance", "штукатурка на фасаде осыпается", "yes"),
        ("relevance", "ступеньки крыльца шатаются", "yes"),
        ("relevance", "водосток весь ржавый", "yes"),
        ("relevance", "батареи текут по швам", "yes"),
        ("relevance", "у нас ламинат вздулся", "yes"),
        # the same in any word form, by lemma
        ("relevance", "доски на террасе прогнили", "yes"),
        ("relevance", "отмостка просела и потрескалась", "yes"),
        ("relevance", "из всех щелей дует", "yes"),
        ("relevance", "в прошлом году у нас машину угнали", "yes"),
        ("relevance", "окна больше не запотевают", "no"),
        ("relevance", "в погребе опять вода", "yes"),
        ("relevance", "зимой трубы замёрзли", "yes"),
        ("relevance", "автомат постоянно выбивает", "yes"),
        ("relevance", "морозилка не морозит", "yes"),
        ("relevance", "двери у нас ещё советские", "yes"),
        ("relevance", "мы строимся", "yes"),
        # knocked down or holed
        ("relevance", "ураганом крышу с сарая сорвало", "yes"),
        ("relevance", "в теплице дыра здоровенная", "yes"),
        ("relevance", "калитка на честном слове висит", "yes"),
        # lacking
        ("relevance", "гараж поставили а ворот до сих пор нараспашку", "yes"),
        ("relevance", "кур завели а курятника нормального нет", "yes"),
        ("relevance", "на участке пока одни столбики", "yes"),
        ("relevance", "живём без канализации", "yes"),
        # broken into, stolen from, strayed in
        ("relevance", "у нас из сарая инструмент украли", "yes"),
        ("relevance", "собаки бродячие во двор забредают", "yes"),
        ("relevance", "подростки на территорию лазят по ночам", "yes"),
        ("relevance", "лисы по двору бегают", "yes"),
        # planned, needed, nagged for
        ("relevance", "осенью подумывали крыльцо переделать", "yes"),
        ("relevance", "нужно бы в детской батарею поменять", "yes"),
        ("relevance", "муж всё ворчит что дует из окон", "yes"),
        ("relevance", "свекровь требует чтобы кухню переделали", "yes"),
        ("relevance", "надо бы крышу перекрыть", "yes"),
        # the means came, or no hands for it
        ("relevance", "нам кредит на ремонт одобрили", "yes"),
        ("relevance", "плитку закупили а некому класть", "yes"),
        ("relevance", "доски завезли а класть некому", "yes"),
        ("relevance", "материалы купили не знаем кто будет ставить", "yes"),
        # a place bought, read past
        ("relevance", "дачу купили там пусто", "yes"),
        ("relevance", "взяли землю там одни колышки", "yes"),
        # done, or being done, by the family or hired hands
        ("relevance", "брат нам летом всю крышу перекрыл", "no"),
        ("relevance", "муж сам ламинат уложил", "no"),
        ("relevance", "рабочие уже окна ставят", "no"),
        ("relevance", "ребята из соседней деревни уже ставят", "no"),
        ("relevance", "кум помог поставить", "no"),
        ("relevance", "думаем поставить своими руками", "no"),
        ("relevance", "у нас своя ограда кованая", "no"),
        ("relevance", "всё давно готово", "no"),
        # the caller's situation
        ("relevance", "мы живём в панельке", "no"),
        ("relevance", "у нас в посёлке общая котельная", "no"),
        ("relevance", "дом на продажу выставили", "no"),
        ("relevance", "это меня не касается я помещение в аренду отдаю", "no"),
        ("relevance", "меня вполне устраивает старая", "no"),
        ("relevance", "старые окна нас вполне устраивают", "no"),
        ("relevance", "мне восемьдесят лет какая теплица", "no"),
        ("relevance", "мы пока на съёмной живём", "no"),
        ("relevance", "дачу продаём", "no"),
        ("relevance", "у нас всё в порядке", "no"),
        ("relevance", "в квартире всё есть", "no"),
        ("relevance", "дача под снос", "no"),
        ("relevance", "я плиточник сам положу", "no"),
        ("relevance", "мы уезжаем в другую страну", "no"),
        ("relevance", "у меня свой электрик есть", "no"),
        ("relevance", "какая кухня у нас ремонт через год", "no"),
        # only looked
        ("relevance", "это я так просто глянул", "no"),
        # a spell until something, a job at home, the outdoors
        ("availability", "можно пока муж не вернулся", "yes"),
        ("availability", "давайте пока гости не пришли", "yes"),
        ("availability", "у меня сантехник пришёл", "no"),
        ("availability", "у нас мебель заносят", "no"),
        ("availability", "сейчас на склоне на лыжах", "no"),
        ("availability", "я на даче давайте после", "no"),
        ("availability", "у меня сейчас окна меняют", "no"),
        ("availability", "нам кухню собирают", "no"),
        ("availability", "я посуду мою", "no"),
        ("availability", "ко мне родня нагрянула", "no"),
        ("availability", "тут шумно очень", "no"),
        ("availability", "можно пока перерыв не кончился", "yes"),
        ("availability", "внуки уснули можно", "yes"),
        ("availability", "только из магазина пришла могу", "yes"),
        ("availability", "у меня перекур", "yes"),
        ("availability", "стою у подъезда жду такси", "yes"),
        ("availability", "я варенье варю", "no"),
        # idle anyway, or free as the conclusion of a busy-sounding fact
        ("availability", "я всё равно электричку жду", "yes"),
        ("availability", "я в командировке в гостинице так что свободна", "yes"),
        # consent: on a condition, by an order to send; refused through where one shops
        ("consent", "шлите раз такое дело", "yes"),
        ("consent", "высылайте мне всё равно", "yes"),
        ("consent", "можно если не чаще раза в неделю", "yes"),
        ("consent", "мы только за если бонусы будут", "yes"),
        ("consent", "ну если по делу то можно", "yes"),
        ("consent", "можно только нечасто", "yes"),
        ("consent", "я за если это акции", "yes"),
        ("consent", "я в другом магазине закупаюсь", "no"),
        ("consent", "мы у конкурентов заказываем", "no"),
        ("consent", "это номер жены", "no"),
        ("consent", "мы продукты на рынке берём", "no"),
        ("consent", "симка на работу оформлена", "no"),
        ("consent", "мне это ни к чему", "no"),
        ("consent", "я в телеграме не сижу", "no"),
        ("consent", "симка не моя мамина", "no"),
        ("consent", "не нужно мне это я сама в магазин хожу", "no"),
        # a read-back narrowed, the record refused
        ("readback", "нет я не на все рассылки соглашался", "no"),
        ("readback", "не записывайте пока я подумаю", "no"),
        ("readback", "не со всем я согласен", "no"),
        ("readback", "подождите не вносите", "no"),
    ],
)
def test_answers(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("relevance", "крыша уже не течёт", "no"),
        ("relevance", "забор сгнил так что поставили новый", "no"),
        ("relevance", "не надо ничего менять", "no"),
        ("relevance", "квартиру купили уже с окнами", "no"),
        ("relevance", "денег не дали", None),
        ("relevance", "а денег нет", "no"),
        ("relevance", "у меня протез съёмный надоел", "yes"),
        ("relevance", "какой забор вы ставите", None),
        ("relevance", "мы старые уже", None),
        ("relevance", "сосед поставил на наши старые", "no"),
        ("relevance", "да мы не передумали", "yes"),
        ("availability", "давайте потом", "no"),
        ("availability", "ещё раз можно", None),
        ("availability", "сейчас не могу", "no"),
        ("consent", "пишите лучше на почту", None),
        ("consent", "я за лекарствами хожу", None),
        ("readback", "да я на всё соглашалась", "yes"),
        ("readback", "не только на звонки но и на письма согласна", "yes"),
        ("consent", "я в вашей аптеке беру", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        # a bad line said with a place away: not convenient, no request to repeat
        (LEAD, "convenient", "я на сенокосе связь плохая", "no"),
        (LEAD, "convenient", "мы на озере на лодке связь пропадает", "no"),
        # told to call the third party
        (CALLBACK, "announce", "да наберите её", "yes"),
        (CALLBACK, "announce", "ну перезвони клиенту", "yes"),
        (CONSENT, "ask_consent", "ну шлите", "yes"),
        (LEAD, "relevant", "крыльцо всё потрескалось", "yes"),
    ],
)
def test_at_step(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        (LEAD, "convenient", "повторите связь плохая", "handler:repeat"),
        (CALLBACK, "announce", "перезвоните мне позже", "no"),
    ],
)
def test_at_step_guards(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch
