"""Polar facts found by lemma, whatever the word form, order and negation.

`nlu.polar`'s patterns read the surface of a reply. A caller says the same fact in many
forms ("согласна", "соглашусь", "согласие даю"), in any order ("ничего против не имею"
and "ничего не имею против") and often negated a few words away ("не самое удобное
время", "I don't really mind", "согласия не даю"). This module reads *lemmas*:

- a cue is a few lemmas of one polar family (the families of `nlu.polar`); its words may
  come in any order within a short window (two other words may stand between them), but
  a set phrase (marked `=`) keeps its order ("решили не" is no, "не решили" is not it);
- a cue is negated when a negator ("не", "ни", "not", "never") stands inside it or just
  before it, over words that only modify ("не *очень* удобно", "not *a* good time",
  "don't *really* need"); "нет"/"no" negates a noun cue next to it ("нет времени",
  "no objection", "возражений нет"); more negative words are still one negation
  (negative concord: "никогда не соглашался");
- a negated cue reads as the opposite family: `agree` <-> `refuse` ("не против" is yes),
  `available` <-> `busy` ("не удобно" is no), `still` <-> `done` ("ещё не купили" is yes),
  `identity` <-> `wrong`. A cue marked `=` ignores negation (idioms: "ни за что"), one
  marked `!` only counts when negated ("не сейчас", "нет времени");
- where cues overlap, the one with more words wins ("ничего против не имею" is the cue
  "иметь против", negated: yes, not the cue "против": no).

When no cue is found, a Russian verb in the first person present ("укладываю ребёнка",
"обедаю", "стою в пробке") or an English "I'm ...ing" ("I'm cooking") states what the
caller is busy with, unless the verb is one of answering or of still wanting
("слушаю", "ищем", "still looking").

Lexicon entries are written as words and lemmatized when the table is built, with the
same lemmatizer the replies go through, so an entry matches every form of its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from bot_engine.nlu.entities.names import _ru_name_tag
from bot_engine.nlu.entities.names_en import EN_FIRST_NAMES
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.morph import (
    ru_adjective,
    ru_animate_noun,
    ru_first_person_present,
    ru_future_verb,
    ru_noun_case,
    ru_noun_lemma,
    ru_past_verb,
    ru_request_form,
)
from bot_engine.nlu.text import lemma_tuple, surface_lemmas
from bot_engine.nlu.yesno import i_will_see_to_it

Answer = Literal["yes", "no"]
Mode = Literal["flip", "fixed", "negated"]

ANSWERS: dict[str, Answer] = {
    "agree": "yes", "available": "yes", "identity": "yes", "still": "yes",
    "done": "no", "later": "no", "busy": "no", "wrong": "no", "refuse": "no", "channel": "no",
}  # fmt: skip
OPPOSITE: dict[str, str | None] = {
    "agree": "refuse", "refuse": "agree", "available": "busy", "busy": "available",
    "still": "done", "done": "still", "identity": "wrong", "wrong": "identity", "later": None,
    "channel": None,
}  # fmt: skip

_GAP = 2
"""Other words allowed between the words of one cue."""

# Word classes a cue may name as "@class".
_CLASSES: dict[Lang, dict[str, str]] = {
    "ru": {
        "time": "завтра послезавтра вечер вечером утро утром днем обед обеда понедельник "
                "вторник среда четверг пятница суббота воскресенье неделя выходные потом "
                "позже попозже позднее час",
        "better": "лучше удобнее удобный хороший проще",
        "human": "менеджер оператор специалист консультант сотрудник человек",
        "family": "жена муж супруг супруга партнер начальник директор бухгалтер "
                  "бухгалтерия родители мама папа сын дочь шеф босс руководство начальство "
                  "руководитель владелец хозяин хозяйка собственник учредитель дочка сынок "
                  "зять невестка внук внучка брат сестра тесть теща свекор свекровь отец мать "
                  "бабушка дедушка",
        "relative": "жена муж сын дочь мама мать папа отец брат сестра бабушка дедушка "
                    "коллега секретарь помощник помощница сосед соседка супруга супруг "
                    "дочка сынок мамка внук внучка племянник племянница тетя дядя свекровь "
                    "теща невестка зять бабуля",
    },
    "en": {
        "time": "tomorrow tonight evening morning afternoon monday tuesday wednesday thursday "
                "friday saturday sunday week weekend later hour",
        "better": "better easier best",
        "human": "manager operator specialist agent person human representative",
        "family": "wife husband partner boss spouse accountant parents mom dad owner "
                  "landlord management son daughter brother sister kids children",
        "relative": "wife husband son daughter mom mother dad father brother sister "
                    "colleague secretary assistant neighbor grandma grandpa",
    },
}

_LEXICON: dict[Lang, dict[str, list[str]]] = {
    "ru": {
        "agree": [
            "согласен", "согласие дать", "согласие давать", "разрешаю", "подтверждаю",
            "одобряю", "валяйте", "поехали", "погнали", "устраивает", "подходит", "годится",
            "=не вопрос", "=без проблем", "=почему бы и нет", "=само собой",
            "=еще бы", "=было бы здорово", "=было бы неплохо", "=было бы хорошо",
            "соедините", "переключите", "=с удовольствием", "=так точно", "=пусть будет",
            "=так и быть", "=пускай",
            "=все верно", "=все правильно", "=все так", "=так и есть", "=именно так",
            "=нет проблем", "=проблем нет", "=нет вопросов", "=вопросов нет", "попробовать",
            "=никаких проблем", "=никаких вопросов",
            "принимаю", "принять", "готов",
            # «оставьте его за мной» keeps the manager, no «оставьте меня»
            "оставить за мной", "закрепить за мной",
            # the manager to explain now: «ну пусть расскажет, что почём»
            "=пусть расскажет", "=пускай расскажет", "=пусть объяснит", "=пускай объяснит",
        ],
        "refuse": [
            "против", "иметь против", "возражать против", "возражение~", "отказываюсь",
            "=ни за что", "=ни в коем случае", "=категорически", "запрещаю",
            "=не надо мне этого", "=не хочу ничего давать", "=не хочу давать",
            "=не это имел в виду", "=не то имел в виду", "=не то сказал",
            "=я такого не говорил", "=не соглашался", "=оставьте меня",
            "передумать", "отклонить", "отменить", "отмена", "воздержаться",
            "=просто узнать", "=просто спросить", "=просто поинтересоваться",
            "=просто интересуюсь", "=просто посмотреть", "=неохота", "=не хочется",
            # the operator's "give it to someone else"
            "=на другого", "=кому нибудь другому", "=кого нибудь другого", "=кому то другому",
            "отдать другому", "передать другому", "перекинуть другому",
            "=кого то другого", "=другому оператору", "=другому менеджеру",
            "=кого нибудь еще", "=кому нибудь еще", "=кого то еще", "=кому то еще",
            "=давай другому", "=давайте другому", "=дай другому",
            # nothing signed over the phone: «я ничего не подпишу по телефону»
            "=не подпишу", "=ничего не подпишу", "=не буду подписывать",
            # the phone or the plan kept as it is: «у меня кнопочный телефон», «смс не
            # читаю», «мне и на старом хорошо», «ухожу к другому оператору»
            "кнопочный", "=смс не читаю", "=не читаю смс", "=сообщения не читаю",
            "=только звонками", "=только для звонков", "=не пользуюсь",
            "=на старом", "=старый устраивает", "=к другому оператору", "корпоративный",
        ],
        "available": [
            "удобно", "удобный время", "удобный момент", "хороший время",
            "подходящий время", "удачный время", "удачный момент", "минута есть",
            "минутка есть", "есть время", "время есть", "найти время",
            "время найтись", "могу говорить", "могу разговаривать", "можно говорить",
            "свободен", "свободно", "ждать звонок", "слушаю", "если быстро", "только быстро",
            "только недолго", "=если коротко", "=я дома", "=мы дома",
            "минута найтись", "=сейчас могу", "=сейчас можно", "=во внимании",
            # all the time in the world: «я на пенсии», «времени вагон»
            "=времени полно", "=времени вагон", "=полно времени", "=вагон времени",
            "=весь день свободен", "=весь день свободна", "=на пенсии", "=никуда не спешу",
            "=никуда не тороплюсь",
            # a free day or a free spell: «у меня выходной», «я уже освободилась»
            "=у меня выходной", "=сегодня выходной", "=я освободился", "=я освободилась",
            "=уже освободился", "=уже освободилась", "=на диване", "=я на больничном",
        ],
        "busy": [
            "занят", "=некогда", "=не до этого", "=не до того", "=не до вас",
            "!время~", "руль", "дорога", "в пути", "совещание", "встреча", "собрание",
            "планерка", "урок", "лекция", "прием", "врач", "больница", "метро", "самолет",
            "поезд", "электричка", "пробка", "на работе", "тренировка", "роды",
            "переговоры", "командировка", "спортзал", "в зале", "бассейн", "отпуск",
            "поликлиника", "экзамен", "на смене", "на вахте", "дежурство", "на обеде",
            "созвон", "на звонке", "конференция", "вебинар", "на линии", "собеседование",
            # paying at a till: «я на кассе стою», «у кассы»
            "на кассе", "у кассы", "расплачиваться",
            "спать",
            "на объекте", "на выезде", "в отъезде", "за границей",
            "=неудобно", "=занято", "=не могу", "=не вариант", "=никак", "=за столом",
            "=у меня клиент", "=с клиентом", "=с клиенткой", "=с другой клиенткой",
            "=у меня клиентка", "=у меня пациент", "=с пациентом",
            "=у меня посетитель", "=у меня люди", "=у меня пара", "=на паре",
            "бежать надо", "уходить надо", "=мне пора", "=пора бежать", "=пора идти",
            "болеть", "недоступен", "завал", "=по горло", "=не одна", "=не один",
            "=у меня гости", "=у нас гости", "летучка", "пятиминутка",
            # away for long: «в армии», «в рейсе», «на сборах» (of the one asked for: not here)
            "армия", "=на службе", "=в рейсе", "=в плавании", "=на сборах", "санаторий",
            "роддом", "=на даче", "=в деревне", "=в огороде", "=в гараже", "=на рыбалке",
            "=на огороде", "=в саду", "=на учебе", "=на сессии", "=в экспедиции",
            "=на морозе", "=в операционной", "=в реанимации", "=на дежурстве",
            "застолье", "=у нас праздник", "=батарея садится", "=телефон садится",
            "=телефон разряжается", "=зарядка кончается",
            # the livestock giving birth, something pressing at home: «корова телится»
            "телиться", "котиться", "рожать", "опорос", "отел", "окот", "жеребиться",
            "ягниться",
        ],
        "later": [
            "!сейчас", "!сегодня", "позже", "попозже", "позднее", "потом", "в другой раз",
            "в другой день", "в другое время", "перезвоните", "наберите", "позвоните",
            "@time @better", "@better @time", "=пусть перезвонит", "=пусть позвонит",
            "=пусть свяжется", "созвонимся", "поговорим @time", "=давайте @time",
            "=я подумаю", "=подумаю еще", "=надо подумать", "=дайте подумать",
            "=подумаю", "=подумаем",
            "=дай подумать",
            "=можно @time", "=лучше @time",
        ],
        "channel": [
            "=пусть напишет", "=пусть пришлет", "=сам позвоню", "=сам перезвоню",
            "=сам наберу", "=сам свяжусь", "=на почту", "=в ватсап", "=на ватсап",
            "=в телеграм", "=в телеграмм", "=смской", "=в смс", "=напишите", "=пришлите",
            "=лучше сам", "=я сам", "=сам посмотрю", "=сам разберусь",
            "=скиньте", "=отправьте",
        ],
        "still": [
            "еще ищем", "еще выбираем", "еще думаем", "пока думаем", "пока выбираем",
            "пока ищем", "как раз ищем", "как раз выбираем", "присматриваемся",
            "подбираем", "сравниваем", "актуально", "актуальный", "интересует",
            "=смотрим варианты", "=смотрим разные", "=изучаем варианты",
            "интересно", "интересоваться", "в силе", "нужен", "нужна", "хотим купить",
            "хотим заказать",
            "хотим поставить", "планируем", "собираемся", "ждем", "еще нужно", "ищем",
            "выбираем", "в поиске", "в процессе", "раздумья", "в раздумьях", "хотим",
            # the imperfective partners of `done`'s verbs, negated: "ничего не покупали"
            "!покупать", "!заказывать", "!приобретать", "!оформлять", "!устанавливать",
            # the trouble goes on: «котёл опять тухнет», «батареи еле тёплые», «газом
            # пахнет», «давление падает», «ошибку выдаёт», «запускается через раз»
            "тухнуть", "гаснуть", "затухать", "гудеть", "шуметь", "барахлить", "глючить", "сбоить",
            "=еле теплые", "=чуть теплые", "=еле греют", "=еле греет", "пахнуть газ",
            "запах газ", "давление падать", "выдавать ошибка", "=через раз",
            "холодный батарея", "холодный радиатор", "=горячей воды нет",
            "=нет горячей воды", "!запускаться", "!включаться", "!разжигаться",
            # nothing done so far: «никто так и не приехал», «договора так и нет»,
            # «мастер не пришёл»
            "=так и не", "=так ничего и не", "=так никто и не", "=так и нет", "=так и нету",
            "!приехать", "!прийти",
            # the thing in a bad state, in any form («доски прогнили», «плитка просела», «сетка
            # порвана», «дует из щелей»); negated it is fine («уже не течёт»: no)
            "гнить", "сгнить", "прогнить", "подгнить", "гнилой", "ржаветь", "заржаветь",
            "проржаветь", "ржавый", "трескаться", "треснуть", "потрескаться", "трещина",
            "течь", "протекать", "протечь", "подтекать", "просесть", "проседать", "порвать",
            "порваться", "рваться", "дырявый", "прохудиться", "осыпаться", "отваливаться",
            "отвалиться", "обвалиться", "проваливаться", "провалиться", "перекоситься",
            "покоситься", "шататься", "расшататься", "скрипеть", "искрить", "коротить",
            "запотевать", "промерзать", "продувать", "дуть", "заилиться", "засориться",
            "забиваться", "плесневеть", "облезть", "облупиться", "вздуться", "рассохнуться",
            "разваливаться", "развалиться", "почернеть", "сыпаться",
            "перемерзать", "замерзнуть", "выбивать", "стучать", "!морозить", "!охлаждать",
            "строиться",
            # broken into or stolen from: «машину угнали», «в гараж залезли»
            "угнать", "украсть", "утащить", "стащить", "обокрасть", "залезть", "обворовать",
        ],
        "done": [
            "купили", "приобрели", "заказали", "нашли другого", "нашли другую",
            "нашли в другом", "взяли", "поставили", "установили", "оформили",
            "определиться", "=продали квартиру", "=квартиру продали",
            "=решили не", "=решили пока не", "=решили подождать", "отказались", "отпало",
            "отложили", "другая фирма", "другая компания", "другое место", "сделали",
            "=уже сделано", "=все сделано", "справились", "=сами сделали",
            "=у других", "конкурент", "=без вас", "=уже есть", "обошлись",
            "=поздно уже", "=уже поздно", "неактуально", "неинтересно",
            "=уже не", "=больше не нужно", "=больше не надо", "=вопрос решен",
            "=вопрос решили", "=решили вопрос", "=все устраивает", "=уже устраивает",
            # serviced or set right by someone: «горгаз обслуживает», «мастер всё настроил»,
            # «сам почистил»; not serviced is still on
            "обслуживать",
            "управляющая компания", "демонтировать",
            # moved out, or renting and the landlord decides
            "съехать", "=хозяин решает",
            "=хозяйка решает", "=хозяева решают", "=собственник решает",
            "=хозяйка квартиры решает", "=хозяин квартиры решает",
            # the place rented or up for sale: «мы на съёмной», «участок продаём»
            "съемный квартира", "съемный жилье", "съемный дом", "=на съемной", "=в съемной",
            "=снимаем квартиру", "=квартиру снимаем", "=снимаем дом", "=дом снимаем",
            "продавать участок", "продавать дом", "продавать дача", "на продажа",
        ],
        "identity": [
            "=у телефона", "=на связи", "=на проводе", "=он самый", "=она самая",
            "=это я", "=я слушаю", "=да я", "=слушаю вас", "=собственной персоной",
        ],
        "wrong": [
            "ошиблись", "=не туда", "=не тот номер", "=нет таких", "=нет такого",
            "=таких нет", "=такого нет", "=такой нет", "=нету такого", "=не по адресу",
            "=не туда звоните", "его @relative", "ее @relative", "@relative его",
            "@relative ее",
            "=это не он", "=это не она", "=не он", "=не она",
            "не живет", "=его нет", "=ее нет", "=его нету", "=ее нету",
            "ошибка", "ошибочка", "перепутать", "=другой человек", "=не тот человек",
            "=другому человеку", "=до меня", "=за него", "=за нее", "=вместо него",
            "=вместо нее",
            # no longer here: «уволился», «тут больше не работает»; the phone left behind
            "уволиться", "=больше не работает", "=тут не работает", "=здесь не работает",
            "=не работает тут", "=не работает здесь", "=уже не работает", "забыть телефон",
            "забыть трубка",
        ],
    },
    "en": {
        "agree": [
            "agree", "consent", "permission~", "go ahead", "fire away", "=you got it",
            "=you bet", "=why not", "=sounds good", "=sounds great", "=sounds fine",
            "=be my guest", "comfortable with", "fine with", "okay with", "ok with",
            "happy to", "=go for it", "=lets do it", "=please do",
            "=by all means", "=sure thing", "=works for me", "=thats right",
            "accept", "=count me in", "=no worries",
            # a "not" that agrees: "cant argue with that", "cant hurt"
            "=cant argue with that",
            "=cant argue with it", "=can not argue with that", "=no harm in it",
            "=cant hurt", "=can not hurt", "=wont hurt",
            # the verb carries the negation: "never gave you any consent"
            "give consent", "give permission", "grant permission", "gave consent",
            "gave permission", "give my consent", "give my permission", "gave my consent",
        ],
        "refuse": [
            "refuse", "object", "objection~", "mind", "problem~", "issue~", "against",
            "=no way", "=rather not", "=prefer not", "=forget it", "=never mind",
            "=please do not", "=hell no", "=no chance", "=not what i said", "=not what i meant",
            "=not what i agreed", "=not what i asked for",
            "=no thank you", "=leave me alone", "decline", "=count me out", "=ill pass",
            "=i will pass", "=pass on", "=changed mind", "=change mind", "=just asking",
            "=just curious", "=just wondering", "=just wanted to know",
        ],
        "available": [
            "free", "have time", "have minute", "have second", "have sec", "have moment",
            "got minute", "got second", "got sec", "talk", "chat", "good time", "convenient",
            "=now work", "=now good", "=now fine", "listen", "=make it quick",
            "=if its quick", "=long as its quick", "=if its short", "=long as its short",
            "=if you are quick", "=if you make it quick", "=keep it short", "=all ears",
            "=not doing anything", "=not doing much", "=doing nothing", "=not up to much",
            "=just relaxing", "=just chilling", "=just sitting here",
            # an idle chore or a break leaves the caller free: "just folding laundry", "on
            # my lunch break", "im not going anywhere"
            "fold laundry", "folding laundry", "lunch break",
            "=killing time", "=not going anywhere",
            "=just hanging out", "=puttering around", "=nothing going on",
        ],
        "busy": [
            "busy", "driving", "meeting", "in middle of", "plane", "flight", "traffic",
            "doctor", "hospital", "at work", "swamped", "tied up", "=about to",
            "on way", "with customer", "with client", "with patient", "in class",
            "=bad time", "=bad moment", "!time~", "=on the road", "=be away", "=he away",
            "=she away", "on vacation", "=in the army", "=in the military", "deployed",
            "=overseas", "=away at college", "=at college",
            "traveling", "on holiday", "on a trip", "out of town", "out of the office",
            "at the gym", "=he out", "=she out", "=on the highway", "=on the freeway",
            "=ran to the", "=ran out", "=popped out", "=run to the", "=stepped away",
            "=just walked in", "=just got home", "=just got in",
            "=walking in the door", "=running late",
            "unavailable", "slammed", "=snowed under", "sick", "asleep", "sleeping", "napping",
            "gotta run", "got to run", "have to run", "gotta go", "got to go", "have to go",
            "need to go", "need to run", "=get back to work", "=back to work", "=have to",
            "=got to", "=gotta",
            # a shift, hands full, a house full: "im on shift", "elbow deep in raw chicken",
            # "a house full of guests"
            "=on shift", "=on my shift", "=elbow deep", "=up to my elbows", "=hands are full",
            "=house full", "=full house", "=have company", "=got company", "=company over",
            "guests over",
        ],
        "later": [
            "!now", "!today", "later", "another time", "another day", "call back",
            "call me", "try me", "try again", "@time @better", "@time work better",
            "=next week", "=catch me", "=reach me", "talk @time", "speak @time",
            "chat @time", "=how about @time", "=maybe @time", "=can we do @time",
            "ill think about it", "will think about it", "let me think", "need to think",
            "have to think", "think it over", "sleep on it",
        ],
        "channel": [
            "=just email", "=just text", "=just send", "=send me", "=email me", "=text me",
            "=mail me", "=call them myself", "=call him myself", "=call her myself",
            "=contact them myself", "=reach out myself", "=rather get an email",
            "=rather have an email", "=prefer an email", "=prefer a text", "=rather email",
        ],
        "still": [
            "still", "interested", "look for", "shopping", "shopping around",
            "compare", "comparing", "need one", "need it", "want one", "want it",
            "in the market", "planning to", "hoping to",
        ],
        "done": [
            "already", "bought", "buy elsewhere", "purchased", "ordered", "installed",
            "found someone", "found another", "found cheaper", "go with someone",
            "found guy", "found somebody", "found contractor", "found company", "hired guy",
            "hired someone", "hired somebody", "hired contractor",
            "go with another", "went with", "another company", "someone else",
            "=decided not to", "=decided against", "cancel", "=all set",
            "taken care", "=sorted out", "=dealt with", "=handled it", "=handled that",
            "=all sorted", "=no longer", "=not anymore", "=any more",
            "=we are good", "=we are fine", "=lost interest", "=lose interest", "=ended up",
            "=decided to wait", "=going to wait", "=put it off", "postpone",
            "=end up", "scrap", "=moved on", "=move on", "=cant afford", "=can not afford",
            "=sold the house", "=did it ourselves", "=do it ourselves",
            "=did it myself", "=do it myself", "=did it himself", "=did it herself",
            "=did it themselves", "=done it ourselves", "=tore down", "=torn down",
            "=knocked down", "demolish", "=make do", "=live with it", "=gave up", "=give up",
            "=stay with what", "=so we are set", "=so were set", "=so im set", "=rigged up",
            "=jury rigged", "=rigged something",
            "=keep what we have", "=keep the old", "=keep our old", "=too late", "elsewhere",
            "=too expensive", "=too pricey", "=out of our budget", "=out of our price range",
            "=ship has sailed", "=missed the boat",
            "somewhere else", "better deal", "better offer", "better price", "cheaper option",
            "=got a guy", "=have a guy", "sold place", "sold home", "sold property",
            "sold condo", "sold apartment", "sold building", "sold business", "move out",
            "move away", "relocate", "=out of state", "=we rent", "=renting now", "landlord",
            "=not in the budget", "=cant swing it", "=gonna wait", "=wait till next",
            "=wait until next", "=friend of ours", "=friend of mine", "=brother in law",
            "=does that for us", "=do that for us", "=does it for us", "=fixed it",
            "=already fixed", "=fixed the", "=got a new", "=have a new", "=put in a new",
            "=covered it", "=too high", "=way too much", "=too much money",
            "=on the market", "=leaving the area", "=leaving town", "=tapped out",
            # not the caller's to fix: "not our problem", "not my concern anymore"
            "=not our problem", "=not my problem", "=not our concern", "=not my concern",
        ],
        "identity": [
            "=speaking", "=it is me", "=that is me", "=this is he", "=this is she",
            "=this is him", "=this is her", "=you got him", "=you got her",
            "=you have him", "=you have her", "=one and only", "=in person",
        ],
        "wrong": [
            "=wrong number", "=wrong person", "nobody", "=no one", "=not here",
            "=no such", "=doesnt live", "=does not live", "=not home",
            "his @relative", "her @relative", "=this is his @relative",
            "=this is her @relative", "=i am his @relative", "=i am her @relative",
            "=not the right person", "=mistaken", "=the wrong", "=answering for him",
            "=answering for her", "=picking up for him", "=picking up for her",
            "=on his behalf", "=on her behalf",
            # no longer here; the phone left behind
            "=doesnt work here", "=does not work here", "=no longer works",
            "=left the company", "=not with the company", "=forgot his phone",
            "=forgot her phone", "=left his phone", "=left her phone",
            # the house or the line changed hands: "we bought this house from him", "this is
            # a fax line"
            "=bought this house from", "=bought the house from", "=bought this place from",
            "=fax line", "=fax machine",
        ],
    },
}  # fmt: skip

# Hedges: the caller does not know yet, or someone else decides. No yes and no no, but
# the answer a step's "don't know" intent waits for (see `hedge`).
_HEDGES: dict[Lang, dict[str, list[str]]] = {
    "ru": {
        "unsure": [
            "!знаю", "!уверен", "!решили", "!определились", "!думали", "!считали",
            "!прикидывали", "!обсуждали", "!смотрели", "!знаем", "затрудняюсь",
            "=сложно сказать", "=трудно сказать", "=сложно ответить", "=трудно ответить",
            "=сложный вопрос", "=хороший вопрос", "понятие", "зависит", "смотря",
            "=как получится", "=по ситуации", "=посмотрим", "=видно будет", "=хз",
            "=как пойдет", "=по обстоятельствам", "=как карта ляжет",
            "=как выйдет", "=как сложится", "=сколько выйдет", "=как договоримся",
            "=вопрос открытый", "=открытый вопрос", "непонятно", "неясно", "=не понятно",
            "=не ясно", "=пока вопрос", "подешевле", "дешевле", "недорого", "недорогой",
            "разумный", "разумно", "=в пределах разумного",
            "=надо прикинуть", "=надо посчитать", "=нужно прикинуть", "=нужно посчитать",
            "=надо думать", "=нужно думать",
            "=прикину", "=посчитаю",
            # who knows, someone else to ask, the robot to say: «кто ж его знает», «мужа
            # надо спросить», «вам виднее»
            "=кто знает", "=бог знает", "=черт знает", "спросить @family", "уточнить @family",
            "=вам виднее", "=вы скажите", "=у вас узнать", "=у вас спросить", "=вы же специалист",
            "=вы специалисты",
            "посоветоваться", "обсудить", "подумать", "@family решает", "@family решит",
            "@family скажет", "@family занимается",
            "@family знает", "@family в курсе", "=спросить у", "=сколько стоит",
            "=сколько стоят", "=какие цены", "=какая цена", "=а сколько", "=как скажете",
            "почем", "сколько выходить", "сколько обойтись", "сколько получиться",
            "=что посоветуете", "=что порекомендуете", "=что предложите",
            "=пока не", "=еще не", "цена", "стоимость", "расценка", "прайс", "стоить",
            "!бюджет~", "!сумма~", "!цифра~",
            # someone else pays, the price decides, too little money to name a sum:
            # «сын будет оплачивать», «сколько насчитаете», «денег немного»
            "@family платить", "@family оплачивать", "=у него спросите",
            "=у нее спросите", "=у них спросите", "=сколько насчитаете", "=сколько скажете",
            "=сколько выставите", "=сколько будет стоить", "=денег немного", "=денег мало",
            "=денег немного", "=пенсия маленькая", "=маленькая пенсия", "=на пенсии",
            "=живем на пенсию", "небогато",
            # a subsidy decides, or someone must come and look first: «сколько субсидия
            # покроет», «пусть сначала приедут посмотрят», «после замера»
            "субсидия", "компенсация", "вычет", "=сколько вернут", "=сколько компенсируют",
            "=сколько покроет", "=после замера", "=без замера", "замерщик",
            "=сначала посмотреть", "=пусть посмотрят", "=приедут посмотрят",
            "=сначала приехать", "=сначала приедут",
            # an examination first, the sum after it: «после снимка скажу», «после осмотра»
            "после снимка", "после осмотр", "после обследование", "после диагностика",
            "после консультация", "после сказать", "после назвать", "после ясно",
            "после понятно", "=потом скажу", "=позже скажу", "=скажу потом",
            "=скажу позже",
            # an estimate first, not ready to name it, whether it must be said: «сначала
            # хочу смету увидеть», «не готов сейчас назвать сумму», «а это обязательно говорить»
            "смета", "=сначала расчет", "=сначала посчитайте", "=пусть посчитают",
            "=не готов назвать", "=не готов сказать", "=не готов озвучить",
            "=не хочу называть", "=не буду называть", "=не хочу говорить",
            "=обязательно говорить", "=обязательно называть", "=обязательно отвечать",
            "=обязательно сообщать", "=обязательно озвучивать",
            "=к жене", "=к мужу", "@family распоряжаться", "@family заведовать",
            "=деньгами распоряжается", "=банк одобрить", "=сколько одобрят", "=сколько дадут",
            "=зачем вам это знать", "=зачем вам знать", "=для чего вам это",
            "=вам какая разница", "=какая вам разница", "=лишних денег нет", "=денег лишних нет",
            "=не густо",
            # not the caller's decision: «это не я решаю», «не мне решать»
            "=не я решаю", "=решаю не я", "=не мне решать", "=не я плачу", "=плачу не я",
            "=не могу сказать", "=не могу ответить", "=не подскажу", "=решение за",
            # the sum waits for an event: «как премию дадут, тогда будет ясно», «продадим
            # машину, станет понятно»
            "=будет ясно", "=будет понятно", "=будет видно", "=станет ясно", "=станет понятно",
            "=станет видно", "=тогда ясно", "=тогда понятно", "=тогда скажу", "=тогда и скажу",
            "=тогда посчитаем", "=тогда и посчитаем", "=тогда решим", "=тогда и решим",
            # the sum of someone else's, no number: «как у соседа», «как у всех»
            "=как у соседа", "=как у соседей", "=как у соседки", "=как у всех",
            "=как у людей", "=как у других", "=как у остальных",
        ],
    },
    "en": {
        "unsure": [
            "!know", "!sure", "unsure", "!decided", "!figured", "!thought about",
            "!talked about", "!discussed", "!worked out", "!settled", "!number~",
            "!budget~", "!figure~", "!clue~", "=wish i knew", "=beats me", "=search me",
            "=you tell me", "=up to you", "=whatever you think", "=rather not say",
            "=prefer not to say", "=working on it", "=working on that", "=to be determined",
            "tbd",
            "=no idea", "=no clue", "depends", "=hard to say", "=tough to say",
            "=cant say", "=difficult to say", "@family handles", "@family decides",
            "@family take care",
            "@family in charge", "=check with", "=ask my", "=talk to my", "=have to look",
            "=have to check", "=need to check", "=look at our", "=what do these cost",
            "=what does it cost", "=what do they cost", "=how much do", "=how much does",
            "=how much is", "=whats the price", "=what are the prices", "=whatever it takes",
            "=we will see", "=well see", "=not yet", "price", "cost", "charge", "quote",
            "=going rate",
            "=talk it over", "ask @family", "=good question", "=let me think", "=tough one",
            "=open question",
            "=think it over", "=sleep on it", "=discuss it", "@family know",
            "still figure", "still work out", "still working on", "still crunch",
            "crunch number", "=figuring out", "=figure it out", "=up in the air",
            "still decide", "discuss", "discussion", "open", "=get back to you",
            "=put a number on", "cheap", "affordable", "reasonable", "inexpensive",
            "=the less the better", "=as low as possible", "=budget friendly", "=as low as",
            "@family pay", "=whatever insurance", "insurance cover", "=know more",
            "=once i see", "=after the inspection", "=after i see",
            "whatever reasonable", "whatever fair", "whatever make sense", "whatever work",
            "=open to whatever", "=open to suggestion", "flexible", "!set in stone",
            "!pin down", "!nail down", "=ballpark it",
            "=you suggest", "=you recommend", "=would you suggest", "=would you recommend",
            # the robot to say: "we were hoping you could tell us", "youre the expert"
            "=you could tell", "=you can tell", "=you would tell", "=you tell us",
            "=you are the expert", "=you are the pro", "=gonna ask you", "=going to ask you",
            "cheapest", "=as cheap as", "=as little as", "=whatever it costs", "=however much",
            "=not much money", "=fixed income", "@family paying", "=ask him", "=ask her",
            "=god knows", "=who knows", "=lord knows", "=heaven knows", "=heck if i know",
            "=hell if i know", "=damned if i know", "=you are the professional",
            # a rebate decides, or someone must come and look first: "whatever the rebate
            # covers", "we need someone to come out and look first"
            "rebate", "tax credit", "incentive", "subsidy", "look first", "see first",
            "measure first", "=come out and", "=come take a look", "=someone to come",
            "=somebody to come", "assessment", "estimate first", "quote first", "inspection",
            # someone else keeps the books, a loan decides, whether it must be said: "my
            # husband does the numbers", "thats my wifes department", "whatever the loan
            # covers", "do i have to answer that"
            "=up to @family", "@family department", "@family do number", "@family do finance",
            "@family do money", "@family do budget", "@family handle money", "=loan cover",
            "=financing cover", "=loan approve", "=bank approve", "=bank give", "=bank lend",
            "=have to answer", "=need to answer", "=have to tell you",
            "=have to say", "=need to know that", "=rather not", "=none of your business",
            "=loan come", "=that necessary", "=it necessary", "=that required",
            "=whatever gets", "=whatever it needs", "=whatever is needed", "=least amount",
            "=lowest possible", "=as little as possible",
            # not the caller's to decide: "not my call", "the landlord pays for that"
            "=not my call", "=not my decision", "=not up to me", "=not mine to decide",
            "landlord", "=the owner decides", "=the owners call",
            # how would the caller know; someone else pays: "how should i know", "im clueless",
            # "insurance is paying"
            "=how should i know", "=how would i know", "=how am i supposed to know",
            "clueless", "insurance pay", "insurance paying", "=insurance is covering",
            # someone outside sets the sum: "whatever the adjuster writes up", "i have to
            # talk to the bank first"
            "adjuster", "appraiser", "=talk to the bank", "=talk to my bank",
            "=talk to the lender", "=ask the bank", "=check with the bank", "=see what the bank",
            # knowing only after someone has looked: "ill know after the walkthrough", "we
            # will know once they measure"
            "=know after", "=know once", "=know more after", "walkthrough", "walk through",
            # someone else runs the money, knowing after a payout: "my wife runs the numbers",
            # "after we get the tax refund ill know"
            "@family run number", "@family crunch number", "@family handle number",
            "@family handle finance", "@family manage money", "@family manage finance",
            "@family run finance", "@family keep book", "tax refund", "=will know", "=bonus come",
            "=refund come", "=settlement come",
        ],
    },
}  # fmt: skip

_NEGATORS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"не", "ни", "никогда"}),
    "en": frozenset({"not", "never"}),
}
_NOUN_NEGATORS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"нет", "нету", "без", "никакой"}),
    "en": frozenset({"no", "without"}),
}
# Words a negation reaches over: "не *очень* удобно", "not *a* good time".
_SKIP: dict[Lang, str] = {
    "ru": "очень особо особенно совсем самый так слишком сейчас щас уже еще вообще прямо то "
          "я мы вы это быть хотеть мочь надо нужно сильно совершенно настолько такой весь "
          "пока тут здесь думать считать кажется мне нам вам ничего ничто никак больше "
          "буду будем иметь давать мой свой ваш точный конкретный определенный четкий",
    "en": "a an the really very that so too quite exactly all be do have i we you it just "
          "even particularly actually currently right will would can shall any much to go get see "
          "think believe guess suppose feel at give giving my our your comfortable ready "
          "willing prepared able going want set fixed real exact specific firm clear "
          "particular concrete definite",
}

# First-person verbs that answer the call or still want the thing: not an activity.
_NOT_ACTIVITY: dict[Lang, str] = {
    "ru": "слушать мочь хотеть ждать искать выбирать подбирать думать смотреть планировать "
          "собираться согласный понять знать помнить подтверждать разрешать возражать "
          "просить звонить перезванивать говорить слышать оставлять отказываться "
          "интересоваться сомневаться рассматривать присматриваться сравнивать решать "
          "считать надеяться предлагать нуждаться благодарить извиняться записывать давать "
          "брать покупать заказывать копить повторить уточнять объяснять отвечать "
          "спрашивать узнавать находиться жить сидеть быть иметь являться есть стоить "
          "соединить переключить перевести звать верить бояться любить нажимать нажать "
          "жать",
    "en": "listening looking thinking waiting planning shopping hoping calling speaking "
          "wondering considering comparing trying asking saying going interested getting "
          "doing talking relaxing chilling lounging",
}


@dataclass(frozen=True, slots=True)
class _Cue:
    family: str
    keys: tuple[str, ...]
    """Lemmas (or "@class") that must all occur, in any order, within the window."""
    mode: Mode
    nominal: bool


@dataclass(frozen=True, slots=True)
class _Table:
    cues: tuple[_Cue, ...]
    by_key: dict[str, tuple[int, ...]]
    classes: dict[str, tuple[str, ...]]
    """Lemma -> the classes ("@time") it belongs to."""
    keys: frozenset[str]
    """Every lemma some cue needs."""
    negators: frozenset[str]
    noun_negators: frozenset[str]
    skip: frozenset[str]
    not_activity: frozenset[str]
    requests: frozenset[str]
    """Lemmas some cue says as a request ("наберите", "созвонимся"): their past forms
    ("раз позвонили") tell what happened, and match no cue."""
    done_verbs: frozenset[str] = frozenset()
    """Lemmas of verbs a cue says in the past ("купили", "взяли", "installed"): their future
    forms ("возьму", "закажем") and an English base form after a wish ("want to book the
    install", "need to order one") state an intention, and match no cue."""
    progressive: frozenset[str] = frozenset()
    """English lemmas a busy cue says going on ("driving", "traveling"): another form of the
    verb ("we both drive electric", "he travels for work") is a habit, not now."""


def _lemmas(words: str, lang: Lang) -> tuple[str, ...]:
    return tuple(dict.fromkeys(lemma_tuple(words, lang)))


@lru_cache(maxsize=2)
def _table(lang: Lang) -> _Table:
    return _build(lang, _LEXICON[lang])


@lru_cache(maxsize=2)
def _hedge_table(lang: Lang) -> _Table:
    return _build(lang, _HEDGES[lang])


def _build(lang: Lang, lexicon: dict[str, list[str]]) -> _Table:
    classes: dict[str, set[str]] = {}
    for name, words in _CLASSES[lang].items():
        for word in words.split():
            for lemma in lemma_tuple(word, lang):
                classes.setdefault(lemma, set()).add("@" + name)
    cues: list[_Cue] = []
    requests: set[str] = set()
    done_verbs: set[str] = set()
    progressive: set[str] = set()
    for family, entries in lexicon.items():
        for entry in entries:
            mode: Mode = "flip"
            if entry[0] in "=!":
                mode = "fixed" if entry[0] == "=" else "negated"
                entry = entry[1:]
            nominal = "~" in entry
            keys: list[str] = []
            for word in entry.replace("~", "").split():
                if word.startswith("@"):
                    keys.append(word)
                else:
                    keys.extend(lemma_tuple(word, lang))
                    if lang == "ru" and ru_request_form(word):
                        requests.update(lemma_tuple(word, lang))
                    if lang == "ru" and family == "done" and ru_past_verb(word):
                        done_verbs.update(lemma_tuple(word, lang))
                    if lang == "en" and family == "done" and word.endswith("ed"):
                        done_verbs.update(lemma_tuple(word, lang))  # "installed", "ordered"
                    if (lang == "en" and family == "busy" and mode == "flip"
                            and word.endswith("ing") and " " not in entry):
                        progressive.update(lemma_tuple(word, lang))  # "driving"
            if keys:
                cues.append(_Cue(family, tuple(dict.fromkeys(keys)), mode, nominal))
    # Each cue is indexed by its rarest key only (every key must occur anyway), so a
    # reply's common words ("не", "в", "я") do not wake up dozens of cues.
    uses: dict[str, int] = {}
    for cue in cues:
        for key in cue.keys:
            uses[key] = uses.get(key, 0) + 1
    by_key: dict[str, list[int]] = {}
    for n, cue in enumerate(cues):
        rarest = min(cue.keys, key=lambda k: (k.startswith("@"), uses[k]))
        by_key.setdefault(rarest, []).append(n)
    return _Table(
        cues=tuple(cues),
        by_key={k: tuple(v) for k, v in by_key.items()},
        classes={k: tuple(sorted(v)) for k, v in classes.items()},
        keys=frozenset(k for cue in cues for k in cue.keys),
        negators=_NEGATORS[lang],
        noun_negators=_NOUN_NEGATORS[lang],
        skip=frozenset(_lemmas(_SKIP[lang], lang)) | frozenset(_SKIP[lang].split()) | {"_"},
        not_activity=frozenset(_NOT_ACTIVITY[lang].split()),
        requests=frozenset(requests),
        done_verbs=frozenset(done_verbs),
        # "sleep on it" is a cue of its own: a verb other cues need stays as it is
        progressive=frozenset(progressive).difference(
            *(cue.keys for cue in cues if cue.family != "busy")),
    )


@dataclass(frozen=True, slots=True)
class CueHit:
    """A polar fact in a reply: its answer, family, and whether it was negated."""

    answer: Answer
    family: str
    negated: bool = False


def _place(cue: _Cue, where: dict[str, list[int]]) -> list[int] | None:
    """Positions of the cue's keys, as close together as the reply allows, or None."""
    if all(len(where[key]) == 1 for key in cue.keys):  # most replies: nothing to choose
        taken = [where[key][0] for key in cue.keys]
        if len(set(taken)) < len(taken) or (
                cue.mode == "fixed" and any(a > b for a, b in pairwise(taken))):
            return None
        return taken if max(taken) - min(taken) <= len(cue.keys) - 1 + _GAP else None
    best: list[int] | None = None
    for anchor in where[cue.keys[0]]:
        taken = [anchor]
        for key in cue.keys[1:]:
            options = [p for p in where[key] if p not in taken
                       and (cue.mode != "fixed" or p > taken[-1])]
            if not options:
                break
            taken.append(min(options, key=lambda p: abs(p - anchor)))
        if len(taken) < len(cue.keys):
            continue
        span = max(taken) - min(taken)
        if span <= len(cue.keys) - 1 + _GAP and (
            best is None or span < max(best) - min(best)
        ):
            best = taken
    return best


def _negations(cue: _Cue, spots: list[int], lem: tuple[str, ...], table: _Table) -> set[int]:
    """Positions of the negators that negate this cue."""
    start, end = min(spots), max(spots)
    found = {p for p in range(start, end + 1) if p not in spots and lem[p] in table.negators}
    p = start - 1
    subject = False  # "нет, я возражаю": the answer particle, then a clause of its own
    while p >= 0:
        word = lem[p]
        if word in table.negators or (
            (cue.nominal or (p == start - 1 and word in _NO_ANY
                             and lem[start] not in table.negators))
            and word in table.noun_negators and not subject
        ):  # «никаких согласий»: "no" before any word of the cue
            if not (subject and lem[p + 1] in _MANNER):
                found.add(p)  # «не так я отказывалась»: «не так» is a clause of its own
            break
        if word.partition("~")[0] not in table.skip or start - p > 3:  # "давать~past" too
            break
        subject = subject or word in _SUBJECTS
        p -= 1
    if cue.nominal:  # "возражений нет", "возражений не имею"
        for p in range(end + 1, min(end + 3, len(lem))):
            if lem[p] in table.noun_negators or (p == end + 1 and lem[p] in table.negators):
                found.add(p)
                break
    return found


_SUBJECTS = frozenset({"я", "мы", "вы", "i", "we", "you"})
_WANTING = frozenset({"хотеть", "want"})
"""A negated want negates the verb it governs as well: «не хочу ничего подтверждать»."""
_MANNER = frozenset({"так", "то", "тот"})
_NO_ANY = frozenset({"никакой", "no"})

# Negations of more than one word, as a lemma that `_NEGATORS` knows.
_PHRASE_NEGATORS: dict[Lang, dict[tuple[str, str], str]] = {
    "ru": {("больше", "не"): "не"},
    # "i refuse to consent", "we decline to agree": a refusal to do what the cue says
    "en": {("no", "longer"): "not", ("no", "more"): "not", ("refuse", "to"): "not",
           ("no", "way"): "not",  # "no way im agreeing to that"
           ("decline", "to"): "not"},
}
# A fact about someone else ("he's at work", "она на работе") says that person is not
# the one who answered: `wrong`, when the question was who answered.
_THIRD_PERSON: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"он", "она", "его", "ее", "муж", "жена", "мама", "папа", "мать", "отец",
                     "сын", "дочь", "дочка", "брат", "сестра", "бабушка", "дедушка", "дед",
                     "бабуля", "дедуля", "баба", "внук", "внучка", "свекровь", "теща", "тесть",
                     "свекор", "супруг", "супруга", "хозяин", "хозяйка"}),
    "en": frozenset({"he", "she", "hes", "shes", "him", "her", "husband", "wife", "mom", "dad",
                     "son", "daughter", "brother", "sister", "grandpa", "grandma", "granddad",
                     "grandmother", "grandfather", "mother", "father", "grandpas", "grandmas",
                     "moms", "dads",
                     # as a child says them: "mommy is in the bathroom"
                     "mommy", "daddy", "mama", "papa", "momma", "mum", "mommys", "daddys",
                     "mamas", "nana", "granny", "grammy", "gramps"}),
}


