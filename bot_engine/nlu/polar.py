"""Answers to a yes/no question that state a fact instead of saying yes or no.

`yes_no` reads the particles ("да", "не против", "of course not"). Callers as often answer
with a fact that is a yes or a no *to the question asked*: "я за рулём" to "удобно
говорить?", "уже купили" to "заявка актуальна?", "я у телефона" to "это Иван?". These
polar families are the default reading of such facts for the questions a confirm step
asks (is it you, is it convenient, is it still relevant, do you agree):

| family    | answer | ru                          | en                               |
| --------- | ------ | --------------------------- | -------------------------------- |
| agree     | yes    | валяйте, возражений нет     | fire away, no objection          |
| available | yes    | минутка найдётся            | got a sec, i can talk            |
| identity  | yes    | я у телефона, иван слушает  | it's me, speaking                |
| still     | yes    | ещё выбираем, в силе        | still looking, haven't bought    |
| done      | no     | уже купили, передумали      | we went with someone else        |
| later     | no     | давайте попозже, не сейчас  | call me next week, maybe later   |
| busy      | no     | я за рулём, некогда         | i'm driving, in a meeting        |
| wrong     | no     | не туда попали, таких нет   | wrong number, he's not here      |
| refuse    | no     | ни за что, я против         | i object, no way                 |

A family is stronger than a bare particle: "нет возражений" and "no objection" are yes,
"давайте попозже" is a deferral, not an agreement. A family says nothing when it is
negated ("ещё не купили" is the `still` family, not `done`). A step whose question reads
these facts the other way ("уже получили?" — "уже получил" is yes there) says so with its
own `yes:`/`no:` examples, which are matched before the families.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import bot_engine.nlu.cues as cues
import bot_engine.nlu.given_names as given_names
from bot_engine.nlu.entities.names import _ru_name_tag
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.morph import (
    ru_animate_noun,
    ru_imperative,
    ru_past_verb,
    ru_perfective_past,
)
from bot_engine.nlu.regex_keys import required
from bot_engine.nlu.text import normalize, tokens
from bot_engine.nlu.yesno import _plain_interjections, yes_no

Answer = Literal["yes", "no"]

# "вы не так поняли", "you misheard me": the robot got it wrong, which is a no to what it
# read back, not a request to repeat.
_MISUNDERSTOOD: dict[Lang, str] = {
    "ru": r"\b((вы|ты) (меня |нас |все |это )?(не так|не то|не совсем так|неправильно|неверно|"
          r"не правильно|не верно)( меня| нас)?|(не так|не то|не совсем так|неправильно|"
          r"неверно) (вы|ты)"
          r"( меня| нас)?) (понял|поняли|услышал|услышали|расслышал|расслышали|записал|записали|"
          r"запомнил\w*)\b|\b(не так|не то|не совсем так|неправильно|неверно) (понял|поняли|"
          r"услышал|услышали|расслышал|расслышали|записал|записали|запомнил\w*) (вы|ты)\b",
    "en": r"\byou (misunderstood|misheard|misread|got (me|it|that|this|the \w+) wrong|heard "
          r"(me |it |that )?wrong|wrote (it |that )?(down )?wrong|took (it|that) wrong)\b",
}
# "вы что-то путаете", "youre mistaken", «я же сказал, что против», "i already said no": the
# robot is mistaken or the caller recalls their answer; each keyed by its own words.
_MISTAKEN: dict[Lang, list[str]] = {
    "ru": [r"\b(вы|ты) (что-то |чего-то |что то |все |опять )?(путаете|путаешь|перепутали|"
           r"напутали|ошибаетесь|ошибаешься)\b",
           r"\bя (же|ведь) (вам )?(сказал|сказала|говорил|говорила)\b"],
    "en": [r"\byou(re| are) (mistaken|confused|mixing (it|me|this) up)\b",
           r"\bi (already |just )?(refused|declined|said no|told you no)\b"],
}
_MISUNDERSTOOD_RX = {lang: [re.compile(p) for p in (_MISUNDERSTOOD[lang], *_MISTAKEN[lang])]
                     for lang in _MISUNDERSTOOD}


def corrects(text: str, lang: str) -> bool:
    """Whether the reply says the robot misunderstood ("вы не так поняли")."""
    code = lang_of(lang)
    norm = normalize(text, code)
    return any(rx.search(norm) is not None for rx in _MISUNDERSTOOD_RX[code])


# "Why else would I have asked?": the request was meant, a yes to "still relevant?".
_RHETORICAL: dict[Lang, str] = {
    "ru": r"\b(зачем|чего|почему|для чего|иначе зачем|а то зачем) (же |тогда |еще |иначе )?"
          r"(бы )?(я|мы) (бы )?(тогда |вам |вас |к вам |вообще )*(оставлял|оставила|оставил|"
          r"оставляла|оставляли|оставили|"
          r"звонил|звонила|звонили|писал|писала|писали|обращался|обращалась|обращались|"
          r"заполнял|заполняла|заполняли|просил|просила|просили)\w*"
          # «а то бы не оставлял», «иначе я бы не звонила»: otherwise it would not be asked
          r"|\b(а то|иначе|а иначе) (бы )?(я |мы )?(бы )?(и )?не (оставлял|оставила|оставил|"
          r"оставляла|оставляли|оставили|звонил|звонила|звонили|писал|писала|писали|обращался|"
          r"обращалась|обращались|заполнял|заполняла|заполняли|просил|просила|просили)",
    "en": r"\bwhy (else )?would (i|we) (have )?(called|put in|left|filled|asked|requested|"
          r"reached out|submitted|signed up|contacted)\b(?!.*\bnot\b)"
          r"|\b(i|we) (wouldnt|would not|wouldve never|would never) (have (called|put in|left|"
          r"filled|asked|requested|reached out|submitted|signed up|contacted)|be (talking|here|"
          r"on the phone|answering))\b.*\bif (i|we) (didnt|did not|wasnt|werent|was not|"
          r"were not)\b"
          r"|\b(otherwise|or else) (i|we) (wouldnt|would not|wouldve never|would never) (have )?"
          r"(called|put in|left|filled|asked|requested|reached out|submitted|signed up|"
          r"contacted)\b",
}

_RHETORICAL_RX = {lang: re.compile(p) for lang, p in _RHETORICAL.items()}

# (family, answer, patterns over normalized text). Lookbehinds keep a negated form
# ("не согласна", "not a good time") out of the positive families.
_FAMILIES: dict[Lang, list[tuple[str, Answer, list[str]]]] = {
    "ru": [
        ("agree", "yes", [
            # slang and "I'll wait on the line": «го», «погнали», «подожду на линии»
            r"^(ну |да |давай |давайте )?(го|гоу|погнали|поехали)( давай| давайте| уже)?$",
            r"(?<!не )\b(подожду|подождем|повишу|повисим|побуду)( \w+)? на (линии|трубке|"
            r"проводе)\b",
            # «мне не жалко»: I don't mind; «закрепите его за мной»: keep it so
            r"\b(мне |нам )?не жалко\b", r"(?<!не )\bзакреп(ите|ляйте|и|ляй)\b",
            r"\bвалял?й\w*", r"\b(почему|чего|отчего|что) бы (и )?нет\b", r"\bясен пень\b",
            r"(?<!не )(?<!не надо )(?<!не нужно )\b(соединя|переключа)\w*",
            r"^(ну )?(допустим|предположим)\b", r"(?<!не )\b(возьму|приму)\b",
            r"(?<!не )\b(соедините|переключите|переведите)\b",
            # an order to call the third party ("звони клиенту", "набирай его") to the
            # offer of connecting them: a yes, not a deferral ("позвоните мне позже")
            r"^(да |ну |ага )?(звони|звоните|набирай|набирайте|вызывай|вызывайте) "
            r"(ему|ей|им|его|ее|их|клиент\w*)\b",
            r"\bбыло бы (неплохо|хорошо|здорово|отлично|замечательно)",
            r"\bвозражени\w* (нет|не имею|никаких)", r"\b(нет|никаких) возражений",
            r"\b(без|нет|никаких) (ошибок|опечаток)\b", r"\bошибок (нет|никаких)\b",
            r"\bничего не имею против", r"\bне имею ничего против", r"\b(я )?не против\b",
            # a refusal denied: «не откажусь», «не отказался бы»
            r"\bне (откажусь|откажемся|отказался бы|отказалась бы|отказались бы)\b",
            r"(?<!не )\bсогласн\w*", r"(?<!не )\bсоглаш\w*", r"\bне возражаю",
            r"\b(даю|дам) согласие", r"(?<!не )\bразрешаю", r"\bбез проблем",
            r"\bне вопрос\b", r"\bтак точно\b", r"\bвсе (так|верно|правильно)\b",
            r"\bтак и есть\b", r"(?<!не )\bподтверждаю", r"^(ну )?(ладно|хорошо) пусть\b",
            r"\bраз (надо|нужно)\b", r"^(да )?(давайте|давай)( соедин\w*| поговор\w*)?$",
            r"^(ну )?(хорошо|ладно|окей|ок|можно|давайте|давай)$",
            r"^(в принципе|вообще|в целом) (можно|да|могу|давайте|не против)\b",
            r"^(ну |да )?(я |мы )?(только |всегда |конечно )?за( это| это дело)?$",
            r"^(ну |да |ладно |хорошо )?(пусть|пускай) (?!\w*(звон|пиш|присл|присыл|связ|набер|"
            r"набир|скин))\w+(ют|ят|ут|ат)\b",
        ]),
        ("available", "yes", [
            r"\bминут\w* (есть|найдет\w*|имеется)", r"\b(есть|найдет\w*) (пара |пару )?минут",
            r"(?<!нет )\bвремя (есть|найдет\w*)",
            r"(?<!не )\b(есть|найдется) (немного |немножко |чуть-чуть |чуток |чуть )?времени",
            r"\b(немного|немножко|чуток|чуть-чуть) (времени )?(есть|найдется)\b",
            r"(?<!не )\b(могу|можем|можно) (говорить|разговаривать|поговорить)",
            r"(?<!не )(?<!не очень )\bудобно\b", r"(?<!не )\bговорите\b", r"\bслушаю\b",
            r"(?<!не )\b(рассказывайте|выкладывайте|излагайте)\b",
            r"\bвнимательно\b", r"\bда вполне\b", r"^(да )?(могу|можем)$",
            r"^(да |ну |ну да )?(только|но|разве что) (быстро|быстренько|недолго|коротко|"
            r"коротенько|кратко|вкратце|в двух словах|в двух словах только|по-быстрому|"
            r"по быстрому)\b",
            r"\bно (быстро|недолго|коротко|кратко|вкратце|в двух словах)\b",
            r"(?<!не )\bудобненько\b",
            # time found by the caller: «пару минуток найду», «минутку выкрою»
            r"(?<!не )\b(найду|найдем|выкрою|выделю|уделю) (\w+ )?(\w+ )?(минут\w*|минуток|"
            r"времени|время|минутк\w*)\b",
            r"\b(минут\w*|минуток|минутк\w*|время|времени) (\w+ )?(найду|найдем|выкрою|выделю|"
            r"уделю)\b",
            # tea or coffee in hand is time at rest: «как раз чай пью»
            r"(?<!не )\bчаевнича\w*",
            r"\b(чай|чаек|чаю|чайку|чаи|кофе|кофеек|кофейку) (\w+ )?(пью|попиваю|пьем|гоняю|"
            r"гоняем)\b", r"\b(пью|попиваю|пьем|гоняю|гоняем) (\w+ )?(чай|чаек|чаю|чайку|чаи|кофе|"
            r"кофеек|кофейку)\b",
        ]),
        ("identity", "yes", [
            r"\b(я|это я|я это)( же| ведь)? и есть\b",
            r"\b(у телефона|у аппарата|на связи|на проводе)\b", r"\b(он|она) (самый|самая)\b",
            r"\b(?!(?:его|ее|их|муж|жена|сын|дочь|дочка|мама|папа|мать|отец|брат|сестра|"
            r"бабушка|дедушка|сосед|соседка|коллега|секретарь)\b)\w+ слушает\b",
            r"^(ну |да |ну да )?(это )?я( да| слушаю)?( а( \w+){1,4})?$",
            r"^(да )?(это )?я \w+ (слушаю|у телефона|а что)", r"^(да )?\w+ это я$",
        ]),
        ("still", "yes", [
            # the trouble it would fix, said as a fact: «холодно у нас», «плесень в углах»,
            # «счета за отопление огромные»; «нужно как никогда»
            r"(?<!не )(?<!не так )\b(холодно|холодина|дубак|мерзнем|мерзнут|мерзну|промерза\w*|"
            r"сквозит|плесень|плесенью|сырость|сыреет|протека\w*|течет|продувает|капает|каплет)\b",
            r"\b(батаре\w*|отоплени\w*|котел|радиатор\w*) (\w+ )?не (грее|грею|работа|тян)\w*",
            r"\b(сч[её]т\w*|платежк\w*|квитанци\w*)( \w+){0,2} (огромн|бешен|космическ|конск|"
            r"заоблачн|дики|большие|растут|выросли)\w*", r"\bкак никогда\b",
            r"\b(еще|все еще|пока|по-прежнему) (ищем|выбираем|думаем|смотрим|нужн\w*|"
            r"актуальн\w*|интерес\w*|хотим|планируем|в силе)",
            r"(?<!не )\bв силе\b", r"(?<!не )\bинтересует\b", r"\bкак раз (выбираем|ищем)",
            r"\b(еще|пока) (никто |ничего |никто ничего |ничего никто )?не (купил|нашл|взял|"
            r"заказал|выбрал|сделал|приобрел|нашел|закончил|доделал|поставил|установил|делал|"
            r"приходил|приезжал|замерял|монтировал|ставил|устанавливал|заказывал|покупал|"
            r"натягивал|менял|занимал)\w*",
            # the request was meant: «для этого и оставляла заявку», «поэтому и звонили»
            r"\b(поэтому|потому|для этого|для того|затем|за этим) (я |мы )?и (я |мы )?"
            r"(оставлял|оставила|оставили|звонил|писал|обращал|заявку|заявк)\w*",
            r"\bне (купил|нашл|взял|заказал|выбрал|нашел)\w* (еще|пока)\b",
            r"(?<!не )\bхотим (заказ|купи|приобре)\w*",
            # the old one broke: «старый сломался», «наш совсем сдох»
            r"\b(стар\w*|прежн\w*|наш|наша|наше|мой|моя|мое)( \w+)? (совсем |уже |опять )?"
            r"(сломал\w*|сдох\w*|накрыл\w*|полетел\w*|перегорел\w*|не работает|барахлит|"
            r"потек\w*|течет|развалил\w*|сгнил\w*|прогнил\w*|рассохл\w*)",
            r"\b(компрессор|мотор|двигатель|котел|насос|бойлер|кондиционер|каркас|поликарбонат|"
            r"крыша|стекло)( \w+)? (совсем |уже |опять )?(сломал\w*|сдох\w*|накрыл\w*|полетел\w*|"
            r"перегорел\w*|треснул\w*|прогнил\w*|развалил\w*)",
            # a move that makes the need: «да, мы как раз переезжаем», «переезжаем как раз»
            r"\bкак раз (\w+ )?(переезжаем|въезжаем|заезжаем)\b|\b(переезжаем|въезжаем|"
            r"заезжаем) (\w+ )?как раз\b",
        ]),
        ("done", "no", [
            # another way instead: «подключились к центральному», «перешли на газ»
            r"\b(перешли|подключились|переключились|перевелись|провели себе|"
            r"поставили себе) (\w+ )?(на|к)\b",
            r"\b(на |к |ко )(\w+ ){1,3}(перешли|подключились|переключились|перевелись)\b",
            r"\bрешили (\w+ ){0,3}(перейти|подключиться|переключиться)\b",
            r"(?<!не )\b(уже )?(купил|нашли|нашел|взял|заказал|сделал|поставил|установил|собрал|"
            r"смонтировал|привезл|доставил|поменял|заменил|починил|отремонтировал|"
            r"оформил|приобрел|договорил|обошл|выбрал|закончил|завершил|доделал)\w*",
            r"\b(передумал|раздумал|отпал|отказал|отложил)\w*", r"\bнеактуальн\w*",
            r"\bне актуальн\w*", r"\bуже не (надо|нужн\w*|интерес\w*|актуальн\w*|ищем|хотим|"
            r"планируем)", r"\bуже неинтерес\w*", r"\bпланы (поменялись|изменились)",
            r"\b(с )?(другой|другими) (фирм|компан)\w*", r"\bу (других|конкурентов)\b",
            r"\bв другом месте\b", r"\bбез вас\b", r"\bне до \w+",
            r"\bуже (все |всё )?(есть|стоит|стоят)\b",
            r"\b(у нас|у меня) (уже|давно) (\w+ )?(новые|новый|новое|новая|новенькие|свои)\b",
            r"\b(не будем|не станем) (\w+ )?(делать|менять|ставить|заказывать|покупать|брать|"
            r"связываться)\b",
            r"\b(сам|сами|сама) (\w+ )?(поставит|поставим|сделает|сделаем|установит|установим|"
            r"поменяет|поменяем|соберет|соберем)\b", r"\bотмен(ился|илась|илось|ились|яется)\b",
            r"\b(переезжаем|переезжаю|съезжаем|съезжаю|продаем квартиру|продаем дом|"
            r"квартиру продаем|дом продаем)\b",
            r"\b(не по карману|не потянем|не тянем|слишком дорого|дорого для нас|дороговато)\b",
            r"(?<!не )(?<!не так )(?<!не очень )\bдорого\b",
            r"\bвопрос (уже )?(закрыт|решен|снят)\b",
            # chose another way: «решили просто покрасить», «сделаем по-другому»
            r"\bрешили (\w+ )?(просто|по-другому|по другому|иначе|обойтись|пока обойтись)\b",
            r"\bвместо (этого|потолк\w*|окон|окна|ремонта)\b",
            # money: «с деньгами туго», «денег сейчас нет», «финансы не позволяют»
            r"\b(с )?(деньгами|финансами|деньгам) (сейчас |пока |у нас |совсем )*(туго|напряг\w*|"
            r"проблем\w*(?! нет)|сложно|плохо|не очень|никак)\b",
            r"\b(денег|финансов|средств) (сейчас |пока |у нас |совсем )*(нет|нету|не хватает)\b",
            r"\b(нет|нету) (сейчас |пока )?(денег|финансов|средств)\b",
            r"\bфинансы (\w+ )?не позволяют\b",
            r"\b(подписали|заключили) (\w+ ){0,2}(договор|контракт)\w*",
            # someone else brought, put up or gave one: «зять привёз и повесил», «брат подарил»
            r"\b(зять|брат|сват|муж|сын|отец|папа|тесть|свекор|друг|друзья|сосед|соседи|"
            r"знакомый|знакомые|родители|дети|дочь|дочка|сестра|кум|хозяин|хозяйка|родня)"
            r" (\w+ )?(уже )?(привез|повесил|поставил|установил|подарил|купил|отдал|"
            r"смонтировал|сделал|поменял|заменил|сварил|собрал|построил|смастерил|соорудил|"
            r"сколотил)\w*", r"\bподарил\w*",
            r"\b(сам|сами|сама) (\w+ ){0,2}(сделал|сварил|собрал|построил|смастерил|соорудил|"
            r"сколотил|обшил|утеплил|облицевал|обложил|застеклил|оштукатурил|покрасил|постелил|"
            r"перекрыл|отремонтировал|починил|заменил|поменял|залил|установил|поставил)\w*",
            r"\b(сделал|сварил|собрал|построил|смастерил|соорудил|сколотил|обшил|утеплил|"
            r"облицевал|обложил|застеклил|оштукатурил)\w* (\w+ )?(сам|сами|сама)\b",
            # others hired: «мы соседскую бригаду наняли», «наняли частника»
            r"\b(наняли|нанял|наняла|наняли уже|пригласили|позвали|подрядили) (\w+ ){0,2}"
            r"(бригад|мастер|рабоч|строител|ребят|мужик|знакомых|частник|шабашник|фирм|людей)\w*",
            r"\b(бригад|мастер|рабоч|строител|частник|шабашник)\w* (\w+ )?(наняли|нанял|наняла|"
            r"пригласили|подрядили)\b",
            # the thing itself gone: «мы дом снесли», «дачу продали»
            r"\b(дом|дачу|дача|квартиру|здание|баню|гараж|сарай) (\w+ )?(снесли|сносим|снесем|"
            r"продали|разобрали|сгорел\w*)\b",
            r"\b(снесли|сносим|снесем|продали|разобрали) (\w+ )?(дом|дачу|квартиру|здание|баню|"
            r"гараж|сарай)\b",
            # making do as it is: «зимовать так будем», «так и будем жить»
            r"\b(так|как есть) (и )?(будем|поживем|проживем|перезимуем|останемся|перебьемся)\b",
            r"\b(зимовать|жить|перезимуем|поживем) (\w+ )?так (и )?(будем)?\b",
            # one came for free: «на работе дали бесплатно старую», «соседи отдали даром»
            r"\b(дали|отдали|отдал|отдала|достал(ась|ся|ись))( \w+){0,2} (бесплатно|даром|задаром|"
            r"насовсем|свою|свой|старую|старый|старые)\b",
            r"\b(бесплатно|даром|задаром) (\w+ )?(дали|отдали|отдал|отдала|достал\w*)\b",
            # someone else provides it: «застройщик ставит», «управляющая компания поменяет»
            r"\b(застройщик|управляющ\w*|управляйк\w*|жэк|тсж|арендодател\w*|гарантия|страховая)"
            r"( \w+)? (сам |сама )?(обещал\w* )?(сама |сам )?(ставит|поставит|сделает|делает|"
            r"включ\w*|оплатит|оплачивает|покроет|покрывает|меняет|поменяет|сделать|поставить|"
            r"поменять|утеплит|утеплить|заменить|заменит)\b",
            # it works again: «снова заработал», «мастер его оживил»
            r"\b(снова|опять) (работает|заработал\w*)\b", r"\bзаработал\w* (снова|опять)\b",
            r"\b(оживил|реанимировал|подлатал|подшаманил)\w*",
            # someone forbade it: «хозяйка запретила», «управляющая не разрешает»
            r"\b(запретил\w*|запрещает|запрещают|не (разрешил\w*|разрешает|разрешают|дал\w* "
            r"разрешени\w*|согласовал\w*))\b",
            # in place for a while: «уже месяц как стоит», «уже год как висят»
            r"\bуже (\w+ ){0,2}как (стоит|стоят|висит|висят|работает|работают|поставили|"
            r"повесили|установили)\b",
        ]),
        ("later", "no", [
            # someone to consult first: «сначала с мужем посоветуюсь», «надо жену спросить»
            r"\b(посовет\w*|обсу[дж]\w*|поговор\w*|спрош\w*|спросить|уточн\w*) (\w+ )?(с |у )?"
            r"(жен|муж|супруг|семь|сын|доч|дет|родител|начальств|начальник|хозя)\w*",
            r"\b(с |у )(жен|муж|супруг|семь|сын|доч|дет|родител|начальств|начальник|хозя)\w* "
            r"(\w+ ){0,2}(посовет|обсу[дж]|поговор|спрош|спрос|уточн)\w*",
            r"\b(жену|мужа|супруга|супругу|сына|дочь|дочку|детей|родителей|начальство|"
            r"начальника|хозяина|хозяйку) (\w+ )?(спрошу|спросить|спрошу)\b",
            r"\bчерез (минуту|минутку|пару минут|секунду)\b",
            r"^(ну )?дайте (мне |нам )?(\w+ )?(час|часик|полчаса|полчасика|пару часов|минут\w*)\b",
            r"\b(попозже|позже|позднее|попозднее|в следующий раз)\b",
            r"\bв (другой|другое|иной) (раз|день|время)\b",
            r"\bне (сейчас|сегодня)\b", r"^(нет |не )?потом\b(?! а\b)",
            r"\b(давайте|давай|можно|лучше) потом\b",
            r"\b(пусть|пускай) (\w+ )?(перезвонит|позвонит|свяжется)",
            r"\bперезвон\w*", r"\b(наберите|позвоните)\b",
            r"\bчерез (час|полчаса|пару часов|\w+ (час|минут)\w*)",
            r"\bно (давайте |давай |можно |лучше )?(завтра|вечером|потом|позже|попозже|"
            r"в другой раз|на неделе|на следующей неделе)\b",
            r"^(нет )?(давайте |давай |можно |лучше )?(завтра|вечером|утром|днем|"
            r"в (понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)|"
            r"на (следующей|этой) неделе|на неделе)( \w+)?$",
        ]),
        ("channel", "no", [
            r"\b(пусть|пускай) (\w+ )?(напишет|пришлет)",
            r"\b(письмом|на почту|по почте|в (ватсап|вотсап|телеграм|мессенджер)|смской|по смс)"
            r"( пожалуйста| спасибо)?$",
            r"\b(почтой|письмом|на почту|в (ватсап|вотсап|телеграм\w*|мессенджер\w*)|смской|по смс)"
            r" (\w+ )?(лучше|удобнее|проще)\b",
        ]),
        ("indifferent", "no", [
            r"\bбез разницы\b", r"^(да |ну |а )?какая разница( кто| как)?$",
            r"\b(мне|нам) (\w+ )?все равно\b(?! (надо|нужно|нужен|нужна|хочу|хотим|интерес))",
            r"^(да |ну )?все равно( кто| как| какой| какая| когда)?$",
            r"^(да |ну |нет |мне )?(любой|любая|любой свободный|кто угодно)( пусть| подойдет)?$",
            r"^(да |мне |нам )?(не важно|неважно)\b", r"\b(не принципиально|непринципиально)\b",
        ]),
        ("busy", "no", [
            # just woke up, about to go out or into the shower
            r"\b(только|только что|еле|недавно) (проснул\w*|встал\w*)\b", r"\bв себя прийти\b",
            r"\b(глаза продрал\w*|продрал\w* глаза)\b",
            r"\b(еще )?(в кровати|в постели|лежу)\b", r"\bв (душ|ванну)\b",
            r"\b(уже )?(выхожу|убегаю|на выходе|ухожу)\b",
            r"\b(собираюсь|собираемся|собирался|собиралась) (\w+ )?(выходить|уходить|уезжать|"
            r"выезжать|на работу)\b",
            r"(?<!не )\bзанят\w*", r"\bнекогда\b", r"\bнет времени\b", r"\bвремени нет\b",
            r"\bне могу (сейчас )?(говорить|разговаривать)", r"\b(сейчас|щас) не могу\b",
            r"\bне могу\b.*\b(сейчас|щас)\b", r"\bнеудобно\b", r"\bне (очень |особо )?удобно\b",
            r"\b(за рулем|в дороге|в пути|на работе|на совещании|на встрече|на собрании|"
            r"в метро|в машине|в больнице|у врача|на приеме|на паре|на уроке|в самолете|"
            r"в поезде|на руках|на обеде|в душе|в магазине|на улице)\b",
            r"\b(сплю|обедаю|работаю|еду|веду машину)\b", r"\b(сейчас|щас) (никак|не вариант)\b",
            r"\bне до \w+",
            r"\b(на|по) трасс\w*",
            # an occasion: «на похоронах я», «мы на свадьбе»
            r"\bна (похоронах|поминках|свадьбе|юбилее|дне рождения|кладбище|концерте|спектакле|"
            r"экзамене|собеседовании|планерке|родительском собрании|утреннике|линейке)\b",
            r"\bв (церкви|храме|театре|кинотеатре|сауне|бассейне|спортзале|зале суда|суде|бане|"
            r"парикмахерской|автосервисе|налоговой|мфц)\b",
            r"\bу (ветеринара|стоматолога|нотариуса|юриста|парикмахера)\b",
            r"\b(не (очень |совсем |сильно )?вовремя|невовремя|неудачное время)\b",
            r"\bпо (уши|горло|макушку) в\b",
            # hands busy: «руки в краске по локоть», «руки в тесте»
            r"\bруки (у меня |все |по локоть )*(в (краске|тесте|муке|земле|масле|мазуте|глине|"
            r"цементе|клее|мыле|грязи|шпаклевке|растворе|фарше)|заняты|грязные|мокрые)\b",
            r"\b(в|по локоть в) (краске|тесте|муке|мазуте|глине|цементе|шпаклевке|растворе)"
            r" (\w+ )?(руки|по локоть)\b",
            # food on the fire, a child running off: «пироги в духовке», «он убегает»
            r"\b(в духовке|на плите|на огне|подгора\w*|пригора\w*|выкипа\w*|убегает|убежит|"
            r"удирает)\b", r"\bтесто (у меня |уже )?(подошло|подходит|поднялось|убегает)\b",
            r"\bнеудобн(енько|ехонько)\b",
            # a child who needs them now: «ребёнок плачет», «дети проснулись»
            r"\b(ребенок|ребенка|дети|детей|малыш|малая|малой|младенец|сын|дочь|дочка|внук|внучка)"
            r"( (?!не\b)\w+)? (плачет|плачут|кричит|кричат|орет|орут|ревет|ревут|проснул\w*|"
            r"капризнич\w*|зовет|зовут|дерутся|хнычет|не спит|не спят)\b",
            r"\b(плачет|кричит|орет|ревет|проснул\w*|капризничает|хнычет) (\w+ )?(ребенок|малыш|"
            r"дочка|сын|дочь|младенец)\b",
            # someone beside them they cannot talk in front of
            r"\b(начальник|директор|шеф|босс|руководитель|начальство)\w* ((?!нет |не )\w+ ){0,2}"
            r"(рядом|тут|"
            r"здесь|над душой)\b",
            # standing or sitting in an office with a queue: «я в налоговой стою»
            r"\b(в|на) (\w+ )?(налогов|поликлиник|больниц|банк|очеред|пенсионн|мфц|паспортн|"
            r"суд|загс|приеме|приёме|собеседовани|экзамен|таможн|гибдд|госуслуг)\w* (\w+ )?"
            r"(стою|стоим|сижу|сидим|нахожусь)\b",
        ]),
        ("wrong", "no", [
            # a message offered for the one asked for: «что ему передать», «я ей передам»
            r"\bчто (ему|ей) (\w+ )?передать\b", r"\b(ему|ей) (что нибудь |что то )?передать\b",
            r"\bя (ему|ей) (\w+ )?передам\b", r"\bпередам (ему|ей)\b",
            # the number changed hands: «у меня номер новый», «симку недавно купил»
            r"\b(номер|симк\w*) (у меня |теперь |вообще |\w+ )?(нов\w*|недавн\w*)\b",
            r"\b(нов\w*) (номер|симк\w*)\b",
            r"\b(ошиблись|ошибка|ошибочка|перепутали|напутали|не туда|не тот номер|номер не тот|"
            r"неправильный номер)\b",
            # the one asked for has gone away: «она уехала», «он уже ушёл», «ушла она»
            r"\b(он|она|мама|папа|муж|жена|сын|дочь|дочка|брат|сестра|бабушка|дедушка)"
            r"( \w+){0,3} (уехал|ушел|ушла|вышел|вышла|отошел|отошла|улетел|отъехал|"
            r"уплыл)а?\b", r"\b(его|ее) не застали\b", r"\bне застали (его|ее)\b",
            r"\b(уехал|ушел|ушла|вышел|вышла|отошел|отошла|улетел|отъехал)а? (он|она)\b",
            r"\b(таких|такого|такой) (нет|нету|здесь нет|тут нет)\b",
            r"\b(нет|нету) (такого|такой|таких)\b", r"\bне живет\b", r"\bне угадали\b",
            r"^((а|да|ну) )?(нет|нету) (тут|здесь|у нас|дома) \w+$",
            r"^(нет )?это не (?!проблем)\w+$", r"^(нет )?не я( это)?$",
            r"\bникак\w* \w+ (нет|нету|здесь нет|тут нет)\b",
            r"\b(его|ее) (нет|нету)\b", r"\b(нет|нету) (его|ее)\b",
            r"\bэто (его|ее) (жена|муж|брат|сестра|мама|папа|сын|дочь)\b",
            r"^(нет )?не \w+ я$", r"\bне (его|ее|тот|мой) (телефон|номер)\b",
            r"\bне знаю никак\w* \w+", r"\b(он|она) (здесь |тут )?не (живет|работает)\b",
            r"\bэто не (?!проблем)\w+ это\b", r"\bне (живут|проживает|проживают)\b",
            r"\b(такого|такую|таких) не знаю\b", r"\bне знаю (такого|такую|таких)\b",
            r"\bне (тот|та|того|ту) (кто|кого|человек|кто вам)\b",
            r"\bномер (сменился|поменялся|теперь другой|не его|не ее)\b",
            r"\b(теперь )?мой номер( теперь)?$", r"\bномер (теперь|уже|сейчас) мой\b",
            r"\b(умер|умерла|скончал\w*|переехал\w*)\b",
            r"\b(сменил|поменял)\w* номер",
            r"\bномер\w* (\w+ ){0,2}(неправильн|неверн|ошибочн)\w*",
            r"\b(неправильн|неверн|ошибочн)\w* (\w+ ){0,2}номер",
        ]),
        ("refuse", "no", [
            # the robot is mistaken: «вы что-то путаете», «я такого не говорил»
            _MISTAKEN["ru"][0], r"\bя такого не (говорил|говорила|говорили)\b",
            # emphatic never; the data not to be touched; dislike; a no to the consent itself
            r"\bни в жизнь\b", r"\bни в коем разе\b", r"\bни за какие\b", r"\bни при каких\b",
            r"^(да )?еще чего\b", r"^((ой|да|ну|ай) )*какое (там|уж там)\b",
            r"\b(его|их|ее|это|все) (в баню|к лешему|нафиг|на фиг|к черту|к чертям)\b",
            r"\bне (трога|использ|обрабатыва|переда|храни|собира|сохраня|распространя)\w*(йте|"
            r"ите)\b",
            r"\bне (понравил|устроил|подош)\w*", r"\bотбой\b",
            # no phone for it: «у меня кнопочный телефон», «кнопочная звонилка»
            r"\bкнопочн\w*",
            r"^(ну |нет |тогда |все )?отказ( от \w+)?$",
            r"^(ну |нет |нет нет )?нельзя( (обрабатывать|записывать|использовать|хранить|"
            r"передавать|звонить|соединять))?$",
            r"\bсогласи\w* (\w+ )?(не|никакого|никакие) (\w+ )?(давал|дала|давала|давали|дал|даю|"
            r"дам)\b",
            r"\bне (давал|дала|давала|давали|дал)\w* (\w+ ){0,2}согласи",
            r"\bкатегорически\b", r"\bни за что\b", r"\bни в коем случае\b",
            r"\bне (согласн|соглаш)\w*", r"\bне (даю|дам)\b", r"\bне разрешаю\b",
            # the operator's negated acceptance: «не возьму», «не смогу принять»
            r"\bне (возьму|приму|беру|принимаю)\b",
            r"\bне (буду|смогу|могу|стану) (брать|взять|принимать|принять)\b",
            # a part of a read-back that is wrong: «одна цифра не та», «фамилия не так»
            r"\b(цифр|букв|номер|фамили|имя|адрес)\w* (\w+ )?не (та|тот|то|те|так)\b",
            r"\bне (та|те) (цифр|букв)\w*",
            r"\b(старый|прежний|бывший|устаревший) (номер|телефон|адрес)\b",
            # a denial of having made the request: «это не я заявку оставляла»
            r"\bне (помню|припомню|помним) (никак\w* |такой |такую |чтобы )?(заявк|обращени|"
            r"оставлял|просил)\w*",
            r"\bне я (\w+ )?(оставлял|заполнял|отправлял|заказывал|просил|подавал|"
            r"регистрировал|писал)\w*",
            r"\b(оставлял|заполнял|отправлял|подавал)\w* (\w+ )?не я\b",
            r"\bотказываюсь\b", r"\bя против\b",
            # indignation: «пятница вечер, вы серьёзно?», «вы издеваетесь»
            r"\b(вы|ты) (что )?(серьезно|издеваетесь|издеваешься|шутите|смеетесь|"
            r"в своем уме|с ума сошли)\b", r"^(\w+ )?(издеваетесь|шутите|смеетесь)\b",
            r"^(нет )?против\b", r"\bстоп\b",
            r"\bне (надо|нужно) (соединять|переключать|переводить)\b",
            r"\bне (надо|нужно|нужен|нужна|хочу|соединяйте|переключайте|переводите|зовите)\b"
            r"[\w ]{0,20}\b(оператор|менеджер|специалист|консультант|сотрудник|человек)",
            r"\b(оператор|менеджер|специалист|консультант|сотрудник)\w* (мне |нам )?не "
            r"(нужен|нужна|надо|нужно)\b", r"\bбез (оператор|менеджер|специалист|консультант)",
            r"\bне (так|верно|правильно)\b", r"\bнеправильно\b", r"\bневерно\b",
            _MISUNDERSTOOD["ru"],
            r"(?<!нет )(?<!без )(?<!никаких )\b(ошибк|ошибочк|опечатк)\w*(?! нет)",
            r"\bошиб(лись|лась|ся|аетесь)\b", r"\b(перепутали|напутали)\b",
            # the subject or «ничего» between: «не хочу я ничего подтверждать»
            r"\bне (хочу|буду|стану|собираюсь) (я |мы )?(ничего |никакого |никаких |никакое )?"
            r"(давать|соглаш\w*|подтвержд\w*|подписыва\w*)",
            r"\b(давайте|давай|можно|лучше|обойдемся|обойдусь) (\w+ )?без (этого|него|нее|них|"
            r"всего этого|вот этого)\b",
            r"^(нет |да нет |ой )?(пожалуйста )?не (?!переж|волн|беспок|стесн|тороп|спеш|звон|"
            r"набир)\w+(йте|ите)( пожалуйста| нас| меня| ничего)?$",
        ]),
    ],
    "en": [
        ("agree", "yes", [
            r"\b(ill|i will|i can|we can|ill just|i dont mind to) (hold|hang on|wait on the line|"
            r"stay on( the line)?)\b",
            r"^(ok |okay |yeah |yes |sure )?(lets go|bet|say less)$",
            r"\b(keep|assign) (him|her|them) (on|for me|to me|as mine)\b",
            r"\bfire away\b", r"^(ok |okay )?shoot\b", r"\bgo for it\b", r"\bgo ahead\b",
            r"\bsure thing\b", r"\b(put|patch) me through\b", r"\b(connect|transfer) me\b",

            r"\blets do (it|this|that)\b", r"\bthat(d| would) be (great|good|nice|fine|"
            r"helpful)\b", r"\bsounds (good|great|fine)\b", r"\bfine (by|with) me\b",
            r"(?<!not )\b(im|i am) (ok|okay|fine|good) with (it|that|this)\b",
            r"\bno objections?\b", r"\bi (dont|do not) (object|mind)\b",
            r"\bno (mistakes?|errors?|typos?)\b", r"\b(spot|dead|bang) on\b", r"^bingo$",
            r"\b(dont|do not) have (a|any) problem\b", r"\bno problem\b",
            r"(?<!dont )(?<!not )(?<!wont )(?<!never )(?<!cant )(?<!ready to )(?<!willing to )"
            r"(?<!prepared to )(?<!refuse to )(?<!decline to )(?<!what i )\bagreed?\b",
            r"(?<!not )(?<!isnt )(?<!not very )\b(accurate|about right|sounds right|looks right)\b",
            r"\byou have my (consent|permission)\b",
            r"(?<!dont )(?<!not )\bi consent\b", r"(?<!dont )(?<!not )\bconfirm(ed)?\b",
            r"\bid like that\b", r"\bwhy not\b", r"\bsure am\b", r"\bvery much( so)?\b",
            r"\b(yes|yeah) you can\b", r"\b(yes|yeah) please\b", r"^please do$",
            r"^(yes |yeah )?(sure|okay|ok|alright|all right)( why not)?$",
            r"^(yes |yeah )?(thats|that is) (fine|ok|okay|alright)$",
            r"^(yes |yeah )?(thats|that is) it$",
            r"\b(id|i would|we would|wed) (like|love) (that|it)$",
            r"^(yes |yeah |ok |okay |sure )?(im|i am|were|we are) in$",
            r"^(yes |yeah |ok |okay |sure )?(im|i am|were|we are) ready$",
            r"^(yes |yeah |sure )?you (can|may)( do that| do it)?$",
        ]),
        ("available", "yes", [
            # all the time in the world: "im retired i got all day"
            r"\b(got|have|ive got) (all (day|morning|afternoon|evening|week)|"
            r"all the time in the world|plenty of time|"
            r"nothing but time)\b",
            r"\b(im|i am) retired\b", r"\bhome all (day|morning|afternoon|evening)\b",
            # a break is free time: "im on my lunch break", "taking a break"
            r"\bon (my |a |our )?(lunch |coffee |smoke |work )?break\b"
            r"(?!.*\b((almost|nearly|just about) (over|done|up)|short|ending|ends)\b)",
            r"\btaking a break\b(?!.*\b((almost|nearly|just about) (over|done|up)|short|ending|"
            r"ends)\b)",
            r"\bgot a (sec|second|minute|moment)\b",
            r"(?<!dont )(?<!not )\b(have|got|ive got|i got) (a |some |a few |a couple( of)? |"
            r"a little (bit of )?|a bit of |a tiny bit of |a little while |a few more )"
            r"?(minutes?|secs?|seconds|time)\b",
            r"(?<!dont )(?<!not )\b(have|got|ive got|i got) (a little while|a while|a bit|"
            r"a little bit)( now| right now)?$", r"(?<!dont )\bi have time\b",
            r"(?<!cant )(?<!not )\bi can talk\b", r"\bnow (is|works|s) (fine|good|ok|okay)\b",
            r"(?<!not )(?<!dont )\btalk to me\b(?! (later|tomorrow|another|some other|next))",
            r"^(yes |yeah )?now works$", r"\bnows (fine|good|ok)\b", r"^(yes |yeah )?now is good$",
            r"(?<!not a )(?<!isnt a )(?<!not a great )\bgood time\b",
            r"\b(this|its|that) is fine\b", r"^(yes |yeah |ok )?(its|this is) fine$",
            r"\b(im|i am) listening\b", r"\bmake it quick\b", r"\bwhats up\b",
            r"\bwhat can i do for you\b",
            r"^(yeah |sure |yes |ok )?(i|ive|i have) (got|have|got like) a (few|couple|sec|second|"
            r"minute|moment)$",
            r"^(yeah |sure |yes |ok )?(i|ive|i have) (got|have) (like |about |maybe )?(two|three|"
            r"five|ten|fifteen|a few)( minutes| mins)?$",
        ]),
        ("identity", "yes", [
            r"\bspeaking\b", r"\bthis is (he|she|him|her)\b(?! (?!speaking)\w)",
            r"\b(its|it is|thats|that is) me\b",
            r"\bthat would be me\b", r"\bin the flesh\b",
            r"^(yes )?last (time )?i checked$",
            r"\byou(ve)? (got|have|found|reached) (him|her|me|the right (person|one|guy|man|"
            r"lady|woman|number))\b",
            r"\b(he|she|shes|hes) (is )?(speaking|on the phone)\b", r"^(yes )?(it is|its)$",
            r"^(yes |yeah )?this is \w+( yes)?$",
            r"^(yes |yeah )?its \w+( yes| yeah)?$", r"^(yes |yeah )?\w+ speaking$",
        ]),
        ("still", "yes", [
            # the trouble it would fix, said as a fact: "its freezing in here", "the bills are
            # through the roof"; "more than ever"
            r"(?<!not )(?<!isnt )\b(freezing|drafty|drafts|moldy|mold|leaking|leaks|so cold|"
            r"ice cold|sweltering|roasting)\b",
            r"\bbills? (are |is |were |keep )?(\w+ )?(through the roof|crazy|insane|huge|killing "
            r"us|outrageous|sky high|going up|ridiculous)\b", r"\bmore than ever\b",
            # a yes that is in no hurry: "yes but no rush" (the "no" is the rush's)
            r"^(yes|yeah|yep|sure|still)( \w+)? (but )?(no rush|no hurry|not urgent|no big rush)\b",
            r"\bstill (interested|looking|need|want|shopping|open|on|relevant|in the market|"
            r"planning)\b", r"\bhavent (bought|found|got|purchased|ordered)\b",
            r"\b(have not|not yet) (bought|found|got|purchased|ordered)\b",
            r"(?<!not )(?<!no longer )\binterested\b",
            r"\b(getting|collecting|comparing) (some |a few |more )?(quotes|estimates|prices|"
            r"bids)\b",
            r"\b(weighing|looking at|comparing) (our |the |some |different )?options\b",
            r"\b(not|isnt|is not|havent|hasnt|have not|has not) (been )?(done|finished|"
            r"completed|installed|started)( yet)?\b",
            r"\b(thats|that is|this is) (why|what) (i|we) (\w+ )?(put in|called|reached out|filled|"
            r"asked|requested|left|submitted|contacted|signed up|wrote|emailed|sent)\b",
            # the old one broke: "the old one died", "our furnace just gave out"
            r"\b(old|current|existing|our|my)( \w+)? (one |unit )?(just |finally |totally )?"
            r"(died|broke|broke down|stopped working|quit|gave out|crapped out|conked out|went out|"
            r"fell apart|rotted|(is|are|s|re) (broken|dead|shot|leaking|rotten|falling apart|"
            r"cracked|done for))\b",
            # a part of it broke: "the compressor died", "our blower motor quit"
            r"\b(compressor|condenser|motor|blower|fan|furnace|boiler|heater|pump|coil|"
            r"thermostat|system|unit|frame|roof|glass)( \w+)? (just |finally |totally )?"
            r"(died|broke|broke down|stopped working|quit|gave out|crapped out|went out|"
            r"(is|s) (broken|dead|shot|leaking))\b",
            # nobody hired yet: "we havent booked anyone", "didnt call anybody else"
            r"\b((havent|have not|hasnt) (booked|hired|scheduled|called|chosen|picked|found|"
            r"gotten)|(didnt|did not) (book|hire|schedule|call|choose|pick|find|get)) (anyone|"
            r"anybody|someone|a company|a contractor|an exterminator)\b",
        ]),
        ("done", "no", [
            r"\b(switched|converted|hooked up|changed over|moved over) (over )?to\b",
            # a stopgap for now: "we got a window unit for now", "using fans for the time being"
            r"(?<!dont )(?<!not )(?<!havent )(?<!never )\b(got|bought|have|put in|using|use|"
            r"went with|making do with) (a|an|some|the|one|two) (\w+ ){0,2}(for now|"
            r"in the meantime|for the time being)\b",
            # a relative does it: "my brother is an electrician hes doing it"
            r"\b(brother|son|dad|father|husband|uncle|cousin|nephew|friend|neighbor|buddy|"
            r"in law)\b.*\b(hes|shes|he is|she is|theyre|they are|he will|hell|shell) (doing|"
            r"handling|installing|taking care of|do|handle|install) (it|them|that|the job)\b",
            # someone else provides it: "the builder includes it", "the landlord is handling it"
            r"\b(builder|landlord|contractor|hoa|management|seller|owner|warranty|insurance|"
            r"home warranty)( (?!(?:hasnt|havent|didnt|wont|doesnt|isnt|never|not)\b)\w+)? "
            r"(includes|covers|is (doing|handling|covering|including|"
            r"taking care of|providing)|will (do|handle|cover|include|take care of|provide)|"
            r"handles|provides|takes care of|took care of|(is )?paying for|covered|paid for|"
            r"replaced|bought)\b",
            # another way chosen: "we decided to just patch it"
            r"\bdecided to (just |simply )?(patch|repair|fix|keep|paint|seal|caulk|tape) (it|them|"
            r"the old|what)\b",
            # it works again: "the repair guy got the old one running again"
            r"(?<!havent )(?<!hasnt )(?<!hadnt )(?<!not )(?<!never )(?<!to )\b(got|had) (it|"
            r"the old one|the old unit|ours|that|the thing|the unit|"
            r"the old thing) (\w+ )?(running|working|fixed|up and running)( again)?\b",
            r"(?<!not )(?<!isnt )(?<!never )\b(working|running) (again|fine now|just fine now)\b",
            r"\balready (bought|got|have|found|ordered|purchased|did|done|taken care|sorted|"
            r"went|installed|signed|hired|chose|picked)\b",
            r"\b(bought|got|ordered|found|purchased) (one|it|something|two|them)( \w+)?"
            r" already\b", r"\b(its|it is|thats) done already\b", r"\bdone already\b",
            r"\bwent with (someone|somebody|another|a different|the other|some other|other|"
            r"a competitor)\b", r"\b(another|other|a different) (company|vendor|firm|"
            r"contractor|supplier|store)\b",
            r"\bwent (another|a different|in a different|a new) (way|route|direction)\b",
            # another way than this one: "decided to repair it instead", "well just patch it"
            r"\b(decided|chose|opted|going|gonna|plan|planning|will|ll|just|went|got|did|"
            r"put) (to )?"
            r"((?!you |your )\w+ ){1,4}instead\b",
            r"\b(signed|contracted|went|go|going|hired|chose|picked) (with )?(one of )?"
            r"(the |those )?(other|another|a different)\b",
            r"\b(were|we are|im|i am) (moving|relocating|selling)\b",
            r"\b(hold|holding|held) off\b", r"\bfell through\b", r"\bback burner\b",
            r"\b(money|cash|budget|things|finances)( is| are|s)? (really |very |pretty |super |"
            r"kinda |a bit |a little |real )?(tight|short)\b",
            # the old one kept: "just going to repair the old one", "well fix what we have"
            r"\b(just|rather|decided to|going to|gonna|will|ll|instead) (\w+ )?(repair|fix|patch|"
            r"keep|reuse|redo|refinish|paint) (up )?(the|our) (old|existing|current) \w+\b",
            r"\b(im|i am|were|we are) over it\b", r"\bhappy with (what|our|the one)\b",
            r"\bchanged (our|my) (minds?|plans)\b",
            r"\bdecided (against|not to)\b", r"\bnot \w* ?any ?more\b", r"\bno longer\b",
            r"\b(were|we are|im|i am) (all )?(good|all set|sorted|covered)\b", r"\ball set\b",
            r"^(im|i am|were|we are) (fine|ok|okay|alright|good)( thanks| thank you| for now)?$",
            r"\bbeen sorted\b",
            r"(?<!havent )(?<!hasnt )(?<!not )(?<!never )(?<!didnt )(?<!dont )\b(got|have|had) it "
            r"(done|elsewhere|installed)\b",
            # done by someone: "we had it replaced", "the gas company replaced it"
            r"(?<!to )(?<!wanna )(?<!gonna )(?<!need )(?<!not )(?<!never )(?<!havent )(?<!hasnt )"
            r"(?<!didnt )(?<!dont )(?<!yet )\b(had|got) (it|them|"
            r"one|the \w+) (replaced|fixed|swapped( out)?|redone|installed|put in|taken care of)\b",
            r"\b(company|guy|guys|landlord|utility|plumber|contractor|he|she|they|brother|dad|"
            r"father|son|neighbor|friend|husband|wife|someone|somebody)( \w+)? (already |just )?"
            r"(replaced|installed|fixed|swapped|put in|gave us) (it|them|one|a new|the|ours)\b",
            # not allowed: "the landlord wont let us", "our hoa doesnt allow it"
            r"\b(wont|will not|doesnt|does not|didnt|did not) (let (us|me)|allow|approve|"
            r"permit)\b", r"\b(not|isnt|arent) (allowed|permitted|approved)\b",
            r"(?<!havent )(?<!not )(?<!never )\bfound (someone|somebody|a cheaper|another|one|"
            r"a better)\b",
            r"\bon hold\b", r"\bcancell?ed\b", r"\b(someone|somebody|anyone|anybody) else\b",
            r"\b(from|with) (another|a different) (company|place|vendor|supplier)\b",
            r"\b(not|no longer) (looking|doing|interested|relevant)\b",
            r"\b(we|i) (dont|do not) need (it|one|that)\b", r"\bfrom a competitor\b",
            r"(?<!havent )(?<!not )\bbought (one|it)\b", r"\bwe got (one|two|it)\b",
            r"^(its|it is|thats|all|were|we are|we got it|got it|it was) (all )?(done|finished|"
            r"completed?)\b", r"\b(is|was|got|been|are|were) (all )?(done|finished|completed)$",
            # the trouble gone, or nothing found: "the problem went away", "the inspector
            # said its fine"
            r"(?<!not )(?<!never )\b(problem|issue|bugs|termites|ants|roaches|mice|pests|leak)"
            r"( \w+)? (went away|are gone|is gone|disappeared|cleared up|went away on its own)\b",
            r"\b(inspector|inspection|exterminator|technician|tech|guy|contractor)( \w+)? (said|"
            r"says|found|told us|showed) (that )?(its|it is|it was|were|we are|we were|everything "
            r"(is|was)|nothing|theres nothing|there was nothing|no (termites|bugs|damage|problem))"
            r"( \w+)?( (fine|ok|okay|good|clear|clean|wrong))?\b",
        ]),
        ("later", "no", [
            # someone to consult first: "i need to talk to my wife first", "let me ask my boss"
            r"\b(need|have|got|gotta|want|wanna|let me|ill|i will|should|must) (to )?(talk|speak|"
            r"check|discuss (it|this|that)|run (it|this|that)|ask|consult|confer|clear (it|this|"
            r"that))( it over| this over| that over)? (to |with |by |past )?(my|our|the) (wife|"
            r"husband|partner|spouse|boss|family|daughter|landlord|accountant|kids|parents|"
            r"hubby|wifey)\b",
            r"\blater\b", r"\b(another|some other|a different|other) (time|day|week|moment)\b",
            r"\bnext (week|time)\b",
            r"\bnot (now|today|at the moment|right now|yet|tonight|at this (time|point))\b",
            r"\bcall (me )?back\b", r"\btry (me|again)\b", r"\bcatch me\b",
            r"\bcall me (tomorrow|on|next|in|monday|tuesday|wednesday|thursday|friday|"
            r"tonight|this)\b",
            r"^(maybe |how about |can we do |lets do |try )?(tomorrow|tonight|this evening|"
            r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week)( \w+)?$",
            r"\bin an? (hour|few hours|bit)\b",
            r"\b(talk|speak|chat|do this|do it) (tomorrow|tonight|later|next week|another time)\b",
            r"^give (me|us) (like |about |maybe |just |at least )?(an? |half an |a few |"
            r"a couple( of)? |\w+ )?(minutes?|hours?|secs?|seconds?|moment)\b",
        ]),
        ("busy", "no", [
            # getting up, getting the kids out, standing in line, heading out
            r"\b(still )?in bed\b", r"\b(just )?(woke up|got up|rolled out of bed)\b",
            r"\b(getting|got) (the )?(kids|kid|children|family|baby) (ready|dressed|to school|"
            r"off)\b",
            r"\bin (line|a line|the line|a queue|the checkout)\b",
            r"\b(heading|headed|running) out\b",
            r"\babout to (jump |hop |get )?in the shower\b", r"\bmeeting (starts|is starting)\b",
            r"\bat the (vet|vets|dmv|bank|mall|airport|salon|barber|barbers|mechanic|dentist|"
            r"pharmacy|post office|courthouse|school)\b",
            r"(?<!not )\bbusy\b", r"(?<!not )\bdriving\b", r"\bin (a|the middle of|class|"
            r"traffic|the car|a meeting|surgery)\b", r"\bat (work|the doctors?|dinner|the "
            r"hospital|the office|the gym)\b", r"\bon the (other line|road|phone with)\b",
            r"\bon (another|a different|the other|my other|a second) (line|call|phone)\b",
            r"\bhands (are )?(full|tied)\b",
            # up a ladder, under a car, hands covered: "im up on a ladder", "under the sink"
            r"\b(up )?on (a|the|my) (ladder|roof|scaffold|scaffolding|tractor|mower)\b",
            r"\b(up )?(a|the) ladder\b", r"\bunder (a|the|my|our|some) (car|truck|sink|house|"
            r"hood|van|deck|porch)\b",
            r"\bhands are (all )?(covered|dirty|wet|greasy|messy|sticky|full of)\b",
            r"\b(covered|elbow deep|up to my elbows) in (paint|dough|grease|mud|dirt|flour|"
            r"concrete|oil)\b",
            r"\b(terrible|bad|awful|horrible|lousy|rough|worst|poor) timing\b",
            r"\bup to my (ears|eyeballs|eyes|neck) in\b",
            r"\bat a (funeral|wake|wedding|memorial|viewing|recital|game)\b",
            r"\b(a lot|too much|stuff|things|something|some stuff|a bunch) (going on|on my "
            r"plate)\b",
            r"\bcan (this|it) wait\b", r"\b(got|have) (another|a second|an incoming) call\b",
            r"\b(im|i am|were|we are) with (someone|somebody|people|a few people|family|guests)\b",
            r"\bwith a (client|customer|patient)\b", r"\bon a call\b",
            r"\b(cant|can not|cannot) (talk|speak|do this)\b", r"\bno time\b",
            r"\b(not|isnt|nots) (a|the) (good|great|best|right|ideal) time\b", r"\bbad time\b",
            r"\b(have|got|ive got|we have|weve got) (company|guests|visitors)\b",
            r"\bnows not (good|a good time)\b", r"\b(now|this) is not (good|a good time)\b",
            r"\b(now|nows|this|today)( is)? (bad|no good|rough|tough|terrible)\b",
            r"\babout to go\b", r"\b(im|i am) (sleeping|eating|cooking|working|walking|"
            r"at lunch|in the shower|out|outside|on my way)\b",
            r"\b(were|we are) (out|outside|away)\b",
            r"\b(on|down|along|up) the (interstate|highway|freeway|turnpike|parkway|expressway|"
            r"motorway|thruway|beltway)\b",
            r"\b(baby|babys|kid|kids|child|children|toddler|little one|son|daughter)"
            r"( is| are|s|re)? (just )?(crying|screaming|yelling|fussing|fighting|melting down|"
            r"waking up|woke up|calling me|needs me)\b",
            r"\b(boss|manager|supervisor|supervisors|bosses)( is|s)? ((?!not |isnt )\w+ )?(right )?"
            r"(here|next to me|beside me|behind me|watching|standing over)\b",
            r"\b(boss|manager|supervisor)( is|s)? (just )?(walked|came|stepped|coming|walking) "
            r"(over|in|up)\b",
            # a break about to end: "on my lunch break and its almost over"
            r"\b(its|it is|break is|breaks|lunch is|lunchs) (almost|nearly|just about) (over|"
            r"done|up)\b",
            r"\b(its|it is|break is|breaks|lunch is|lunchs) (really |very |pretty )?(short|"
            r"ending)\b",
            # just arrived somewhere: "i just walked into the store", "we just pulled up to"
            r"\b(i|we) just (walked|pulled|stepped|went|got|ran) (in|into|up to|up at|in at) "
            r"(the |a |my |our )?(?!house|home|couch|porch|it\b|this\b|that\b)\w+",
            # food on the fire: "i have something in the oven", "dinners on the stove"
            r"\b(in the oven|on the stove|on the grill|on the burner|boiling over)\b",
            # work in hand right now: "im doing a home inspection right now"
            r"\b(im|i am|were|we are) (doing|running|conducting|finishing|giving|teaching) (a|an|"
            r"the|my|our|some) (\w+ ){0,2}(right now|at the moment|now)\b",
        ]),
        ("wrong", "no", [
            r"\b(new number|just got this number|got this number|this number is new)\b",
            # a message offered for the one asked for: "can i take a message"
            r"\b(can|could|may|should|shall) i take (a|your) message\b",
            r"\b(want|like) (me )?to leave (him |her |them )?a message\b",
            r"\bi(ll| will| can) (tell|let) (him|her|them) (know|you called)\b",
            # the one asked for is someone's relative: "thats my wife", "shes my daughter"
            r"^(?!.*\b(hold on|hang on|one sec|one second|let me get|ill get|just a sec)\b)"
            r"((no|nope|oh|well|yeah|um|uh) )*(\w+ )?(thats|that is|shes|she is|hes|he is|"
            r"thatd be) my (wife|husband|daughter|son|mother|mom|father|dad|sister|brother|"
            r"mother in law|father in law|girlfriend|boyfriend|partner|roommate|tenant|"
            r"grandmother|grandma|grandfather|grandpa|aunt|uncle|niece|nephew)\b",
            r"\b(cant|can not|cannot|is unable to) come to the phone\b",
            r"\bwrong (number|person|guy|one|lady|man)\b",
            r"\bno ?(one|body) (named|by that name|here|called)\b",
            r"\bnobody (named|by that name|here|called)\b",
            r"\b(hes|shes|he is|she is) not (here|in|home|available|around)\b",
            r"\b(hes|shes|he|she) (isnt|is not) (here|in|home|available|around)\b",
            r"\b(doesnt|does not) live here\b", r"\b(he|she|hes|shes) (moved|passed away)\b",
            r"\b(he|she) (passed|died) (last|this|in|a|two|three|back|over|recently)\b",
            r"\b(passed away|deceased|moved out|moved away)\b",
            r"(?<!one )(?<!it )(?<!unit )(?<!thing )(?<!compressor )(?<!motor )(?<!furnace )"
            r"(?<!boiler )(?<!heater )(?<!system )(?<!pump )(?<!fan )\bdied\b",
            r"\b(he|she|hes|shes)( just| already| actually)? (left|went|stepped|ran|headed|"
            r"popped|took off|gone|out running|isnt up|not up|still asleep|on the other line|"
            r"on another call|in the shower)\b", r"\bmissed (him|her)\b",
            r"\b(number|phone) is mine\b",
            r"\bmy (number|phone) now\b",
            r"\b(theres|there is) no \w+ (here|at this)\b",
            r"\bno (?!objection|problem)\w+ here\b",
            r"\b(im )?(his|her) (wife|husband|brother|sister|mom|dad|son|"
            r"daughter|mother|father)\b", r"\b(this|it) (isnt|is not) (him|her|\w+)$",
            r"^(no )?not (me|him|her)\b", r"^(nope )?not \w+$",
        ]),
        ("refuse", "no", [
            # keyed by the verb, not by the common "dont": a negator before it
            r"(?:(?<=dont )|(?<=not )|(?<=wont )|(?<=never )|(?<=didnt ))\b(give|grant|gave) "
            r"(\w+ ){0,3}(permission|consent|authorization|the ok)\b",
            r"(?:(?<=dont )|(?<=do not ))\b(use|touch|store|keep|share|process|sell) my\b",
            r"\bleave my (data|info|information|details) alone\b",
            r"\bnot in a million years\b", r"\bno chance\b", r"\bnot a chance\b",
            r"\bover my dead body\b", r"\babsolutely not\b",
            r"(?:(?<=didnt )|(?<=dont )|(?<=not ))\b(like|care for) (him|her|them)\b",
            r"\bnot a (big )?fan\b",
            r"\bi object\b",
            r"\b(dont|do not|no need to|wont|not) (need|want|transfer|connect|put)\b[\w ]{0,25}"
            r"\b(manager|operator|human|person|representative|agent|me through|me)\b",
            r"\bno (manager|operator|human|transfer)s?\b",
            r"\b(dont|do not|wont|will not|cant|cannot|never|wouldnt) (consent|agree|give consent|"
            r"accept)\b", r"\bnot (really |quite )?(ready|willing|prepared) to\b",
            r"\b(not|im not) (ok|okay|fine) with\b", r"\b(i|we) (refuse|decline)\b", r"\bno way\b",
            r"\b(id|i would) (rather|prefer) not\b", r"\bagainst it\b", r"\bhell no\b",
            r"\b(not|isnt|thats not) (right|correct|accurate|what i (said|agreed to|meant|asked "
            r"for))\b", r"\bnever agreed\b", r"\binaccurate\b",
            r"\b(never|didnt|did not|not) (said|say|ask|asked|request|requested|sign|signed|"
            r"order|ordered) (that|so|yes|for|anything|up)\b",
            # "is something wrong", "whats wrong": a worried question, no correction
            r"\bincorrect\b", r"(?<!is something )(?<!is anything )(?<!whats )(?<!what is )"
            r"(?<!something go )(?<!anything go )(?<!what went )\bwrong\b",
            r"\b(are you|you) (serious|kidding( me)?|joking|crazy|nuts|for real)\b",
            r"\byou (gotta|got to|have to|must) be (kidding|joking)\b", r"^seriously$",
            r"^wait no\b", _MISUNDERSTOOD["en"], *_MISTAKEN["en"],
            r"(?<!no )(?<!not a )(?<!any )\b(mistakes?|errors?|typos?|mixed up|mix up)\b",
            r"\b(digits?|numbers?|letters?|code|spelling|name|part|one)( is| are| was|s)? "
            r"(off|missing|switched|swapped)\b",
            r"\b(old|outdated|previous|former) (number|phone|address|email)\b", r"\boutdated\b",
            r"\b(gonna|going to|will|ill|well|gotta|have to) pass\b", r"^(eh |nah |no )?pass\b",
            r"^(no|nah|nope) (thats|its|that is|im|were) (fine|ok|okay|alright|good)\b",
            r"^(ill |i will |i think ill |i think i will |i guess ill )?pass( thanks| thank you)?$",
            r"^(maybe|probably|prob|likely|guess|i guess|i think) not$",
            r"\b(dont|do not|cant|can not) (remember|recall) (asking|requesting|ordering|"
            r"leaving|filling|signing|saying|agreeing)\b",
        ]),
        ("indifferent", "no", [
            r"\b(doesnt|does not|dont|do not) (really )?(matter|care)\b",
            r"^whatever( works| is fine)?$", r"\bno preference\b",
            r"^(anyone|anybody|whoever|either one|either)( is fine| works| is ok| is okay)?$",
        ]),
        ("channel", "no", [
            r"\bjust (email|text|send|mail)\b",
            r"\b(by|via|over|in an?) (email|text|mail)( please| thanks| thank you)?$",
            r"\b(email|emails|text|texts|texting|mail|a letter|messaging|whatsapp)( is| would be| "
            r"works| would work|s)? (much |a lot |way )?(better|easier|best|preferable)\b",
            r"\b(prefer|rather|rather have|rather get|rather do) (it by |it over |by |an? |to )?"
            r"(email|text|mail|messages)\b",
            r"\b(ill|i will|we will) call (them|you|him|"
            r"her)( back)? (myself|ourselves)\b",
        ]),
    ],
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PolarReading:
    """A caller's answer to a yes/no question: the answer, how sure, and which rule."""

    answer: Answer | None
    confidence: float
    family: str | None = None
    """The family that decided (`done`, `busy`, ...), or None for plain particles."""


