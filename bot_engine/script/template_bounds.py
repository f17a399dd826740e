"""A Jinja2 sandbox that also bounds work and memory, not only attribute access.

Jinja2's `SandboxedEnvironment` stops `__class__` escapes but lets a template compute
`10**(10**7)` (26 s of CPU) or `'x' * 300000000` (300 MB). Scripts come from tenants and
their templates run on the event loop of every live call, so here:

- `*`, `**`, `+` and `%` are intercepted and refused before a result would exceed
  `MAX_LENGTH` items or characters, or `MAX_INT_BITS` bits;
- filters and method calls that take a width or build a string from others (`center`,
  `indent`, `wordwrap`, `replace`, `join`, `format`, `batch`, ...) are checked the same way,
  and every result is checked after;
- `~` concatenation and `for` loops are rewritten to bounded forms, and every loop
  iteration, call, filter and operator spends one unit of a budget shared by all the
  templates of one dialog event (`budget()`), with a time limit as a last safety net;
- macros, call and filter blocks, `{% set %}` blocks and includes are refused: prompts do
  not need them and each is a way to build text outside these checks.
"""

from __future__ import annotations

import functools
import re
import string
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, nodes
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer
from typing_extensions import override

MAX_LENGTH = 100_000
"""Characters of a string, or items of a list, that an expression may build."""
MAX_INT_BITS = 4_096
"""Bits of an integer an expression may build (about 1,233 decimal digits)."""
MAX_RANGE = 10_000
"""Items of `range(...)` in a template."""
MAX_OUTPUT = 10_000
"""Characters of one rendered text: a prompt of that length is already 12 minutes of speech."""
BUDGET_OPS = 20_000
"""Work per dialog event: one unit for each loop iteration, call, filter or intercepted
operator, plus one for every `CHARS_PER_OP` characters or items a result holds (so a loop
that builds big strings runs out after a few megabytes, not gigabytes)."""
CHARS_PER_OP = 100
BUDGET_SECONDS = 1.0
"""Wall time of the templates of one dialog event: only a last safety net. The work budget
above is what bounds a template, the same on every machine; a wall-clock limit tight enough
to matter would fail ordinary templates on a loaded machine (a step's whole work budget
takes a few milliseconds)."""

_FORBIDDEN: dict[type[nodes.Node], str] = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.FilterBlock: "filter blocks",
    nodes.AssignBlock: "{% set %} blocks",
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
}


@dataclass
class _Budget:
    ops: int
    deadline: float


_BUDGET: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


class _Scope:
    """`budget()`'s scope: a class rather than a generator, since every dialog event and
    every condition enters one (a generator's context manager costs about three times
    as much to enter and leave)."""

    __slots__ = ("_ops", "_seconds", "_token")

    def __init__(self, ops: int, seconds: float) -> None:
        self._ops = ops
        self._seconds = seconds
        self._token: Token[_Budget | None] | None = None

    def __enter__(self) -> None:
        if _BUDGET.get() is None:
            self._token = _BUDGET.set(_Budget(self._ops, time.monotonic() + self._seconds))

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _BUDGET.reset(self._token)


def budget(ops: int = BUDGET_OPS, seconds: float = BUDGET_SECONDS) -> _Scope:
    """One budget for every template rendered inside (a dialog event); nested scopes
    share the outermost one."""
    return _Scope(ops, seconds)


def _tick(units: int = 1) -> None:
    spent = _BUDGET.get()
    if spent is None:
        return
    spent.ops -= units
    if spent.ops < 0:
        raise SecurityError(f"the templates of this step did more than {BUDGET_OPS} operations")
    if time.monotonic() > spent.deadline:
        raise SecurityError(f"the templates of this step took longer than {BUDGET_SECONDS} s")


def _refuse(what: str) -> SecurityError:
    return SecurityError(f"{what} (limit {MAX_LENGTH:,} characters or items)")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 0