@lru_cache(maxsize=2)
def _phrase_negator_lemmas(lang: Lang) -> dict[tuple[str, str], str]:
    """`_PHRASE_NEGATORS` by lemma ("refuse" is read as its lemma)."""
    out = {}
    for (first, second), single in _PHRASE_NEGATORS[lang].items():
        a, b = lemma_tuple(first, lang), lemma_tuple(second, lang)
        out[a[0] if a else first, b[0] if b else second] = single
    return out


@lru_cache(maxsize=2)
def _phrase_negator_starts(lang: Lang) -> frozenset[str]:
    return frozenset(first for first, _ in _phrase_negator_lemmas(lang))


def _with_phrase_negators(lem: tuple[str, ...], lang: Lang) -> tuple[str, ...]:
    if _phrase_negator_starts(lang).isdisjoint(lem[:-1]):
        return lem  # most replies: nothing to rewrite, no copy
    pairs = _phrase_negator_lemmas(lang)
    out = list(lem)
    for i in range(len(out) - 1):
        single = pairs.get((out[i], out[i + 1]))
        if single is not None:
            out[i], out[i + 1] = single, "_"
    return tuple(out)


_NEGATIVE_PREFIXES: dict[Lang, tuple[str, ...]] = {"ru": ("не",), "en": ("un", "in")}


