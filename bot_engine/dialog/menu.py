"""A spoken menu built from a list: which entries, what each line says, which one the
caller chose. Pure functions over the script's `Menu` and the dialog's context.

The list usually comes from the customer's backend, so it is hostile until bounded: only
entries with a short text label are kept, at most `max_items` (one key each), and an empty
or broken list gives the script's default menu. Each entry is its own line (and its own
`Say`), so the TTS cache keys on one name at a time: a line heard by any earlier caller
plays from the cache, whatever else is in this caller's menu.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from bot_engine.dialog.menu_purpose import by_purpose
from bot_engine.nlu import cues, given_names
from bot_engine.nlu.asr import sound_key
from bot_engine.nlu.inflect import number_of_word, number_word
from bot_engine.nlu.lang import Lang
from bot_engine.nlu.morph import ru_is_known, ru_normal_forms
from bot_engine.script.model import Menu
from bot_engine.script.templates import TemplateProblem, evaluate, render
from bot_engine.script.values import ValueProblem, coerce

MAX_LABEL = 120
ITEM_NAMES = frozenset({"item", "number", "number_word"})
"""What a menu line template reads besides the call's variables and slots."""
_WORD = re.compile(r"[0-9]+|[a-zа-яё]+", re.I)


def entries(menu: Menu, context: dict[str, Any]) -> list[dict[str, Any]]:
    """The menu's entries: the list the expression gives, bounded, else the default."""
    found: list[dict[str, Any]] = []
    if menu.items:
        try:
            raw = coerce(evaluate(menu.items, context), "json")
        except (TemplateProblem, ValueProblem):
            raw = None
        for item in raw if isinstance(raw, list) else []:
            if isinstance(item, str):
                item = {menu.label: item}
            if not isinstance(item, dict):
                continue
            label = item.get(menu.label)
            if isinstance(label, str) and label.strip() and len(label) <= MAX_LABEL:
                found.append({**item, menu.label: label.strip()})
            if len(found) >= menu.max_items:
                break
    if not found:
        found = [item.model_dump() for item in menu.default][: menu.max_items]
        if menu.label != "name":
            found = [{**item, menu.label: item.get(menu.label, item["name"])}
                     for item in found]
    return found


def item_context(index: int, item: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"item": item, "number": str(index + 1), "number_word": number_word(index + 1, lang)}


def lines(menu: Menu, items: list[dict[str, Any]], context: dict[str, Any],
          lang: str) -> list[str]:
    out = []
    for index, item in enumerate(items):
        template = menu.first if index == 0 and menu.first else menu.each
        out.append(render(template, {**context, **item_context(index, item, lang)}))
    return [line for line in out if line]


def choose_digits(items: list[dict[str, Any]], digits: str) -> int | None:
    if digits.isdigit() and 1 <= int(digits) <= len(items):
        return int(digits) - 1
    return None


def choose_words(items: list[dict[str, Any]], label: str, text: str) -> int | None:
    """The entry the caller named («Евгению», «соедините с Масленниковым») or numbered
    («два», «второй»); None when nothing or more than one entry fits equally well."""
    if _NONE_OF_THEM.search(text[:500].lower()):
        return None
    tail = _after_correction(text[:500])
    if tail is not None:
        return choose_words(items, label, tail)  # «зуева ой нет белову»: what follows wins
    words = [w.lower().replace("ё", "е") for w in _WORD.findall(text[:500])]
    scores = [0.0] * len(items)
    for index, item in enumerate(items):
        names = [w.lower().replace("ё", "е") for w in _WORD.findall(str(item.get(label, "")))]
        scores[index] = sum(_GENERIC_WEIGHT if ru_normal_forms(name) & _GENERIC else 1.0
                            for name in names if any(_same_word(name, w) for w in words)
                            or _heard_in_two(name, words))
    best = max(scores, default=0)
    if best > 0:
        if scores.count(best) != 1:
            return None
        if best < 1 and _names_another(items, label, words):
            return None  # «мне отдел кадров»: met by «отдел» alone, a department not listed
        return scores.index(best)
    heard = _misheard(items, label, words)
    if heard is not None:
        return heard
    if _says_last(words):
        return len(items) - 1 if items else None
    numbers = {n for at, w in enumerate(words)
               if (n := _number(w)) is not None and not _one_after_ordinal(words, at)}
    if len(numbers) == 1:
        return choose_digits(items, str(numbers.pop()))
    return by_purpose(items, label, text)


