"""Whether a first name a caller gives is the one the robot asked for.

To "это Иван?" a caller often answers with a name alone: «Иван», «Ваня», «Сергей».
The name asked for, or a short form of it («Ваня» for Иван, "Mike" for Michael), is a
yes; another first name is someone else (the wrong person). English short forms come from
the `nicknames` package (a hand-curated table of English given names and their
nicknames); Russian ones from the table below, the everyday short forms of common names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot_engine.nlu.entities.names_en import EN_FIRST_NAMES
from bot_engine.nlu.lang import Lang
from bot_engine.nlu.morph import ru_is_known

_RU_SHORT = """
александр саша шура саня санек алекс шурик
александра саша шура саня
алексей леша алеша леха
анастасия настя
анатолий толя толик
ангелина геля лина анжелина
андрей андрюша дрюня
анна аня анечка нюра нюша
антон антоша
антонина тоня тося
аркадий аркаша
артем тема
борис боря
вадим вадик
валентин валя
валентина валя
валерий валера
варвара варя
василий вася
вениамин веня
вера верочка
виктор витя
виктория вика
виталий виталик
владимир вова володя вовчик
владислав влад владик
всеволод сева
вячеслав слава славик
галина галя галочка
геннадий гена
георгий жора гоша
григорий гриша
даниил даня
дарья даша
денис дениска
дмитрий дима митя димон
евгений женя женек
евгения женя
егор егорка
екатерина катя
елена лена
елизавета лиза
зинаида зина зинуля
иван ваня
игорь игорек
илья илюша
иннокентий кеша кешка
ирина ира
кирилл киря
кристина кристя
клавдия клава
константин костя
ксения ксюша
лариса лара
лев лева
леонид леня
лидия лида
любовь люба любаша
людмила люда мила люся
максим макс
маргарита рита
мария маша маня маруся машуля
михаил миша
надежда надя
наталия наташа
наталья наташа
николай коля колян
нина ниночка нинуля
ольга оля
павел паша
петр петя
полина поля
прохор проша
раиса рая
роман рома
ростислав ростик слава
мирослав мирик слава
богдан бодя
арсений арсюша сеня
матвей мотя
савелий сава савва
ульяна уля
вероника ника
милана мила
ефим фима
светлана света светик
святослав слава славик свят
семен сема
сергей сережа серега
таисия тая тася
софия соня
софья соня
станислав стас слава
степан степа
тамара тома
татьяна таня
тимофей тима
тимур тима
федор федя
эдуард эдик
эльвира эля
юлия юля юляша
юрий юра
яков яша
ярослав ярик слава
фаина фая
капитолина капа
лукерья луша
игнат игнаша
серафима сима
"""


@lru_cache(maxsize=1)
def _ru_forms() -> dict[str, frozenset[str]]:
    """Each name (full or short) -> every form of the names it may stand for."""
    groups: dict[str, set[str]] = {}
    for line in _RU_SHORT.strip().splitlines():
        names = line.split()
        names += _slav_nickname(names[0])
        names += [kind for short in names[1:] for kind in _affectionate(short)]
        for name in names:
            groups.setdefault(name, set()).update(names)
    return {name: frozenset(forms) for name, forms in groups.items()}


def _slav_nickname(full: str) -> list[str]:
    """A name in «-слав» is called by its first part and «-ик»: Ростислав «Ростик»,
    Владислав «Владик», Ярослав «Ярик», Вячеслав «Вячик», Мирослав «Мирик»."""
    stem = full.removesuffix("слав")
    if stem == full or len(stem) < 3 or stem[-1] not in "иое":
        return []
    return [stem[:-1] + "ик"]


def _affectionate(short: str) -> list[str]:
    """The affectionate and familiar forms of a short name: «Оля» -> «Олечка», «Оленька»,
    «Олька»; «Ваня» -> «Ванюша», «Ванька»; «Лиза» -> «Лизочка», «Лизонька», «Лизка»; one
    ending in a consonant takes «-ик»: «Стас» -> «Стасик», «Макс» -> «Максик»."""
    if len(short) >= 3 and short[-1] not in _RU_VOWELS and short[-2:] not in ("ик", "ек", "ок"):
        return [short + "ик"]
    if len(short) < 3 or short[-1] not in "ая":
        return []
    stem = short[:-1]
    soft = short[-1] == "я" or stem[-1] in "шжчщ"
    forms = [stem + "ечка", stem + "енька"] if soft else [stem + "очка", stem + "онька"]
    if stem[-1] not in "кгх" + "".join(_RU_VOWELS):
        # the familiar «-ка»: «Вовка», «Машка», «Генка», «Санька», «Петька»
        forms.append(stem + ("ька" if short[-1] == "я" else "ка"))
    return [*forms, stem + "юша", stem + "юшка"] if short[-1] == "я" else forms


_RU_VOWELS = frozenset("аеёиоуыэюяйь")


@lru_cache(maxsize=1)
def _en_forms() -> dict[str, frozenset[str]]:
    try:
        from nicknames import NickNamer
    except ImportError:  # the package is missing: names compare as written
        return {}
    namer = NickNamer()
    groups: dict[str, set[str]] = {}
    for lookup in (namer.nickname_lookup, namer.canonical_lookup):
        for name, others in lookup.items():
            groups.setdefault(name, {name}).update(others)
    return {name: frozenset(forms) for name, forms in groups.items()}


@lru_cache(maxsize=1)
def _en_full_names() -> frozenset[str]:
    """English names that have short forms of their own ("mary", "emily")."""
    try:
        from nicknames import NickNamer
    except ImportError:
        return frozenset()
    return frozenset(name for name, short in NickNamer().nickname_lookup.items() if short)


_DOUBLED = re.compile(r"(\w)\1")


def _single(name: str) -> str:
    """A name with its doubled letters single ("terrence" -> "terence")."""
    return _DOUBLED.sub(r"\1", name)


@lru_cache(maxsize=1)
def _en_forms_single() -> dict[str, frozenset[str]]:
    """The English table by names with their doubled letters single, their forms so too:
    the table spells one of "terence" and "terrence", callers' names come spelt either way."""
    groups: dict[str, set[str]] = {}
    for name, forms in _en_forms().items():
        groups.setdefault(_single(name), set()).update(_single(form) for form in forms)
    return {name: frozenset(forms) for name, forms in groups.items()}