def _unprefixed(lem: tuple[str, ...], lang: Lang, table: _Table) -> tuple[str, ...]:
    """"неподходящее время", "inconvenient": a negative prefix on a cue word the lexicon
    does not list with it is a negation of that word ("не подходящее")."""
    out: list[str] = []
    for word in lem:
        if len(word) > 5 and word not in table.by_key and word not in table.keys:
            for prefix in _NEGATIVE_PREFIXES[lang]:
                rest = word[len(prefix):]
                if word.startswith(prefix) and rest in table.keys:
                    out += [_NOT_WORD[lang], rest]
                    break
            else:
                out.append(word)
        else:
            out.append(word)
    return tuple(out)


def _matches(table: _Table, lem: tuple[str, ...]) -> list[tuple[str, bool]]:
    """(family, negated) of every cue found in ``lem``, longer cues first."""
    where: dict[str, list[int]] = {}
    keys, classes = table.keys, table.classes
    for p, word in enumerate(lem):
        if word in keys:
            where.setdefault(word, []).append(p)
        for name in classes.get(word, ()):
            where.setdefault(name, []).append(p)
    if not where:
        return []
    found: list[tuple[_Cue, list[int]]] = []
    by_key = table.by_key
    for key in where:
        for n in by_key.get(key, ()):
            cue = table.cues[n]
            if len(cue.keys) > 1 and not all(k in where for k in cue.keys):
                continue
            spots = _place(cue, where) if len(cue.keys) > 1 else [where[key][0]]
            if spots is not None:
                found.append((cue, spots))
    if not found:  # words of cues, but no cue whole ("не", "нет" alone)
        return []
    found.sort(key=lambda item: (-len(item[0].keys), min(item[1])))
    used: set[int] = set()
    kept: list[tuple[_Cue, list[int], set[int]]] = []
    for cue, spots in found:  # longer cues first take their words
        if used.intersection(spots):
            continue
        # Negative concord: "я никогда не соглашался", "не буду ничего подтверждать" say
        # no once, however many negative words carry it.
        negators = _negations(cue, spots, lem, table)
        if cue.mode == "fixed" and any(min(spots) < p < max(spots) for p in negators):
            continue  # "сейчас *не* может": a set phrase broken by a negation is not said
        if cue.mode == "negated" and not negators:
            continue  # "знаю" is no hedge; a shorter cue over these words may still be
        used.update(range(min(spots), max(spots) + 1))
        kept.append((cue, spots, negators))
    kept.sort(key=lambda item: min(item[1]))
    spent: set[int] = set()  # a negator negates the first cue after it: "не сейчас, я занят"
    # ...and one inside a set phrase that says yes ("why not", "почему бы и нет") is that
    # phrase's own: "why not go ahead" is no "not go ahead" (a set phrase that says no,
    # "не хочу давать", still negates what follows: «не хочу давать согласие»)
    inside = {p for cue, spots, _ in kept
              if cue.mode == "fixed" and ANSWERS.get(cue.family) == "yes" for p in spots}
    out: list[tuple[str, bool]] = []
    for cue, _spots, negators in kept:
        negated = bool(negators - spent - inside)
        if cue.mode == "negated" and not negated:
            continue
        if cue.keys[0] not in _WANTING:
            spent |= negators  # «не хочу я ничего подтверждать»: the want's «не» goes on
        family: str | None = cue.family
        if cue.mode == "flip" and negated:
            family = OPPOSITE.get(cue.family)
        if family is not None:
            out.append((family, negated))
    return out