_CORRECTION = re.compile(
    r"\b(?:ой нет|нет стоп|стоп нет|нет нет|ой стоп|то есть|вернее|точнее|no wait|wait no|"
    r"i mean|sorry no|no no|actually no)\b")
_CORRECTION_CUES = ("нет", "стоп", "есть", "вернее", "точнее", "wait", "mean", "no")
"""«журавлёва нет стоп ковалёва», «зуева ой нет белову», "weber no wait kovalev": the
caller takes the first name back; only what follows the last such words is the choice."""


def _after_correction(text: str) -> str | None:
    """What the caller said after the last correction («ой нет», «то есть», "no wait"),
    None when there is none or nothing follows it."""
    low = text.lower().replace("ё", "е")
    if not any(cue in low for cue in _CORRECTION_CUES):
        return None
    found = list(_CORRECTION.finditer(low))
    if not found or not found[-1].start():
        return None  # «нет нет белову»: nothing taken back, the whole reply is read
    tail = low[found[-1].end():].strip()
    return tail or None


_LAST = frozenset({"последний", "последнего", "последнему", "последняя", "последнюю",
                   "последней", "последним", "last"})
_AROUND_A_POSITION = frozenset({
    "ну", "мне", "давайте", "вот", "а", "с", "соедините", "позовите", "пожалуйста", "тогда",
    "этого", "эту", "того", "ту", "по", "списку", "в", "списке", "из", "них", "самого",
    "самую", "the", "one", "on", "list", "please", "um", "uh", "so", "ok", "okay", "just",
    "give", "me", "to", "with", "connect", "put", "through", "i", "ll", "take", "person",
    "guy", "name", "option", "lady",
})
"""Words said around a position («мне последнего пожалуйста», "the last one please"): a
reply of nothing else names the last entry («в последний раз» with more words does not)."""


def _says_last(words: list[str]) -> bool:
    """Whether the reply names the last entry by its position and nothing else."""
    return (any(w in _LAST for w in words)
            and all(w in _LAST or w in _AROUND_A_POSITION for w in words))


_EN_ORDINAL_BEFORE_ONE = frozenset({"first", "second", "third", "fourth", "fifth", "sixth",
                                    "seventh", "eighth", "ninth", "tenth", "last", "other"})


def _one_after_ordinal(words: list[str], at: int) -> bool:
    """"the second one": its "one" stands for the entry, it is no number."""
    return words[at] == "one" and at > 0 and words[at - 1] in _EN_ORDINAL_BEFORE_ONE


_RUN_MIN = 8
_RU_CONSONANTS = frozenset("бвгджзйклмнпрстфхцчшщ")


def _misheard(items: list[dict[str, Any]], label: str, words: list[str]) -> int | None:
    """The one entry a word no dictionary knows stands for when no entry was named: a first
    name and surname run together («катябелова», «сергейжуравлев»), or a surname with a
    consonant heard in its first cluster («звуева» for Зуев). None when none or several."""
    found: set[int] = set()
    for word in words:
        if len(word) < _EAR_MIN or word.isascii() or ru_is_known(word):
            continue
        for index, item in enumerate(items):
            names = [w.lower().replace("ё", "е") for w in _WORD.findall(str(item.get(label, "")))]
            if _run_together(names, word) or _extra_consonant(names, word):
                found.add(index)
    return found.pop() if len(found) == 1 else None