@dataclass(frozen=True, slots=True)
class _Rule:
    order: int
    family: str
    answer: Answer
    needs: tuple[str, ...] | None
    rx: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Table:
    rules: list[_Rule]
    unkeyed: list[_Rule]
    """Rules with no required string: always searched."""
    by_string: dict[str, list[_Rule]]
    by_head: dict[str, tuple[str, ...]]
    """Required strings shorter than four characters by their first two, and..."""
    by_head4: dict[str, tuple[str, ...]]
    """...the others by their first four, for two lookups at each word start (the «не »
    strings are many: their fourth character tells them apart)."""


@lru_cache(maxsize=2)
def _compiled(lang: Lang) -> _Table:
    """Each pattern with the strings (word starts) it cannot match without: a lookup at
    each word start of the reply finds which occur, and only their patterns are searched.
    Measured: ~150 patterns cost a few µs a reply instead of ~50 µs searched one by one."""
    flat = [(family, answer, p) for family, answer, patterns in _FAMILIES[lang] for p in patterns]
    rules = [_Rule(n, family, answer, required(p), re.compile(p))
             for n, (family, answer, p) in enumerate(flat)]
    by_string: dict[str, list[_Rule]] = {}
    for rule in rules:
        for needed in rule.needs or ():
            by_string.setdefault(needed, []).append(rule)
    by_head: dict[str, list[str]] = {}
    by_head4: dict[str, list[str]] = {}
    for needed in by_string:
        if len(needed) < 4:
            by_head.setdefault(needed[:2], []).append(needed)
        else:
            by_head4.setdefault(needed[:4], []).append(needed)
    return _Table(
        rules=rules,
        unkeyed=[r for r in rules if r.needs is None],
        by_string=by_string,
        by_head={head: tuple(strings) for head, strings in by_head.items()},
        by_head4={head: tuple(strings) for head, strings in by_head4.items()},
    )