_INFINITIVE = ("ть", "ти", "чь")
_PAST = "~past"
_EN_WISH = frozenset({"to", "want", "wants", "wanna", "gonna", "need", "needs", "like", "will",
                      "ll", "would", "could", "can", "lets", "should", "ready", "planning"})
"""Words before a base form that make it wished for, not done ("want to book the install")."""
_EN_WISH_DONE = frozenset({"want", "wants", "wanna", "need", "needs", "like", "hoping", "hope",
                           "would", "id", "wed"})
"""...and before a past form ("we need it installed by fall", "id like to get it ordered")."""
_FUTURE = "~futr"


def _cue_lemmas(text: str, lang: Lang, table: _Table) -> tuple[str, ...]:
    """The reply's lemmas, with a past form of a request verb marked so no cue takes it:
    "наберите" asks for a call later, "раз позвонили" only says the robot called; and a
    future form of a verb of something done: "взяли" is done, "возьму" is not. In English
    "calling" is the call going on ("since youre calling", "what company is this calling
    me"), no "call me" asked for."""
    lem = lemma_tuple(text, lang)
    if lang == "en":
        if ("call" not in lem and table.done_verbs.isdisjoint(lem)
                and table.progressive.isdisjoint(lem)):
            return lem
        words = surface_lemmas(text, lang)
        return tuple(
            lemma + _PAST if word == "calling"
            else lemma + _FUTURE if lemma in table.done_verbs and (
                not _EN_WISH.isdisjoint(w for w, _ in words[max(0, n - 3) : n])
                if not word.endswith("ed")
                else not _EN_WISH_DONE.isdisjoint(w for w, _ in words[max(0, n - 4) : n]))
            else lemma + _FUTURE if lemma in table.progressive and not word.endswith("ing") and (
                n == 0 or words[n - 1][0] not in _EN_DETERMINERS)  # "a drive", "a meeting"
            else lemma
            for n, (word, lemmas) in enumerate(words) for lemma in lemmas)
    if (table.requests.isdisjoint(lem) and table.done_verbs.isdisjoint(lem)):
        return lem
    return tuple(
        lemma + _PAST if lemma in table.requests and ru_past_verb(word)
        else lemma + _FUTURE if lemma in table.done_verbs and (
            ru_future_verb(word) or word.endswith(_INFINITIVE))  # «бы сделать»: not done
        else lemma
        for word, lemmas in surface_lemmas(text, lang) for lemma in lemmas
    )


