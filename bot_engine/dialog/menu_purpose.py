"""Which department of a spoken menu a caller wants when they say what they need, not whom:
«хочу заказать» is for sales, «по поводу оплаты счёта» for accounting, «провис по
гарантии» for the service. Pure functions over the menu's entries; `menu.choose_words`
asks here when no entry is named or numbered.

The words go by family, not by product (the menus are for any trade): a purchase, a choice,
a price, a new contract or a sign-up is for sales; any payment, transfer, refund, statement,
certificate or document about money is for accounting; a complaint, a problem, a
replacement, an adjustment or cleaning, a thing out of order or not right after the job, a
worker who did not come is for the service. A hint the family shares with others (a
contract, a problem, a replacement) weighs half a word, so the other's own word decides
(«проблема с оплатой» is accounting's, «по оплате договора» too); a verb of buying or
signing weighs one and a half («заказать ремонт крыши» is a sale).
"""

from __future__ import annotations

import re
from typing import Any

from bot_engine.nlu.lang import Lang
from bot_engine.nlu.morph import ru_normal_forms
from bot_engine.nlu.text import lemma_tuple

_WORD = re.compile(r"[0-9]+|[a-zа-яё]+", re.I)

# Keyed by a word of the department's name (its lemma), in both languages; what the caller
# says is read as lemmas (Russian nominatives, English stems) and as the words themselves.
_PURPOSE_TABLE = (
    ("продажа продажи sales sale", "купить покупать покупка заказать заказывать заказ приобрести "
     "приобретать цена стоимость стоить прайс скидка замер смета оформить заключить заключать "
     "подписать продажник продавец подобрать подбирать подбор выбрать выбирать выбор почем почём "
     "расценка записаться записываться запись договор новый "
     "salesman salesperson salespeople buy buying purchase order ordering price pricing quote "
     "estimate discount cost sign choose choos chose select selection contract new how_much"),
    ("бухгалтерия бухгалтер accounting accounts billing finance",
     "оплата оплатить платеж платить счет акт сверка документ накладная чек возврат квитанция "
     "реквизиты бухгалтер безнал безналичный безналичка наличка наличный деньги деньга перевод "
     "перевести переводить переплата переплатить вернуть справка вычет налог налоговый "
     "задолженность долг списать списание выписка платежка взнос ндс "
     "invoice bill billing payment pay paid refund receipt statement charge money transfer "
     "transferred wire wired overpaid overpay overpayment overcharg overcharged tax deduction "
     "certificate debt reimburs reimbursement owe"),
    ("сервисный сервис поддержка ремонт гарантийный service support repair repairs warranty",
     "гарантия гарантийный ремонт сломаться поломка провис провиснуть протечь протекать течь "
     "починить мастер неисправность брак дефект трещина отклеиться отвалиться рекламация "
     "претензия обслуживание техобслуживание сервисник неисправный жалоба жаловаться "
     "пожаловаться недовольный проблема замена заменить поменять настройка настроить "
     "перенастроить регулировка отрегулировать наладка наладить промывка промыть чистка "
     "почистить прочистка прочистить диагностика калибровка бить спускать треснуть лопнуть "
     "перекосить покоситься гудеть стучать скрипеть дымить искрить коротить капать трещать "
     "неладно "
     "warranty repair broken maintenance servicing broke break leak leaking fix defect crack "
     "problem damaged complaint complain complained unhappy dissatisfied issue replac replace "
     "replacement adjust adjustment tune tuning calibrat flush clean cleaning diagnostic "
     "wrong wobbl rattl squeak"),
)
_PURPOSES: dict[str, frozenset[str]] = {
    name: frozenset(said.split()) for names, said in _PURPOSE_TABLE for name in names.split()
}
_BUYING = dict.fromkeys(("купить", "заказать", "приобрести", "заказывать", "заключить",
                         "заключать", "подписать", "sign"), 1.5)
"""A verb of buying or of signing a contract outweighs the thing bought: «хочу заказать
ремонт крыши», «заключить договор на обслуживание» are for sales, «заказать ремонт по
гарантии» still for the service."""
_HINTS = frozenset({
    "договор", "новый", "запись", "записаться", "записываться", "contract", "new", "how_much",
    "вернуть", "проблема", "замена", "заменить", "поменять", "problem", "issue", "replac",
    "replace", "replacement", "wrong", "неладно",
})
_HINTS_AT_MOST = 0.5
"""Words many requests share weigh half a word all together: «по новому договору» is a
sale, «по оплате нового договора» a payment; «проблема с няней» is the service's,
«проблема с оплатой» accounting's."""

