"""Numbers in words and digits: "сто двадцать тысяч", "полтора миллиона", "250 к",
"120k", "120 000", "two hundred and fifty thousand".

A small left-to-right grammar: sub-thousand groups are built from hundreds, tens and
units in their natural order; a multiplier (тысяча, million, к, k) closes a group. Any
word that cannot continue the number ends it, so "два три" is two numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot_engine.nlu.entities.lexicon import Lexicon
from bot_engine.nlu.entities.scan import Tok
from bot_engine.nlu.lang import Lang

# Abbreviated multipliers only count after a number ("120k"); full words stand alone
# ("тысяча рублей", "a thousand").
_BOUND_MULTS = frozenset({"к", "k", "тыс", "тыщ", "тыщи", "млн", "млрд", "m", "mln", "bn", "grand",
                          "large", "косых", "косые", "косого", "тыр", "тыры", "тыров", "bills"})


_STARTERS = frozenset({"a", "an", "half", "пол", "четверть", "треть", "couple", "few"})
# "a couple of thousand", "a few grand": a small count said as a word before a multiplier.
_EN_COUNTS = {"couple": 2.0, "few": 3.0}
_EN_BIG = frozenset({"hundred", "thousand", "million", "billion"})


@dataclass(frozen=True, slots=True)
class NumSpan:
    value: float
    i: int  # first token
    j: int  # one past the last token
    words: bool  # written (at least partly) in words
    scale: float = 1.0  # the multiplier it ended with: 1000 for "двести тысяч"



_RU_PARTS = {"четверть": 0.25, "четверти": 0.25, "треть": 1 / 3, "трети": 1 / 3}
"""A part of a large sum named before it: «четверть миллиона», «треть ляма»."""
_RU_PARTS_OF = frozenset({"четверти", "трети"})
"""The forms after a count: «три четверти миллиона», «две трети»."""

def _peek(toks: list[Tok], k: int) -> Tok | None:
    return toks[k] if k < len(toks) else None


# Colloquial Russian puts the multiplier first to mean "about": "тысяч пятьдесят" is
# ~50 000, "миллиона два" ~2 000 000, and so is money slang: "штук триста" ~300 000,
# «косаря три» ~3 000, «ляма два» ~2 000 000. Singular forms stay additive: "тысяча
# пятьсот".
_INVERTED_MULTS = frozenset(
    {"тысяч", "тысячи", "тыщ", "тыщи", "миллионов", "миллиона", "миллиардов", "миллиарда",
     "штук", "штуки", "сотки", "сотни", "сотен", "косаря", "косарей", "косых", "тыр", "тыров",
     "ляма", "лямов", "лимона", "лимонов"}
)


def parse_number_at(toks: list[Tok], i: int, lex: Lexicon, lang: Lang) -> NumSpan | None:
    """The longest number starting at token ``i``, or None."""
    if i >= len(toks):
        return None
    if lang == "ru" and toks[i].kind == "word" and toks[i].low in _INVERTED_MULTS:
        inverted = _inverted(toks, i, lex, lang)
        if inverted is not None:
            return inverted
    return _parse(toks, i, lex, lang)


# Words a colloquial amount puts between its number and its multiplier: "тысяч на
# двести", "тысяч за триста", "сто пятьдесят где-то тысяч".
_FILLERS = frozenset({"где", "то", "около", "примерно", "так", "наверное", "ну", "вот", "эдак",
                      "этак"})
# after an inverted multiplier only: "тысяч на двести", "тысяч под семьдесят", "тысяч в
# районе ста", "тысяч порядка пятидесяти" (an approximation of the sum, said before it)
_BETWEEN = _FILLERS | {"на", "за", "под", "порядка", "в", "районе", "до", "с"}
_MAX_BETWEEN = 2


def _inverted(toks: list[Tok], i: int, lex: Lexicon, lang: Lang) -> NumSpan | None:
    k = i + 1
    while k < len(toks) and k - i - 1 < _MAX_BETWEEN and toks[k].low in _BETWEEN:
        k += 1
    if k >= len(toks):
        return None
    group = _parse(toks, k, lex, lang)
    if group is None or group.value >= 1000 or group.value <= 0:
        return None
    mult = lex.numbers[toks[i].low].value
    return NumSpan(group.value * mult, i, group.j, True, mult)


def _parse(toks: list[Tok], i: int, lex: Lexicon, lang: Lang) -> NumSpan | None:
    total = 0.0
    group: float | None = None
    last_kind = ""
    last_mult = float("inf")
    words = False
    k = i
    n = len(toks)
    while k < n:
        t = toks[k]
        if t.kind == "num":
            if last_kind == "mult" and group is None and _digits_after_scale(toks, k, last_mult,
                                                                           lex):
                group = t.num  # «1 миллион 300 тысяч», "2 thousand 500": digits and words
                last_kind = "digits"
                k += 1
                continue
            if group is not None or last_kind == "mult" or t.num is None:
                break
            group = t.num
            last_kind = "digits"
            k += 1
            continue
        if t.kind != "word":
            break
        low = t.low
        nxt = _peek(toks, k + 1)
        if group is None and last_kind == "mult" and _says_half(toks, k, lang):
            total += last_mult / 2  # "a million and a half", "тысяча с половиной"
            k += 2 if lang == "ru" else 3
            last_kind = "fraction"
            break
        if low in ("и", "and") and group is None and last_kind == "mult" and nxt is not None:
            joined = _joined_smaller(toks, k + 1, last_mult, lex, lang)
            if joined is None:
                break
            total += joined.value  # "миллион и двести тысяч", "two thousand and five"
            k = joined.j
            last_kind = "joined"
            break
        if (lang == "ru" and low in _RU_PARTS and nxt is not None
                and ((group is None and k == i) or (group is not None and low in _RU_PARTS_OF))):
            follow = lex.numbers.get(nxt.low)
            if follow is None or follow.kind != "mult" or follow.value < 1000:
                break
            # «четверть миллиона», «треть ляма», «три четверти миллиона»: a part of the sum
            group = (group or 1) * _RU_PARTS[low]
            k += 1
            continue
        if lang == "ru" and low == "пол" and group is None and k == i and nxt is not None:
            follow = lex.numbers.get(nxt.low)
            if (
                follow is None or follow.kind != "mult" or follow.value < 1000
                or nxt.low in ("к", "k")
            ):  # fmt: skip
                break
            group = 0.5  # "пол миллиона", "пол ляма": the ASR splits "полмиллиона"
            k += 1
            continue
        if group is not None and (
            (lang == "ru" and low == "с" and nxt is not None and nxt.low == "половиной")
            or (lang == "en" and low == "and" and nxt is not None and nxt.low == "a"
                and _peek(toks, k + 2) is not None and toks[k + 2].low == "half")
        ):  # fmt: skip
            group += 0.5
            k += 2 if lang == "ru" else 3
            last_kind = "fraction"
            continue
        if lang == "en" and low == "point" and group is not None and nxt is not None:
            digits = ""  # "one point five million": spoken decimals, digit by digit
            m = k + 1
            while m < n and (d := lex.numbers.get(toks[m].low)) is not None and d.kind == "unit":
                digits += str(int(d.value))
                m += 1
            if not digits:
                break
            group += float("0." + digits)
            last_kind = "fraction"
            k = m
            continue
        if lang == "en" and low == "and" and group is not None and nxt is not None:
            follow = lex.numbers.get(nxt.low)
            if follow is not None and follow.kind in ("unit", "teen", "ten"):
                k += 1
                continue
            break
        if lang == "en" and low == "half" and group is None and k == i and nxt is not None:
            after = _peek(toks, k + 2)
            big = lex.numbers.get(after.low) if after is not None else None
            if nxt.low in ("a", "an") and after is not None and (
                    after.low in _EN_BIG
                    or (big is not None and big.kind == "mult" and big.value >= 1000)):
                group = 0.5  # "half a million", "half a mil", "half a grand"
                k += 2
                continue
            break
        if lang == "en" and low in ("a", "an") and group is None and k == i and nxt is not None:
            if nxt.low in _EN_COUNTS:
                k += 1  # "a couple thousand": the count decides
                continue
            follow = lex.numbers.get(nxt.low)
            if follow is not None and follow.kind == "mult" and (
                nxt.low not in _BOUND_MULTS or nxt.low == "grand"
            ):
                group = 1.0  # "a thousand", "a grand"
                k += 1
                continue
            break
        if lang == "en" and low in _EN_COUNTS and group is None and total == 0.0:
            m = k + 2 if nxt is not None and nxt.low == "of" else k + 1
            follow = lex.numbers.get(toks[m].low) if m < n else None
            if follow is None or follow.kind != "mult" or toks[m].low in ("k", "m"):
                break
            group = _EN_COUNTS[low]
            words = True
            k = m
            continue
        nw = lex.numbers.get(low)
        if nw is None:
            break
        kind = nw.kind
        value = nw.value
        if kind == "mult":
            if group is None and (low in _BOUND_MULTS or last_kind == "mult"):
                break
            if lang == "en" and value == 100:
                group = (group if group is not None else 1.0) * 100
                last_kind = "hundred"
            else:
                if value >= last_mult:
                    break
                total += (group if group is not None else 1.0) * value
                group = None
                last_mult = value
                last_kind = "mult"
        elif kind == "fraction":
            if group is not None or last_kind == "mult":
                break  # «тыщу-полторы»: a range's upper end (1000–1500), not 1001.5
            group = value
            last_kind = "fraction"
        elif kind == "hundred":
            if group is not None:
                break
            group = value
            last_kind = "hundred"
        elif kind == "ten":
            if group is None:
                group = value
            elif last_kind == "hundred" and group % 100 == 0:
                group += value
            else:
                break
            last_kind = "ten"
        elif kind == "teen":
            if group is None:
                group = value
            elif last_kind == "hundred" and group % 100 == 0:
                group += value
            else:
                break
            last_kind = "teen"
        else:  # unit
            if group is None:
                group = value
            elif last_kind in ("hundred", "ten") and group % 10 == 0:
                group += value
            else:
                break
            last_kind = "unit"
        words = True
        k += 1
    if k == i or (group is None and total == 0.0 and last_kind != "mult"):
        return None
    if (
        group is not None and last_mult >= 1e6 and last_mult != float("inf")
        and last_kind in ("hundred", "ten", "teen", "unit", "digits") and group < 1000
        and (lang == "ru" or group % 100 == 0)
    ):  # fmt: skip
        # "миллион двести" is 1 200 000 in speech: the thousands are left unsaid.
        group *= last_mult / 1000
    scale = last_mult if group is None and last_kind == "mult" else 1.0
    return NumSpan(total + (group or 0.0), i, k, words, scale)


def _digits_after_scale(toks: list[Tok], k: int, magnitude: float, lex: Lexicon) -> bool:
    """Whether the digits at ``k``, after a number that closed with ``magnitude``, go on
    with it: a smaller multiplier follows them («1 миллион 300 тысяч»), or they are whole
    hundreds under a thousand ("3 тысячи 500", "2 thousand 500") or a million's thousands."""
    num = toks[k].num
    if num is None or not num.is_integer() or not 0 < num < 1000:
        return False
    nxt = _peek(toks, k + 1)
    follow = lex.numbers.get(nxt.low) if nxt is not None and nxt.kind == "word" else None
    if follow is not None and follow.kind == "mult" and follow.value >= 1000:
        return follow.value < magnitude
    return num % 100 == 0 and (nxt is None or nxt.kind != "word" or nxt.low in lex.currencies)


