"""``extract_entities``: run only the requested recognisers, and return early when the
utterance has no digit and no number/date word at all (most turns)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise

from bot_engine.nlu.asr import respell
from bot_engine.nlu.entities.lexicon import CURRENCY_SYMBOLS, MONEY_SLANG, Lexicon, lexicon
from bot_engine.nlu.entities.model import ENTITY_TYPES, Entity, EntityType
from bot_engine.nlu.entities.names import find_names
from bot_engine.nlu.entities.numbers import NumSpan, find_numbers
from bot_engine.nlu.entities.phone import find_phones
from bot_engine.nlu.entities.scan import Tok, as_int_or_float, has_digit, scan
from bot_engine.nlu.entities.temporal import Temporal, date_looking, resolve
from bot_engine.nlu.errors import NluInputError
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.morph import analyzer, ru_noun_lemma

_TEMPORAL = frozenset({"date", "time", "datetime"})
_NUMERIC = frozenset({"number", "integer", "money"})


_WORDS = re.compile(r"[^\W\d_]+")
_SIGNS = frozenset("$€₽£%+")


def _may_hold_numbers(text: str, lang: Lang) -> bool:
    """A look before `scan`, for the same answer as `_has_trigger` over its tokens: a digit,
    a currency or percent sign, or a word that is a number, date or time word as said, as
    respelt («щас», "tmrw") or as the first half of one («пол часа»)."""
    if has_digit(text) or not _SIGNS.isdisjoint(text):
        return True
    return any(_trigger_word(raw, lang) for raw in _WORDS.findall(text))


@lru_cache(maxsize=65536)
def _trigger_word(raw: str, lang: Lang) -> bool:
    """`_may_hold_numbers` for one word as written, kept per word: replies repeat words."""
    low = raw.lower().replace("ё", "е")
    triggers = lexicon(lang).triggers
    if low in triggers or low == "пол":
        return True
    spelt = respell(low, lang)
    return spelt is not None and not triggers.isdisjoint(spelt)


def _has_trigger(toks: list[Tok], lex: Lexicon) -> bool:
    triggers = lex.triggers
    return any(t.kind != "word" or t.low in triggers for t in toks)


def _currency_near(toks: list[Tok], span: NumSpan, lex: Lexicon) -> tuple[str | None, int, int]:
    """Currency said right after ("тысяч рублей", "$") or right before ("$120") a number;
    returns (code, first token, one past last token) of the widened span."""
    i, j = span.i, span.j
    if j < len(toks):
        t = toks[j]
        code = CURRENCY_SYMBOLS.get(t.low) if t.kind == "sym" else lex.currencies.get(t.low)
        if code is not None:
            return code, i, j + 1
    if i > 0:
        t = toks[i - 1]
        code = CURRENCY_SYMBOLS.get(t.low) if t.kind == "sym" else None
        if code is None and t.kind == "word" and t.low in ("usd", "eur", "rub"):
            code = lex.currencies.get(t.low)
        if code is not None:
            return code, i - 1, j
    return None, i, j


# Nouns a number counts or measures ("две комнаты", "двадцать метров", "three bedrooms",
# "2000 square feet"): such a number is no sum of money.
_RU_COUNTED = frozenset({
    "метр", "квадрат", "сантиметр", "километр", "комната", "окно", "этаж", "человек",
    "ребенок", "дверь", "балкон", "лоджия", "потолок", "квартира", "дом", "помещение",
    "спальня", "санузел", "стена", "угол", "светильник", "штора", "кухня", "ванная",
    "гектар", "участок", "ступенька", "уровень",
    # an area of land («шесть соток»), a share, an age, a measure: no sum either
    "сотка", "процент", "год", "градус", "литр", "килограмм", "тонна",
})  # fmt: skip
_EN_COUNTED = frozenset({
    "room", "rooms", "bedroom", "bedrooms", "bathroom", "bathrooms", "window", "windows",
    "door", "doors", "foot", "feet", "ft", "sq", "square", "squares", "meter", "meters",
    "metre", "metres", "floor", "floors", "story", "stories", "storey", "storeys", "kids",
    "people", "acres", "acre", "units", "apartments", "houses", "skylights",
})  # fmt: skip


def _counts_things(toks: list[Tok], span: NumSpan, lang: Lang) -> bool:
    """Whether the word after the number is a thing it counts or a measure, or (Russian)
    the word before it is one in the counted form, the order that says "about" («соток
    пять», «метров двадцать», «лет десять»; not «окно сто тысяч»)."""
    if (lang == "ru" and span.i > 0 and toks[span.i - 1].kind == "word"
            and span.scale == 1.0 and span.value < _SIZE_BELOW
            and _ru_counted_before(toks[span.i - 1].low)):
        return True
    if span.j >= len(toks) or toks[span.j].kind != "word":
        return False
    if span.scale != 1.0 and toks[span.i].low in _RU_THOUSANDS_BARE:
        return False  # «тысяч сто двадцать, дом маленький»: "about", said of a sum only
    word = toks[span.j].low
    if lang == "en":
        return word in _EN_COUNTED
    return ru_noun_lemma(word) in _RU_COUNTED


@lru_cache(maxsize=4096)
def _ru_counted_before(word: str) -> bool:
    """A counted noun in the genitive plural («соток», «метров», «лет», «человек»)."""
    if ru_noun_lemma(word) is None:
        return False
    return any(p.tag.POS == "NOUN" and "gent" in p.tag and "plur" in p.tag
               and p.normal_form.replace("ё", "е") in _RU_COUNTED
               for p in analyzer().parse(word))


_BY = frozenset({"на", "by", "x", "х"})
_SIZE_BELOW = 1000


def _dimension_sides(toks: list[Tok], spans: list[NumSpan]) -> frozenset[int]:
    """The first tokens of the numbers that are the sides of a size («шесть на три метра»,
    "ten by twelve"): a size is no sum of money."""
    sides: set[int] = set()
    for a, b in pairwise(spans):
        if (b.i == a.j + 1 and toks[a.j].low in _BY
                and max(a.value, b.value) < _SIZE_BELOW):  # «сто на тысячу» is two sums
            sides.update((a.i, b.i))
    return frozenset(sides)


def _temporal_entities(text: str, found: list[Temporal], wanted: frozenset[str]) -> list[Entity]:
    out: list[Entity] = []
    for tmp in found:
        span = text[tmp.start : tmp.end]
        until = tmp.until.isoformat() if tmp.until is not None else None
        if "datetime" in wanted:
            if tmp.exact is not None:
                value = tmp.exact.isoformat(timespec="seconds")
                out.append(Entity(type="datetime", value=value, text=span, start=tmp.start,
                                  end=tmp.end))  # fmt: skip
            else:
                out.append(Entity(type="date", value=tmp.day.isoformat(), text=span,
                                  start=tmp.start, end=tmp.end, until=until))  # fmt: skip
        if "date" in wanted and not ("datetime" in wanted and tmp.exact is None):
            out.append(Entity(type="date", value=tmp.day.isoformat(), text=span,
                              start=tmp.start, end=tmp.end, until=until))  # fmt: skip
        if "time" in wanted and tmp.clock is not None:
            value = tmp.clock.replace(tzinfo=None).isoformat(timespec="seconds")
            out.append(Entity(type="time", value=value, text=span, start=tmp.start, end=tmp.end))
    return out


_SAYS_TIME = re.compile(r"\d:\d|\b(?:am|pm|час\w*|утра|вечера|дня|ночи|o'?clock)\b", re.I)


_BETWEEN_WEEK_AND_DAY = frozenset({"", "в", "во", "on", "the", ",", "of"})


def _day_of_week_period(text: str, found: list[Temporal]) -> list[Temporal]:
    """"на следующей неделе во вторник", "next week tuesday": one day, the weekday inside
    that week, not two dates of which the first (the week's Monday) would win."""
    out: list[Temporal] = []
    k = 0
    while k < len(found):
        a = found[k]
        b = found[k + 1] if k + 1 < len(found) else None
        if b is not None and text[a.end : b.start].strip().lower() in _BETWEEN_WEEK_AND_DAY:
            week, day = (a, b) if a.until is not None else (b, a)
            is_week = (week.until is not None and day.until is None
                       and (week.until - week.day).days == 6 and week.until.weekday() == 6)
            if is_week:
                assert week.until is not None
                moved = week.day + timedelta(days=(day.day.weekday() - week.day.weekday()) % 7)
                exact = day.exact
                if exact is not None:
                    exact = exact.replace(year=moved.year, month=moved.month, day=moved.day)
                out.append(replace(day, start=min(a.start, b.start), end=max(a.end, b.end),
                                   day=moved, exact=exact))
                k += 2
                continue
        out.append(a)
        k += 1
    return out


_BETWEEN_WIDE_AND_NARROW = frozenset({
    "в", "во", "а", "ну", "наверное", "наверно", "скорее", "всего", "где-то", "точнее",
    "именно", "in", "like", "maybe", "probably", "say", "i", "think", "guess",
})  # fmt: skip


_NARROWING_GAP = 3
"""At most this many words of the caller's own between a span and the narrower one
inside it («зимой дешевле говорят в январе»)."""
_SETTING_APART = frozenset({"не", "нет", "но", "или", "либо", "кроме", "not", "no", "but",
                            "or", "except", "besides"})
"""Words that set a narrower time apart from the span before it ("summer but not july",
«летом или в июле»): no closer guess."""


def _narrower_inside(text: str, found: list[Temporal]) -> list[Temporal]:
    """«летом, наверное в июле», "in the spring, probably april", «зимой, дешевле говорят,
    в январе»: a span, then a narrower one inside it said as the closer guess, after a
    hedge or a few words of why; the narrower one is the answer, not the wider one that
    would win by coming first."""
    out: list[Temporal] = []
    for b in found:
        a = out[-1] if out else None
        gap = text[a.end : b.start].replace(",", " ").lower().split() if a else []
        hedged = all(w in _BETWEEN_WIDE_AND_NARROW for w in gap) or (
            len([w for w in gap if w not in _BETWEEN_WIDE_AND_NARROW]) <= _NARROWING_GAP
            and _SETTING_APART.isdisjoint(gap))
        if (
            a is not None and a.until is not None and hedged
            and a.day <= b.day and (b.until or b.day) <= a.until
            and (b.day, b.until) != (a.day, a.until)
        ):  # fmt: skip
            out[-1] = replace(b, start=a.start)
            continue
        out.append(b)
    return out


def _dateparser_fallback(text: str, lang: Lang, now: datetime) -> list[Temporal]:
    """The slow path (milliseconds) for date-looking words the rules could not read."""
    from dateparser.search import search_dates

    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        hits = search_dates(text, languages=[lang], settings=settings) or []
    except Exception:  # dateparser raises assorted errors on odd input; a miss is fine
        return []
    out: list[Temporal] = []
    pos = 0
    for phrase, moment in hits:
        start = text.find(phrase, pos)
        if start < 0:
            continue
        pos = start + len(phrase)
        aware = moment.replace(tzinfo=now.tzinfo)
        # dateparser keeps the base's clock for relative dates ("через полгода" -> 12:00
        # if now is noon), so a time counts only when the phrase says one.
        has_clock = _SAYS_TIME.search(phrase) is not None
        out.append(Temporal(start, pos, aware.date(), aware.timetz() if has_clock else None,
                            aware if has_clock else None))  # fmt: skip
    return out


def extract_entities(
    text: str,
    lang: str,
    types: Collection[EntityType],
    *,
    now: datetime,
    region: str = "RU",
) -> list[Entity]:
    """Entities of the requested ``types`` in ``text``, in text order.

    ``now`` must be timezone-aware: relative dates ("завтра в три") resolve against it
    and datetimes come back in its zone. A bare number counts as money when money is
    requested. ``region`` is the default country for phone numbers.
    """
    code = lang_of(lang)
    wanted = frozenset(types)
    unknown = wanted - ENTITY_TYPES
    if unknown:
        raise NluInputError(
            f"unknown entity types {sorted(unknown)}; expected {sorted(ENTITY_TYPES)}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise NluInputError("extract_entities needs a timezone-aware `now` (the call's time zone)")
    if not wanted or not text:
        return []
    lex = lexicon(code)
    if "name" not in wanted and not _may_hold_numbers(text, code):
        # most replies ("no thanks", «я подумаю»): no number, date or time word at all, so
        # no tokens with offsets are needed
        return _urgent(text, code, now) if "date" in wanted and "datetime" not in wanted else []
    toks = scan(text, code)
    out: list[Entity] = []
    if "name" in wanted:
        for value, start, end in find_names(text, toks, code):
            out.append(Entity(type="name", value=value, text=text[start:end], start=start,
                              end=end))  # fmt: skip
    urgent = _urgent(text, code, now) if "date" in wanted and "datetime" not in wanted else []
    numeric_or_time = wanted & (_TEMPORAL | _NUMERIC | {"phone"})
    if not numeric_or_time or not (has_digit(text) or _has_trigger(toks, lex)):
        return sorted(out + urgent, key=lambda e: e.start)

    taken: list[tuple[int, int]] = []  # character spans numbers must not reuse
    if "phone" in wanted:
        for e164, start, end in find_phones(text, toks, lex, code, region):
            out.append(Entity(type="phone", value=e164, text=text[start:end], start=start,
                              end=end))  # fmt: skip
            taken.append((start, end))
    if wanted & _TEMPORAL:
        found = resolve(toks, lex, code, now)
        covered = {k for k, t in enumerate(toks) for tmp in found if tmp.start <= t.start < tmp.end}
        if date_looking(toks, lex, covered):
            for extra in _dateparser_fallback(text, code, now):
                clash = [f for f in found if extra.start < f.end and f.start < extra.end]
                # dateparser read more of the phrase than the rules: its reading wins
                if all(extra.end - extra.start > f.end - f.start for f in clash):
                    found = [f for f in found if f not in clash] + [extra]
            found.sort(key=lambda f: f.start)
        found = _narrower_inside(text, _day_of_week_period(text, found))
        to_call = "datetime" in wanted and "date" not in wanted
        found = _without_negated(text, found, alone=to_call)
        if to_call:
            found = _without_told_of(text, code, found)
            found = _without_unsure_spans(text, code, _without_asked_of_us(text, code, found))
        said = _temporal_entities(text, found, wanted)
        today = now.date().isoformat()
        if urgent and all(str(e.value) < today for e in said):
            said = urgent  # «срочно, надо было вчера»: a day named wins, unless it is past
        out += said
        taken += [(f.start, f.end) for f in found]
    elif wanted & _NUMERIC and _may_hold_a_date(toks, lex):
        taken += _day_spans(toks, lex, code, now)
    if wanted & _NUMERIC:
        money: list[Entity] = []
        spans = list(find_numbers(toks, lex, code))
        sides = _dimension_sides(toks, spans)
        if code == "ru":
            sides |= _ru_measure_sides(toks, spans)
        price = _PRICE_SPEAK[code](spans, toks) if "money" in wanted else None
        counts: list[Entity] = []  # bare counts of things said beside a sum (ru)
        for span in spans:
            start, end = toks[span.i].start, toks[span.j - 1].end
            if any(start < b and a < end for a, b in taken):
                continue
            amount = as_int_or_float(span.value)
            slang = any(toks[k].low in MONEY_SLANG for k in range(span.i, span.j))
            if price is not None and span.i == price.i:  # "twenty two five": 22 500
                p_end = toks[price.j - 1].end
                money.append(Entity(type="money", value=int(price.value),
                                    text=text[start:p_end], start=start, end=p_end))
            if price is None and "money" in wanted and span.i not in sides and not (
                    _counts_things(toks, span, code)):
                unit, i, j = _currency_near(toks, span, lex)
                m_start, m_end = toks[i].start, toks[j - 1].end
                money.append(Entity(type="money", value=amount, text=text[m_start:m_end],
                                    start=m_start, end=m_end, unit=unit))  # fmt: skip
                if code == "ru" and unit is None and _ru_bare_count(toks, span):
                    counts.append(money[-1])
            if slang:
                continue  # "двести штук" is a sum of money, never a count
            if "number" in wanted:
                out.append(Entity(type="number", value=amount, text=text[start:end],
                                  start=start, end=end))  # fmt: skip
            if "integer" in wanted and isinstance(amount, int):
                out.append(Entity(type="integer", value=amount, text=text[start:end],
                                  start=start, end=end))  # fmt: skip
        if "money" in wanted:
            if code == "en":
                money = _with_slang_hundreds(text, lex, money)
            money = _per_unit(text, code, toks, spans, _without_counts(money, counts))
            money = _without_prices_told(text, code, money)
        out += _totalled(text, _without_dismissed(text, _share_currency(text, money)))
    return sorted(out, key=lambda e: e.start)


# "right away", «прям сейчас надо», asked when the caller needs it: today. Not when
# negated («не срочно», "not right away", "no rush").
_URGENT = {
    "ru": re.compile(r"(?<!не )\b(?:прям(?:о)? сейчас|срочно|немедленно|безотлагательно|"
                     r"как можно (?:скорее|быстрее|раньше)|поскорее|побыстрее|"
                     r"сразу же)\b"),
    "en": re.compile(r"(?<!not )\b(?:right (?:away|now)|asap|immediately|urgently|"
                     r"straight away|as soon as (?:possible|we can|you can)|"
                     r"right this minute)\b"),
}


_URGENT_WORDS = frozenset({
    "прям", "прямо", "срочно", "немедленно", "безотлагательно", "скорее", "быстрее", "раньше",
    "поскорее", "побыстрее", "сразу", "right", "asap", "immediately", "urgently", "straight",
    "soon",
})
"""A word each urgency phrase holds: the pattern runs only when one is said."""


def _urgent(text: str, lang: Lang, now: datetime) -> list[Entity]:
    low = text.lower()
    if _URGENT_WORDS.isdisjoint(low.replace(",", " ").split()):
        return []
    found = _URGENT[lang].search(low)
    if found is None:
        return []
    return [Entity(type="date", value=now.date().isoformat(), text=found.group(0),
                   start=found.start(), end=found.end())]


_NOT = frozenset({"not", "не"})
_BOUNDS = frozenset({"before", "until", "till", "til", "after", "earlier", "later", "раньше",
                     "ранее", "позже", "позднее", "до", "после"})
"""The first word of a time that "not" bounds instead of ruling out: "not before ten",
«не раньше десяти» give the earliest time."""
_NOT_PREPS = frozenset({"в", "во", "на", "on", "at", "in"})


def _without_negated(text: str, found: list[Temporal], *, alone: bool = False) -> list[Temporal]:
    """Drop a time the caller rules out when another follows: "not today, maybe
    thursday", «не завтра, а в среду» name thursday and wednesday. A time said after it on
    the ruled-out day gives the reason, no other time ("not tomorrow obviously its
    thanksgiving"). With ``alone`` (a time to call back) a time ruled out with none
    after it is dropped too: "not tomorrow", «только не завтра» name no time. A span that
    starts on a day ruled out starts on its next day instead: «в выходные, только не в
    субботу» is Sunday, "early next week just not monday" Tuesday."""
    if len(found) < 2 and not (alone and found):
        return found
    keep = []
    refused: set[date] = set()
    for n, tmp in enumerate(found):
        before = text[: tmp.start].lower().split()
        if len(before) > 1 and before[-1] in _NOT_PREPS:
            before.pop()  # «не в пятницу», "not on monday"
        said = text[tmp.start : tmp.end].split()[:1]
        negated = (bool(before) and before[-1] in _NOT
                   and not (said and said[0].lower() in _BOUNDS)
                   and not (len(before) > 1 and before[-2] == "why"))  # "why not"
        if negated and (alone or n < len(found) - 1):
            refused.add(tmp.day)
            continue
        if tmp.day in refused and tmp.clock is None and tmp.until is None:
            continue  # "not monday, monday is presidents day": the reason, not a time
        keep.append(tmp)
    return [_past_refused(tmp, refused) for tmp in keep] if refused else keep


def _past_refused(tmp: Temporal, refused: set[date]) -> Temporal:
    """A span (no clock) moved on past the days ruled out at its start, if any of it is
    left."""
    if tmp.until is None or tmp.clock is not None or tmp.day not in refused:
        return tmp
    day = tmp.day
    while day in refused and day < tmp.until:
        day += timedelta(days=1)
    if day in refused:
        return tmp
    return replace(tmp, day=day, until=tmp.until if day < tmp.until else None)


_TOLD_CALL_WORDS = frozenset({"called", "phoned", "rang", "rung", "spoke", "talked", "texted",
                              "emailed", "звонили", "звонил", "звонила"})
"""A word each call told of holds: `_TOLD_CALL` runs only when one is said."""
_TOLD_CALL = {
    "en": re.compile(r"\b(?:called|phoned|rang|rung|spoke|talked|texted|emailed)(?: (?:me|us|"
                     r"him|her|here|to (?:me|us|him|her|someone|somebody)|already|twice|once|"
                     r"again|before|earlier|\w+ times|a (?:few|couple|bunch) (?:of )?times))*"
                     r"(?: (?:on|in|at|around|about|this|last|earlier))?\s*$"),
    "ru": re.compile(r"\b(?:уже )?(?:звонили|звонил|звонила)(?: (?:мне|нам|уже|дважды|"
                     r"трижды|раза|два|три|несколько|раз))*(?: (?:в|на|во))?\s*$"),
}


def _without_told_of(text: str, lang: Lang, found: list[Temporal]) -> list[Temporal]:
    """Drop the time of a call the caller tells of ("your manager already called me twice
    this week", «мне уже звонили в понедельник»): when a call was, no time to call back."""
    low = text.lower()
    if not found or _TOLD_CALL_WORDS.isdisjoint(low.replace(",", " ").split()):
        return found
    told = _TOLD_CALL[lang]
    return [tmp for tmp in found if not told.search(low[: tmp.start])]


# Doubt about a whole span: "sometime next week i guess", "my schedule is all over the
# place this month", «на той неделе, не знаю», «на неделе как-нибудь», "next week we'll
# see". A day said so ("tomorrow i guess") is still that day.
_UNSURE = {
    "en": re.compile(r"\b(?:i guess|i suppose|i dunno|dunno|(?:i )?do ?n[o']?t know|not sure|"
                     r"no idea|who knows|all over the place|hard to say|unpredictable|"
                     r"we['’ ]?ll see|at some point|one of these days|whenever)\b"),
    "ru": re.compile(r"(?:не знаю|без понятия|сложно сказать|трудно сказать|кто (?:его )?знает|"
                     r"как получится|непредсказуем\w*|\b(?:как|когда)[- ]?(?:нибудь|либо)\b|"
                     r"видно будет|\bпосмотрим\b)"),
}


def _without_unsure_spans(text: str, lang: Lang, found: list[Temporal]) -> list[Temporal]:
    """A time to call back is a day or an hour: a week or a month said with doubt about it
    names none. A timeframe ("date") keeps it: there a rough span is the answer."""
    if not any(tmp.until is not None and tmp.clock is None for tmp in found):
        return found
    doubts = {m.group(0) for m in _UNSURE[lang].finditer(text.lower())}
    if not doubts:
        return found
    if doubts == {"whenever"}:  # "this weekend whenever": any time of a short span
        return [tmp for tmp in found if tmp.until is None or tmp.clock is not None
                or (tmp.until - tmp.day).days <= _ANY_TIME_OF_DAYS]
    return [tmp for tmp in found if tmp.until is None or tmp.clock is not None]


_ANY_TIME_OF_DAYS = 2
"""A span this short (a weekend) said with "whenever" is a time to call: any time of it."""


# A question whether the company works or calls at some time ("do you guys call on
# weekends", «а вы в выходные звоните или нет», «вы по субботам работаете?»): a time asked
# about, not offered. "can you call me saturday" asks for the time, so it is offered.
_ASKED_OF_US = {
    "en": re.compile(r"\b(?:do|does|are|is) (?:you|y ?all|ya|your (?:company|team|office|"
                     r"people|guys)|anyone|somebody|someone)(?: guys| folks| people)?\b"
                     r"[^.!]*?\b(?:call|calls|work|working|open|ring|phone|make calls)\b"),
    "ru": re.compile(r"(?:^|[.!?,]\s*)(?:а |и |ну )?(?:вы|у вас)\b[^.!]*?\b(?:звоните|"
                     r"перезваниваете|работаете|обзваниваете|звонят|работают)\b"
                     r"(?=[^.!]*(?:\bили нет\b|\?|\bли\b))|^а (?:вы|у вас)\b[^.!]*?\b(?:звоните|"
                     r"перезваниваете|работаете|обзваниваете|звонят|работают)\b"),
}
_ASKED_WORDS = frozenset({"вы", "вас", "you", "your", "anyone", "somebody", "someone", "y"})
"""A word each question to the company holds: the pattern runs only when one is said."""


def _without_asked_of_us(text: str, lang: Lang, found: list[Temporal]) -> list[Temporal]:
    """Drop the times inside a question to the company about when it calls or works."""
    low = text.lower()
    if not found or _ASKED_WORDS.isdisjoint(low.replace(",", " ").replace("?", " ").split()):
        return found
    asked = _ASKED_OF_US[lang].search(low)
    if asked is None:
        return found
    clause_end = min((p for p in (low.find(c, asked.end()) for c in ".!?") if p >= 0),
                     default=len(low))
    return [tmp for tmp in found if not asked.start() <= tmp.start < clause_end]


def _may_hold_a_date(toks: list[Tok], lex: Lexicon) -> bool:
    """Whether a date could hold a number here: a word other than a numeral
    ("недели", "декабря", "году") and a number to protect."""
    words = lex.date_triggers
    numbers = lex.numbers
    return any(t.kind in ("date", "time") or t.low in words for t in toks) and any(
        t.kind == "num" or t.low in numbers for t in toks
    )


def _day_spans(toks: list[Tok], lex: Lexicon, lang: Lang, now: datetime) -> list[tuple[int, int]]:
    """Spans of day-level date phrases of several words ("через две-три недели", "25
    декабря", "в 2027 году"), so a budget asked on its own never reads their numbers.
    Clock times ("в два") and single tokens ("25.12") stay numbers: without a date
    asked for, "в два раза" and a price of 25.12 are more likely."""
    return [
        (tmp.start, tmp.end)
        for tmp in resolve(toks, lex, lang, now)
        if tmp.clock is None and sum(tmp.start <= t.start < tmp.end for t in toks) > 1
    ]


_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|до|или|to|or|and|и)?\s*$", re.IGNORECASE)


_DISMISSED = re.compile(
    r"\s*(?:(?:это|уже|ну|для нас|нам|is|its|thats|that|would be|is way|way|for us)\s+)*"
    r"(?:много|многовато|дорого|дороговато|слишком|перебор|too much|too high|too steep|"
    r"a lot|out of the question|way too)\b")


def _without_dismissed(text: str, money: list[Entity]) -> list[Entity]:
    """«миллион это много, а так тысяч четыреста», "fifty is too much, maybe thirty": a sum
    named only to be turned down is not the sum, when another one is said."""
    if len(money) < 2:
        return money
    kept = [e for e in money if _DISMISSED.match(text, e.end) is None]
    if not kept or len(kept) == len(money):
        return money
    if min(float(e.value) for e in money if e not in kept) >= 1000:
        # "триста тысяч многовато, давайте двести": the other sum in the same thousands
        kept = [e.model_copy(update={"value": e.value * 1000}) if float(e.value) < 1000 else e
                for e in kept]
    return kept


_TOTAL = re.compile(r"(?:\b(?:итого|итог|всего|в сумме|в общей сложности|вместе|в целом|in total|"
                    r"total|altogether|all in all|all together)\b|=)[\s,:]*(?:(?:это|выходит|"
                    r"получается|будет|выйдет|около|примерно|comes to|is|its|about)\s+)*$")


def _totalled(text: str, money: list[Entity]) -> list[Entity]:
    """«полтинник на автоматику и сто на ворота, итого сто пятьдесят»: a sum said in parts
    and then added up; the total after «итого», «всего», "in total" is the sum."""
    if len(money) < 2:
        return money
    totals = [e for e in money if _TOTAL.search(text, 0, e.start) is not None
              or _TOTAL_AFTER.match(text, e.end) is not None]
    if not totals:
        totals = [e for e in money[1:] if _CONCLUDED.search(text, money[0].end, e.start)]
    return totals[-1:] if totals else money


_TOTAL_AFTER = re.compile(r"[\s,]*(?:(?:dollars|bucks|рублей|руб)\s+)?(?:total|in total|"
                          r"altogether|all in|all told|all together|всего|итого|в сумме|в итоге|"
                          r"в общей сложности)\b")
""""sixteen hundred total", «сто пятьдесят всего»: the total said after the sum."""
_CONCLUDED = re.compile(r"\b(?:so|which makes|that makes|making it|then|то есть|значит|"
                        r"получается|выходит|в итоге|итого)[\s,]+(?:(?:like|about|around|maybe|"
                        r"its|it|that|is|где[ -]то|примерно|около|это|будет)\s+)*$")
""""the rebate is five hundred, so like sixteen hundred", «сто на ворота, значит двести
пятьдесят»: after one sum, a later one concluded from it is the answer."""


_SLANG_HUNDREDS = re.compile(
    r"\b(?:(?P<count>a|an|one|two|three|four|five|six|seven|eight|nine|[1-9]) )?"
    r"(?:(?P<yard>yards?)|c[ -]?notes?)(?P<half> and a half)?\b"
    r"|\b(?:a|one) buck (?P<tens>ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?: (?P<unit>one|two|three|four|five|six|seven|eight|nine)\b)?"
)
"""Dollar slang for hundreds: "a yard" and "a c note" are 100 ("a yard and a half" 150,
"two yards" 200), "a buck twenty" is 120 ("a buck" for the hundred, the rest said after
it, as a price is read out; a dollar twenty is no budget a caller gives)."""
_SLANG_HUNDRED_WORDS = ("yard", "note", "buck")


def _with_slang_hundreds(text: str, lex: Lexicon, money: list[Entity]) -> list[Entity]:
    """The sums `_SLANG_HUNDREDS` reads, in place of the bare numbers inside them (the
    "twenty" of "a buck twenty"); a yard needs its count ("the yard" is the garden's)."""
    low = text.lower()
    if not any(word in low for word in _SLANG_HUNDRED_WORDS):
        return money
    slang: list[Entity] = []
    for m in _SLANG_HUNDREDS.finditer(low):
        if m.group("tens") is not None:
            value = 100 + lex.numbers[m.group("tens")].value + (
                lex.numbers[m.group("unit")].value if m.group("unit") else 0)
        else:
            count = m.group("count")
            if m.group("yard") is not None and count is None:
                continue
            each = 1.0 if count in (None, "a", "an") else (
                float(count) if count.isdigit() else lex.numbers[count].value)
            value = 100 * (each + (0.5 if m.group("half") else 0))
        slang.append(Entity(type="money", value=as_int_or_float(value),
                            text=text[m.start() : m.end()], start=m.start(), end=m.end(),
                            unit="USD"))
    if not slang:
        return money
    kept = [e for e in money if not any(e.start < s.end and s.start < e.end for s in slang)]
    return sorted(kept + slang, key=lambda e: e.start)


_CONCLUDING_BEFORE = frozenset({"so", "thats", "makes", "making"})
_CONCLUDING_AFTER = frozenset({"total", "altogether", "all"})


def _concludes(toks: list[Tok], a: NumSpan, b: NumSpan) -> bool:
    """Whether the last two numbers, side by side, are a total concluded from what was said
    before them ("so one twenty", "one twenty total"), to be read out as one price."""
    before = toks[a.i - 1].low if a.i > 0 else ""
    after = toks[b.j].low if b.j < len(toks) else ""
    return a.j == b.i and (before in _CONCLUDING_BEFORE or after in _CONCLUDING_AFTER)


def _price_speak(spans: list[NumSpan], toks: list[Tok]) -> NumSpan | None:
    """ "twenty two five", "fourteen five": a sum said as its thousands, then one digit for
    its hundreds; "two fifty", "twelve fifty": its hundreds, then two digits; as prices are
    read out: the only two numbers of the reply, in words."""
    if len(spans) > 2 and _concludes(toks, spans[-2], spans[-1]):
        spans = spans[-2:]  # "sixty a dog so one twenty total": the total, read out
    if len(spans) != 2:
        return None
    a, b = spans
    if not (a.j == b.i and a.scale == 1.0 and b.scale == 1.0
            and a.value == int(a.value) and b.value == int(b.value)):
        return None
    if not (a.words and b.words and all(t.kind != "num" for t in toks[a.i:b.j])):
        # "12 5": the same in digits, the hundreds one plain digit
        digits = all(t.kind == "num" and t.low.isdigit() for t in toks[a.i:b.j])
        if not (digits and b.j == b.i + 1 and len(toks[b.i].low) == 1
                and 10 <= a.value <= 99 and 1 <= b.value <= 9
                and not _counts_things(toks, b, "en")):  # "12 5 bedrooms"
            return None
        return NumSpan(a.value * 1000 + b.value * 100, a.i, b.j, False, 1000)
    if b.j == b.i + 1 and 10 <= a.value <= 99 and 1 <= b.value <= 9:
        return NumSpan(a.value * 1000 + b.value * 100, a.i, b.j, True, 1000)
    if (b.j == b.i + 2 and toks[b.i + 1].low == "hundred" and 10 <= a.value <= 99
            and 100 <= b.value <= 900):  # "fifteen five hundred": 15 500
        return NumSpan(a.value * 1000 + b.value, a.i, b.j, True, 1000)
    if 1 <= a.value <= 99 and 10 <= b.value <= 99:
        return NumSpan(a.value * 100 + b.value, a.i, b.j, True, 1.0)
    return None


def _ru_price_speak(spans: list[NumSpan], toks: list[Tok]) -> NumSpan | None:
    """«восемь пятьсот», «девятнадцать девятьсот»: a sum said as its thousands, then its
    hundreds, as prices are read out; the only two numbers of the reply, in words (a range
    of two hundreds, «сто двести», is no such sum)."""
    if len(spans) != 2:
        return None
    a, b = spans
    if not (a.j == b.i and a.scale == 1.0 and b.scale == 1.0 and a.words and b.words
            and all(t.kind == "word" for t in toks[a.i:b.j])):
        return None
    if 1 <= a.value <= 99 and a.value == int(a.value) and b.value in _RU_HUNDREDS:
        return NumSpan(a.value * 1000 + b.value, a.i, b.j, True, 1000)
    return None


_RU_HUNDREDS = frozenset(float(h) for h in range(200, 1000, 100))
_PRICE_SPEAK = {"en": _price_speak, "ru": _ru_price_speak}


def _ru_measure_sides(toks: list[Tok], spans: list[NumSpan]) -> frozenset[int]:
    """«кухня три двадцать», «два сорок в длину»: metres, then centimetres, said in words
    one after the other; a size, no sum (a sum said so would be «три двести»)."""
    sides: set[int] = set()
    for a, b in pairwise(spans):
        if (a.j == b.i and a.scale == 1.0 and b.scale == 1.0 and 1 <= a.value <= 9
                and 11 <= b.value <= 99 and a.value == int(a.value) and b.value == int(b.value)
                and all(t.kind == "word" for t in toks[a.i:b.j])):
            sides.update((a.i, b.i))
    return frozenset(sides)


_BARE_COUNT_BELOW = 100


def _ru_bare_count(toks: list[Tok], span: NumSpan) -> bool:
    """A small bare number with a noun after it that is no money word («две пенсии», «на
    два сезона»): a count of things, unless nothing else in the reply is a sum."""
    if span.scale != 1.0 or span.value >= _BARE_COUNT_BELOW or span.j >= len(toks):
        return False
    after = toks[span.j]
    if after.kind != "word" or after.low in MONEY_SLANG:
        return False
    lemma = ru_noun_lemma(after.low)
    return lemma is not None and lemma != "раз"  # «в два раза больше»: a factor, kept


def _without_counts(money: list[Entity], counts: list[Entity]) -> list[Entity]:
    """«две пенсии это тысяч сорок», «на два сезона тысяч восемнадцать»: the sum said with
    its thousands or its currency wins over a count of things said beside it. Said alone,
    a count under ten is no sum either («у нас четыре проёма», «ей четыре месяца»): a bare
    number counts thousands, and nobody budgets four of anything."""
    if not counts:
        return money
    counted = {id(e) for e in counts}
    if not any(id(e) not in counted and (e.unit or float(e.value) >= 1000) for e in money):
        counted = {id(e) for e in counts if float(e.value) < _COUNT_ALONE_BELOW}
    return [e for e in money if id(e) not in counted]


_COUNT_ALONE_BELOW = 10
"""The bare numbers `_in_thousands` leaves unscaled: read as a sum they would be roubles."""


# A price per unit of area or length after its sum: «по тридцать тысяч за квадрат», «за
# метр», "ten bucks a square foot", "$30 per foot".
_PER_UNIT: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\s*(?:(?:тысяч\w*|тыщ\w*|тыс|руб\w*)\s+)?(?:за|на)\s+"
                     r"(?:(?:один|1|каждый)\s+)?(?:квадрат\w*|кв|м2|метр\w*|погонн\w*|погонник\w*)\b"),
    "en": re.compile(r"\s*(?:(?:dollars|bucks)\s+)?(?:a|an|per|each|/|for (?:a|each|every))\s*"
                     r"(?:square (?:foot|feet|meter|metre|yard)|sq\.? ?(?:ft|foot|feet)|sqft|"
                     r"linear (?:foot|feet)|foot|meter|metre|yard|square)\b"),
}
_PER_UNIT_WORDS: dict[Lang, tuple[str, ...]] = {
    "ru": ("за ", "на ", " по "),
    "en": (" a ", " an ", "per", "each", "/"),
}
"""A piece each unit price holds: `_per_unit` looks further only when one is said."""
_UNIT_STEMS: dict[Lang, tuple[str, ...]] = {
    "ru": ("квадрат", "метр", "м2", "кв", "погонн"),
    "en": ("square", "sq", "feet", "foot", "ft", "meter", "metre", "yard", "linear"),
}
"""A word that makes the number beside it a count of units («четыре квадрата», «метра
три», "400 square feet")."""
_RU_THOUSANDS_BARE = frozenset({"тысяч", "тыщ", "тысячи", "тыщи", "тыс"})