def read(text: str, lang: str) -> list[CueHit]:
    """The polar facts stated in ``text`` (see the module doc)."""
    return read_lang(text, lang_of(lang))


def read_lang(text: str, lang: Lang) -> list[CueHit]:
    """`read` for a language code already checked (the hot path of `nlu.polar`)."""
    table = _table(lang)
    lem = _unprefixed(_with_phrase_negators(_cue_lemmas(text, lang, table), lang), lang, table)
    hits = [CueHit(ANSWERS[family], family, negated)
            for family, negated in _matches(table, lem)]
    if (not hits or all(h.family == "wrong" for h in hits)) and (  # «внуком гуляю, он»
            _activity(text, lang, table) or _whereabouts(text, lang)):
        hits.append(CueHit("no", "busy"))
    if any(h.family == "busy" for h in hits) and about_someone_else(text, lang):
        hits.append(CueHit("no", "wrong"))
    if lang == "ru" and "это я " in text and i_will_see_to_it(text):
        hits = [h for h in hits if h.family != "identity"]
    return hits


_FIRST_PERSON: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"я", "мы", "меня", "мне", "нас"}),
    "en": frozenset({"i", "im", "we", "were", "me", "us", "ive", "id"}),
}


def about_someone_else(text: str, lang: Lang) -> bool:
    """A busy fact about someone else ("he's at work", "она на работе", "anna is on
    vacation") says the one asked for is not the one who answered."""
    words = [w for w, _ in surface_lemmas(text, lang)]
    if _THIRD_PERSON[lang].intersection(words):
        return True
    if _FIRST_PERSON[lang].intersection(words):
        return False
    return any(is_first_name(w, lang) or (
        lang == "en" and w.endswith("s") and is_first_name(w[:-1], lang)  # "sarahs at work"
    ) for w in words)