def _present(norm: str, table: _Table) -> list[str]:
    """The required strings that occur in ``norm`` at a word start."""
    found = []
    start = 0
    by_head, by_head4 = table.by_head, table.by_head4
    while start >= 0:
        for needed in by_head.get(norm[start : start + 2], ()):
            if norm.startswith(needed, start):
                found.append(needed)
        for needed in by_head4.get(norm[start : start + 4], ()):
            if norm.startswith(needed, start):
                found.append(needed)
        start = norm.find(" ", start)
        if start >= 0:
            start += 1
    return found


# "не надо менеджера", "no manager please": a mention of a human that declines one.
_DECLINES_HUMAN: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(
        r"\bне (надо|нужно) (соединять|переключать|переводить)\b|"
        r"\bне (надо|нужно|нужен|нужна|хочу|соединяйте|переключайте|переводите|зовите)\b"
        r"[\w ]{0,20}\b(оператор|менеджер|специалист|консультант|сотрудник|человек)"
        r"|\b(оператор|менеджер|специалист|консультант|сотрудник)\w* (мне |нам )?не "
        r"(нужен|нужна|надо|нужно)\b|\bбез (оператор|менеджер|специалист|консультант)"
        r"|\bни с кем\b|\bникого не (надо|нужно|зовите|хочу)\b|\bне (надо|нужно|зовите) никого"
        r"|\bне (надо|нужно)( \w+){1,2} (соединять|переключать|переводить)\b"
        r"|\b(неинтересно|не интересно|не хочу|не буду|нет желания|не хочется) (\w+ )?"
        r"(общаться|говорить|разговаривать|беседовать)\b"
        # the human's later work, no transfer now: «пусть менеджер посчитает, тогда скажу»
        r"|\b(пусть|пускай) (ваш |сам |сначала )?(менеджер|специалист|консультант|оператор)\w* "
        r"(\w+ )?(посчита|перезвон|позвон|напиш|пришл|скин|рассчита|свяж|прикин)\w*"
    ),
    "en": re.compile(
        r"\b(?<!why )(dont|do not|didnt|wont|not|never|no need( for (me|us))? to) (really |even |"
        r"actually )?(need|want|wanna|gonna|going to|have to|gotta|care to|transfer|connect|"
        r"put|talk|speak|chat)\b[\w ]{0,25}"
        r"\b(manager|operator|human|person|representative|agent|me through|me|salesman|"
        r"salesperson|sales ?rep|rep|anyone|anybody|someone|somebody|nobody|no one|them|him|"
        r"her)\b"
        # declining to talk at all: "i dont feel like talking", "not interested in talking"
        r"|\b(dont|do not|didnt|wont|not|never|no need( for (me|us))? to) (really |even |"
        r"actually )?(need to|want to|wanna|feel like|interested in|have time to|care to|"
        r"going to|gonna) (talk|talking|speak|speaking|chat|chatting)\b"
        r"|\bpass on (the |a |your )?(manager|operator|human|person|representative|agent|"
        r"call|transfer)\b"
        r"|\bno (manager|operator|human|transfer)s?\b"
    ),
}


