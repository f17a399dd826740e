"""Regular expressions from tenants, run by a linear-time engine (Google RE2).

A tenant's pattern (script intents, inbound routes, transfer allow-lists) runs in time
linear in the text, whatever the pattern: `(a+)+$` is no slower than `a+$`. So a match
never needs a wall-clock limit, and what a pattern matches never depends on how loaded
the machine is. The price: RE2 has no backreferences, lookaround, atomic groups or
possessive quantifiers, which need backtracking; such a pattern is refused when it is
uploaded (`PatternError` says which construct and where).

Tenants write Python `re` syntax, so a pattern is parsed by the stdlib's own parser and
written out again for RE2 with Python's Unicode meanings: RE2's `\\w`, `\\d`, `\\s` and
`\\b` are ASCII-only, which would make `\\bзанят` never match. `\\w` becomes letters,
numbers and "_", and a pattern with `\\b` runs over the text with a marker character
(`_MARK`) at every Unicode word boundary: `\\b` takes a marker, every other item may
skip the markers before its character. Positions reported are those of the original text.
Each boundary carries one mark per `\\b` of the pattern, so several `\\b` around parts
that matched nothing (`\\bа*\\b` on "1") hold at one boundary, as in `re`.
Known difference: an anchor (`^`, `$`) and a `\\b` on the far side of a part that matched
nothing (`$(?:x|)\\b`) are not reordered, so such a pattern may miss an empty match.
"""

from __future__ import annotations

import re
import re._constants as C  # the stdlib's own parser: exactly the syntax tenants write
import re._parser as P
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import re2

__all__ = ["PatternError", "TenantPattern", "compile_pattern"]

_MARK = "\ue000"
"""A private-use character at every word boundary of a text matched by a `\\b` pattern;
the same character in the text itself is read as U+FFFD."""
_M = r"\x{E000}"
_MAX_MARKS = 8
"""Marks per boundary at most: more `\\b` than this around empty matches at one place
would need more (no real pattern has them)."""
_WORD = r"\p{L}\p{N}_"
_DIGIT = r"\p{Nd}"
_SPACE = r"\t\n\x{B}\f\r\x{1C}-\x{1F}\x{85}\p{Z}"
_ASCII = {"word": "0-9A-Za-z_", "digit": "0-9", "space": r"\t\n\x{B}\f\r "}
_CATEGORIES = {
    C.CATEGORY_WORD: ("word", False), C.CATEGORY_NOT_WORD: ("word", True),
    C.CATEGORY_DIGIT: ("digit", False), C.CATEGORY_NOT_DIGIT: ("digit", True),
    C.CATEGORY_SPACE: ("space", False), C.CATEGORY_NOT_SPACE: ("space", True),
}  # fmt: skip
_UNSUPPORTED = {
    "backreference": r"\\[1-9]|\(\?P=|\\g<",
    "conditional group": r"\(\?\(",
    "lookahead": r"\(\?[=!]",
    "lookbehind": r"\(\?<[=!]",
    "atomic group": r"\(\?>",
    "possessive quantifier": r"[*+?}]\+",
    r"\B (not a word boundary)": r"\\B",
}
_WHY = ("tenant patterns run on a linear-time engine (RE2), which has no backtracking; "
        "rewrite the pattern without it")