@lru_cache(maxsize=8192)
def is_first_name(word: str, lang: Lang) -> bool:
    """A first name: pymorphy3's `Name` tag (ru), the list of common names (en)."""
    if lang == "en":
        return word in EN_FIRST_NAMES
    tag = _ru_name_tag(word)
    return tag is not None and tag[0] == "Name"


# Where a caller is, as the reason they cannot talk: "я сейчас за столом", "мы на даче",
# "i'm at my kid's game", "we're on the highway". A place that is no obstacle is not it.
_RU_PLACE_PREPS = frozenset({"в", "во", "на", "за", "у"})
_RU_NOT_BUSY_PLACES = frozenset({
    "связь", "телефон", "аппарат", "провод", "сила", "поиск", "процесс", "курс", "принцип",
    "целое", "общий", "раздумье", "порядок", "место", "дом", "офис", "кабинет", "рабочий",
    "компьютер", "свобода", "ожидание", "пенсия",
})  # fmt: skip
_RU_TIME_NOUNS = frozenset({"неделя", "месяц", "год", "день", "выходные", "раз", "время",
                            "час", "минута", "этап", "стадия", "очередь", "настроение",
                            "состояние", "форма", "положение", "возраст", "шок", "восторг"})
"""«мы на следующей неделе», «я в хорошем настроении»: a time or a state after an
adjective, no place."""
_RU_BUSY_COMPANY = frozenset({
    "ребенок", "дети", "малыш", "сын", "дочь", "дочка", "внук", "внучка", "клиент",
    "пациент", "начальник", "руководитель", "гость", "ученик", "покупатель",
})  # fmt: skip
_RU_HERE_SUBJECTS = frozenset({"я", "мы", "сижу", "сидим", "стою", "стоим", "лежу", "лежим",
                               "нахожусь", "находимся", "торчу", "он", "она", "мама", "папа",
                               "муж", "жена", "сын", "дочь", "дочка"})