def _run_together(names: list[str], word: str) -> bool:
    """Two names of one entry heard as one word: «катябелова» (Екатерина Белова)."""
    if len(word) < _RUN_MIN or len(names) < 2:
        return False
    for cut in range(3, len(word) - 2):
        first, second = word[:cut], word[cut:]
        for at, name in enumerate(names):
            if _same_word(name, first) and any(_same_word(other, second)
                                               for other in names[at + 1:] + names[:at]):
                return True
    return False


def _extra_consonant(names: list[str], word: str) -> bool:
    """A surname with one consonant more in its first cluster: «звуева» for Зуев."""
    if word[0] not in _RU_CONSONANTS or word[1] not in _RU_CONSONANTS:
        return False
    return any(len(name) >= 4 and _same_word(name, heard) for name in names
               for heard in (word[1:], word[0] + word[2:]))


_NONE_OF_THEM = re.compile(
    r"\bни (?:один|одна|одного|одной|одну|с кем)\b|\b(?:никто|никого|никому|никакой|никакого|"
    r"никакая|никакую|никакие|никаких) (?:из|не нужен|не нужна|не нужно|не надо)\b"
    r"|\b(?:none|not any|nobody|no one) of (?:them|those|these|the above|you)\b|\bneither\b")
"""«ни один из них не нужен», "none of them": no entry, whatever number is said."""
_ORDINAL = r"(?:перв|втор|трет|четверт|пят|последн)\w*"
_ASKS_LIST_AGAIN = re.compile(
    r"^(?:(?:а|ещ[её] раз|напомните|простите|извините|так|повторите) )*(?:кто|какой|какая|"
    r"какое|как)(?: там| у вас| же)* (?:был|была|было|были|звали|зовут)\b"
    # a question of who, and only words about the list: «кто там ещё раз», «а кто третий
    # был», «а можно ещё раз кто там по списку» (not «кто там» alone, «а кто у вас есть»)
    r"|^(?=.*\b(?:еще раз|по списку|был|была|было|были|" + _ORDINAL + r")\b)"
    r"(?:(?:а|ну|так|можно|еще раз|напомните|повторите|простите|извините|скажите) )*"
    r"(?:кто|какой|какая|какое|какие)(?: (?:там|у вас|же|еще раз|по списку|был|была|было|"
    r"были|" + _ORDINAL + r"))+$"
    r"|^(?:(?:sorry|um|uh|so|wait) )*(?:who|what|which)(?: one)? (?:was|were|is) (?:the )?"
    r"(?:first|second|third|fourth|last|other|number \w+|\w+ one)\b"
    # "who was there again", "and who s on the list again", "what were the options again"
    r"|^(?=.*\b(?:again|on the list|was|were)\b)(?:(?:sorry|um|uh|so|wait|and|ok|okay) )*"
    r"(?:who|what|which)(?: (?:s|was|were|is|are|there|on the list|the options|the choices|"
    r"the names|that|those|again|first|second|third|fourth|last))+$")
"""«ещё раз, кто там был второй», "who was the second one again": the list asked for again."""


def asks_list_again(text: str) -> bool:
    """Whether the caller asks what an entry of the list was: the menu said again (before
    an entry is looked for: the «раз» of «кто там ещё раз» is no entry one)."""
    said = " ".join(_WORD.findall(text[:200].lower().replace("ё", "е")))
    return _ASKS_LIST_AGAIN.search(said) is not None


_GENERIC_WEIGHT = 0.5


def _names_another(items: list[dict[str, Any]], label: str, words: list[str]) -> bool:
    """The generic word the caller said is followed by a word no entry's name holds: «отдел
    кадров», «юридический отдел» name a department that is not in the menu."""
    names = [w.lower().replace("ё", "е") for item in items
             for w in _WORD.findall(str(item.get(label, "")))]
    for at, word in enumerate(words):
        if not ru_normal_forms(word) & _GENERIC:
            continue
        near = [w for w in (words[at - 1] if at else "", words[at + 1] if at + 1 < len(words)
                            else "") if len(w) > 3]
        if any(not any(_same_word(n, w) for n in names) for w in near):
            return True
    return False


_GENERIC = frozenset({"отдел", "служба", "департамент", "подразделение", "группа",
                      "department", "team", "desk", "division"})
