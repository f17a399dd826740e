"""Safe templates and conditions for scripts.

Jinja2's SandboxedEnvironment renders prompts and evaluates conditions: scripts come from
customers, so there is no Python eval, no attribute escapes (`__class__` and friends are
refused by the sandbox) and no imports. The sandbox is also bounded (`template_bounds`):
arithmetic, repetition, loops and output size, so a template cannot hold the event loop or
fill memory. Compiled templates are cached per source string, because the same prompt is
rendered on every call.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Undefined, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError

from bot_engine.script.errors import ScriptLanguageError
from bot_engine.script.name_filters import name_filters
from bot_engine.script.template_bounds import (
    BoundedEnvironment,
    bounded_output,
    budget,
    check_nodes,
)

BUILTIN_NAMES = frozenset(
    {"utterance", "now", "value", "intent", "response", "step", "confidence", "digits",
     "transfer"}
)
_ENV = BoundedEnvironment(undefined=Undefined, autoescape=False, trim_blocks=True)
_ENV.filters.update(name_filters())
_NATIVE = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.S)
_SIMPLE_NAME = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class TemplateProblem(ScriptLanguageError):
    """A template or condition that cannot be compiled or evaluated."""


def is_template(source: str) -> bool:
    return "{{" in source or "{%" in source


def undeclared_names(source: str) -> set[str]:
    """Names a template or expression reads that it does not define itself."""
    try:
        ast = _ENV.parse(source)
        check_nodes(ast)
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(str(exc)) from exc
    return set(meta.find_undeclared_variables(ast))


def expression_names(expression: str) -> set[str]:
    try:
        ast = _ENV.parse("{{ " + expression + " }}")
        check_nodes(ast)
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(f"bad condition {expression!r}: {exc}") from exc
    return {node.name for node in ast.find_all(nodes.Name) if node.ctx == "load"}


@lru_cache(maxsize=4096)
def _template(source: str) -> Any:
    try:
        return _ENV.from_string(source)
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(str(exc)) from exc


@lru_cache(maxsize=4096)
def _expression(expression: str) -> Any:
    try:
        return _ENV.compile_expression(expression, undefined_to_none=True)
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(f"bad expression {expression!r}: {exc}") from exc


@lru_cache(maxsize=4096)
def _simple_parts(source: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Literal text and plain `{{ name }}` references, when that is all a template has.

    Most prompts are exactly that; substituting them directly costs a fraction of a Jinja
    render, which matters on the per-turn path. Anything else goes through Jinja.
    """
    names = _SIMPLE_NAME.findall(source)
    literals = tuple(_SIMPLE_NAME.split(source)[::2])
    if any("{{" in part or "{%" in part or "{#" in part for part in literals):
        return None
    return literals, tuple(names)


def _substitute(parts: tuple[tuple[str, ...], tuple[str, ...]], context: dict[str, Any]) -> str:
    literals, names = parts
    out = [literals[0]]
    for name, literal in zip(names, literals[1:], strict=True):
        value = context.get(name)
        out.append("" if name not in context else str(value))
        out.append(literal)
    try:
        return bounded_output(out).strip()
    except SecurityError as exc:
        raise TemplateProblem(str(exc)) from exc


def render(source: str, context: dict[str, Any]) -> str:
    """Render a text template; plain text is returned as is, without touching Jinja.

    The text is at most `MAX_OUTPUT` characters; the work is bounded by the `budget()` of
    the dialog event (each call opens its own budget when there is none)."""
    if not is_template(source):
        return source
    simple = _simple_parts(source)
    if simple is not None:
        return _substitute(simple, context)
    try:
        with budget():
            return bounded_output(_template(source).generate(context)).strip()
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(str(exc)) from exc
    except TemplateProblem:
        raise
    except Exception as exc:  # runtime errors inside expressions (type errors, ...)
        raise TemplateProblem(f"{type(exc).__name__}: {exc}") from exc


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    try:
        with budget():
            return _expression(expression)(**context)
    except TemplateProblem:
        raise
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(str(exc)) from exc
    except Exception as exc:
        raise TemplateProblem(f"{type(exc).__name__}: {exc}") from exc


def value_of(source: Any, context: dict[str, Any]) -> Any:
    """The value of a `set:` entry: literals stay typed, `"{{ expr }}"` keeps the
    expression's native type, any other template renders to text."""
    if not isinstance(source, str):
        return source
    match = _NATIVE.match(source)
    if match and "{{" not in match.group(1) and "}}" not in match.group(1):
        return evaluate(match.group(1), context)
    return render(source, context)