class PatternError(ValueError):
    """A pattern that is not valid or that the linear-time engine cannot run; `offset`
    is where in the pattern (0-based), when known."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class _Flags:
    ignore_case: bool
    dotall: bool
    multiline: bool
    ascii: bool
    marks: bool  # the text carries word-boundary marks

    def apply(self, add: int, remove: int) -> _Flags:
        def on(flag: int, now: bool) -> bool:
            return (now or bool(add & flag)) and not remove & flag

        return _Flags(on(C.SRE_FLAG_IGNORECASE, self.ignore_case),
                      on(C.SRE_FLAG_DOTALL, self.dotall),
                      on(C.SRE_FLAG_MULTILINE, self.multiline),
                      on(C.SRE_FLAG_ASCII, self.ascii), self.marks)


@dataclass(frozen=True)
class TenantPattern:
    """A compiled tenant pattern; match it through these methods only (they map the
    word-boundary marks away)."""

    pattern: str
    ignore_case: bool
    _rx: Any = field(repr=False)
    _prefixes: Any = field(repr=False)
    _whole: Any = field(repr=False)
    _marks: int = 0
    """Marks per word boundary in the text (0: the pattern has no `\\b`)."""

    def _text(self, text: str) -> str:
        return _marked(text, self._marks) if self._marks else text

    def search(self, text: str) -> bool:
        return self._rx.search(self._text(text)) is not None

    def fullmatch(self, text: str) -> bool:
        return self._whole.fullmatch(self._text(text)) is not None

    def can_start(self, text: str) -> bool:
        """Whether some value that starts with `text` could match the whole pattern (an
        over-approximation: `$` and `\\b` are not checked)."""
        return self._prefixes.fullmatch(text) is not None

    def starts(self, text: str) -> Iterator[int]:
        """Where the non-overlapping matches start, left to right, as `finditer` has them
        (but for a lazy empty match, `x??`, where `re` also gives the non-empty one)."""
        marked = self._text(text)
        at = 0  # in the marked text
        while at <= len(marked):
            found = self._rx.search(marked, at)
            if found is None:
                return
            begin, finish = found.start(), found.end()
            start, end = (begin - marked.count(_MARK, 0, begin),
                          finish - marked.count(_MARK, 0, finish)) if self._marks else (
                begin, finish)
            yield start
            if end > start:  # marks the match ended on may start the next one (`\\b`)
                at = finish
                while at > begin + 1 and marked[at - 1] == _MARK:
                    at -= 1
            else:  # as `finditer`: one character past an empty match
                at = begin
                while at < len(marked) and marked[at] == _MARK:
                    at += 1
                at += 1


_BOUNDARY = re.compile(r"\b")  # Python's own Unicode word boundary


@lru_cache(maxsize=256)  # one utterance, every intent's patterns
def _marked(text: str, marks: int = 1) -> str:
    """`text` with `marks` times `_MARK` at each Unicode word boundary (as Python's `\\b`
    sees them): one per `\\b` of the pattern, so that several `\\b` around parts that
    matched nothing all find a mark at the one boundary they share."""
    return _BOUNDARY.sub(_MARK * marks, text.replace(_MARK, "\ufffd"))


def _offset_of(pattern: str, construct: str) -> int | None:
    found = re.search(_UNSUPPORTED[construct], pattern)
    return found.start() if found else None


def _unsupported(pattern: str, construct: str) -> PatternError:
    offset = _offset_of(pattern, construct)
    where = f" at character {offset + 1}" if offset is not None else ""
    why = _WHY if not construct.startswith("\\B") else (
        "the linear-time engine (RE2) tenant patterns run on knows only ASCII words there; "
        "spell out what may stand on either side (such as \\w\\w)")
    return PatternError(f"unsupported {construct}{where}: {why}", offset)


class _Writer:
    """Writes a parsed `re` pattern out in RE2 syntax."""

    def __init__(self, source: str, marks: int = 1) -> None:
        self.source = source
        self.skip = f"{_M}{{0,{marks}}}"
        """Before a character: the marks of the boundary before it (those no `\\b` took)."""

    def seq(self, items: Any, flags: _Flags, prefix: bool = False) -> str:
        items = list(items)
        if prefix:  # P(a b c) = P(a) | a P(b c): linear in size
            out = ""
            for op, arg in reversed(items):
                whole = self.item(op, arg, flags)
                part = self.item(op, arg, flags, prefix=True)
                out = f"(?:{part}|{whole}{out})" if out else part
            return out
        items = _ordered_assertions(items)
        parts: list[str] = []
        for i, (op, arg) in enumerate(items):
            if (op is C.AT and arg is C.AT_BOUNDARY and i
                    and items[i - 1] == (C.AT, C.AT_BOUNDARY)):
                continue  # `\b\b` is `\b`
            parts.append(self.item(op, arg, flags))
        return "".join(parts)

    def item(self, op: Any, arg: Any, flags: _Flags, prefix: bool = False) -> str:
        skip = self.skip if flags.marks else ""
        if op is C.LITERAL:
            char = f"{skip}{_char(arg)}"
        elif op is C.NOT_LITERAL:
            char = f"{skip}[^{_char(arg)}{_M if flags.marks else ''}]"
        elif op is C.ANY:
            newline = "" if flags.dotall else r"\n"
            char = f"{skip}[^{newline}{_M}]" if flags.marks else (
                "(?s:.)" if flags.dotall else "(?-s:.)")
        elif op is C.IN:
            char = f"{skip}{self.charset(arg, flags)}"
        elif op is C.BRANCH:
            return "(?:" + "|".join(self.seq(s, flags, prefix) for s in arg[1]) + ")"
        elif op is C.SUBPATTERN:
            _group, add, remove, inner = arg
            inner_flags = flags.apply(add, remove)
            case = "" if inner_flags.ignore_case == flags.ignore_case else (
                "(?i:" if inner_flags.ignore_case else "(?-i:")
            body = self.seq(inner, inner_flags, prefix)
            return f"{case}{body})" if case else f"(?:{body})"
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, inner = arg
            body = self.seq(inner, flags)
            if prefix:
                if high == 0:
                    return ""
                more = "*" if high is C.MAXREPEAT else f"{{0,{high - 1}}}"
                return f"(?:(?:{body}){more}(?:{self.seq(inner, flags, prefix=True)}))"
            count = f"{{{low},}}" if high is C.MAXREPEAT else f"{{{low},{high}}}"
            lazy = "?" if op is C.MIN_REPEAT else ""
            return f"(?:{body}){count}{lazy}"
        elif op is C.AT:
            return self.at(arg, flags, prefix)
        elif op in (C.GROUPREF, C.GROUPREF_EXISTS):
            raise _unsupported(self.source, "backreference" if op is C.GROUPREF
                               else "conditional group")
        elif op in (C.ASSERT, C.ASSERT_NOT):
            raise _unsupported(self.source, "lookahead" if arg[0] > 0 else "lookbehind")
        elif op is C.ATOMIC_GROUP:
            raise _unsupported(self.source, "atomic group")
        elif op is C.POSSESSIVE_REPEAT:
            raise _unsupported(self.source, "possessive quantifier")
        else:
            raise PatternError(f"unsupported construct {op}: {_WHY}")
        return f"(?:{char})?" if prefix else char

    def at(self, arg: Any, flags: _Flags, prefix: bool) -> str:
        if arg is C.AT_BOUNDARY:
            return "" if prefix or not flags.marks else _M
        if arg is C.AT_NON_BOUNDARY:
            raise _unsupported(self.source, r"\B (not a word boundary)")
        if arg is C.AT_BEGINNING:
            return "(?m:^)" if flags.multiline else r"\A"
        if arg is C.AT_BEGINNING_STRING:
            return r"\A"
        if prefix:
            return ""  # the end of a whole value, not of a prefix of it
        end = "(?m:$)" if arg is C.AT_END and flags.multiline else r"\z"
        return f"{_M}*{end}" if flags.marks else end

    def charset(self, items: list[tuple[Any, Any]], flags: _Flags) -> str:
        negate = bool(items) and items[0][0] is C.NEGATE
        body: list[str] = []
        complements: list[str] = []  # \W, \D, \S: a class each
        for op, arg in items[1:] if negate else items:
            if op is C.LITERAL:
                body.append(_char(arg))
            elif op is C.RANGE:
                body.append(f"{_char(arg[0])}-{_char(arg[1])}")
            elif op is C.CATEGORY:
                name, complement = _CATEGORIES[arg]
                chars = _ASCII[name] if flags.ascii else {
                    "word": _WORD, "digit": _DIGIT, "space": _SPACE}[name]
                (complements if complement else body).append(chars)
            else:
                raise PatternError(f"unsupported item {op} in a character class: {_WHY}")
        mark = _M if flags.marks else ""
        if negate:
            if complements:
                raise PatternError(
                    r"unsupported \W, \D or \S inside a negated character class (such as "
                    r"[^\W_]): write the characters wanted instead (such as [^\W_] as "
                    r"[\p{L}\p{N}])")
            return f"[^{''.join(body)}{mark}]"
        classes = [f"[^{c}{mark}]" for c in complements]
        if body:
            classes.insert(0, f"[{''.join(body)}]")
        return classes[0] if len(classes) == 1 else "(?:" + "|".join(classes) + ")"


_AT_ORDER = {C.AT_BEGINNING: 0, C.AT_BEGINNING_STRING: 0, C.AT_BOUNDARY: 1}


def _ordered_assertions(items: list[Any]) -> list[Any]:
    """Assertions next to each other hold at one position, in any order; with the marks,
    a start (`^`) must come before a `\\b`'s mark and an end (`$`) after it."""
    out: list[Any] = []
    run: list[Any] = []
    for item in [*items, (None, None)]:
        if item[0] is C.AT:
            run.append(item)
            continue
        out += sorted(run, key=lambda at: _AT_ORDER.get(at[1], 2))
        run = []
        if item[0] is not None:
            out.append(item)
    return out