"""Words many entries share («Отдел продаж», «Сервисная служба»): a distinctive word the
caller says outweighs them («сервисный отдел» is the service, not the sales department)."""


_COMPOUND_MIN = 8


def _heard_in_two(name: str, words: list[str]) -> bool:
    """Whether a long name was heard as two words: a compound surname («задери хвост» for
    Задерихвост, «подо пригора» for Подопригора) the recogniser split where its parts are
    words. The two joined must be the name itself, a case ending aside."""
    return len(name) >= _COMPOUND_MIN and any(
        _same_stem(name, first + second) for first, second in pairwise(words))


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return number_of_word(word)


def _same_word(name: str, heard: str) -> bool:
    if name == heard or _same_stem(name, heard):
        return True
    names, said = ru_normal_forms(name), ru_normal_forms(heard)
    if _SAID_AS_OVA.search(heard):  # «пшеничнова» for Пшеничный: «-ого» as it sounds
        said = said | ru_normal_forms(heard[:-2] + "го")
    if names & said:
        return True
    lang: Lang = "en" if name.isascii() else "ru"
    if any(given_names.same_name(h, n, lang) for n in names for h in said):
        return True  # «оля» for Ольга, «пашу» for Павел, "mike" for Michael
    if lang == "ru" and any(_clipped_name(n, h) for n in names for h in said if h != heard):
        return True  # «розу» for Розалия: a short form in another case, its nominative
    if lang == "ru" and any(_same_stem(form, heard) if len(form) >= _FORM_MIN
                            else _short_in_case(form, heard)
                            for n in names for form in given_names.forms_of(n, lang)):
        return True  # «кешу» for Иннокентий, «фаю» for Фаина: a short form in another case
    if lang == "ru" and any(_affectionate(form, heard)
                            for n in names for form in given_names.forms_of(n, lang)):
        return True  # «аглаюшку» for Аглая, «машеньку» for Мария
    if lang == "ru" and min(len(name), len(heard)) >= _SKELETON_MIN and _same_skeleton(
            name, heard):
        return True  # «гафарова» for Гафуров: one vowel misheard, a case ending added
    if lang == "ru" and name[:1] == "э" and heard[:1] in _E_HEARD_AS and _same_stem(
            name, "э" + heard[1:]):
        return True  # «альмиру» for Эльмира
    if _same_stem(sound_key(name), sound_key(heard)):  # «чулкаву», «масленикова»
        return True
    return (lang == "ru" and min(len(name), len(heard)) >= _EAR_MIN
            and _same_stem(_ear_key(name), _ear_key(heard)))  # «ягорова», «хомину»


_CLIP_MIN = 3


def _clipped_name(name: str, said: str) -> bool:
    """Whether ``said`` (a nominative) is the given name ``name`` clipped to its first
    syllable and given «-а» or «-я»: «роза» for Розалина, «стефа» for Стефания."""
    stem = said[:-1]
    if said[-1:] not in ("а", "я") or len(stem) < _CLIP_MIN or len(name) <= len(said):
        return False
    if not (name.startswith(stem) or (name[:1] in _FIRST_VOWELS and name[1:].startswith(stem))):
        return False  # the first syllable, or the next one after an unstressed first vowel
    return cues.is_first_name(name, "ru")


_FIRST_VOWELS = frozenset("аеи")
"""A first vowel a short form drops: «фрося» for Ефросинья, «настя» for Анастасия."""
_E_HEARD_AS = frozenset("аеи")
"""A name's first «э» as the recogniser may spell it (unstressed, it is no clear «э»)."""
_AFFECTIONATE = re.compile(
    r"(?:ь|и)?(?:юшк|ушк|юш|уш|еньк|оньк|очк|ечк|ичк|юльк|ульк)(?:а|и|е|у|ой|ою|ей)?$")
_AFFECTIONATE_STEM_MIN = 2


