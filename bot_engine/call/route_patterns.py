"""Route patterns: what a routing field means and whether two patterns could ever match
the same number.

A pattern is exact text, or (when it holds a regex metacharacter) a regular expression
that must match the whole value. Patterns come from tenants, so they run on the
linear-time engine of `bot_engine.tenant_regex`: a match takes time linear in the value
whatever the pattern, and a pattern that engine cannot run is refused when the route is
made (`check_pattern`).

Overlap (`may_overlap`) decides route ownership between tenants, so it must never say
"disjoint" for two patterns that share a number. It is exact for text against text and
text against a pattern. For two regular expressions it is conservative: every number a
pattern matches starts with the pattern's *literal prefix* (`^\\+7812\\d{7}$` → `+7812`),
so two patterns whose prefixes are not prefixes of each other are disjoint; otherwise
each pattern must be able to continue the longer prefix (`TenantPattern.can_start`), and
if both can, they are taken to overlap even when a cleverer analysis could tell them apart.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # the stdlib's own parser: the exact `re` syntax
from typing import Any

from bot_engine.tenant_regex import PatternError, compile_pattern

_METACHARACTERS = frozenset("^$*+?[](){}|\\")


def is_regex(pattern: str) -> bool:
    """Plain text is an exact match; a regex metacharacter makes it a full-match regex.
    An E.164 number's leading "+" is text, and so is a dot (`sip.example.com`)."""
    body = pattern[1:] if pattern.startswith("+") else pattern
    return any(ch in _METACHARACTERS for ch in body)


def check_pattern(pattern: str) -> None:
    """PatternError (a ValueError) for a regular expression that does not compile or that
    the linear-time engine cannot run (backreferences, lookaround)."""
    if is_regex(pattern):
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            raise PatternError(f"regular expression {pattern!r}: {exc}", exc.offset) from None


def matches(pattern: str | None, value: str) -> bool:
    """Does `pattern` (None: anything) match the whole `value`?"""
    if pattern is None:
        return True
    if not is_regex(pattern):
        return pattern == value
    return compile_pattern(pattern).fullmatch(value)


def literal_prefix(pattern: str) -> str:
    """The text every value matching `pattern` starts with ("" when unknown)."""
    if not is_regex(pattern):
        return pattern
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return ""
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return ""
    items: list[Any] = list(parsed)
    prefix: list[str] = []
    for op, arg in items:  # a quantifier wraps its item, so a bare LITERAL is mandatory
        if op is sre_parse.AT and arg in (sre_parse.AT_BEGINNING, sre_parse.AT_BEGINNING_STRING):
            if prefix:
                break
            continue
        if op is not sre_parse.LITERAL:
            break
        prefix.append(chr(arg))
    return "".join(prefix)


def may_overlap(a: str, b: str) -> bool:
    """Could one value match both patterns? Never False when they share a value."""
    a_regex, b_regex = is_regex(a), is_regex(b)
    if not a_regex and not b_regex:
        return a == b
    if not a_regex or not b_regex:
        text, pattern = (a, b) if not a_regex else (b, a)
        return _can_match(pattern, text, partial=False)
    shorter, longer = sorted((literal_prefix(a), literal_prefix(b)), key=len)
    if not longer.startswith(shorter):
        return False  # different leading digits: no number starts with both
    return _can_match(a, longer, partial=True) and _can_match(b, longer, partial=True)


def _can_match(pattern: str, text: str, *, partial: bool) -> bool:
    compiled = compile_pattern(pattern)
    return compiled.can_start(text) if partial else compiled.fullmatch(text)