def _per_unit(text: str, lang: Lang, toks: list[Tok], spans: list[NumSpan],
              money: list[Entity]) -> list[Entity]:
    """A price per square metre or per metre is no budget by itself: with the count of
    units said («ванная четыре квадрата, по тридцать тысяч за квадрат», «метра три по
    тридцать тысяч за метр») the total is; without it («тысяч по сорок за метр») the reply
    names no budget (the operator asks the total), and never the bare count."""
    low = f" {text.lower()} "
    if not money or not any(w in low for w in _PER_UNIT_WORDS[lang]):
        return money
    money, each = _thousands_each(text, lang, money)
    each |= {id(e) for e in money if _PER_UNIT[lang].match(text.lower(), e.end)}
    if not each:
        return money
    units = [s for s in spans if _counts_units(toks, s, lang)]
    in_units = [(toks[s.i].start, toks[s.j - 1].end) for s in units]
    rest = [e for e in money if not any(a < e.end and e.start < b for a, b in in_units)]
    if len({s.value for s in units}) != 1:
        return [e for e in rest if id(e) not in each]
    count = units[0].value
    out = []
    for e in rest:
        if id(e) in each:
            total = as_int_or_float(count * float(e.value))
            e = e.model_copy(update={"value": total})
        out.append(e)
    return out


