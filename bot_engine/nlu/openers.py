"""Replies whose opening answer word is reversed by what follows it.

The particles (`yes_no`) and the reply classifier trust the word a reply opens with. On the
phone that «нет» or «да» often answers something other than the question, and the words
after it say the answer:

- «нет, почему» before a go-ahead is a yes: «нет, почему, давайте», «нет почему это я»,
  "no why not go ahead";
- «нет, а чего скрывать» is a yes: «нет, а чего мне бояться, пишите»;
- the bother the question apologises for, denied, is a yes to "is it convenient":
  «нет, не отвлекаете», "nah you're not bothering me";
- «да я бы, но» before a reason is a no: «да я бы, но ребёнка забираю», "i would but the
  kids are screaming";
- a rhetorical «да какое» is a no: «да какое удобно, дети орут», "yeah right like i have
  time";
- a talk already had is a no to an offer of a person: «да мне ваш менеджер звонил, мы всё
  обсудили»;
- to a question of no topic (keep this manager?), the end of the reply chooses: «он мне
  скидку сделал, давайте его» is a yes, «он трубку не берёт, лучше кто свободен» a no.

`reversal(norm, lang, topic)` finds a shape in a normalized reply and hands back its answer
and the words after the shape (`Reversal.rest`); `polar` reads the rest in turn, and a rest
that says the other answer («нет почему, но не сейчас», «я бы, но ладно, давайте») keeps the
shape from deciding. The «нет почему» shape also needs its rest to go ahead (an imperative,
«беру», «это я», or a yes `polar` reads): «нет, почему вы решили» asks, «нет, почему-то не
хочется» refuses. Each shape is gated by a substring its pattern needs, so a reply without
one costs a few `in` checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot_engine.nlu.lang import Lang
from bot_engine.nlu.morph import ru_imperative

Answer = Literal["yes", "no"]

FAMILY = "reversed"
"""The polar family of an answer read from a reversed opener; the reply classifier keeps
it (`reply_classifier.KEPT`), since what it learned is the opening word."""


@dataclass(frozen=True)
class Reversal:
    answer: Answer
    rest: str
    """The words after the shape; they must not say the other answer."""
    go_ahead: bool = False
    """The rest must go ahead (the «нет почему» shape): `goes_ahead` or a yes read in it."""


_WHY_NOT_RU = re.compile(r"^(?:(?:да|а|ой|так) )*нет (?:(?:а|ну|ну а) )?почему (?:же |это )?"
                         r"(?!(?:то|нибудь|либо)\b)(?P<rest>.*)$")
"""«нет, почему, давайте», «да нет, почему же, соединяйте»: the «нет» answers a worry the
caller heard in the question (not «почему-то», which the recogniser writes «почему то»)."""
_NOTHING_TO_HIDE_RU = re.compile(
    r"^(?:(?:да|нет|а|ну|и|так) )*(?:чего|что) (?:(?:мне|нам|тут|там|уж|же|ж) )?"
    r"(?:скрывать|бояться|опасаться|стесняться|прятать|таить|такого)\b(?P<rest>.*)$")
"""«нет, а чего скрывать, давайте», «а что тут такого»: a question that only looks like one."""
_NOT_BOTHERING_RU = re.compile(
    r"^(?:(?:да|нет|ну|что вы|да что вы|нет нет) )*(?:вы )?(?:меня )?(?:(?:совсем|нисколько|"
    r"ничуть|вовсе|ни капли|абсолютно|никак) )?(?:меня )?не (?:отвлекаете|отвлекли|мешаете|"
    r"помешали|помешаете|беспокоите|побеспокоили|отрываете|оторвали|напрягаете)\b(?P<rest>.*)$")
"""«нет, не отвлекаете» to «удобно говорить?»: the no denies the bother the question
apologises for, so it is time to talk."""
_NOT_BOTHERING_EN = re.compile(
    r"^(?:(?:no|nah|nope|oh|not at all) )*(?:youre|you are|you re) (?:really |honestly )?not "
    r"(?:bothering|interrupting|disturbing|troubling|bugging)(?: (?:me|us|anything|anyone))?"
    r"(?: at all)?(?P<rest>.*)$")
_WOULD_BUT_RU = re.compile(r"^(?:(?:да|ну|ой|ага|так|конечно|я) )*(?:\w+ ){0,2}бы(?: \w+){0,3} "
                           r"но (?P<rest>.+)$")
"""«да я бы, но клиент у кассы», «я бы с радостью, но за рулём»: a wish the reason undoes."""
_WOULD_BUT_EN = re.compile(r"^(?:(?:yes|yeah|yea|well|oh|um|uh|honestly|i mean) )*"
                           r"(?:i would|id|i wish i could|i would have)(?: \w+){0,3} but "
                           r"(?P<rest>.+)$")
_BUT_YET_RU = re.compile(r"^(?:только|если|давайте|давай|ладно|можно|сначала|быстро|хорошо|"
                         r"соединяйте|говорите)\b")
_BUT_YET_EN = re.compile(r"^(?:only|if|just|make it|quick|first|go ahead|ok|okay|fine|sure)\b")
"""What after the «но» grants the wish after all («я бы не против, но только быстро»)."""
_WHAT_OF_IT_RU = re.compile(
    r"^(?:(?:ой|ну|а|эх|ох) )*да (?:какое|какой|какая|какие|куда)(?: (?:там|уж|тут))*"
    r"(?: (?:удобно|удобное|удобный|удобнее|свободна|свободен|свободно|свободное|актуально|"
    r"интересно|минутка|минута|минуточка|говорить|разговаривать))?\b(?P<rest>.*)$")
"""«да какое удобно, дети орут», «да куда там»: scorn for the question, a no (not «да какая
разница», «да какое угодно»: the question word must be followed by «там»/«уж» or the
question's own word, which `reversal` checks)."""
_YEAH_RIGHT_EN = re.compile(r"^(?:oh )?(?:yeah|yea|ya) right (?:like|as if)\b")
_TALKED_ALREADY_RU = re.compile(
    r"(?<!не )\b(?:уже )?(?:все|всё) (?:уже )?(?:с ним |с ней |с вами )?(?:обсудили|обговорили|"
    r"решили|выяснили|порешали|обсудил|обсудила|обговорил|обговорила|объяснил|объяснила|"
    r"рассказал|рассказала)\b")
"""«мы уже всё обсудили», «он мне всё объяснил» to «соединить с менеджером?»: the talk is
had, a no."""
_ONE_KEPT_RU = re.compile(
    r"(?<!не )\b(?:(?:давайте|давай|оставьте|оставляйте|пусть|пускай) (?:будет )?(?:его|ее|он|она)|"
    r"(?:его|ее) (?:давайте|оставьте|оставляйте))(?: (?:и отвечает|и будет|пожалуйста))?$"
    r"|\bне (?:то|то что|как) (?:прошлый|предыдущий|прежний|тот|прошлая|предыдущая|прежняя|та)\b")
"""«он мне скидку сделал, давайте его», «этот вежливый, не то что прошлый» to «хотите, чтобы
всегда отвечал этот менеджер?»: the one asked about chosen, whatever the reason's facts (a
«сделал» is no done deal here)."""
_ONE_PASSED_RU = re.compile(
    r"\bлучше (?:\w+ )?(?:кто (?:свободен|свободна|свободный|посвободнее|освободится)|любой|любого|"
    r"любую|другой|другого|другую|кого(?: |-)нибудь(?: другого)?)$")
"""«он трубку долго не берёт, лучше кто свободен»: anyone but the one asked about (not a free
spell of the caller's own)."""
_GO_AHEAD_WORDS_RU = frozenset({
    "беру", "принимаю", "слушаю", "можно", "конечно", "удобно", "пусть", "пускай", "это",
    "давай", "давайте", "валяйте", "согласна", "согласен", "согласны", "пожалуйста",
})
"""Words a «нет почему» rest goes ahead with besides an imperative («звони», «соединяйте»)."""
_GO_AHEAD_WORDS_EN = frozenset({"go", "sure", "connect", "put", "shoot", "fire", "please"})
_WHY_NOT_EN = re.compile(r"^(?:(?:no|nah|oh) )+why not\b(?P<rest>.*)$")
""""no why not go ahead": the no is to a worry, the "why not" agrees."""


def reversal(norm: str, lang: Lang, topic: str | None) -> Reversal | None:
    """The answer a reply's opening shape gives against its opening word (None: no such
    shape; ``norm`` is `normalize`d, ``topic`` the question's `polar.Topic`)."""
    return _russian(norm, topic) if lang == "ru" else _english(norm, topic)


def goes_ahead(rest: str, lang: Lang) -> bool:
    """The words after «нет почему» open with a go-ahead: an imperative («звони»), a
    taking of the call («беру») or the caller's own «это я» (a name after «я» is read by
`polar` as a yes, «я должна с вами говорить» is none)."""
    first = rest.partition(" ")[0]
    if lang == "ru":
        return first in _GO_AHEAD_WORDS_RU or ru_imperative(first) is not None
    return first in _GO_AHEAD_WORDS_EN


def _russian(norm: str, topic: str | None) -> Reversal | None:
    if "почему " in norm and (why := _WHY_NOT_RU.match(norm)) is not None:
        return Reversal("yes", why["rest"].strip(), go_ahead=True)
    if ("чего " in norm or "что " in norm) and (hid := _NOTHING_TO_HIDE_RU.match(norm)):
        return Reversal("yes", hid["rest"].strip())
    if (topic == "availability" and "не " in norm
            and (bother := _NOT_BOTHERING_RU.match(norm)) is not None):
        return Reversal("yes", bother["rest"].strip())
    if " но " in norm and "бы " in norm and (wish := _WOULD_BUT_RU.match(norm)) is not None:
        rest = wish["rest"].strip()
        return None if _BUT_YET_RU.match(rest) else Reversal("no", rest)
    if norm.startswith(("да ", "ой да ", "ну да ", "а да ", "эх да ", "ох да ")) and (
            scorn := _WHAT_OF_IT_RU.match(norm)) is not None:
        said = norm[:scorn.start("rest")].split()
        if said[-1] not in ("какое", "какой", "какая", "какие", "куда"):  # «там» or the word
            return Reversal("no", scorn["rest"].strip())
    if topic == "offer" and (found := _TALKED_ALREADY_RU.search(norm)) is not None:
        return Reversal("no", norm[found.end():].strip())
    if topic is None:
        return _one_chosen(norm)
    return None


def _one_chosen(norm: str) -> Reversal | None:
    """To a question of no topic (keep this manager?), a reply that ends choosing the one
    asked about or anyone else: the reason before it is no answer of its own."""
    if ("его" in norm or "ее" in norm or " не " in norm) and _ONE_KEPT_RU.search(norm):
        return Reversal("yes", "")
    if "лучше " in norm and _ONE_PASSED_RU.search(norm):
        return Reversal("no", "")
    return None


def _english(norm: str, topic: str | None) -> Reversal | None:
    if "why not" in norm and (why := _WHY_NOT_EN.match(norm)) is not None:
        return Reversal("yes", why["rest"].strip())
    if topic == "availability" and " not " in norm and (
            bother := _NOT_BOTHERING_EN.match(norm)) is not None:
        return Reversal("yes", bother["rest"].strip())
    if " but " in norm and (wish := _WOULD_BUT_EN.match(norm)) is not None:
        rest = wish["rest"].strip()
        return None if _BUT_YET_EN.match(rest) else Reversal("no", rest)
    if "right " in norm and _YEAH_RIGHT_EN.match(norm) is not None:
        return Reversal("no", "")  # what follows is the claim mocked ("like i have time")
    return None
