"""The strings a regular expression cannot match without, read from its parsed form:
a cheap lookup for them tells which of many patterns can match a reply at all, so only
those are searched (`nlu.polar`, the built-in intent patterns of `nlu.intents`)."""

from __future__ import annotations

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


def required_of_any(pattern: str) -> tuple[str, ...] | None:
    """`required` of a pattern that may be an alternation of patterns at its top
    ("(?:a)|(?:b)", as `nlu.intents` joins an intent's patterns): the strings of every
    alternative, or None when one alternative has none."""
    items = list(sre_parser.parse(pattern))
    at = next((k for k, (op, _) in enumerate(items) if op is sre_constants.BRANCH), None)
    if at is None:
        return _required(items)
    found: list[str] = []
    for alternative in items[at][1][1]:  # the parser factors a common start out of them
        strings = _required(items[:at] + list(alternative) + items[at + 1:])
        if strings is None:
            return None
        found += strings
    return tuple(dict.fromkeys(found))


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