def _thousands_each(text: str, lang: Lang, money: list[Entity]) -> tuple[list[Entity], set[int]]:
    """«тысяч по пятнадцать»: thousands, then «по» (each) and the count of them, one price
    per unit of fifteen thousand (not a thousand and a fifteen)."""
    if lang != "ru" or len(money) < 2:
        return money, set()
    out: list[Entity] = []
    each: set[int] = set()
    for e in money:
        prev = out[-1] if out else None
        if (prev is not None and prev.text.lower() in _RU_THOUSANDS_BARE
                and text[prev.end:e.start].strip().lower() == "по" and float(e.value) < 1000):
            e = e.model_copy(update={"value": as_int_or_float(float(e.value) * 1000),
                                     "start": prev.start, "text": text[prev.start:e.end]})
            out[-1] = e
            each.add(id(e))
            continue
        out.append(e)
    return out, each


def _counts_units(toks: list[Tok], span: NumSpan, lang: Lang) -> bool:
    """A count of square metres or metres: the unit said after the number, or (Russian)
    before it, the order that says "about" («метра три», «квадратов пять»)."""
    if span.scale != 1.0:
        return False
    stems = _UNIT_STEMS[lang]
    if span.j < len(toks) and toks[span.j].kind == "word" and toks[span.j].low.startswith(stems):
        return True
    return (lang == "ru" and span.i > 0 and toks[span.i - 1].kind == "word"
            and toks[span.i - 1].low.startswith(stems))