def _joined_smaller(
    toks: list[Tok], k: int, magnitude: float, lex: Lexicon, lang: Lang
) -> NumSpan | None:
    """The number after "и"/"and" when it is strictly smaller than the ``magnitude`` the
    number before it closed with; "миллион и двести" reads as "миллион двести"
    (1 200 000). Anything else ("тысяча и две тысячи") is a second number."""
    part = _parse(toks, k, lex, lang)
    if part is None or not 0 < part.value < magnitude:
        return None
    after = toks[part.j].low if part.j < len(toks) else ""
    if after in lex.spans or after in lex.months:
        return None  # "сто тысяч и два месяца": a second quantity, not 100 002
    value = part.value
    if magnitude >= 1e6 and value < 1000 and (lang == "ru" or value % 100 == 0):
        value *= magnitude / 1000
    return NumSpan(value, part.i, part.j, part.words, part.scale)


def _says_half(toks: list[Tok], k: int, lang: Lang) -> bool:
    words = [t.low for t in toks[k : k + 3]]
    if lang == "ru":
        return words[:2] == ["с", "половиной"]
    return words == ["and", "a", "half"]


def find_numbers(toks: list[Tok], lex: Lexicon, lang: Lang) -> list[NumSpan]:
    """Every number in ``toks``, left to right, non-overlapping."""
    found: list[NumSpan] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.low in _INTERJECTED_ZERO and not _after_a_digit(toks, i, lex):
            i += 1  # "oh maybe seven thousand": a sigh, no zero
            continue
        if t.kind == "num" or (t.kind == "word" and (t.low in lex.numbers or t.low in _STARTERS)):
            span = parse_number_at(toks, i, lex, lang)
            if span is not None and _opens_an_ordinal(toks, span, lex):
                i = span.j + 1  # «двадцать третье», «сорок пятый размер», "twenty third"
                continue
            if span is not None:
                found.append(span)
                i = span.j
                continue
        i += 1
    return _share_scale(_late_multiplier(found, toks, lex, lang), toks)