def forms_of(name: str, lang: Lang) -> frozenset[str]:
    """Every form the tables give for ``name`` (lowercase, nominative), itself included; a
    Russian name the table lacks that ends in «а» or «я» («Аглая», «Зоя») has its own
    affectionate forms («Аглаюшка», «Зоечка»)."""
    name = name.replace("ё", "е")
    table = _ru_forms() if lang == "ru" else _en_forms()
    if lang == "ru" and name not in table and name[-1:] in ("а", "я"):
        return frozenset({name, *_affectionate(name)})
    return table.get(name, frozenset()) | {name}


@lru_cache(maxsize=65536)
def same_name(said: str, asked: str, lang: Lang) -> bool:
    """Whether ``said`` is ``asked`` or a short form of it (both lowercase, nominative):
    from the tables, or by its shape: the name clipped to its first syllable ("bri" for
    Brian, "chris" for Christina), an unstressed first «е» dropped («Катерина»,
    «Лизавета»), an unstressed «о» and «а» written for each other inside the name («тамора»
    for Тамара: the two sound alike unstressed), or two neighbouring letters swapped by the
    recogniser ("brain"). Kept per pair of words, as the lemmas are per word: the few names
    a script asks for meet the same words reply after reply."""
    said, asked = said.replace("ё", "е"), asked.replace("ё", "е")
    if said == asked:
        return True
    forms = (_ru_forms() if lang == "ru" else _en_forms()).get(asked)
    return ((forms is not None and said in forms) or _same_shape(said, asked, lang)
            or (lang == "ru" and _ru_called_out(said, asked, forms or frozenset()))
            or (lang == "ru" and _ru_sounds_alike(said, asked))
            or (lang == "en" and _en_sounds_alike(said, asked))
            or (lang == "en" and _en_called_by_part(said, asked, forms))
            or (lang == "en" and forms is None
                and _single(said) in _en_forms_single().get(_single(asked), ())))