def _checked(value: Any) -> Any:
    size = _size(value)
    if size > MAX_LENGTH:
        raise _refuse(f"a value of {size:,} characters or items")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise SecurityError(f"a number of more than {MAX_INT_BITS} bits")
    if size >= CHARS_PER_OP:
        _tick(size // CHARS_PER_OP)
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_power(base: Any, exponent: Any) -> None:
    if (
        _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1
        and abs(base).bit_length() * exponent > MAX_INT_BITS
    ):
        raise SecurityError(f"a power of more than {MAX_INT_BITS} bits")


def _check_product(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        if _size(seq) and _is_int(times) and times > 0 and len(seq) * times > MAX_LENGTH:
            raise _refuse(f"a repetition of {len(seq):,} x {times:,}")
    if (
        _is_int(left) and _is_int(right)
        and abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS
    ):
        raise SecurityError(f"a product of more than {MAX_INT_BITS} bits")


_PRINTF_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_printf(fmt: Any) -> None:
    if not isinstance(fmt, str):
        return
    for width, precision in _PRINTF_WIDTH.findall(fmt):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_LENGTH):
                raise _refuse(f"a format width of {number}")


def _check_format_spec(fmt: str) -> None:
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format raises the same error itself
    for _literal, _name, spec, _conversion in fields:
        if spec and ("{" in spec or any(int(n) > MAX_LENGTH for n in re.findall(r"\d+", spec))):
            raise _refuse(f"a format spec {spec!r}")


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return
    if len(new) > len(old):
        occurrences = len(text) + 1 if not old else text.count(old)
        if len(text) + occurrences * (len(new) - len(old)) > MAX_LENGTH:
            raise _refuse("a replacement")


def _check_join(separator: Any, items: Any) -> None:
    if isinstance(items, list | tuple) and isinstance(separator, str):
        total = len(separator) * max(0, len(items) - 1) + sum(_size(i) for i in items)
        if total > MAX_LENGTH:
            raise _refuse(f"a join of {len(items):,} items")


def _check_width_args(args: Iterable[Any]) -> None:
    for arg in args:
        if _is_int(arg) and abs(arg) > MAX_LENGTH:
            raise _refuse(f"a width or count of {arg:,}")


_STR_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_FILTERS_WITHOUT_WIDTHS = frozenset({"default", "d", "replace", "int", "float", "abs"})


def _check_filter(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    values = list(args)
    if values and isinstance(values[0], Context | EvalContext | Environment):
        values = values[1:]  # pass_context / pass_eval_context / pass_environment
    if name not in _FILTERS_WITHOUT_WIDTHS:
        _check_width_args([*values[1:], *kwargs.values()])
    if name == "replace" and len(values) >= 3:
        _check_replace(values[0], values[1], values[2])
    elif name == "join" and values:
        separator = values[1] if len(values) > 1 else kwargs.get("d", "")
        items = values[0] if isinstance(values[0], list | tuple) else None
        _check_join(separator, items)
    elif name == "format" and values:
        _check_printf(values[0])
    elif name == "indent" and values and isinstance(values[0], str):
        width = values[1] if len(values) > 1 else kwargs.get("width", 4)
        per_line = len(width) if isinstance(width, str) else width if _is_int(width) else 0
        if len(values[0]) + per_line * (values[0].count("\n") + 1) > MAX_LENGTH:
            raise _refuse("an indentation")
    elif name == "wordwrap" and values and isinstance(values[0], str):
        wrap = kwargs.get("wrapstring") or (values[4] if len(values) > 4 else None) or "\n"
        if isinstance(wrap, str) and len(values[0]) * (1 + len(wrap)) > MAX_LENGTH:
            raise _refuse("a word wrap")


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # keeps Jinja's pass_context / pass_eval_context marks
    def run(*args: Any, **kwargs: Any) -> Any:
        _tick()
        _check_filter(name, args, kwargs)
        return _checked(func(*args, **kwargs))

    return run


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range of {len(numbers):,} items (limit {MAX_RANGE:,})")
    return numbers


def _bounded_iter(value: Any) -> Iterator[Any]:
    """What `{% for %}` iterates over: every item spends budget."""
    for item in value:
        _tick()
        yield item


def _bounded_concat(parts: tuple[Any, ...]) -> str:
    """What `a ~ b ~ c` builds, refused before it exceeds MAX_LENGTH."""
    _tick()
    texts = [str(part) for part in parts]
    if sum(len(text) for text in texts) > MAX_LENGTH:
        raise _refuse("a concatenation")
    return str(_checked("".join(texts)))


class _Bound(NodeTransformer):
    """Rewrites loops and `~` into their bounded forms."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        if node.recursive:
            raise SecurityError("recursive loops are not allowed in script templates")
        self.generic_visit(node)  # in place: children first (nested loops)
        node.iter = nodes.Filter(node.iter, "_bounded_iter", [], [], None, None,
                                 lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        items = nodes.Tuple(list(node.nodes), "load", lineno=node.lineno)
        return nodes.Filter(items, "_bounded_concat", [], [], None, None, lineno=node.lineno)


def check_nodes(tree: nodes.Node) -> None:
    """Raise SecurityError for a construct script templates may not use."""
    for kind, what in _FORBIDDEN.items():
        if tree.find(kind) is not None:
            raise SecurityError(f"{what} are not allowed in script templates")
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            raise SecurityError("recursive loops are not allowed in script templates")


class BoundedEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        self.filters["_bounded_iter"] = _bounded_iter
        self.filters["_bounded_concat"] = _bounded_concat
        for name in ("lipsum", "cycler", "joiner", "namespace"):
            self.globals.pop(name, None)  # text generators and mutable state: not for prompts
        self.globals["range"] = _bounded_range

    def _generate(self, source: nodes.Template, name: str | None, filename: str | None,
                  defer_init: bool = False) -> str:
        check_nodes(source)
        bounded = _Bound().visit(source)
        code: str = super()._generate(bounded, name, filename, defer_init)
        return code

    @override
    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        _tick()
        if operator_ == "**":
            _check_power(left, right)
        elif operator_ == "*":
            _check_product(left, right)
        elif operator_ == "%" and isinstance(left, str):
            _check_printf(left)
        return _checked(self.binop_table[operator_](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            method = getattr(__obj, "__name__", "")
            if method in _STR_WIDTH_METHODS:
                _check_width_args([*args, *kwargs.values()])
            elif method == "replace" and len(args) >= 2:
                _check_replace(owner, args[0], args[1])
            elif method == "join" and args:
                _check_join(owner, args[0] if isinstance(args[0], list | tuple) else None)
        return _checked(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_format_spec(value.__self__)
        return wrapped


def bounded_output(pieces: Iterable[str]) -> str:
    """Join rendered pieces, refusing text longer than MAX_OUTPUT as soon as it is."""
    out: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_OUTPUT:
            raise SecurityError(f"the rendered text is longer than {MAX_OUTPUT:,} characters")
        out.append(piece)
    return "".join(out)


__all__ = [
    "MAX_LENGTH",
    "MAX_OUTPUT",
    "BoundedEnvironment",
    "bounded_output",
    "budget",
    "check_nodes",
]