def _affectionate(form: str, heard: str) -> bool:
    """Whether ``heard`` is a name (or its short form) with an affectionate suffix, in any
    case: «аглаюшку» for Аглая, «алёнушке» for Алёна, «машеньку» for Маша: the stem of the
    name without its last vowel («агла», «маш») and «-юшк-», «-еньк-», «-очк-» after it. A
    word of the dictionary that is no name is itself («ладушки» is no Лада)."""
    if len(form) < _AFFECTIONATE_STEM_MIN + 1 or form[-1] not in "аяй":
        return False
    stem = form[:-1].removesuffix("и") if form.endswith("ия") else form[:-1]
    if len(stem) < _AFFECTIONATE_STEM_MIN or not heard.startswith(stem):
        return False
    if _AFFECTIONATE.fullmatch(heard[len(stem):]) is None:
        return False
    return not ru_is_known(heard) or any(cues.is_first_name(f, "ru")
                                         for f in ru_normal_forms(heard))


_FORM_MIN = 4
_SAID_AS_OVA = re.compile(r"\w{4}[ое]ва$")
"""An adjective's «-ого»/«-его» as the recogniser spells it by ear: «пшеничнова»,
«горькова» (the surnames Пшеничный, Горький asked for in the genitive)."""
_CASE_ENDINGS = frozenset({"у", "ю", "е", "и", "ы", "ой", "ей", "ою", "ею"})


def _short_in_case(form: str, heard: str) -> bool:
    """Whether ``heard`` is a three-letter short name in another case: «фаю», «фае» for
    Фая, «олю» for Оля, «иру» for Ира (too short for `_same_stem`'s looser comparison)."""
    return (len(form) == 3 and form[-1] in "ая" and heard[:2] == form[:2]
            and heard[2:] in _CASE_ENDINGS)
_SKELETON_MIN = 6
_RU_VOWEL_LETTERS = frozenset("аеёиоуыэюяйь")


def _same_skeleton(name: str, heard: str) -> bool:
    """The same consonants in the same order (a surname's vowels are what the recogniser
    mishears), the heard word ending in at most one more (a case: «-ым», «-ой»)."""
    a = "".join(ch for ch in name if ch not in _RU_VOWEL_LETTERS)
    b = "".join(ch for ch in heard if ch not in _RU_VOWEL_LETTERS)
    return len(a) >= 4 and (_skeleton_fits(a, b) or _skeleton_fits(_TWICE.sub(r"\1", a), b))


def _skeleton_fits(name: str, heard: str) -> bool:
    """One skeleton for the other, the heard one ending in at most one «м» more. The name's
    is also tried with a consonant said twice across a vowel once («вселава» for Всеслав:
    the second «с» of «-сесл-» lost)."""
    return len(name) >= 4 and (heard == name or (
        len(heard) == len(name) + 1 and heard.startswith(name) and heard[-1] == "м"))


_EAR_MIN = 5
"""Shorter words change too much by ear («надо» would be «Наталья»)."""


_DEVOICED = str.maketrans({"б": "п", "в": "ф", "г": "к", "д": "т", "ж": "ш", "з": "с", "х": "ф"})


def _ear_key(word: str) -> str:
    """What the recogniser confuses in a name besides vowels: a first е/я/ю (all «йи»
    unstressed: «Ягорова» for Егорова), voiced and voiceless pairs, and ф/х («Хомину» for
    Фомину); a pair met in a cluster is heard once («шарафудинова» for Шарафутдинова)."""
    if word[:1] in ("е", "я", "ю"):
        word = "и" + word[1:]
    return _TWICE.sub(r"\1", sound_key(word).translate(_DEVOICED))


_TWICE = re.compile(r"(.)\1+")


def _same_stem(name: str, heard: str) -> bool:
    if len(name) >= 4 and len(heard) >= 4:
        short, long_ = sorted((name, heard), key=len)
        if long_.startswith(short) and len(long_) - len(short) <= 3:
            return True  # «масленников» / «масленниковым»
        if long_.startswith(short[:-1]) and len(long_) - len(short) <= 2:
            return True  # «евгения» / «евгению»
    return False