_CLAUSE_BREAK: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"[,.;!?]|\b(?:а|но|и|однако|зато|только)\b"),
    "en": re.compile(r"[,.;!?]|\b(?:but|and|so|while|whereas)\b"),
}
_DONE: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(?:с?дела(?:л|ли|ла)|(?:по)?стави(?:л|ли|ла)|купи(?:л|ли|ла)|"
                     r"покупа(?:л|ли|ла)|бра(?:л|ли|ла)|взя(?:л|ли|ла)|(?:по)?меня(?:л|ли|ла)|"
                     r"заказ(?:ал|али|ала|ывал|ывали|ывала)|установи(?:л|ли|ла)|"
                     r"положи(?:л|ли|ла)|отремонтирова(?:л|ли|ла))\b"),
    "en": re.compile(r"\b(?:bought|installed|redid|replaced|put in|did (?:it|his|hers|theirs|ours)|"
                     r"(?:got|had) (?:it|his|hers|theirs|ours|them|(?:his|her|their|the) \w+) "
                     r"(?:done|installed|replaced|put in|redone))\b"),
}
"""A job done or a thing bought: a sum after «за», "for" in its clause is its price ("we
got a home equity line for forty" is money got, no price)."""
_NAMED: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(?:насчита(?:л|ли|ла)|посчита(?:л|ли|ла)|выстави(?:л|ли|ла)|"
                     r"назва(?:л|ли|ла)|проси(?:л|ли|ла)|просят|запроси(?:л|ли|ла)|"
                     r"предлага(?:л|ли|ла|ют|ет)|предложи(?:л|ли|ла)|выкати(?:л|ли|ла)|"
                     r"озвучи(?:л|ли|ла)|берут|хотят|сказали|стоит|стоят|обходится|"
                     r"заплати(?:л|ли|ла)|плати(?:л|ли|ла)|отда(?:л|ли|ла)|потрати(?:л|ли|ла)|"
                     r"обош(?:елся|лось|лась|лись)|стои(?:л|ло|ла|ли))\b"),
    "en": re.compile(r"\b(?:quoted|charged|charges|charge|wanted|asked|asking|bid|estimated|"
                     r"paid(?! out)|spent|cost (?:me|us|them|him|her)|"
                     r"set (?:me|us|them|him|her) back|ran (?:me|us|them|him|her))\b"),
}
"""A price named or paid: somebody else's sum when the clause says who («соседи отдали
триста», "another guy quoted eight"). The caller's own («да, купил, стоил двести тысяч»)
may be the sum a question about the purchase asks for."""
_THIRD: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(?:сосед\w*|брат(?:а|у|ом|е|ья|ьев|ьям)?|братишк\w*|братан\w*|сестр\w*|"
                     r"друг\w*|подруг\w*|знаком\w*|кум(?:а|у|ом|е|овья)?|коллег\w*|"
                     r"родственник\w*|тест(?:ь|я|ю|ем)|тещ\w*|свекр\w*|зят\w*|конкурент\w*|"
                     r"фирм\w*|компани\w*|контор\w*|мастер\w*|бригад\w*|замерщик\w*|прораб\w*|"
                     r"салон\w*|магазин\w*|они|им|ему|ей|у (?:них|него|нее))\b"),
    "en": re.compile(r"\b(?:neighbou?rs?|brothers?|sisters?|friends?|buddy|cousins?|coworkers?|"
                     r"uncle|aunt|parents|in ?laws|another|other|they|he|she|last (?:guy|company|"
                     r"contractor))\b"),
}
"""Somebody else: a neighbour, a relative outside the home, another firm."""
_WOULD: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\bбы?\b"),
    "en": re.compile(r"\b(?:would|could|wed|id|we'd|i'd)\b"),
}
_WOULD_AFTER = re.compile(r"\b\w+л[аио]? бы\b")
"""A sum the caller would pay: the mood said before the sum («мы бы за двести сделали») or
with the verb after it («за двести сделали бы»), not a wish further on («у соседа сто тысяч
стоит, нам бы тысяч восемьдесят» tells the neighbour's price)."""
_SAME: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\b(?:столько же|так же|такую же|такой же|такое же|такие же|"
                     r"около того|примерно столько|в районе того)\b"),
    "en": re.compile(r"\b(?:the same|same as|as much|about that|around that|like that|"
                     r"that much)\b"),
}
"""The caller wants what somebody else paid ("my neighbor paid twenty two hundred so about
that"): the sum told of is the budget."""
_FOR_BEFORE: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(r"\bза\s+(?:[\w-]+\s+){0,2}$"),
    "en": re.compile(r"\bfor\s+(?:[\w$-]+\s+){0,2}$"),
}