def _opens_an_ordinal(toks: list[Tok], span: NumSpan, lex: Lexicon) -> bool:
    """Whether tens said in words end in an ordinal's unit: «двадцать третье» is the 23rd
    (a day, a size, a flat), never an amount of 20 (it was a budget of 20 000)."""
    if span.j >= len(toks) or toks[span.j - 1].kind != "word":
        return False
    tens = lex.numbers.get(toks[span.j - 1].low)
    return (tens is not None and tens.kind == "ten"
            and 0 < lex.ordinals.get(toks[span.j].low, 0) < 10)


_INTERJECTED_ZERO = frozenset({"oh", "o"})
"""Zero said as a letter: one only among other digits ("five oh two", "nine oh five")."""


def _after_a_digit(toks: list[Tok], i: int, lex: Lexicon) -> bool:
    if i == 0:
        return False
    prev = toks[i - 1]
    word = lex.numbers.get(prev.low)
    return prev.kind == "num" or (word is not None and word.kind != "mult")


def _late_multiplier(found: list[NumSpan], toks: list[Tok], lex: Lexicon,
                     lang: Lang) -> list[NumSpan]:
    """ "сто пятьдесят где-то тысяч": a multiplier said alone a word or two after the
    number it scales."""
    if lang != "ru":
        return found
    out: list[NumSpan] = []
    for span in found:
        prev = out[-1] if out else None
        word = lex.numbers.get(toks[span.i].low) if span.j == span.i + 1 else None
        if (
            prev is not None and word is not None and word.kind == "mult" and word.value >= 1000
            and prev.scale == 1.0 and 0 < prev.value < 1000
            and 0 < span.i - prev.j <= _MAX_BETWEEN
            and all(t.low in _FILLERS for t in toks[prev.j : span.i])
        ):
            out[-1] = NumSpan(prev.value * word.value, prev.i, span.j, True, word.value)
            continue
        out.append(span)
    return out