def _char(code: int) -> str:
    ch = chr(code)
    return ch if ch.isalnum() and ch != _MARK else f"\\x{{{code:X}}}"


def _options(ignore_case: bool) -> Any:
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False
    return options


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str, *, ignore_case: bool = False) -> TenantPattern:
    """The pattern ready to match, or PatternError saying why it cannot run."""
    try:
        parsed = P.parse(pattern)
    except re.error as exc:
        raise PatternError(f"bad regular expression: {exc}", exc.pos) from None
    except RecursionError:
        raise PatternError("bad regular expression: nested too deeply") from None
    state = parsed.state.flags
    marks = min(_MAX_MARKS, sum(op is C.AT and arg is C.AT_BOUNDARY
                                for op, arg in _walk(list(parsed))))
    flags = _Flags(ignore_case or bool(state & C.SRE_FLAG_IGNORECASE),
                   bool(state & C.SRE_FLAG_DOTALL), bool(state & C.SRE_FLAG_MULTILINE),
                   bool(state & C.SRE_FLAG_ASCII), bool(marks))
    writer = _Writer(pattern, marks)
    source = writer.seq(parsed, flags)
    plain = _Flags(flags.ignore_case, flags.dotall, flags.multiline, flags.ascii, False)
    prefixes = writer.seq(parsed, plain, prefix=True) or ""
    try:
        compiled = re2.compile(source, _options(flags.ignore_case))
        starts = re2.compile(prefixes, _options(flags.ignore_case))
        # the marks at either end of the text belong to no item
        whole = re2.compile(f"{_M}*(?:{source}){_M}*", _options(flags.ignore_case)) if marks \
            else compiled
    except re2.error as exc:
        raise PatternError(f"the regular expression cannot run: {exc}") from None
    return TenantPattern(pattern, flags.ignore_case, compiled, starts, whole, marks)


def _walk(items: list[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    for op, arg in items:
        yield op, arg
        if op is C.BRANCH:
            for sub in arg[1]:
                yield from _walk(list(sub))
        elif op is C.SUBPATTERN:
            yield from _walk(list(arg[3]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            yield from _walk(list(arg[2]))
        elif op is C.ATOMIC_GROUP:
            yield from _walk(list(arg))
        elif op in (C.ASSERT, C.ASSERT_NOT):
            yield from _walk(list(arg[1]))