_MIN_SOUNDED = 4
_RU_SOFT_VOWEL = re.compile(r"ь(?=[аеиоуюя])")
_RU_AFTER_VOWEL_I = re.compile(r"(?<=[аеиоуыэюя])и(?=[^аеиоуыэюяй])")
_RU_CONSONANT = "(?<=[бвгджзклмнпрстфхцчшщ])"
_RU_INNER_YA = re.compile(_RU_CONSONANT + "я(?=.)")
_RU_REDUCED = re.compile(_RU_CONSONANT + "[яеа](?=.)")


def _ru_sound(name: str, *, loose: bool) -> str:
    """A Russian name as the recogniser may spell it: «ья» and a final «иа» read «ия»
    («таисья», «таисиа»), an unstressed «о» reads «а» («оркадий»), «я» after a consonant
    inside the name reads «е» («вечеслав», a word of the dictionary); ``loose`` also reads
    «я», «е» and «а» after a consonant inside the name as «и» (all sound alike unstressed:
    «вечеслав», «вачеслав» for Вячеслав) and drops an «и» after a vowel («тасия» for
    Таисия). The last letter keeps its vowel: the ending tells Александра from Александр."""
    name = _RU_SOFT_VOWEL.sub("и", name).replace("о", "а")
    name = name[:-2] + "ия" if name.endswith("иа") else name
    name = _RU_INNER_YA.sub("е", name)
    if not loose:
        return name
    return _RU_AFTER_VOWEL_I.sub("", _RU_REDUCED.sub("и", name).replace("е", "и"))


_MIN_CALLED = 3
_MIN_CLIPPED = 4
"""A clipped «-ий» name keeps this many letters: «Арсен», not «Юл» for Юлий."""


def _ru_called_out(said: str, asked: str, forms: frozenset[str]) -> bool:
    """Whether ``said`` is a form of ``asked`` as it is called out, its final «а» or «я»
    dropped: «Маш», «Олесь», «Коль» for Маша, Олеся, Коля («олесь да это я» is Олеся, not a
    man called Олесь); or a full name in «-ий» clipped of it, as speech and the recogniser
    both drop the unstressed ending: «Арсен», «Евген», «Валер» for Арсений, Евгений,
    Валерий (to a call for Арсений, a man of that name, not another called Арсен)."""
    if len(said) < _MIN_CALLED:
        return False
    if (asked.endswith("ий") and len(said) >= _MIN_CLIPPED and said == asked[:-2]
            and said[-1] not in _RU_VOWELS):
        return True
    for form in (asked, *forms):
        if len(form) < _MIN_CALLED or form[-1] not in "ая":
            continue
        stem = form[:-1]
        if said == (stem if form[-1] == "а" else stem + "ь") and stem[-1] not in _RU_VOWELS:
            return True
    return False


_MIN_SLIPPED = 7
"""A name of the dictionary this long, no name of the tables, may be the recogniser's
spelling of the one asked for: the unstressed vowels of «Святослав» heard as
«свитослав» (a name the dictionary guesses), not a person of its own."""


def _ru_sounds_alike(said: str, asked: str) -> bool:
    """Whether ``said`` is ``asked`` through the vowels the recogniser confuses. A short
    word of the dictionary, or any name of the tables, is matched only strictly: «алена»
    is no Алина, «танюша» no Тонюша."""
    if min(len(said), len(asked)) < _MIN_SOUNDED:
        return False
    if _ru_sound(said, loose=False) == _ru_sound(asked, loose=False):
        return True
    if ru_is_known(said) and (len(said) < _MIN_SLIPPED or _ru_listed(said)):
        return False
    heard, wanted = _ru_sound(said, loose=True), _ru_sound(asked, loose=True)
    return heard == wanted or (
        min(len(said), len(asked)) >= _MIN_SLIPPED and not ru_is_known(said)
        and heard[:2] == wanted[:2] and heard[-1:] == wanted[-1:] and _one_edit(heard, wanted))


def _one_edit(one: str, other: str) -> bool:
    """Whether two spellings differ by one letter changed, added or dropped: a consonant of
    a long name misheard («святозлав», a word of no dictionary: «эльмира» is a name of its
    own, no Эльвира), as a recogniser does."""
    if abs(len(one) - len(other)) > 1 or one == other:
        return False
    if len(one) == len(other):
        return sum(a != b for a, b in zip(one, other, strict=True)) == 1
    short, long_ = sorted((one, other), key=len)
    return any(long_[:k] + long_[k + 1:] == short for k in range(len(long_)))