"""Who is somewhere: «я», a first-person verb of being somewhere («сижу у врача»), or the
one asked for («она на даче»: then someone else answered, see `about_someone_else`)."""
_RU_HERE_WORDS = frozenset({"сейчас", "щас", "уже", "тут", "здесь", "еще", "пока", "как", "раз"})
_EN_SUBJECTS = ("im", "i am", "were", "we are", "i m", "we re", "hes", "he is", "shes", "she is")
"""Who is somewhere: the caller (busy), or the one asked for (then someone else answered)."""
_EN_BEING_SOMEWHERE = frozenset({"sitting", "standing", "stuck", "lying", "waiting"})
_EN_PLACE_PREPS = frozenset({"at", "in", "on", "with"})
# "at church", "in class": a place said without an article
_EN_BARE_PREPS = frozenset({"at", "in"})
_EN_NOT_BUSY_BARE = frozenset({"home", "ease", "peace", "luck", "charge", "position", "time",
                               "least", "first", "last", "all", "favor", "favour", "agreement",
                               "general", "principle", "fact", "touch", "business", "the"})
_EN_BUSY_EVENTS = frozenset({"practice", "rehearsal", "training", "study", "lesson", "lessons",
                             "recital", "tryouts", "service", "mass", "meeting", "class",
                             "appointment", "group", "camp", "game", "match", "wedding",
                             "funeral", "shower", "reunion"})
"""An activity at a place named without an article: "at choir practice", "in bible study"."""
_EN_PLACE_KINDS = frozenset({"farmers", "flea", "fish", "night", "street", "christmas", "craft",
                             "antique"})
"""What makes a market a place one is at ("the farmers market"), not "on the market"."""
_EN_DETERMINERS = frozenset({"my", "the", "a", "an", "our", "his", "her", "their", "this"})
_EN_NOT_BUSY = frozenset({"home", "line", "phone", "market", "mood", "position", "place",
                          "office", "desk", "computer", "process", "way",
                          # at rest: "on my lunch break", "sitting on the porch"
                          "break", "porch", "couch", "sofa", "patio", "deck", "hammock"})