def _without_prices_told(text: str, lang: Lang, money: list[Entity]) -> list[Entity]:
    """Somebody else's price or a price paid already («соседу за триста делали», «в другой
    фирме насчитали двести пятьдесят», «плитку уже купили за сорок тысяч», "my neighbor
    paid three grand"): told of, not offered. The caller's own sum said beside it wins («а
    у нас тысяч двести»); alone it names no budget, unless the caller wants the same."""
    low = text.lower().replace("ё", "е")
    if not money or not (_DONE[lang].search(low) or _THIRD[lang].search(low)):
        return money
    breaks = [m.start() for m in _CLAUSE_BREAK[lang].finditer(low)]
    own = [e for e in money if not _price_told(low, lang, e, breaks)]
    if len(own) == len(money) or own:
        return own
    return money if _SAME[lang].search(low) else []


def _price_told(low: str, lang: Lang, e: Entity, breaks: list[int]) -> bool:
    """Whether the clause of sum ``e`` tells of a price paid or named by somebody else."""
    start = max((b for b in breaks if b < e.start), default=0)
    end = min((b for b in breaks if b >= e.end), default=len(low))
    clause = low[start:end]
    if _WOULD[lang].search(low, start, e.end) or (
            lang == "ru" and _WOULD_AFTER.search(low, e.end, end)):
        return False  # «мы бы за двести сделали»: a sum offered
    done = _DONE[lang].search(clause) is not None
    if done and _FOR_BEFORE[lang].search(low, start, e.start):
        return True
    return (done or _NAMED[lang].search(clause) is not None) and bool(
        _THIRD[lang].search(clause))


def _share_currency(text: str, money: list[Entity]) -> list[Entity]:
    """ "от 100 до 200 тысяч рублей": the first amount is in roubles too."""
    for n in range(len(money) - 2, -1, -1):
        a, b = money[n], money[n + 1]
        if a.unit is None and b.unit is not None and _RANGE_GAP.match(text[a.end : b.start]):
            money[n] = a.model_copy(update={"unit": b.unit})
    return money