_RANGE_WORDS = frozenset({"до", "или", "to", "or", "and", "и"})
_OR_WORDS = frozenset({"до", "или", "to", "or"})  # not "and": "two thousand and three weeks"


def _share_scale(found: list[NumSpan], toks: list[Tok]) -> list[NumSpan]:
    """In a range the first number borrows the second's multiplier: "300-400 тысяч",
    "от ста до двухсот тысяч", "two or three thousand"."""
    for n in range(len(found) - 1):
        a, b = found[n], found[n + 1]
        joined = a.j == b.i or (b.i == a.j + 1 and toks[a.j].low in _RANGE_WORDS)
        if (
            joined and a.scale == 1.0 and b.scale > 1.0 and 0 < a.value < 1000
            and a.value * b.scale <= b.value
        ):  # fmt: skip
            found[n] = NumSpan(a.value * b.scale, a.i, a.j, a.words, b.scale)
        elif (
            (a.j == b.i or (b.i == a.j + 1 and toks[a.j].low in _OR_WORDS))
            and a.scale > 1.0 and b.scale == 1.0 and 0 < b.value < 1000
            and a.value <= b.value * a.scale < 1000 * a.scale
        ):  # fmt: skip
            # «тысяч триста-четыреста», "300k to 400": the second end in the first's scale
            found[n + 1] = NumSpan(b.value * a.scale, b.i, b.j, b.words, a.scale)
    return found
