"""Person names: Russian by pymorphy3's Name/Surn/Patr tags, English by cue phrases
("my name is", "this is"), capitalisation, and for lower-case ASR text a lexicon of
common first names (``names_en``) after a weak cue or as the whole answer.

pymorphy3 tags many ordinary words as possible surnames, so a Russian surname only
counts next to a first name or after a cue ("меня зовут", "фамилия"), and a token only
counts when its most likely parse is a name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot_engine.nlu.entities.names_en import EN_FIRST_NAMES
from bot_engine.nlu.entities.scan import Tok
from bot_engine.nlu.lang import Lang
from bot_engine.nlu.morph import analyzer

_CYRILLIC_WORD = re.compile(r"^[а-яё]+(?:-[а-яё]+)*$")
_RU_CUES = frozenset({"зовут", "звать", "фамилия", "имя", "это", "я"})
# Strong cues introduce a name whatever its case ("my name is john smith"); weak ones
# ("this is", "i'm") also introduce states ("i'm driving"), so the name must be
# capitalised after them.
# Entity tokens split at apostrophes: "name's" is ("name", "s"), "I'm" is ("i", "m").
_EN_STRONG_CUES = (("my", "name", "is"), ("my", "name", "s"), ("name", "is"), ("name", "s"),
                   ("call", "me"), ("my", "name"))  # fmt: skip
_EN_WEAK_CUES = (("this", "is"), ("i", "am"), ("i", "m"), ("it", "is"), ("it", "s"),
                 ("speaking", "with"), ("ask", "for"))  # fmt: skip
_EN_NOT_NAMES = frozenset(
    str.split("""i a an the yes no not ok okay sure hello hi hey well um uh thanks thank please
    sorry
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today tomorrow good fine
    great busy interested calling speaking here there just going available sir madam mr
    mrs ms dr and or but is was""")
)


@lru_cache(maxsize=16384)
def _ru_name_tag(word: str) -> tuple[str, str] | None:
    """("Name"|"Surn"|"Patr", nominative form) when the likely parses say this is a name.

    A nominative reading wins when there is one: "Кузнецова" is a woman's surname as
    said, not the genitive of "Кузнецов".
    """
    if not _CYRILLIC_WORD.match(word):
        return None
    parses = analyzer().parse(word)
    if not parses:
        return None
    top = parses[0].score
    named = [
        (tag, p)
        for p in parses[:4]
        if p.score >= top * 0.5
        for tag in ("Name", "Patr", "Surn")
        if tag in p.tag
    ]
    if not named:
        return None
    for tag, p in named:
        if "nomn" in p.tag:
            return tag, word
    tag, p = named[0]
    # nominative of the same gender: "Сергеевной" -> "сергеевна", whereas the normal
    # form would be the masculine "сергеевич".
    nom = p.inflect({"nomn", "sing"})
    form = nom.word if nom is not None else p.normal_form
    return tag, form.replace("ё", "е")


def _cap(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def _ru_names(text: str, toks: list[Tok]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    k = 0
    n = len(toks)
    while k < n:
        t = toks[k]
        tag = _ru_name_tag(t.low) if t.kind == "word" and len(t.low) > 1 else None
        if tag is None:
            k += 1
            continue
        cue = k > 0 and toks[k - 1].low in _RU_CUES
        run: list[tuple[str, str, Tok]] = [(tag[0], tag[1], t)]
        m = k + 1
        while m < n and toks[m].kind == "word":
            nxt = _ru_name_tag(toks[m].low)
            if nxt is None:
                break
            run.append((nxt[0], nxt[1], toks[m]))
            m += 1
        kinds = {r[0] for r in run}
        if "Name" in kinds or "Patr" in kinds or cue or text[t.start].isupper():
            value = " ".join(_cap(r[1]) for r in run)
            out.append((value, run[0][2].start, run[-1][2].end))
        k = m
    return out


# Words that may close a lower-case name: "this is mary smith speaking", "john here".
_EN_CLOSERS = frozenset({"speaking", "here", "from", "calling", "with", "at", "of"})


def _known_name_run(toks: list[Tok], k: int) -> int:
    """One past a lower-case known first name at ``k`` and the surname that may follow
    it when nothing but a closer comes after; ``k`` when there is no known name."""
    n = len(toks)
    if k >= n or toks[k].kind != "word" or toks[k].low not in EN_FIRST_NAMES:
        return k
    m = k + 1
    if (
        m < n and toks[m].kind == "word" and toks[m].low not in _EN_NOT_NAMES
        and toks[m].low not in _EN_CLOSERS and (m + 1 == n or toks[m + 1].low in _EN_CLOSERS)
    ):  # fmt: skip
        m += 1
    return m


def _en_names(text: str, toks: list[Tok]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    n = len(toks)
    whole = _known_name_run(toks, 0)
    if whole > 0 and (whole == n or (whole + 1 == n and toks[whole].low in _EN_CLOSERS)):
        # the whole answer is a name: "john", "mary smith", "john here"
        value = " ".join(_cap(t.low) for t in toks[:whole])
        return [(value, toks[0].start, toks[whole - 1].end)]
    k = 0
    while k < n:
        start_name = None
        strong = False
        for cue in (*_EN_STRONG_CUES, *_EN_WEAK_CUES):
            if tuple(t.low for t in toks[k : k + len(cue)]) == cue:
                start_name = k + len(cue)
                strong = cue in _EN_STRONG_CUES
                break
        if (
            start_name is not None and not strong and start_name < n
            and not text[toks[start_name].start].isupper()
        ):  # fmt: skip
            # lower-case ASR text after a weak cue: only a known first name counts
            m = _known_name_run(toks, start_name)
            if m > start_name:
                value = " ".join(_cap(t.low) for t in toks[start_name:m])
                out.append((value, toks[start_name].start, toks[m - 1].end))
                k = m
                continue
        if start_name is not None:
            m = start_name
            while (
                m < n and m - start_name < 3 and toks[m].kind == "word"
                and toks[m].low not in _EN_NOT_NAMES
                and (strong or text[toks[m].start].isupper())
            ):  # fmt: skip
                m += 1
            if m > start_name:
                value = " ".join(_cap(t.low) for t in toks[start_name:m])
                out.append((value, toks[start_name].start, toks[m - 1].end))
                k = m
                continue
        t = toks[k]
        # Capitalised words in mid-sentence (ASR with casing, typed chat).
        if (
            k > 0 and t.kind == "word" and text[t.start].isupper() and t.low not in _EN_NOT_NAMES
            and not text[toks[k - 1].end : t.start].strip().endswith((".", "!", "?"))
        ):  # fmt: skip
            m = k + 1
            while m < n and toks[m].kind == "word" and text[toks[m].start].isupper():
                m += 1
            value = " ".join(_cap(x.low) for x in toks[k:m])
            out.append((value, t.start, toks[m - 1].end))
            k = m
            continue
        k += 1
    return out


def find_names(text: str, toks: list[Tok], lang: Lang) -> list[tuple[str, int, int]]:
    """(Capitalised name, start, end) for each person name in ``text``."""
    return _ru_names(text, toks) if lang == "ru" else _en_names(text, toks)