# "нет, и не звоните по этому поводу", "no, and don't call me about this again": a refusal
# of what was asked, not of every call.
_ABOUT_THIS: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\bпо (этому|данному|такому|этой|данной) (поводу|вопросу|теме)\b"
                     r"|\b(об|насчет|про) (этом|это|этого)\b"),
    "en": re.compile(r"\b(about|regarding|for|over) (this|that|it)( again| anymore)?$"),
}


def about_this(text: str, lang: str) -> bool:
    """The reply narrows what it says to the matter of this call ("по этому поводу")."""
    code = lang_of(lang)
    return _ABOUT_THIS[code].search(normalize(text, code)) is not None


def declines_human(text: str, lang: str) -> bool:
    """The reply mentions a human only to decline one (no operator request)."""
    code = lang_of(lang)
    norm = normalize(text, code)
    return ((_declines(norm, code) and _REFUSES_MACHINE[code].search(norm) is None)
            or _NO_TIME_FOR_HUMAN[code].search(norm) is not None)


_NO_TIME_FOR_HUMAN: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(нет времени|некогда|неудобно|не до)( (?!соедин|переключ|перевед|позов|"
                     r"дайте|давайте|лучше)\w+){0,3} (на |с |для |до )?"
                     r"(менеджер|оператор|специалист|консультант)\w*"),
    "en": re.compile(r"\b(no time|not a good time|dont have time|do not have time|bad time)"
                     r"( (?!connect|transfer|put|get|give|just|but)\w+){0,3} (for|to talk to|"
                     r"to speak to|with) (a |the |your )?(manager|"
                     r"operator|rep|salesperson|agent)s?\b"),
}
"""«нет времени на менеджера», "i dont have time for a manager": the human declined for
lack of time, not asked for."""