_OUT_OF_ORDER = re.compile(
    r"\bне (?:работает|работают|греет|качает|греют|качают|пишет|показывает|ловит|горит|"
    r"срабатывает|реагирует)\b"
    # a device's own reflexive verb negated: «не отключается», «не открывается»
    r"|\bне (?!(?:получа|нравит|хочет|кажет|помнит|требует|нуждает|собира|планиру|"
    r"знает|интересу|занима|обраща|дозвон|разбира|понрави|хоте|удает)\w*)\w+(?:ется|ются|"
    r"ится|ятся)\b"
    r"|\b(?:глючит|глючат|барахлит|барахлят|сбоит|сбоят|зависает|виснет|виснут|"
    r"пищит|пищат|сломал\w*|поломал\w*|заел\w*|заклинил\w*)\b"
    r"|\bложн\w* (?:тревог\w*|срабатыван\w*|вызов\w*)|\bсрабатывает (?:сама?|само|просто так)\b"
    r"|\b(?:doesnt|dont|isnt|not|stopped|wont|cant|keeps?) (?:work|working|turn(?:ing)? "
    r"(?:on|off)|shut(?:ting)? off|stop(?:ping)?|charg\w*|connect\w*|respond\w*|going off|"
    r"beeping|arm\w*|disarm\w*|open\w*|clos\w*)\b"
    r"|\b(?:false alarms?|glitch\w*|acting up|on the fritz|malfunction\w*)\b")
"""«станция не работает», «сирена не отключается», «сигнализация глючит», "the pump
stopped working", "the siren keeps going off": a thing out of order is the service's,
whatever the thing."""
_NOT_RIGHT = re.compile(
    r"\bне (?:пришел|пришла|пришли|приехал|приехала|приехали|явился|явилась|явились)\b"
    r"|\bпосле (?:\w+ )?(?:установк|монтаж|шиномонтаж|ремонт|замен|балансировк|переобувк|"
    r"покраск|укладк|сборк|настройк|чистк|промывк|обработк|мастер|вас\b|ваш)"
    # a trouble come back after the job: «клопы опять появились», «снова полезли»
    r"|\b(?:опять|снова|обратно|заново) (?:\w+ )?(?:появил|завел|вернул|полезл|пошл|ползают|"
    r"бегают|лезут)\w*"
    r"|\bчто[- ]?то не так\b|\bне так (?:сделал|установил|поставил|собрал|работает)"
    r"|\b(?:(?:didn|hasn|haven|wasn)[' ]?t|did not|never|has not) (?:show(?:ed|n)? up|"
    r"turn(?:ed)? up|came|come|arrive)|\bno[- ]show\b"
    r"|\bafter (?:the |your |you )?(?:guys )?(?:install\w*|repair\w*|fitting|servic\w*|visit|"
    r"replacement|treatment|spraying|you\b)|\b(?:came|come|coming) back\b"
    r"|\bsomething(?: s| is)? (?:wrong|off|not right)\b")
"""«няня не пришла», «дверь повело после установки», «что-то не так с котлом», "the tech
never showed up", "it rattles after your repair", «после обработки клопы опять появились»,
"the roaches came back": something not right with the job done is
the service's, a hint of half a word («счёт не пришёл» is still accounting's)."""
_HOW_MUCH = re.compile(r"\bhow much\b")
""""how much is a mower": a price asked (half a word: "how much do I owe" is a payment)."""

_ANOTHER_ROLE = frozenset({
    "директор", "генеральный", "гендиректор", "юрист", "юридический", "кадры", "кадровик",
    "кадровый", "охранник", "склад", "кладовщик", "секретарь", "приемная", "руководитель",
    "руководство", "начальник", "заведующий", "врач", "доктор", "director", "ceo", "lawyer",
    "attorney", "legal", "hr", "recruiter", "guard", "warehouse", "receptionist",
    "reception", "doctor",
})
"""A post the caller names when no entry holds it: «мне бы директора по жалобе на мастера»
wants the director, not the service the complaint is about; «куда с жалобой на врача» is
about a doctor, whom no department of the menu answers for. (Not «охрана»: a thing sold
as often as a post.)"""


def by_purpose(items: list[dict[str, Any]], label: str, text: str) -> int | None:
    """The one entry whose department serves what the caller says they want; None when
    the menu has no such department, the caller asks for a post no entry holds, or two
    departments fit equally well."""
    lemmas = [set(label_lemmas(item, label)) for item in items]
    if not any(word in _PURPOSES for held in lemmas for word in held):
        return None
    said = _said(text[:500])
    if said & _ANOTHER_ROLE and not said & _ANOTHER_ROLE & set().union(*lemmas):
        return None
    scores = [_score(set().union(*(_PURPOSES.get(word, frozenset()) for word in held)) & said)
              for held in lemmas]
    best = max(scores, default=0)
    return scores.index(best) if best > 0 and scores.count(best) == 1 else None


def _score(met: set[str]) -> float:
    """How well what the caller said fits one department: its own words, the hints capped."""
    hints = met & _HINTS
    return (sum(_BUYING.get(w, 1.0) for w in met - hints)
            + min(_HINTS_AT_MOST, _HINTS_AT_MOST * len(hints)))


def _said(text: str) -> set[str]:
    """The words and lemmas of a reply, with a token for each phrase a purpose has."""
    lang: Lang = "en" if text.isascii() else "ru"
    low = text.lower().replace("ё", "е")
    said = set(lemma_tuple(text, lang)) | set(_WORD.findall(low))
    if _OUT_OF_ORDER.search(low):
        said.add("неисправный")
    if _NOT_RIGHT.search(low):
        said.add("неладно")
    if "how much" in low and _HOW_MUCH.search(low):
        said.add("how_much")
    return said


def label_lemmas(item: dict[str, Any], label: str) -> list[str]:
    words = [w.lower().replace("ё", "е") for w in _WORD.findall(str(item.get(label, "")))]
    return [form for w in words for form in ru_normal_forms(w)]