@lru_cache(maxsize=1)
def _ru_all_forms() -> frozenset[str]:
    return frozenset(name for full, short in _ru_forms().items() for name in (full, *short))


def _ru_listed(word: str) -> bool:
    """Whether ``word`` is a name of the tables, full or short: someone's own name."""
    return word in _ru_all_forms()


_MIN_SKELETON = 4
_SKELETON_DROPPED = frozenset("aeiouyh")


def skeleton(name: str) -> str:
    """A name's first letter and then its consonants, each once: "margaret", "marguerite"
    and the recogniser's "margarit" all read "mrgrt"."""
    tail = [ch for ch in name[1:] if ch not in _SKELETON_DROPPED]
    return name[:1] + "".join(ch for k, ch in enumerate(tail) if k == 0 or tail[k - 1] != ch)


@lru_cache(maxsize=1)
def _en_by_skeleton() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for name in _en_forms():
        groups.setdefault(skeleton(name), set()).add(name)
    return {key: frozenset(names) for key, names in groups.items()}


@lru_cache(maxsize=256)
def _en_variant_forms(asked: str) -> frozenset[str]:
    """The short forms of the names spelt like ``asked`` ("maggie", "peggy" for Marguerite
    through Margaret): the table lists a name under one spelling only. A name with short
forms of its own ("megan" under Margarita) is another person's, unless it is the spelling's
pet clip ("margie" of Margaret, though the table gives it forms of its own)."""
    key = skeleton(asked)
    if len(key) < _MIN_SKELETON:
        return frozenset()
    table, full = _en_forms(), _en_full_names()
    found = frozenset(form for variant in _en_by_skeleton().get(key, ())
                      if variant != asked and _same_kind(variant, asked)
                      for form in table[variant] if form != variant
                      and (form not in full or _pet_clip(form, variant)))
    if asked in table:
        return found
    # a name the table lacks ("rosalind") borrows the short forms of its spellings there
    # ("rosalinda", "rosalyn": a final "nd" is often heard as "n"), and the recogniser may
    # write it as one of them
    spellings = {*_en_by_skeleton().get(key, ()), *(
        _en_by_skeleton().get(key[:-1], ()) if key.endswith("nd") else ())}
    return found | frozenset(form for variant in spellings for form in table[variant]
                             if form == variant or form not in full)


def _same_kind(one: str, other: str) -> bool:
    """Marguerite and Margaret end alike (a final "e" is silent); Alexandra is no
    Alexander, Stephanie no Stephen: the same consonants, another ending, another name."""
    return _last_sound(one) == _last_sound(other)


def _last_sound(name: str) -> str:
    name = name.removesuffix("e")
    return "i" if name[-1:] == "y" else name[-1:]


def _en_sounds_alike(said: str, asked: str) -> bool:
    """"maggie" for Marguerite (a short form of its other spelling), "margarit" for it (no
    name of its own, but the same consonants: the recogniser's spelling). A known full name
    with the same consonants is another person ("christian" is no Christina)."""
    if said in _en_variant_forms(asked):
        return True
    if said in _en_forms():
        return False
    key = skeleton(said)
    if len(key) >= _MIN_SKELETON and key == skeleton(asked) and _same_kind(said, asked):
        return True
    said, asked = _en_heard(said), _en_heard(asked)
    key, wanted = skeleton(said), skeleton(asked)
    if len(key) < _MIN_SKELETON or not _same_kind(said, asked):
        return False
    return key == wanted or (len(said) >= _MIN_SLIPPED and said not in EN_FIRST_NAMES
                             and key[:2] == wanted[:2] and _one_edit(key, wanted))


_EN_HEARD = (("ph", "f"), ("ck", "k"), ("z", "s"))


def _en_heard(name: str) -> str:
    """A name as the ear takes it: "z" and "s", "ph" and "f" alike, a final "nd" heard
    as "n" ("rozalynn" for Rosalind)."""
    for written, heard in _EN_HEARD:
        name = name.replace(written, heard)
    return name[:-1] if name.endswith("nd") else name