_REFUSES_MACHINE: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(робот|машин|автомат|автоответчик)\w*"),
    "en": re.compile(r"\b(robots?|machines?|computers?|bots?|recordings?)\b"),
}
"""«с машиной не хочу, дайте человека», "i dont talk to robots": the machine is declined,
the human asked for."""


_DECLINE_WORDS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"не", "ни", "никого", "без", "неинтересно", "нет", "пусть", "пускай"}),
    "en": frozenset({"dont", "didnt", "wont", "not", "never", "no", "pass"}),
}
"""Every decline of `_DECLINES_HUMAN` holds one of these: most replies skip the search."""


_HUMAN_DECLINED_ASIDE_RU = re.compile(
    r"(?:\b(?:но|только|лишь|и|а) )*\b(?:без (?:\w+ )?|не (?:надо|нужно|нужен|нужны|зовите|"
    r"соединяйте|переключайте) (?:мне |нам )?(?:\w+ )?)(?:оператор|менеджер|специалист|консультант|"
    r"сотрудник|звонк|людей|человека)\w*"
    r"|(?:\b(?:но|только|лишь|и|а) )*\b(?:оператор|менеджер|специалист|консультант)\w* "
    r"(?:мне |нам )?не (?:надо|нужно|нужен|нужны)\b")
"""A human declined beside the answer («актуально, но без оператора», «удобно, только
менеджеров не надо»): said of a transfer to come, not of the question asked."""


def _declines(norm: str, lang: Lang) -> bool:
    return (not _DECLINE_WORDS[lang].isdisjoint(norm.split())
            and _DECLINES_HUMAN[lang].search(norm) is not None)


# A short question or remark may follow the name: "я иван, а что?", "this is john, who's
# this?".
_SELF = {
    "ru": re.compile(r"^(?:да |ну )?(?:это )?я (?P<a>\w+)(?: да)?(?: (?:а|и) \w+(?: \w+){0,2})?$"
                     r"|^(?:да )?(?P<b>\w+) (?:я|слушает)$"
                     r"|^(?:да |нет |ну )?(?:меня зовут|зовут меня|мое имя) (?P<c>\w+)(?: \w+)?$"),
    "en": re.compile(r"^(?:(?:yes|yeah|hi|hello|hey) )*(?:i am|im|its|this is|it is) (?P<a>\w+)"
                     r"(?: here| speaking)?(?: (?:who|what|whats|whos|why|how)(?: \w+){0,4})?$"
                     r"|^(?:(?:yes|yeah|hi|hello|hey) )*(?P<b>\w+) "
                     r"(?:here|speaking|(?:is )?on the (?:line|phone))"
                     r"(?: (?:who|what|whats|whos|why|how)(?: \w+){0,4})?$"
                     r"|^(?:yes |yeah )?you(?:ve)? (?:got|reached) (?P<c>\w+)$"
                     r"|^(?:yes |yeah )?(?P<d>\w+)s on the line$"
                     r"|^(?:(?:yes|yeah|no|nope) )?my names? (?:is )?(?P<e>\w+)(?: \w+)?$"),
}


def _names_self(norm: str, lang: Lang) -> bool:
    """"я иван", "i'm john": the caller says their own first name (identity, yes). A word
    that is not a first name ("я сплю", "i'm driving") is some other fact."""
    return _self_named(norm, lang) is not None


def _self_named(norm: str, lang: Lang) -> str | None:
    """The first name in "я иван", "i'm john", "john here" (as said), or None."""
    if lang == "ru" and "я" not in norm and "слушает" not in norm and "зовут" not in norm:
        return None  # each form of `_SELF` holds one of these: most replies skip it
    found = _SELF[lang].match(norm)
    if found is None:
        return None
    word = found.group("a") or found.group("b") or found.group("c")
    if lang == "en":
        word = word or found.group("d") or found.group("e")
    said = [word, word[:-1]] if lang == "en" and word.endswith("s") else [word]  # "johns on"
    return next((w for w in said
                 if cues.is_first_name(w, lang) or given_names.is_short_form(w, lang)), None)


_SELF_FIRST: dict[Lang, re.Pattern[str]] = {
    # the name after «я», or before it («ну гена я, а вы насчёт окон», «евгения я, только
    # быстро»)
    "ru": re.compile(r"^(?:(?:да|ну|ага|угу) )*(?:(?:это )?я (?:(?:а|и) (?:вы|ты) |(?P<n>\w+) \w+)"
                     r"|(?P<m>\w+) я (?:(?:а|и) (?:вы|ты) |(?!(?:ее|его|их|не|им|ей|ему)\b)"
                     r"(?P<after>\w+)))"),
    "en": re.compile(r"^(?:(?:yes|yeah|yep|hi|hello|hey) )*(?:this is|its|it is|im|i am) "
                     r"(?P<n>\w+) \w+"),
}


def _self_first(norm: str, lang: Lang, names: tuple[str, ...]) -> bool:
    """«я станислав, суббота же с утра», «ну я, а вы по кровле?», "this is bernadette is
    something wrong": the caller names themselves as the one asked for (or says «я»),
    then goes on with a remark or a question of their own: a yes to "is this X?"."""
    found = _SELF_FIRST[lang].match(norm)
    if found is None:
        return False
    said = found.group("n") or (found.group("m") if lang == "ru" else None)
    if said is None:
        return True
    if (lang == "ru" and (after := found.group("after"))
            and (cues.is_first_name(after, lang) or given_names.is_short_form(after, lang))):
        return False  # «ольга я ирина»: the name asked for, then the caller's own
    if lang == "ru":
        tag = _ru_name_tag(said)
        said = tag[1] if tag is not None else said
        return any(given_names.same_name(said, name, lang) for name in names)
    known = cues.is_first_name(said, lang) or given_names.is_short_form(said, lang)
    return any(said == name or (given_names.same_name(said, name, lang)
                                and (known or not name.startswith(said)))
               for name in names)  # "this is the office": no clipped Theodore


_NAME_LEADS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"да", "ага", "угу", "так", "вот", "это"}),
    "en": frozenset({"yes", "yeah", "yep", "yup", "hi", "hello", "hey", "its", "this", "is"}),
}
_NAME_TAILS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"а", "и", "да", "ага", "угу", "слушаю", "слушает", "здравствуйте", "добрый",
                     "день"}),
    "en": frozenset({"here", "speaking", "yes", "yeah", "yep", "yup", "mhm", "who", "whos",
                     "what", "whats", "and", "hi", "hello"}),
}


def _name_alone(norm: str, lang: Lang) -> str | None:
    """A first name as (nearly) the whole answer, in the nominative: «иван», «да, ваня»,
    «сергей петрович», «иван, а что?», "mike", "yeah john here"; its nominative form."""
    words = norm.split()
    k = 0
    while k < len(words) - 1 and words[k] in _NAME_LEADS[lang]:
        k += 1
    if k >= len(words):
        return None
    if len(words) - k > 4 and not (len(words) - k <= 8 and any(
        words[k + j] in _ANSWER_TAILS[lang] and words[k + j + 1] in _QUESTION_WORDS[lang]
        for j in (1, 2)  # "linda yes who is this", "linda miller yes who is this"
    )):
        return None  # longer only as the name, a yes and a question: "linda yes who is this"
    word, rest = words[k], words[k + 1:]
    if lang == "ru":
        tag = _ru_name_tag(word)
        if not ((tag is not None and tag[0] == "Name" and tag[1] == word)
                or given_names.is_short_form(word, lang)):
            return None
        while rest and (_ru_name_tag(rest[0]) or ("", ""))[0] in ("Patr", "Surn"):
            rest = rest[1:]  # «сергей петрович», «иван петров»
    elif not (cues.is_first_name(word, lang) or given_names.is_short_form(word, lang)):
        return None
    elif (len(rest) >= 2 and rest[1] in _ANSWER_TAILS[lang] and rest[0] not in _NOT_SURNAMES
          and (len(rest) == 2 or rest[2] in _QUESTION_WORDS[lang])
          and not rest[0].endswith("ed")):
        rest = rest[1:]  # "doug glass yes", "mary jones here": the surname between
    if lang == "ru" and rest[:1] == ["я"] and set(rest[1:]) <= _ANSWER_TAILS[lang]:
        return word  # «тамара я да»: the name, then «я»
    return word if not rest or rest[0] in _NAME_TAILS[lang] else None


_WHICH: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"какая", "какой", "какую", "какого", "это какая", "это какой"}),
    "en": frozenset({"which", "what"}),
}


def _which_one(norm: str, lang: Lang, names: tuple[str, ...]) -> bool:
    """"john who?", "which john?", «какая ольга?»: the name asked for, not known here."""
    first, last = norm.split()
    if lang == "en" and last == "who":
        said = first
    elif first in _WHICH[lang]:
        said = last
    else:
        return False
    if lang == "ru":
        tag = _ru_name_tag(said)
        said = tag[1] if tag is not None else said
    return any(given_names.same_name(said, name, lang) for name in names)


def _joined_name(norm: str, names: tuple[str, ...]) -> str:
    """The name asked for, split in two by the recogniser ("mary sol" for Marisol, "anna
    belle" for Annabelle), joined again."""
    words = norm.split()
    spelt = {_spelt(name): name for name in names}
    for k in range(min(len(words) - 1, 3)):
        joined = words[k] + words[k + 1]
        if len(words[k]) >= 3 and len(words[k + 1]) >= 3 and _spelt(joined) in spelt:
            return " ".join([*words[:k], spelt[_spelt(joined)], *words[k + 2:]])
    return norm


def _spelt(name: str) -> str:
    """A name as it sounds, near enough: "marysol" and "marisol", "annabel" and "annabelle",
    "meghan" and "megan" (y for i, a silent h, doubled letters, a final silent e)."""
    name = name[:1] + name[1:].replace("y", "i").replace("h", "")
    name = name.removesuffix("e")
    return "".join(ch for k, ch in enumerate(name) if k == 0 or ch != name[k - 1])


def _asked_name_alone(norm: str, lang: Lang, names: tuple[str, ...]) -> bool:
    """The name asked for as (nearly) the whole answer, even when the word is no known
    name ("brain here", «катерина»): ``given_names.same_name`` reads its shape."""
    words = norm.split()
    if not words:
        return False
    k = 0
    while k < len(words) - 1 and words[k] in _NAME_LEADS[lang]:
        k += 1
    rest = words[k + 1:]
    if len(rest) > 1 or (rest and (rest[0] not in _NAME_TAILS[lang]
                                   or rest[0] in ("who", "whos", "what", "whats"))):
        return False
    if (lang == "en" and len(words[k]) == 2 and rest in (["here"], ["speaking"])
            and words[k] not in _TWO_LETTER_WORDS
            and any(name.startswith(words[k]) for name in names)):
        return True  # "ty here" for Tyler: a clip this short only before "here"
    return any(given_names.same_name(words[k], name, lang) or _spelt(words[k]) == _spelt(name)
               for name in names)


_NOT_SURNAMES = frozenset({
    "is", "was", "isnt", "wasnt", "aint", "not", "out", "left", "gone", "away", "who", "what",
    "says", "said", "also", "too", "no", "yes", "yeah", "sorry", "dead", "died", "passed",
})
"""Words after an English first name that say something about that person, no surname."""
_TWO_LETTER_WORDS = frozenset({
    "no", "so", "hi", "me", "oh", "ok", "um", "uh", "ya", "ye", "he", "we", "it", "is", "at",
    "on", "in", "to", "do", "go", "an", "as", "be", "by", "if", "my", "of", "or", "up", "us",
    "am", "ah", "eh", "hm", "mm",
})
"""Words, not clipped names: "no here" is no Nora."""
_ANSWER_TAILS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"да", "слушаю", "слушает"}),
    "en": frozenset({"yes", "yeah", "yep", "yup", "here", "speaking"}),
}
_COMING: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"подойдет", "подойду", "позову", "подождите", "сейчас", "минутку",
                     "секунду", "возьмет", "слушает", "слушаю"}),
    "en": frozenset({"here", "speaking", "coming", "get", "hold", "phone", "line", "minute",
                     "sec", "second", "moment"}),
}


