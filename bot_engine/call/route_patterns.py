"""Route patterns: what a routing field means, matched within a time budget, and whether
two patterns could ever match the same number.

A pattern is exact text, or (when it holds a regex metacharacter) a regular expression
that must match the whole value. Patterns come from tenants, so matching is bounded: each
match runs in the `regex` module with a timeout and without holding the GIL, and all the
matches made for one call share a `MatchBudget`. A pattern that gives up is a no-match
with a log line, never a stall.

Overlap (`may_overlap`) decides route ownership between tenants, so it must never say
"disjoint" for two patterns that share a number. It is exact for text against text and
text against a pattern. For two regular expressions it is conservative: every number a
pattern matches starts with the pattern's *literal prefix* (`^\\+7812\\d{7}$` → `+7812`),
so two patterns whose prefixes are not prefixes of each other are disjoint; otherwise
each pattern must be able to continue the longer prefix (`regex` partial matching), and if
both can, they are taken to overlap even when a cleverer analysis could tell them apart.
"""

from __future__ import annotations

import logging
import re
import re._parser as sre_parse  # the stdlib's own parser: the exact `re` syntax
import time
from functools import lru_cache
from typing import Any

import regex

from bot_engine.call.errors import CallError

log = logging.getLogger(__name__)

MATCH_TIMEOUT_S = 0.05
"""The most one pattern may take against one value."""
PROBE_TIMEOUT_S = 0.1
"""At creation, a pattern that needs longer than this on a probe is refused as too slow."""
_METACHARACTERS = frozenset("^$*+?[](){}|\\")
_PROBES = tuple(
    body + tail
    for body in ("7" * 48, "+7" + "9" * 46, "a" * 48, "1a" * 24, "+" * 48, "sip" * 16)
    for tail in ("", "!")
)
"""Long runs of digits, letters and "+", each also with a tail that fails the match:
backtracking blows up on the values a pattern almost matches."""


class PatternGaveUp(CallError):
    """A match ran out of time (the pattern is too slow on this value)."""


def is_regex(pattern: str) -> bool:
    """Plain text is an exact match; a regex metacharacter makes it a full-match regex.
    An E.164 number's leading "+" is text, and so is a dot (`sip.example.com`)."""
    body = pattern[1:] if pattern.startswith("+") else pattern
    return any(ch in _METACHARACTERS for ch in body)


def check_pattern(pattern: str) -> None:
    """ValueError for a regular expression that does not compile."""
    if is_regex(pattern):
        try:
            re.compile(pattern)
            _compiled(pattern)
        except (re.error, regex.error) as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None


def check_speed(pattern: str) -> None:
    """ValueError for a regular expression that is too slow on simple probe values
    (catastrophic backtracking such as `^(a|aa)+$`): checked when a tenant creates it."""
    if not is_regex(pattern):
        return
    compiled = _compiled(pattern)
    for probe in _PROBES:
        try:
            compiled.fullmatch(probe, timeout=PROBE_TIMEOUT_S, concurrent=True)
        except TimeoutError:
            raise ValueError(
                f"the regular expression {pattern!r} is too slow (it backtracks without "
                "bound); simplify it"
            ) from None


class MatchBudget:
    """The time all the pattern matches made for one call may take together."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.exhausted = False

    def timeout(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.exhausted = True
        return max(0.0, min(MATCH_TIMEOUT_S, left))


def matches(pattern: str | None, value: str, budget: MatchBudget | None = None) -> bool:
    """Does `pattern` (None: anything) match the whole `value`? Too slow: no match."""
    if pattern is None:
        return True
    if not is_regex(pattern):
        return pattern == value
    timeout = budget.timeout() if budget is not None else MATCH_TIMEOUT_S
    if timeout <= 0:
        return False  # the call's budget is spent (logged once by whoever set it)
    try:
        return _compiled(pattern).fullmatch(value, timeout=timeout, concurrent=True) is not None
    except TimeoutError:
        log.warning("routing: pattern %r gave up on %r (too slow); no match", pattern, value[:80])
        return False


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
    """Could one value match both patterns? Never False when they share a value; a
    pattern that is too slow to tell counts as overlapping."""
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
    try:
        found = _compiled(pattern).fullmatch(
            text, partial=partial, timeout=PROBE_TIMEOUT_S, concurrent=True
        )
    except TimeoutError:
        return True
    return found is not None


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    return regex.compile(pattern)