def _whereabouts(text: str, lang: Lang) -> bool:
    words = [w for w, _ in surface_lemmas(text, lang)]
    if lang == "en":
        if _EN_PLACE_PREPS.isdisjoint(words):
            return False  # most replies: no place said, no subject to look for
        flat = " ".join(words)
        for subject in _EN_SUBJECTS:
            at = flat.find(subject + " ")
            if at < 0 or (at > 0 and flat[at - 1] != " "):
                continue
            rest = flat[at + len(subject) + 1 :].split()
            if rest[:1] in (["just"], ["still"], ["currently"], ["right"]):
                rest = rest[1:] if rest[:1] != ["right"] or rest[1:2] != ["now"] else rest[2:]
            if rest[:1] and rest[0] in _EN_BEING_SOMEWHERE:
                rest = rest[1:]  # "im sitting at the dentists", "were stuck at the airport"
            if (len(rest) >= 3 and rest[0] in _EN_PLACE_PREPS and rest[1] in _EN_DETERMINERS
                    and rest[2] not in _EN_NOT_BUSY and (rest[-1] not in _EN_NOT_BUSY
                                                         or rest[-2] in _EN_PLACE_KINDS)):
                return True  # "im at the dentist", "im at the farmers market"
            if (len(rest) >= 4 and rest[0] in _EN_BARE_PREPS and rest[2] == "for"
                    and rest[1] not in _EN_NOT_BUSY_BARE and rest[1] not in _EN_DETERMINERS
                    and not _EN_BUSY_EVENTS.isdisjoint(rest[3:])):
                return True  # "im at church for a rehearsal", "were in town for a game"
            if (len(rest) == 2 and rest[0] in _EN_BARE_PREPS and rest[1] not in _EN_NOT_BUSY_BARE
                    and rest[1] not in _EN_DETERMINERS):
                return True  # "im at church", "were in church"
            if (len(rest) == 3 and rest[0] in _EN_BARE_PREPS and rest[1] not in _EN_DETERMINERS
                    and rest[2] in _EN_BUSY_EVENTS):
                return True  # "im at choir practice", "were at bible study"
        return False
    if "у" in words and _ru_event_at_place(words):
        return True
    if _RU_HERE_SUBJECTS.isdisjoint(words):
        return False  # most replies: no one said to be anywhere
    if any(not _RU_VERSED.isdisjoint(lemmas) for _, lemmas in surface_lemmas(text, lang)):
        return False  # «он в моём котле разобрался»: versed in a thing, not somewhere
    for i, word in enumerate(words):
        if word not in _RU_HERE_SUBJECTS:
            continue
        k = i + 1
        while k < len(words) and words[k] in _RU_HERE_WORDS:
            k += 1
        if k + 1 < len(words) and words[k] in _RU_PLACE_PREPS:
            noun = ru_noun_lemma(words[k + 1])
            if noun is None and k + 2 < len(words) and ru_adjective(words[k + 1]):
                noun = ru_noun_lemma(words[k + 2])  # «на ёлочном базаре», «в детском саду»
                noun = None if noun in _RU_TIME_NOUNS else noun
            if noun is not None and noun not in _RU_NOT_BUSY_PLACES:
                return True
        if (k + 1 < len(words) and words[k] in ("с", "со")
                and ru_noun_lemma(words[k + 1]) in _RU_BUSY_COMPANY):
            return True  # "я с ребёнком", "мы с клиентом": with someone who needs them
    return False


_RU_VERSED = frozenset({"разобраться", "разбираться", "ориентироваться", "смыслить",
                        "шарить", "понимать"})
"""Verbs that take «в» of a subject, not a place: «он в котлах разбирается»."""
_RU_HOLDERS = frozenset({"меня", "нас"})
_RU_NOT_EVENTS = frozenset({"вопрос", "заявка", "просьба", "проблема", "время", "дело", "номер",
                            "телефон", "окно", "дом", "квартира", "дача", "деньги", "ремонт"})


def _ru_event_at_place(words: list[str]) -> bool:
    """«у меня обход в отделении», «у нас планёрка на складе»: the caller's own event at a
    place (a thing in the nominative, a place in the prepositional) keeps them busy."""
    for i, word in enumerate(words[:-4]):
        if word != "у" or words[i + 1] not in _RU_HOLDERS:
            continue
        k = i + 2
        while k < len(words) and words[k] in _RU_HERE_WORDS:
            k += 1
        if (k + 2 < len(words) and ru_noun_case(words[k]) in ("nomn", "accs")
                and ru_noun_lemma(words[k]) not in _RU_NOT_EVENTS and not ru_animate_noun(words[k])
                and words[k + 1] in ("в", "во", "на")
                and ru_noun_case(words[k + 2]) in ("loct", "loc2")
                and ru_noun_lemma(words[k + 2]) not in _RU_NOT_BUSY_PLACES):
            return True
    return False


def hedge(text: str, lang: str) -> bool:
    """Whether ``text`` says the caller does not know yet ("пока не считали", "смотря
    что предложите", "my wife handles the money", "what do these usually cost")."""
    return _hedge(text, lang_of(lang))


@lru_cache(maxsize=4096)
def _hedge(text: str, lang: Lang) -> bool:
    lem = _with_phrase_negators(lemma_tuple(text, lang), lang)
    return bool(_matches(_hedge_table(lang), lem))


def _activity(text: str, lang: Lang, table: _Table) -> bool:
    """"укладываю ребёнка", "I'm cooking": a first-person present activity, not negated."""
    words = surface_lemmas(text, lang)
    if lang == "en":
        flat = [w for w, _ in words]
        for i, word in enumerate(flat):
            if word in ("am", "are") and i > 0 and flat[i - 1] in ("i", "we"):
                word = "im"  # "i am cooking", "we are sitting down to eat"
            if word == "is" and i > 0 and flat[i - 1] in ("he", "she"):
                word = "hes"  # "she is napping": the one asked for (see about_someone_else)
            if word in ("im", "were", "hes", "shes") and i + 1 < len(flat):
                j = i + 1 if flat[i + 1] != "just" or i + 2 >= len(flat) else i + 2
                nxt = flat[j]
                if nxt == "sitting" and flat[j + 1 : j + 2] != ["down"]:
                    continue  # "im sitting on the porch" is at rest; "sitting down to eat" busy
                if nxt.endswith("ing") and len(nxt) > 5 and nxt not in table.not_activity:
                    return True
                if nxt == "getting" and _EN_SERVICED.match(" ".join(flat[j + 1 :])):
                    return True  # "im getting my hair done", "were getting a haircut"
                if word in ("hes", "shes") and nxt in _EN_AWAY_STATES:
                    return True
        return False
    for i, (word, lems) in enumerate(words):
        if not lems or lems[0] in table.not_activity:
            continue
        if ru_first_person_present(word):
            before = [w for w, _ in words[max(0, i - 2) : i]]
            return not any(w in table.negators for w in before)
    return False


_EN_SERVICED = re.compile(
    r"(?:my|our|the) (?:\w+ ){1,2}(?:done|fixed|cut|cleaned|colored|trimmed|waxed|checked|"
    r"serviced|repaired|washed|detailed|pierced|tattooed|worked on|looked at|x rayed|changed|"
    r"replaced|rotated|inspected|tuned|tuned up|painted|styled|highlighted|permed)\b|"
    r"(?:a|my|our) (?:haircut|massage|manicure|pedicure|facial|checkup|check up|trim|perm|"
    r"tattoo|flu shot|shot|vaccine|blowout|physical|scan|mri|filling|root canal|oil change)\b")
"""Being serviced, after "getting" (which alone is no activity: "getting a quote"): "im
getting my hair done", "were getting our carpets cleaned", "im getting a haircut"."""
_EN_AWAY_STATES = frozenset({"asleep", "away", "gone", "unavailable", "out", "resting",
                             "unwell", "ill", "sick", "abroad", "overseas", "deceased"})
""""he's asleep", "she's abroad": the one asked for cannot come to the phone."""

_NOT_WORD: dict[Lang, str] = {"ru": "не", "en": "not"}


@lru_cache(maxsize=2)
def prototypes(lang: Lang) -> dict[str, list[str]]:
    """The lexicon's entries as example replies by family, for the semantic layer: each
    entry as written, and a flippable one negated under its opposite family ("не удобно"
    is `busy`). Entries with a word class or read only when negated are left out."""
    out: dict[str, list[str]] = {}
    for family, entries in _LEXICON[lang].items():
        for entry in entries:
            if entry[0] == "!" or "@" in entry:
                continue
            words = entry.lstrip("=").replace("~", "")
            out.setdefault(family, []).append(words)
            opposite = OPPOSITE.get(family)
            if entry[0] != "=" and opposite is not None:
                out.setdefault(opposite, []).append(f"{_NOT_WORD[lang]} {words}")
    return out