def _speaks_of(norm: str, lang: Lang, names: tuple[str, ...]) -> bool:
    """«анна вышла», "john moved", "anna is out": the name asked for, then something said
    about that person: the one who answered is someone else."""
    words = norm.split()
    if len(words) < 2 or _COMING[lang].intersection(words):
        return False
    said = words[0]
    if lang == "ru":
        tag = _ru_name_tag(said)
        if tag is None or tag[0] != "Name" or tag[1] != said:
            return False
        if (_ru_name_tag(words[1]) or ("", ""))[0] in ("Patr", "Surn"):
            return False
    if words[1] in _NAME_TAILS[lang]:
        return False
    if lang == "en" and said.endswith("s") and not any(
        given_names.same_name(said, name, lang) for name in names
    ):
        said = said[:-1]  # "karens out running errands": "karen is"
    return any(given_names.same_name(said, name, lang) for name in names)


_KNOWS_NOT_RU = re.compile(r"\bне (?:знаю|знаем) (?:я |мы )?(?:никакую |никакого |никакой )?"
                           r"(?P<a>\w+)"
                           r"|(?P<b>\w+) (?:какую то |какого то |какой то |такую |такого )?"
                           r"(?:я |мы )?(?:вообще |даже )?не (?:знаю|знаем)\b")


_ABSENT_RU = re.compile(r"^(?:(?:а|да|ну|нет|так|ой) )*(?P<a>\w+) (?:(?:тут|здесь|дома|сейчас|"
                        r"у нас|пока|уже|такой|такого|такая|такую) )*(?:нет|нету)"
                        r"(?: (?:тут|здесь|дома|сейчас|пока|уже|у нас))*$"
                        r"|^(?:(?:а|да|ну|так|ой) )*(?:нет|нету) (?:(?:тут|здесь|дома|сейчас|"
                        r"у нас|пока|уже) )*(?P<b>\w+)$")
"""«геннадия тут нету», «нет тут геннадия»: the one asked for, in the genitive, is not here."""


def _knows_not(norm: str, lang: Lang, names: tuple[str, ...]) -> bool:
    """«тамару не знаю», «не знаю никакую тамару», «тамары тут нету»: the one asked for, in
    any case, is someone the one who answered does not know, or who is not there."""
    if lang != "ru" or ("знаю" not in norm and "знаем" not in norm and "нет" not in norm):
        return False
    found = ((_KNOWS_NOT_RU.search(norm) if "зна" in norm else None)
             or (_ABSENT_RU.match(norm) if "нет" in norm else None))
    if found is None:
        return False
    word = found.group("a") or found.group("b")
    tag = _ru_name_tag(word)
    if tag is None:
        return False
    said = (tag[1], word, word[:-1] + "а", word[:-1] + "я")  # «марину»: not «Марин»
    return any(given_names.same_name(w, name, lang) for w in said for name in names)


def _other_person(norm: str, lang: Lang, names: tuple[str, ...]) -> bool | None:
    """Whether the caller named themselves as someone else than ``names`` (True), as one of
    them or a short form of one (False), or named no one (None)."""
    said = _self_named(norm, lang) or _name_alone(norm, lang)
    if said is None:
        return None
    if lang == "ru":
        tag = _ru_name_tag(said)
        said = tag[1] if tag is not None else said
    return not any(given_names.same_name(said, name, lang) or _spelt(said) == _spelt(name)
                   for name in names)  # "meghan" for Megan: the same name, spelt otherwise


# "я не иван", "не анна я", "i'm not john": the caller says who they are not.
_NOT_SELF = {
    "ru": re.compile(r"^(?:нет |да нет |так )?(?:я |это |меня зовут |зовут меня )?(?:вообще то |"
                     r"вообще |же |ведь )?не (?P<a>\w+)(?: я| это| я \w+)?$"),
    "en": re.compile(r"^(?:no |nope |sorry )?(?:im not|i am not|this isnt|this is not|its not|"
                     r"it isnt|thats not|that isnt|my name isnt|my name is not) (?P<a>\w+)"
                     r"(?: here| speaking| im \w+(?: \w+)?)?$"),
}
# "я её дочка", "это его сосед": someone related to the one asked for answered.
_KIN_RU = re.compile(r"^(?:нет |да нет )?(?:а )?(?:я|это|тут|это я|я же) (?:его|ее) (?P<n>\w+)")
_KIN_AFTER_RU = re.compile(r"^(?:нет |да нет )?(?:а )?(?:я|это|тут|это я|я же) (?P<n>\w+) "
                           r"(?:его|ее)\b")
_KIN_EN = re.compile(r"^(?:no |nope )?(?:this is|im|i am|its|it is) (?:just |only |actually )?"
                     r"(?:his|her) (?!speaking\b|phone\b|number\b)\w+(?:$| (?:she|he|and|but|"
                     r"so|who)\b)")


def _not_self(norm: str, lang: Lang) -> bool:
    if lang == "ru" and "не " not in norm and "его" not in norm and "ее" not in norm:
        return False  # each pattern below holds one of these: most replies skip them
    found = _NOT_SELF[lang].match(norm)
    if found is not None and (cues.is_first_name(found.group("a"), lang)
                              or given_names.is_short_form(found.group("a"), lang)):
        return True  # «не гена я виктор»
    if lang == "ru":
        kin = _KIN_RU.match(norm) or _KIN_AFTER_RU.match(norm)  # «это сосед её»
        if kin is not None:
            return ru_animate_noun(kin.group("n"))
        return False
    return _KIN_EN.match(norm) is not None or _BUSINESS_ANSWERS_EN.match(norm) is not None


# A reply that opens with a question word asks rather than answers: "кто это мне
# звонит", "с кем я говорю", "what happens if I say yes" state no fact and give no yes.
_OPENERS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"а", "и", "ну", "так", "подождите", "погодите", "стоп", "простите",
                     "извините", "слушайте", "секунду", "девушка"}),
    "en": frozenset({"and", "but", "so", "wait", "hold", "on", "sorry", "hey", "um", "uh",
                     "hang"}),
}
_QUESTION_WORDS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"кто", "что", "чего", "откуда", "зачем", "почему", "какой", "какая",
                     "какое", "какие", "какую", "каком", "какого", "какому", "куда", "где",
                     "кому", "чей", "чья", "кем", "с", "для", "по", "из"}),
    "en": frozenset({"who", "whom", "whose", "what", "whats", "where", "wheres", "why",
                     "which", "whos"}),
}
_SHRUG_ANSWERS = (r"(согласен|согласна|согласны|соглашаюсь|соглашусь|давай\w*|можно|ладно|"
                  r"хорошо|пусть|пускай|нормально|да|могу|не против|годится|подходит|валяйте)")
_SHRUG = re.compile(r"^((а|ну|и|да|так) )*(что|чего) (там )?(?=" + _SHRUG_ANSWERS + r"\b)")
"""«а что, можно», «ну а чего, давайте»: the shrug is dropped, the answer after it read."""
_NOT_QUESTIONS = re.compile(
    r"^(почему бы|чего бы|отчего бы|что бы и нет|почему нет|где то|что то|кто то|что ж|"
    r"что же|чего уж|какая (мне )?разница|"
    # resigned, then the answer: «ну а куда деваться, согласен», «что ж поделаешь»
    r"куда (ж |же |тут )?деваться|куда (ж |же |ты )?денешься|что (ж |же )?(делать|поделаешь)|"
    r"с удовольствием|с радостью|"
    # «ну а что, согласен», «а чего, давайте»: a shrug before the answer, not a question
    r"(что|чего) (там )?" + _SHRUG_ANSWERS + "|"
    r"для вас|по (делу|быстрому|возможности)|из (дома|дому)|"
    r"why not|what about|whats up|what can i|what ever|whatever)\b"
)
_PAIRED = {"с": "кем", "для": "чего", "по": "какому", "из": "какой"}
_SAYING = frozenset({"say", "said", "says", "answer", "скажу", "сказать", "скажете", "ответить",
                     "отвечу", "ответите", "сказал", "сказала"})
"""Before a final particle, a verb of saying quotes it: "what happens if i say yes"."""
_ASKING_SILENT = frozenset({"identity", "available", "agree", "still"})
"""What a reply that opens with a question cannot be saying: "кто это мне звонит" is no
"это я", "с кем я говорю" no "могу говорить"; "где вы раньше были, мы уже купили" still
says `done`."""
_CLOSING: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"да", "нет", "неа"}), "en": frozenset({"yes", "no", "nope", "yeah"}),
}


_ASIDE: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^((ой|ну|а|так) )*(секунд\w*|минутк\w*|минуточк\w*|погоди\w*|подожди\w*)"
                     r"\b.*\b(двер\w*|звонят|звонок|пришел|пришла|пришли|стучат|кричит|плачет|"
                     r"лает|кипит|телефон\w*)\b|\b(двер\w*|звонят|пришел|пришла|пришли|стучат|"
                     r"кричит|плачет|лает|кипит)\b.*\b(погоди\w*|подожди\w*|секунд\w*|минутк\w*|"
                     r"минуточк\w*)$|^(а |ой )?кто (там|это там) (пришел|пришла|пришли|стучит|"
                     r"звонит в дверь)$"),
    "en": re.compile(r"^((oh|um|uh|ok|okay|wait) )*(hold on|hang on|one sec|one second|just a sec|"
                     r"just a second|wait)\b.*\b(door|doorbell|other (phone|line)|phone is ringing|"
                     r"(someone|somebody)( i|)s (here|at the door)|(someone|somebody) (is )?(here|"
                     r"at the door)|knocking|dog is barking|baby is crying)\b"),
}
"""A wait for what happens around the caller (the door, the other phone, a child crying,
«кто там пришёл» said into the room): no answer, and no question to the robot either."""


def aside(text: str, lang: str) -> bool:
    """Whether the reply is an aside (``_ASIDE``): the caller turns away, says nothing."""
    code = lang_of(lang)
    return (_ASIDE[code].search(normalize(text, code)) is not None
            and yes_no(text, code).answer is None)  # «секунду, дверь закрою, да, удобно»


_NAME_TWICE: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^((ну|да|так|ой) )*(?P<n>\w+) (это )?я (?P=n)( да)?$"),
    "en": re.compile(r"^((well|yes|yeah|uh|um) )*(?P<n>\w+) (its|it is|this is|im|i am) "
                     r"(?P=n)$"),
}
"""«ну тамара я тамара», "karen yeah this is karen": the name asked for, said twice."""
_DENIES_REQUEST: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^(?=.*\b(ничего|никак\w*|заявк\w*)\b).*\bне (оставлял|заказывал|просил|"
                     r"подавал|регистрировал)\w*"),
    "en": re.compile(r"\b(never|didnt|did not|dont remember|do not remember) (asking|ask|asked|"
                     r"request|requested|requesting|sign up|signed up|signing up|fill out|filled "
                     r"out) (for )?(anything|any|nothing|a quote|a request)\b"),
}
"""«я ничего не оставляла», "i never asked for anything": the request behind the call
denied."""


def denies_request(text: str, lang: str) -> bool:
    """Whether the reply denies making the request the call is about (``_DENIES_REQUEST``)."""
    code = lang_of(lang)
    return _DENIES_REQUEST[code].search(normalize(text, code)) is not None


def holds(text: str, lang: str) -> bool:
    """Whether the reply only asks to wait or leads in (``_HOLDS``): no answer yet."""
    code = lang_of(lang)
    said = " ".join(re.findall(r"\w+", text.lower()))  # «сейчас сейчас» kept doubled
    return _HOLDS[code].match(said) is not None or _HOLDS[code].match(
        normalize(text, code)) is not None


_ASKS_WHOM: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^((алло|а|ой|простите|извините|ну) )*(кто( простите| извините)?|(вам )?"
                     r"кого( (вам|вы|надо|нужно|позвать|ищете|спрашиваете|просите|хотели|хотите|"
                     r"сказали|говорите|простите)){0,2})$"),
    "en": re.compile(r"^((sorry|im sorry|wait|um|uh|huh|hello|what|excuse me|pardon|pardon me|"
                     r"come again|say again|say that again) )*((you|you want|"
                     r"you wanted|youre looking for|you are looking for|looking for) )?(who|whom)"
                     r"( (did you (want|say|ask for|need)|do you (want|need)|are you (looking|"
                     r"asking|calling) for|you (want|wanted|need)|was that|again|sorry))?$"),
}
_WHO: dict[Lang, frozenset[str]] = {"ru": frozenset({"кто", "кого"}), "en": frozenset({"who"})}


def asks_whom(text: str, lang: str, names: tuple[str, ...] = ()) -> bool:
    """To "am I speaking with Darnell?": whom the robot asked for, not who is calling ("who?",
    "sorry who did you want", «алло, кого позвать», a name cut short then "who": "darn
    who", «тама кто»): the name was not caught, so the question is asked again."""
    code = lang_of(lang)
    said = " ".join(re.findall(r"\w+", text.lower()))
    if _ASKS_WHOM[code].match(said) is not None:
        return True
    words = said.split()
    return (len(words) == 2 and words[1] in _WHO[code] and len(words[0]) >= 3
            and any(name.startswith(words[0]) and name != words[0] for name in names))


def asks(norm: str, lang: str) -> bool:
    """Whether a normalized reply opens with a question word (after "а", "wait"...)."""
    return _asks(norm, lang_of(lang))


_TRAILING_QUESTION: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"что", "чего", "чем", "кого", "кому", "кем", "зачем", "почему", "куда"}),
    "en": frozenset({"what", "who", "whom", "which", "why", "where"}),
}
_RIDING: dict[Lang, frozenset[str]] = {"ru": frozenset({"а", "и", "ну"}),
                                       "en": frozenset({"and", "so", "but"})}
"""«я, а что?», "speaking, and who?": a question riding along after an answer."""
_QUESTION_TAILS = frozenset({"exactly", "again", "now", "именно", "конкретно", "sorry", "простите",
                             "извините"})


def _asks(norm: str, lang: Lang) -> bool:
    words = norm.split()
    end = words[:-1] if words and words[-1] in _QUESTION_TAILS else words
    if len(end) > 2 and end[-1] in _QUESTION_TAILS:
        end = end[:-1]  # "interested in what exactly sorry": two tails
    if (2 <= len(end) <= 5 and end[-1] in _TRAILING_QUESTION[lang]
            and end[-2] not in _RIDING[lang] and words[0] not in _CLOSING[lang]
            and words[0] not in _QUESTION_WORDS[lang]):
        return True  # "agree to what", «согласна на что»: the question echoed, not answered
    k = 0
    while k < len(words) and words[k] in _OPENERS[lang]:
        k += 1
    if k >= len(words) or words[k] not in _QUESTION_WORDS[lang]:
        return False
    rest = " ".join(words[k:])
    if _NOT_QUESTIONS.match(rest) or (
        len(words) - k > 2 and words[-1] in _CLOSING[lang] and words[-2] not in _SAYING
    ):
        return False  # "какой иван? нет": the question is rhetorical, the answer follows
    paired = _PAIRED.get(words[k])
    return paired is None or (k + 1 < len(words) and words[k + 1].startswith(paired[:4]))


_FAMILY_CONFIDENCE = 0.9

Topic = Literal["identity", "availability", "relevance", "consent", "readback", "offer"]

# What a yes/no question is about, read from its last question sentence (the first topic
# whose pattern it matches). The facts a caller states are answers only to some questions:
# "я за рулём" says no to "удобно говорить?", but nothing to "вы согласны?" (it is no
# refusal) and, if anything, yes to "это Иван?".
_TOPICS: dict[Lang, list[tuple[Topic, re.Pattern[str]]]] = {
    "ru": [
        ("readback", re.compile(r"\b(верно|правильно|подтвердите|фиксирую)\b")),
        ("consent", re.compile(r"\bсоглас\w*")),
        ("availability", re.compile(r"\b(удобн\w*|говорить|поговорить|разговаривать|минут\w*|"
                                    r"время|времени)\b")),
        ("relevance", re.compile(r"\b(актуальн\w*|интерес\w*|нужн\w*)")),
        ("offer", re.compile(r"\b(соедин\w*|переключ\w*|перевести|связать)")),
        ("identity", re.compile(r"^(?=(\w+ ){0,5}\w+$).*\b(это|вы|ты)\b.*\bxvarx\b")),
    ],
    "en": [
        ("readback", re.compile(r"\b(is that right|is that correct|correct|confirm)\b")),
        ("consent", re.compile(r"\b(agree|consent)")),
        ("availability", re.compile(r"\b(talk|minutes?|time|convenient|moment|chat)\b")),
        ("relevance", re.compile(r"\b(interested|relevant|still)\b")),
        ("offer", re.compile(r"\b(connect|transfer|put you through)\b")),
        ("identity", re.compile(r"^(?=(\w+ ){0,6}\w+$).*\b(speaking|is this|are you|is that)"
                                r"\b.*\bxvarx\b")),
    ],
}
_VARIABLE = re.compile(r"\{\{[^}]*\}\}")
# Families that say nothing to a question about this topic.
_SILENT: dict[Topic, frozenset[str]] = {
    "identity": frozenset({"busy", "later", "done", "still", "channel", "indifferent"}),
    "consent": frozenset({"busy", "later", "done", "still", "channel", "available",
                          "identity", "wrong", "indifferent"}),
    "readback": frozenset({"busy", "later", "done", "still", "channel", "available",
                           "identity", "wrong", "indifferent"}),
    "relevance": frozenset({"busy", "later", "available", "identity", "channel",
                            "indifferent"}),
    "availability": frozenset({"identity", "wrong", "still", "done", "indifferent"}),
    "offer": frozenset({"identity", "wrong", "indifferent"}),
}
"""`indifferent` ("без разницы", "doesn't matter") says no only to a question of what the
caller wants ("Хотите, чтобы всегда отвечал этот менеджер?"), a question of no topic."""


