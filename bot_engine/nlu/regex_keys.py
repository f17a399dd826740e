"""The strings a regular expression cannot match without, read from its parsed form:
a cheap lookup for them tells which of many patterns can match a reply at all, so only
those are searched (`nlu.polar`, the built-in intent patterns of `nlu.intents`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from re import _constants as sre_constants  # type: ignore[attr-defined,unused-ignore]
from re import _parser as sre_parser  # type: ignore[attr-defined,unused-ignore]
from typing import Any


def _prefix(items: Any) -> str:
    """The plain characters a parsed (sub)pattern starts with."""
    out = ""
    for op, arg in items:
        if op is not sre_constants.LITERAL:
            break
        out += chr(arg)
    return out


def _word_start(items: Any, k: int) -> bool:
    """Whether item ``k`` of a parsed pattern can only begin at the start of a word: after
    "^" or a space, or after an optional group that ends with a space ("^(ну )?да")."""
    if k == 0:
        return True
    op, arg = items[k - 1]
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and arg[0] == 0:
        return _ends_with_space(arg[2]) and _word_start(items, k - 1)
    return op is sre_constants.AT or (op is sre_constants.LITERAL and chr(arg) == " ")


def _ends_with_space(sub: Any) -> bool:
    items = list(sub)
    if not items:
        return False
    op, arg = items[-1]
    if op is sre_constants.LITERAL:
        return chr(arg) == " "
    if op is sre_constants.SUBPATTERN:
        return _ends_with_space(arg[-1])
    if op is sre_constants.BRANCH:
        return all(_ends_with_space(alt) for alt in arg[1])
    return False


def required(pattern: str) -> tuple[str, ...] | None:
    """Strings, each starting a word, one of which every match of ``pattern`` contains:
    a literal after a word boundary, or the literals a top-level group of alternatives
    starts with ("(bought|got|found)"). None: the pattern is searched on every reply."""
    return _required(list(sre_parser.parse(pattern)))


def needed_anywhere(pattern: str) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains, wherever in the text:
    read through groups, alternations (each alternative must have some), lookaheads and
    repeats of at least one. None: nothing is needed (or the reading gives up)."""
    return _anywhere(list(sre_parser.parse(pattern)))


_MIN_LEN = 2


def _anywhere(items: list[Any]) -> tuple[str, ...] | None:
    options: list[tuple[str, ...]] = []
    k = 0
    while k < len(items):
        op, arg = items[k]
        if op is sre_constants.LITERAL:
            run = _prefix(items[k:])
            if len(run) >= _MIN_LEN:
                options.append((run,))
            k += len(run)
            continue
        found: tuple[str, ...] | None = None
        if op is sre_constants.SUBPATTERN and not (arg[1] & re.IGNORECASE):
            found = _anywhere(list(arg[-1]))
        elif op is sre_constants.BRANCH:
            strings: list[str] = []
            for alternative in arg[1]:
                each = _anywhere(list(alternative))
                if each is None:
                    strings = []
                    break
                strings += each
            found = tuple(dict.fromkeys(strings)) or None
        elif op is sre_constants.ASSERT and arg[0] == 1:  # a lookahead, not a lookbehind
            found = _anywhere(list(arg[1]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and arg[0] >= 1:
            found = _anywhere(list(arg[2]))
        if found is not None:
            options.append(found)
        k += 1
    if not options:
        return None
    return max(options, key=lambda alts: min(len(a) for a in alts))


def _required(items: list[Any]) -> tuple[str, ...] | None:
    options: list[tuple[str, ...]] = []
    for k, (op, arg) in enumerate(items):
        if not _word_start(items, k):
            continue
        if op is sre_constants.LITERAL:
            literal = _prefix(items[k:]).strip()
            if len(literal) >= 3:
                options.append((literal,))
        elif op is sre_constants.SUBPATTERN:
            inner = list(arg[-1])
            head = _prefix(inner)  # the parser factors out a common start: "(сейчас|сегодня)"
            rest = inner[len(head):]
            if len(rest) == 1 and rest[0][0] is sre_constants.BRANCH:
                alternatives = tuple(head + _prefix(alt) for alt in rest[0][1][1])
                if all(len(a) >= 2 and not a.startswith(" ") for a in alternatives):
                    options.append(alternatives)
    if not options:
        return None
    return max(options, key=lambda alts: min(len(a) for a in alts))


def any_of(strings: tuple[str, ...]) -> re.Pattern[str]:
    """A search for any of ``strings``, as a trie ("(?:за(?:чем|хотел)|...)"): the regex
    engine then tries the few branches of the next character, not every string in turn.
    A string that holds another is left out: where it occurs, so does the other."""
    kept = [s for s in strings if not any(o != s and o in s for o in strings)]
    trie: dict[str, Any] = {}
    for s in kept:
        node = trie
        for ch in s:
            node = node.setdefault(ch, {})

    def branches(node: dict[str, Any]) -> str:
        alternatives = [re.escape(ch) + branches(child) for ch, child in sorted(node.items())]
        if len(alternatives) < 2:
            return "".join(alternatives)
        return "(?:" + "|".join(alternatives) + ")"

    return re.compile(branches(trie))


class SpacedStrings:
    """Which of many strings with a space in them occur in a text, each string's bits ORed
    together. Every occurrence of such a string puts the string's first space on a space
    of the text, so the strings are looked up at the text's few spaces (by the two
    characters after the space, or, for a string with less than two after its first space,
    by the two before it) and compared there, instead of searched for one by one: the
    built-in intents' spanning gates cost ~9 µs a reply searched gate by gate (English),
    ~2 µs this way."""

    def __init__(self, bits_of: Mapping[str, int]) -> None:
        self.bits_of = dict(bits_of)
        self._after: dict[str, list[tuple[str, int, int]]] = {}
        self._before: dict[str, list[tuple[str, int, int]]] = {}
        self._anywhere: list[tuple[str, int, int]] = []
        """Strings with less than two characters on either side of their first space."""
        for string, bits in bits_of.items():
            first = string.index(" ")
            entry = (string, first, bits)
            if len(string) - first - 1 >= 2:
                self._after.setdefault(string[first + 1 : first + 3], []).append(entry)
            elif first >= 2:
                self._before.setdefault(string[first - 2 : first], []).append(entry)
            else:
                self._anywhere.append(entry)

    def bits(self, text: str) -> int:
        """The bits of the strings that occur in ``text``, ORed."""
        found = 0
        space = text.find(" ")
        while space >= 0:
            for candidates in (self._after.get(text[space + 1 : space + 3], ()),
                               self._before.get(text[max(0, space - 2) : space], ()),
                               self._anywhere):
                for string, first, bits in candidates:
                    if space >= first and text.startswith(string, space - first):
                        found |= bits
            space = text.find(" ", space + 1)
        return found