_MIN_CLIPPED = 3
_MIN_SWAPPED = 5
_MIN_TAIL = 4
"""A name called by its last part keeps this many letters: "dell" for Wendell, not "ell"."""
_EN_VOWELS = frozenset("aeiouy")


def _en_called_by_part(said: str, asked: str, forms: frozenset[str] | None) -> bool:
    """The English counterpart of `_ru_called_out`: a name called by a part of it the table
    lacks. Its first syllable as it sounds ("roz" for Rosamund, "marge" for Marjorie: a "z"
    heard as "s", a soft "ge" as "j"); a two-letter clip that is a short form of its own
    ("ev" for Everett) only where the table gives the name asked no forms to tell it from;
    its last syllables ("dell" for Wendell, "rhett" for Everett: an "h" after the first
    letter is silent), unless that part is a full name of its own ("nathan" is no
    Jonathan); or its first letter before a form the table gives ("hetty" for Henrietta,
    through "etty")."""
    heard = _clip_heard(said)
    if _MIN_CLIPPED <= len(heard) < len(asked) and _clip_heard(asked).startswith(heard):
        return True
    if len(said) == 2 and forms is None and asked.startswith(said) and said in _en_forms():
        return True
    tail = said[0] + said[2:] if said[1:2] == "h" and said[0] not in _EN_VOWELS else said
    if (len(tail) >= _MIN_TAIL and len(asked) >= len(tail) + 2 and asked.endswith(tail)
            and tail[0] not in _EN_VOWELS and said not in _en_full_names()):
        return True
    return (len(said) >= _MIN_TAIL and forms is not None and said[0] == asked[0]
            and said[1] in _EN_VOWELS and said[1:] in forms)


def _clip_heard(said: str) -> str:
    """A name as it sounds, for a clip of it: "roz" as "ros", "marge" and "madge" as "marj",
    "maj", "thaddeus" as "taddeus" (so "tad" is its clip)."""
    said = said.replace("z", "s").replace("th", "t")
    if said.endswith("ge") and len(said) > 3:
        said = said[:-3] + "j" if said.endswith("dge") else said[:-2] + "j"
    return said


def _same_shape(said: str, asked: str, lang: Lang) -> bool:
    if lang == "en" and _MIN_CLIPPED <= len(said) < len(asked) and asked.startswith(said):
        return True
    if (lang == "en" and len(said) < len(asked) and _pet_clip(said, asked)
            and said not in _en_full_names()):  # "mary" is a name of its own, no Marisol
        return True
    if len(asked) >= _MIN_SWAPPED and said != asked and _undoubled(said) == _undoubled(asked):
        return True  # a double letter heard single or the other way: «генадий», "phillip"
    if lang == "ru" and asked.startswith("е") and said == asked[1:] and len(said) >= 5:
        return True
    if len(said) != len(asked) or len(said) < _MIN_SWAPPED:
        return False
    if lang == "en" and said in _en_full_names() and not _same_kind(said, asked):
        # two letters swapped into a name of its own with another ending: "christian" is
        # no Christina ("micheal", ending alike, is Michael spelt another way)
        return False
    diff = [i for i, (a, b) in enumerate(zip(said, asked, strict=True)) if a != b]
    return (len(diff) == 2 and diff[1] == diff[0] + 1
            and said[diff[0]] == asked[diff[1]] and said[diff[1]] == asked[diff[0]])


_PET_ENDINGS = ("ie", "ey", "y", "i")


def _pet_clip(said: str, asked: str) -> bool:
    """"bernie" for Bernadette, "rosie" for Rosalind, "gwennie" for Gwendolyn: the name
    clipped and given the pet ending, its last consonant maybe doubled before it."""
    for ending in _PET_ENDINGS:
        if said.endswith(ending):
            stem = said[: -len(ending)]
            if len(stem) >= 2 and stem[-1] == stem[-2]:
                stem = stem[:-1]
            return len(stem) >= _MIN_CLIPPED and asked.startswith(stem)
    return False


def _undoubled(word: str) -> str:
    return "".join(ch for k, ch in enumerate(word) if k == 0 or word[k - 1] != ch)


def is_short_form(word: str, lang: Lang) -> bool:
    """Whether ``word`` is a known given name or a short form of one ("ваня", "johnny")."""
    return word in (_ru_forms() if lang == "ru" else _en_forms())