def silent_families(topic: Topic | None) -> frozenset[str]:
    """The polar families that say nothing to a question about ``topic``."""
    return _SILENT[topic] if topic is not None else frozenset()


_SIMPLE_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*(?:\|[^}]*)?\}\}")


def question_variables(question: str) -> tuple[str, ...]:
    """The plain variables the question sentence names: "Подскажите, это {{ name }}?"
    gives ("name",)."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+", question.strip()) if p]
    asked = [p for p in parts if p.rstrip().endswith("?")]
    return tuple(_SIMPLE_VARIABLE.findall(asked[-1] if asked else question))


def question_topic(question: str, lang: str) -> Topic | None:
    """What a confirm step's question asks about, or None (every family applies).

    The last sentence with a question mark is the question: "Здравствуйте! Это компания
    X. Подскажите, это {{ name }}?" asks who answered, "...Вам удобно сейчас говорить?"
    whether it is a good time."""
    code = lang_of(lang)
    parts = [p for p in re.split(r"(?<=[.!?])\s+", question.strip()) if p]
    asked = [p for p in parts if p.rstrip().endswith("?")]
    sentence = _VARIABLE.sub(" xvarx ", asked[-1] if asked else question)
    norm = " ".join(re.sub(r"[^\w ]", " ", sentence.lower().replace("ё", "е")).split())
    for topic, pattern in _TOPICS[code]:
        if pattern.search(norm):
            return topic
    return None


_GREETING: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^((алло|здравствуйте|здрасте|привет|добрый (день|вечер)|доброе утро) )+|"
                     r"( (здравствуйте|здрасте|добрый (день|вечер)|доброе утро))+$"),
    "en": re.compile(r"^((hello|hi|hey|good (morning|afternoon|evening)) )+|"
                     r"( (hello|hi|hey|good (morning|afternoon|evening)))+$"),
}
"""A greeting before or after the answer ("this is tyler, good morning") says nothing."""
_CONCLUSION: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(так что|поэтому|значит) (?P<a>да|нет|можно|давайте|конечно)$"),
    "en": re.compile(r"\b(so|thats why|which means) (?P<a>yes|sure|no|nope)$"),
}
"""A reason, then the answer it leads to: «я в отпуске, так что да», "we have no hot water
so yes": the conclusion is the answer, whatever the reason sounds like. "so yeah" is left
out: trailing, it is a filler ("im at work so yeah")."""
_CONCLUDES_NO = frozenset({"нет", "no", "nope"})
_OTHER_TOPICS_YES = frozenset({"still", "available", "identity"})
_WAIT: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^((секунд\w*|минутк\w*|минуточк\w*|погоди\w*|подожди\w*) )+"),
    "en": re.compile(r"^((hold on|hang on|one sec|one second|just a sec|just a second|"
                     r"a sec|wait|gimme a sec|give me a sec) )+"),
}
"""A request to wait that opens the reply: what follows is why, not an answer."""
_HOLDS: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^(?!(сейчас|щас)$)((ну|так|ой|а|сейчас|щас|секунд\w*|минутк\w*|"
                     r"минуточк\w*|погоди\w*|подожди\w*|одну|один|момент\w*) )*(так|сейчас|щас|"
                     r"секунд\w*|минутк\w*|минуточк\w*|погоди\w*|подожди\w*|момент\w*)$"),
    "en": re.compile(r"^((ok|okay|alright|oh|um|uh|well|so) )*((((hang|hold) on|wait)"
                     r"( a (sec|second|moment|minute|min))?|(one|a|just a|give me a|gimme a) "
                     r"(sec|second|moment|minute|min))( (please|ok|okay|um|uh))*|so( (um|uh))*)$|"
                     r"^(huh|hm+|oh|wow) interesting$"),
}
"""Nothing but a request to wait or a lead-in («так так», «сейчас сейчас», "okay hang on",
"ok so um", "one moment"): no answer yet, whatever "ok" or «так» would say alone."""
_CONCLUDING = frozenset({"да", "нет", "можно", "давайте", "конечно", "yes", "sure", "no",
                         "nope"})
_GREETING_EDGES = frozenset({"алло", "здравствуйте", "здрасте", "привет", "добрый", "доброе",
                             "день", "вечер", "утро", "hello", "hi", "hey", "good", "morning",
                             "afternoon", "evening"})
"""The first or last words a greeting or a conclusion can have: the regex runs only then."""


@lru_cache(maxsize=4096)
def _polar(text: str, lang: Lang, topic: Topic | None = None,
           names: tuple[str, ...] = ()) -> PolarReading:
    norm = normalize(text, lang)
    first, _, rest = norm.partition(" ")
    last = rest.rpartition(" ")[2]
    if (rest and (first in _GREETING_EDGES or last in _GREETING_EDGES)
            and (greeting := _GREETING[lang].search(norm)) is not None
            and greeting.group(0) != norm):
        norm = _GREETING[lang].sub("", norm).strip()
    if last in _CONCLUDING and (concluded := _CONCLUSION[lang].search(norm)) is not None:
        said = concluded.group("a")
        return PolarReading("no" if said in _CONCLUDES_NO else "yes", _FAMILY_CONFIDENCE,
                            "refuse" if said in _CONCLUDES_NO else "agree")
    if (lang == "ru" and ("что " in norm or "чего " in norm)  # what `_SHRUG` needs
            and (shrug := _SHRUG.match(norm)) is not None):
        return _polar(norm[shrug.end():], lang, topic, names)
    table = _compiled(lang)
    if lang == "en" and ((topic == "availability" and _EXCLAIMED_EN.match(norm))
                         or _GOOD_QUESTION_EN.match(norm)):
        return PolarReading(None, 0.0)  # "oh man the traffic today", "thats a good question"
    if topic == "relevance" and _RHETORICAL_RX[lang].search(norm):
        return PolarReading("yes", _FAMILY_CONFIDENCE, "meant")  # asked, but not a question
    if topic in ("consent", "readback", "offer") and _LEAVE[lang].search(norm):
        return PolarReading("yes", _FAMILY_CONFIDENCE, "agree")  # "do what you need"
    if topic == "readback" and _SAID_SO[lang].search(norm):
        return PolarReading("yes", _FAMILY_CONFIDENCE, "meant")  # "thats what i said"
    if topic == "offer" and lang == "ru" and _KEY_ONE_RU.search(norm):
        return PolarReading("yes", _FAMILY_CONFIDENCE, "agree")  # «нажимаю первую»
    if topic == "offer" and _STAYING_ON[lang].search(norm):
        return PolarReading("yes", _FAMILY_CONFIDENCE, "agree")  # "im holding", «я на линии»
    silent = _SILENT[topic] if topic is not None else frozenset()
    asked = _asks(norm, lang)
    if asked:  # a question says no yes; a fact of the other side may still follow it
        silent = silent | _ASKING_SILENT
    candidates = {r.order: r for s in _present(norm, table) for r in table.by_string[s]}
    for rule in table.unkeyed:
        candidates[rule.order] = rule
    hits: dict[Answer, str] = {}
    if names and norm.count(" ") == 1 and _which_one(norm, lang, names):
        return PolarReading("no", _FAMILY_CONFIDENCE, "wrong")  # "john who?": not known here
    if names and not asked:
        norm = _joined_name(norm, names)  # "mary sol yes" for Marisol
    other = _other_person(norm, lang, names) if names and not asked else None
    if other:  # «сергей», "this is mike" to "is this John?"
        return PolarReading("no", _FAMILY_CONFIDENCE, "wrong")
    if other is None and names and not asked and _asked_name_alone(norm, lang, names):
        other = False  # "brain here" for Brian: the name asked for as the recogniser wrote it
    if (other is False or _names_self(norm, lang)
            or (topic == "identity" and names and _self_first(norm, lang, names))
            ) and "identity" not in silent:
        hits["yes"] = "identity"  # «ваня», "john here"
    if "wrong" not in silent and _not_self(norm, lang):
        return PolarReading("no", _FAMILY_CONFIDENCE, "wrong")  # "это я, его мать"
    if _declines(norm, lang):
        if (lang == "ru" and topic in ("availability", "relevance")
                and (aside := _HUMAN_DECLINED_ASIDE_RU.sub(" ", norm).strip()) != norm and aside
                and (kept := _polar(aside, lang, topic, names)).answer == "yes"):
            return kept  # «удобно, но без менеджеров»: a yes to the question, no transfer
        # "i dont need to talk to anyone", «ни с кем не хочу говорить»: the negation
        # reaches over need/want/have to, so the "talk" in it is no availability
        return PolarReading("no", _FAMILY_CONFIDENCE, "refuse")
    for order in sorted(candidates):  # table order: the first family of each answer wins
        rule = candidates[order]
        if rule.answer not in hits and rule.family not in silent and rule.rx.search(norm):
            hits[rule.answer] = rule.family
    if "no" not in hits and "busy" in silent and "wrong" not in silent and any(
        rule.family == "busy" and rule.rx.search(norm) for rule in candidates.values()
    ) and cues.about_someone_else(text, lang):
        hits["no"] = "wrong"  # «она в душе», "hes in the shower": someone else answered
    for hit in cues.read_lang(text, lang):  # the same facts by lemma, negation-aware
        if (hit.negated and hit.answer == "no" and hit.family not in silent
                and (said := hits.get("yes")) is not None and said == cues.OPPOSITE[hit.family]):
            del hits["yes"]  # «не хочу я соглашаться»: the pattern read the negated word
        if hit.answer not in hits and hit.family not in silent and not (
            hit.negated and hit.answer == "yes"
            and (said := cues.OPPOSITE[hit.family]) is not None and hits.get("no") == said
        ):  # "thats not right i refused": the «not» of «not right» read over «refused»
            hits[hit.answer] = hit.family
    if (topic == "identity" and names and (twice := _NAME_TWICE[lang].match(norm)) is not None
            and any(given_names.same_name(twice.group("n"), name, lang) for name in names)):
        return PolarReading("yes", _FAMILY_CONFIDENCE, "identity")  # «ну тамара я тамара»
    if "yes" not in hits and names and not asked and (
            _speaks_of(norm, lang, names) or _knows_not(norm, lang, names)):
        return PolarReading("no", _FAMILY_CONFIDENCE, "wrong")
    if (topic == "identity" and names and not asked and hits == {"yes": "available"}
            and _speaks_of(norm, lang, names)):
        # «тамара ушла на пенсию»: free, but it is said of the one asked for
        return PolarReading("no", _FAMILY_CONFIDENCE, "wrong")
    if topic == "relevance" and lang == "ru" and not hits:
        done = _done_so_far(norm)
        if done is not None:  # «нам уже натянули»: done; «ещё не повесили»: still on
            hits["no" if done else "yes"] = "done" if done else "still"
    if (topic == "relevance" and lang == "en" and hits.get("no") in (None, "wrong")
            and _not_yet(norm)):
        # "nobody has come out yet", "no one has been by yet": not done, so still on
        return PolarReading("yes", _FAMILY_CONFIDENCE, "still")
    if (topic == "availability" and hits.get("no") == "busy"
            and hits.get("yes") in (None, "agree", "available") and _GO_AHEAD[lang].search(norm)):
        # «на обеде как раз, говорите», "im driving but go ahead": busy, yet the caller
        # tells the robot to go on
        return PolarReading("yes", _FAMILY_CONFIDENCE, "agree")
    if (hits.get("yes") == "agree" and hits.get("no") in (None, "refuse")
            and _REFUSES_IT[lang].search(norm) is not None):
        # «отказываюсь от согласия», "i withdraw my consent": the yes word is what is refused
        return PolarReading("no", _FAMILY_CONFIDENCE, "refuse")
    if (topic in ("readback", "consent") and first in _CONCLUDES_NO
            and _ONLY[lang].search(norm) is not None):
        # «нет, я только на звонки соглашался», "no i only agreed to the calls": what was
        # read back is narrowed, a correction, however much agreeing it says
        return PolarReading("no", _FAMILY_CONFIDENCE, "refuse")
    if topic == "relevance" and lang == "ru" and _READY_MADE.search(norm) is not None:
        return PolarReading("no", _FAMILY_CONFIDENCE, "done")  # «мы взяли готовую»
    if topic == "offer" and _CONNECTING_NOT_NEEDED[lang].search(norm):
        # «нет, соединять не нужно», "connecting me isnt necessary": the transfer declined
        return PolarReading("no", _FAMILY_CONFIDENCE, "refuse")
    if lang == "en" and (english := _english_reading(norm, topic, hits)) is not None:
        return english
    if topic == "availability" and hits.get("no") == "busy" and _FREE_NOW[lang].search(norm):
        # «давайте, пока ребёнок спит», "yeah while the kids are napping", "im just
        # watching tv": a free spell or rest, not a busy fact
        return PolarReading("yes", _FAMILY_CONFIDENCE, "available")
    if topic == "identity" and hits.get("no") == "wrong" and hits.get("yes") == "available":
        # «муж её слушает», "her husband listening": someone else answered, whoever listens
        return PolarReading("no", _FAMILY_CONFIDENCE, "wrong")
    if (topic is None and first in _CONCLUDES_NO and hits.get("yes") in _OTHER_TOPICS_YES
            and "no" not in hits):
        # «нет, хочу другого», "no, whoever is free": a plain no, then its reason in words
        # that are a yes only to some other question (still wanted, free to talk)
        return PolarReading("no", _FAMILY_CONFIDENCE, "refuse")
    if topic == "offer" and hits == {"no": "busy"} and _WAIT[lang].search(norm):
        # «секунду, погоди, дописываю», "hold on im finishing up": waiting, no answer yet
        return PolarReading(None, 0.0)
    if len(hits) == 1:
        answer, family = next(iter(hits.items()))
        return PolarReading(answer, _FAMILY_CONFIDENCE, family)
    if asked:
        return PolarReading(None, 0.0)
    particles = yes_no(text, lang)
    if (len(hits) == 2 and topic in ("availability", "offer") and hits["no"] == "later"
            and hits["yes"] in ("agree", "available")):
        # "let's do this later", "sure, but some other day", «давайте, но попозже» to "is
        # now good?": the deferral qualifies the agreement, so it is not now
        return PolarReading("no", _FAMILY_CONFIDENCE, "later")
    if len(hits) == 2 and hits["no"] == "channel" and _PREFERS[lang].search(norm):
        # "email works better for me", «почтой удобнее»: another channel preferred, however
        # agreeable it sounds
        return PolarReading("no", _FAMILY_CONFIDENCE, "channel")
    if len(hits) == 2 and particles.answer is not None:
        # Both kinds of fact ("удобно, но давайте попозже"): the particle breaks the tie
        # only when it agrees with one of them.
        return PolarReading(particles.answer, 0.7, hits[particles.answer])
    if hits:
        return PolarReading(None, 0.5)
    if (particles.answer is None and lang == "en" and topic == "relevance"
            and "yet" in norm.split() and not _EN_NEGATORS.isdisjoint(norm.split())):
        # "nothing's happened yet", "we havent signed anything yet": not done, so still on
        return PolarReading("yes", _NEGATION_CONFIDENCE, "still")
    if (particles.answer is None and lang == "ru" and topic not in ("identity", "relevance")
            and _permits(norm)):
        # «обрабатывайте», «звони», «соединяйте давайте»: told to do what was asked
        return PolarReading("yes", _FAMILY_CONFIDENCE, "agree")
    if particles.answer is None and lang == "en" and _states_a_negation(norm, text):
        # A statement nobody wrote down that denies something ("never heard of him", "we
        # havent gotten around to it", "i wont") answers a yes/no question with its
        # polarity: a no, weak enough for a step's own examples or the semantic layer.
        return PolarReading("no", _NEGATION_CONFIDENCE, "negated")
    return PolarReading(particles.answer, particles.confidence)


_NEGATION_CONFIDENCE = 0.7
_KEY_ONE_RU = re.compile(r"^((ну|да|вот|так|ага) )*(нажимаю|нажму|нажала|нажал|жму|выбираю|"
                         r"давлю) (на )?(один|единиц\w*|единичк\w*|первую|первое|первый)\b")
"""The key that accepts an offer («Нажмите 1 или скажите «да»»), said in words."""


def _english_reading(norm: str, topic: Topic | None,
                     hits: dict[Answer, str]) -> PolarReading | None:
    """The English facts of round fourteen that overrule what the families found."""
    if topic == "availability" and hits.get("no") == "busy" and (
            idle := _IDLE_WAIT_EN.match(norm)) is not None:
        tail = idle.group("tail") if idle.group("tail") is not None else idle.group("idle")
        if not any(hit.family == "busy" for hit in cues.read_lang(tail, "en")):
            return PolarReading("yes", _FAMILY_CONFIDENCE, "available")
    if topic == "relevance" and hits.get("no") in (None, "done") and _READY_NOW_EN.search(norm):
        return PolarReading("yes", _FAMILY_CONFIDENCE, "still")
    if topic == "relevance" and "yes" not in hits and (
            _DONE_LATELY_EN.search(norm) or _DONE_BY_OTHERS_EN.search(norm)):
        return PolarReading("no", _FAMILY_CONFIDENCE, "done")
    return None
_SAID_SO: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^((да|ага|угу|верно|точно|именно|все верно) )*(я )?(так|это|именно это|"
                     r"именно так)( я)? и (сказал|сказала|говорил|говорила|назвал|назвала)$"),
    "en": re.compile(r"^((yes|yeah|yep|yup|right|correct|exactly) )*(thats|that is)( exactly| "
                     r"just)? what i (said|told you|meant|gave you)$"),
}
"""To a read-back, the caller's own words confirmed ("right thats what i said", «да, так
я и сказал»): a yes, though its words ask what was said."""
_STAYING_ON: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^((да|ага|угу|хорошо|ладно|давайте|конечно) )*(я )?(все еще |еще |пока )?"
                     r"(на линии|на связи|на проводе|жду|подожду|вишу|не кладу трубку)$"),
    "en": re.compile(r"^((yes|yeah|yep|yup|sure|ok|okay|alright) )*(im|i am|ill|i will|ill be|"
                     r"were|we are)( still| just)? (holding( on)?|waiting|here|on the line|"
                     r"staying on|hanging on|hold|wait|stay on the line)$"),
}
"""To "shall I connect you?", staying on the line is the yes: "yep im holding", «да, я на
линии» (elsewhere «на линии» is another call, and "im holding" something in hand)."""
_REFUSES_IT: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\bотказ\w* (\w+ )?(от|дать|давать)\b|\bотзыва\w*|\bотозва\w*|"
                     r"\bотзову\b"),
    "en": re.compile(r"\b(withdraw|withdrawing|revoke|revoking|take back|taking back|pull|"
                     r"pulling|rescind|rescinding)( my| any| the)? (consent|agreement)\b"),
}
_ONLY: dict[Lang, re.Pattern[str]] = {"ru": re.compile(r"\b(только|лишь)\b"),
                                     "en": re.compile(r"\b(only|just)\b")}
_READY_MADE = re.compile(r"(?<!не )\b(взяли|купили|заказали|поставили|нашли|взял|купил|"
                         r"взяла|купила) (\w+ )?готов(ую|ый|ое|ые|ых)\b")
"""«мы взяли готовую»: a ready-made one bought (not «готов», ready to agree)."""
_CONNECTING_NOT_NEEDED: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(соединять|переключать|переводить|звать|связывать) (\w+ )?(не (надо|"
                     r"нужно|стоит|обязательно)|незачем|ни к чему)\b"),
    "en": re.compile(r"\b(connecting|transferring|a transfer)( me| us)? (is not|isnt|wont be|is "
                     r"not really|not) (needed|necessary)\b"),
}
_FREE_NOW: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\bпока (\w+ ){0,2}(спит|спят|дремлет|гуляет|гуляют|в школе|в садике|"
                     r"на работе|отдыхает)\b"),
    "en": re.compile(r"\bwhile (the |my |our )?(kids?|baby|babies|children|toddler|little ones?|"
                     r"son|daughter|husband|wife)( is| are|s)? (napping|asleep|sleeping|at school|"
                     r"at daycare|out)\b|\b(im|i am|were|we are) just watching (tv|television|"
                     r"the game|a show|a movie|netflix)\b|\b(im|i am|were|we are) (just )?"
                     r"(relaxing|chilling|lounging|resting)\b"),
}
"""A free spell or rest: the one who needs the caller is asleep or away, the caller is
idle ("im just watching tv"; "im watching the game" stays busy)."""
_GO_AHEAD: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(говорите|рассказывайте|излагайте|выкладывайте|спрашивайте|валяйте|"
                     r"слушаю|только быстро|но быстро|давайте быстро|давайте быстренько|"
                     r"(?<!не )можно|(?<!не )могу)\b(?! (позже|попозже|потом|завтра|вечером))"),
    "en": re.compile(r"\b(go ahead|fire away|im listening|i am listening|make it quick|but quick|"
                     r"talk fast|go for it|i can (talk|chat|speak))\b(?! to)|\bshoot$|"
                     r"\btalk to me$"),
}
""""Go on" said with a reason not to: the caller lets the robot talk anyway."""
_LEAVE: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"^((да|ну|ладно|хорошо|давайте|пожалуйста) )*(делайте|оформляйте) (все )?"
                     r"(что|как) (нужно|надо|хотите|считаете нужным|положено)$"),
    "en": re.compile(r"^((ok|okay|fine|sure|yes|yeah|go ahead|fine by me) )*do what(ever)? you "
                     r"(need|have|gotta|got|must|want)( to)?( do)?$"),
}
""""do what you need", «делайте что нужно»: leave to do it, a yes; its words are those of
"what do you need" (who-is-this) in another order."""


def gives_leave(text: str, lang: str) -> bool:
    """Whether the reply leaves the robot to do what it needs (`_LEAVE`)."""
    code = lang_of(lang)
    return _LEAVE[code].search(normalize(text, code)) is not None


def goes_ahead(text: str, lang: str) -> bool:
    """Whether the reply tells the robot to go on ("go ahead", «говорите»), whatever else it
    says of being busy."""
    return _GO_AHEAD[lang_of(lang)].search(normalize(text, lang)) is not None


_PREFERS: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(лучше|удобнее|проще|предпочитаю|предпочтительнее)\b"),
    "en": re.compile(r"\b(better|easier|rather|prefer|preferable)\b"),
}
_PROCEED = frozenset({
    "обрабатывать", "обработать", "записывать", "записать", "оформлять", "оформить",
    "звонить", "соединять", "соединить", "переключать", "переключить", "подключать",
    "подключить", "действовать", "продолжать", "продолжить", "начинать", "начать",
    "фиксировать", "зафиксировать", "регистрировать", "зарегистрировать", "вносить",
    "внести", "заносить", "занести", "сохранять", "сохранить", "назначать", "назначить",
    "бронировать", "забронировать", "включать", "включить", "запускать", "запустить",
    "делать", "сделать", "подтверждать", "ставить", "поставить", "отмечать", "отметить",
    "передавать", "передать", "переводить", "перевести", "заказывать", "набирать", "набрать",
    "кидать", "кинуть", "перекидывать", "перекинуть",
    "бронить", "выставлять", "выставить", "присоединять", "вызывать", "валять",
    # telling the robot to say its piece: «вещайте», «излагайте», «жгите»
    "вещать", "излагать", "изложить", "рассказывать", "рассказать", "выкладывать",
    "выложить", "докладывать", "доложить", "спрашивать", "спросить", "жечь",
})  # fmt: skip
"""Verbs of going on with what was asked: said as a bare imperative they agree."""
_PERMIT_FILLERS = frozenset({"ну", "да", "пожалуйста", "тогда", "уж", "уже", "давайте", "давай",
                             "ладно", "хорошо", "так", "вот", "скорее", "быстрее", "же", "мне",
                             "нам", "ага", "окей", "ок", "конечно"})
_BLESSINGS = ("на здоровье", "на здоровьице", "ради бога", "бога ради", "с богом")
"""«обрабатывайте на здоровье», «звоните ради бога»: a blessing that only adds warmth."""


_PERMIT_OBJECTS = frozenset({"его", "ее", "их", "нам", "сюда", "клиента", "клиентку",
                             "клиентов", "звонок", "абонента", "человека"})
"""What the order is about, said with it: «кидай его мне», «подключай клиента»."""


def _permits(norm: str) -> bool:
    """A bare imperative that tells the robot to go on with what it asked («обрабатывайте
    пожалуйста», «звони», «ну соединяйте»), or «можно» with the verb of it («ну можно
    обрабатывать»)."""
    for idiom in _BLESSINGS:
        norm = norm.replace(idiom, " ")
    words = [w for w in norm.split() if w not in _PERMIT_FILLERS and w not in _PERMIT_OBJECTS]
    if len(words) == 2 and "можно" in words:  # «можно обрабатывать», «записывать можно»
        return words[words[0] == "можно"] in _PROCEED
    if len(words) != 1:
        return False
    return ru_imperative(words[0]) in _PROCEED


_DONE_NOT: frozenset[str] = frozenset({
    "решить", "оставить", "подать", "позвонить", "написать", "сказать", "ответить",
    "отправить", "объяснить", "спросить", "начать", "забыть", "узнать", "посмотреть",
    "подумать", "обсудить", "прочитать", "получить", "услышать", "понять", "заждаться",
    "устать", "соскучиться", "привыкнуть", "связаться", "созвониться", "рассказать",
    "сообщить", "поговорить",
})  # fmt: skip
"""Verbs done "already" that are no thing done in place of the offer («уже оставили
заявку», «уже решили», «уже устали ждать»)."""


def _done_so_far(norm: str) -> bool | None:
    """«уже» and then a perfective verb in the past: a thing done («нам уже натянули», «уже
    всё поменяли»), True; «ещё не»/«пока не» and then a verb in the past: not done yet
    («ещё не повесили», «пока никто не приезжал»), False; None when neither is said."""
    words = norm.split()
    for i, word in enumerate(words):
        if word not in ("уже", "еще", "пока"):
            continue
        negated = False
        for nxt in words[i + 1 : i + 4]:
            if nxt == "не":
                negated = True
                continue
            if word == "уже" and not negated:
                lemma = ru_perfective_past(nxt)
                if lemma is not None:
                    return True if lemma not in _DONE_NOT else None
            elif negated and ru_past_verb(nxt):
                return False
    return None


_NOT_YET = re.compile(r"\b(nobody|nobodys|no one|noone|no ones|not|never|havent|hasnt|didnt|"
                      r"dont|doesnt|"
                      r"nothing)\b(?!.*\balready\b).*\byet\b")
""""nobody has come out yet", "we havent had it done yet": nothing done so far."""


def _not_yet(norm: str) -> bool:
    return "yet" in norm and _NOT_YET.search(norm) is not None


# English facts of round fourteen, each read only where its topic is asked.
_BUSINESS_ANSWERS_EN = re.compile(
    r"^(?:hello |hi |good (?:morning|afternoon) )?(?:(?:this is|youve reached|you have reached|"
    r"you reached) (?:the )?(?:\w+ ){0,2}(?:office|offices|practice|clinic|front desk|"
    r"reception) (?:of|at|for) \w+|thank(?:s| you) for calling \w+|(?:this is|youve reached|"
    r"you have reached) (?:\w+ ){1,3}(?:office|offices|practice|clinic|dentistry|dental|"
    r"pediatrics|law firm|agency|realty)$)")
""""this is the office of dr patel", "thank you for calling lakeside dental": a business
answered the phone, not the person asked for."""
_IDLE_WAIT_EN = re.compile(
    r"^(?:(?:yes|yeah|yep|yup|sure|ok|okay|alright)(?: \w+)? (?:im|i am|were|we are)"
    r"(?: just)? (?:sitting|waiting)\b(?! down)(?P<tail>.*)|(?:im|i am|were|we are)(?: just)? "
    r"(?:sitting|waiting)\b(?! down)(?P<idle>.*) anyway)$")
""""yeah im just sitting in the car line", "im waiting on the plumber anyway": a yes (or
"anyway"), then the caller waits or sits idle, which leaves them free to talk; a busy fact
of its own in what follows ("yeah im sitting in a meeting") still says no."""
_EXCLAIMED_EN = re.compile(
    r"^(?:(?:oh|ah|ugh|man|boy|geez|jeez|gosh|god|wow|whew|phew|my|lord|dude) )+the \w+"
    r"(?: (?:today|tonight|lately|out there|these days|this (?:morning|afternoon|evening|week)))?$")
""""oh man the traffic today": an exclamation about something, no fact about the caller."""
_GOOD_QUESTION_EN = re.compile(
    r"^(?:(?:well|hmm+|um|uh|oh|now|ok|okay|wow|ooh) )*(?:(?:thats|that is|its|it is|what) )?"
    r"(?:a |such a )?(?:really |very |pretty |real )?(?:good|great|fair|tough|excellent|"
    r"interesting) (?:question|one)(?: (?:honestly|really|actually|though|there))?$")
""""well thats a good question": the question praised, not answered (a "great" in it is
no yes)."""
_READY_NOW_EN = re.compile(r"\b(?:so|and|now) (?:were|we are|im|i am) (?:finally )?ready"
                           r"(?: now| for (?:it|them|this|that)| to go)?$")
""""we just got a new roof so were ready": the reason leads to the answer, a yes."""
_DONE_LATELY_EN = re.compile(
    r"^(?!.*\b(?:price|prices|bill|bills|cost|costs|rate|rates|tax|taxes|rent|payment|"
    r"payments|premium)\b).*\b(?:went (?:up|in|on)|(?:got|were|was) (?:put (?:in|up|on)|"
    r"installed|done|finished))\b.*\b(?:last (?:\w+)|yesterday|ago|earlier this "
    r"(?:week|month|year)|(?:back )?in (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|the (?:spring|summer|fall|winter)))$")
""""panels went up on the roof last thursday", "they were put in two weeks ago": the thing
done lately (a bill or a price that went up is no purchase)."""
_DONE_BY_OTHERS_EN = re.compile(
    r"\b(?:my|our) (?:\w+ ){1,3}(?:is|s) an? (?:\w+ )?(?:electrician|roofer|contractor|"
    r"installer|plumber|builder|carpenter|handyman|glazier|solar \w+)\b.*\b(?:hes|shes|"
    r"theyre|he is|she is|they are|he|she|they)( \w+)? (?:doing|handling|installing|putting in|"
    r"taking care of|does|handles|will do|is doing)\b|\b(?:signed|signing) (?:up )?(?:with|"
    r"a contract with|the contract with) (?!you\b|your\b|yall\b|u\b)\w+|\bsigned (?:a|the) "
    r"contract\b(?! with (?:you|your)\b)")
""""my dad is an electrician and hes doing ours", "we signed with tesla last week":
someone else does the work."""
_EN_NEGATORS = frozenset({
    "not", "never", "dont", "doesnt", "didnt", "cant", "cannot", "wont", "isnt", "arent",
    "wasnt", "werent", "havent", "hasnt", "hadnt", "aint", "shouldnt", "wouldnt", "couldnt",
    "nobody", "nothing", "nowhere", "neither", "nor",
})  # fmt: skip
"""English negators as a phone line spells them (no apostrophe): the polarity of a
statement."""


def denies(text: str, lang: str) -> bool:
    """Whether an English reply holds a negated statement ("we havent gotten that far",
    "i didnt set one"): with no value in it, a "don't know" to a question of a value."""
    return lang_of(lang) == "en" and not _EN_NEGATORS.isdisjoint(normalize(text, "en").split())


def _states_a_negation(norm: str, text: str) -> bool:
    """A negated statement that is not a hedge ("not sure", "i dont know"), which says
    nothing either way."""
    if _EN_NEGATORS.isdisjoint(norm.split()):
        return False
    return _KNOWS_NOBODY.search(norm) is not None or not cues.hedge(text, "en")


_KNOWS_NOBODY = re.compile(r"\b(?:dont|do not|never|didnt) know (?:any|anyone|anybody|him|her|"
                           r"them|no|a|an|that|this|who|of)\b")
"""Not knowing a person ("i dont know anyone called that") is a fact, not a hedge."""


def polar(text: str, lang: str, topic: Topic | None = None,
          names: tuple[str, ...] = ()) -> PolarReading:
    """Read ``text`` as an answer to a yes/no question (about ``topic``, when known):
    facts first, then particles. ``names`` are the first names a question about who
    answered asks for («это Иван?»): a caller who gives one of them, or a short form
    («Ваня»), says yes; one who gives another first name («Сергей») is the wrong person."""
    return _polar(text, lang_of(lang), topic, tuple(n.lower() for n in names))


def answer_to_offer(text: str, lang: str) -> Answer | None:
    """The answer to an offer ("shall I put the call through?"): what the operator says on
    the operator's leg of a transfer ("принял", "я на звонке", "перекинь на другого") is
    read like a caller's answer to "Соединить?"."""
    return _polar(text, lang_of(lang), "offer").answer



_OPENING_PARTICLES: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"да", "ага", "угу", "нет", "неа", "конечно", "ладно", "хорошо"}),
    "en": frozenset({"yes", "yeah", "yep", "yup", "no", "nope", "sure", "ok", "okay"}),
}


def opens_with_answer(text: str, lang: str) -> bool:
    """"да, а кто это?", "uh-huh, who's this?": the reply opens with a yes/no particle."""
    code = lang_of(lang)
    words = tokens(_plain_interjections(text, code), code)
    return bool(words) and words[0] in _OPENING_PARTICLES[code]


def opens_with_idiom(text: str, lang: str) -> bool:
    """«ну а что, согласен», «почему бы и нет», "why not": a question word that opens an
    idiom, not a question, so the answer that follows counts."""
    code = lang_of(lang)
    words = normalize(text, code).split()
    k = 0
    while k < len(words) and words[k] in _OPENERS[code]:
        k += 1
    return (k < len(words) and words[k] in _QUESTION_WORDS[code]
            and _NOT_QUESTIONS.match(" ".join(words[k:])) is not None)


def closes_with_answer(text: str, lang: str) -> bool:
    """"зачем мне это? нет", "why would i, no": a question asked back and then answered
    with a closing particle; the answer counts, not the question."""
    code = lang_of(lang)
    words = tokens(text, code)
    return len(words) > 2 and words[-1] in _CLOSING[code] and words[-2] not in _SAYING
