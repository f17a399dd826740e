"""YAML/JSON parsing that remembers where every key and value came from.

ruamel.yaml's round-trip loader keeps line and column on each mapping and sequence; JSON is
YAML 1.2, so one parser serves both and every error can point into the uploaded text.

The parser is bounded (`ScriptLimits`): nesting is counted by the scanner as it opens each
level, so `[[[[…` stops at the first bracket too many instead of running the scanner's
simple-key bookkeeping (quadratic in flow depth) to the end; aliases and anchors are
counted by the composer, and nodes are counted as aliases are expanded, so an alias bomb
stops after `max_nodes` copies instead of billions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent
from ruamel.yaml.scanner import RoundTripScanner

from bot_engine.script.errors import ScriptLanguageError
from bot_engine.script.limits import DEFAULT_LIMITS, LimitExceeded, ScriptLimits


class ParseError(ScriptLanguageError):
    """YAML or JSON that does not parse, or parses over a limit, at `line`:`column`."""

    def __init__(self, message: str, line: int, column: int, limit: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.limit = limit


def _where(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _BoundedScanner(RoundTripScanner):
    """Counts block indentation levels and open flow brackets as the scanner opens them."""

    def _check_depth(self) -> None:
        limits: ScriptLimits = self.loader.limits
        depth = len(self.indents) + self.flow_level
        if depth > limits.max_depth:
            line, column = _where(self.reader.get_mark())
            raise LimitExceeded(
                "max_depth", f"nested deeper than {limits.max_depth} levels (max_depth)",
                line, column,
            )

    def add_indent(self, column: int) -> bool:
        added: bool = super().add_indent(column)
        if added:
            self._check_depth()
        return added

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:
        super().fetch_flow_collection_start(TokenClass, to_push)
        self._check_depth()


class _BoundedComposer(Composer):
    """Counts aliases and anchors, bounds nesting, and refuses text that is not Unicode
    (a lone surrogate from a `"\\ud800"` escape cannot be stored or sent as JSON)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        limits: ScriptLimits = self.loader.limits
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent) or event.anchor is not None:
            self.loader.aliases_seen += 1
            if self.loader.aliases_seen > limits.max_aliases:
                line, column = _where(event.start_mark)
                raise LimitExceeded(
                    "max_aliases",
                    f"more than {limits.max_aliases} YAML aliases and anchors (max_aliases)",
                    line, column,
                )
        if self.depth + 1 > limits.max_depth:
            line, column = _where(event.start_mark)
            raise LimitExceeded(
                "max_depth", f"nested deeper than {limits.max_depth} levels (max_depth)",
                line, column,
            )
        if isinstance(event, ScalarEvent) and not is_unicode(event.value):
            line, column = _where(event.start_mark)
            raise ParseError("text with a lone surrogate (not valid Unicode)", line, column)
        if index is None and self.loader.steps_depth == self.depth:
            self.loader.steps_seen += 1  # a key of the top-level `steps` mapping
            if self.loader.steps_seen > limits.max_steps:
                line, column = _where(event.start_mark)
                raise LimitExceeded(
                    "max_steps", f"more than {limits.max_steps} steps (max_steps)", line, column
                )
        if self.depth == 1 and getattr(index, "value", None) == "steps":
            self.loader.steps_depth = 2  # counted while the scanner reads, not after
            try:
                return super().compose_node(parent, index)
            finally:
                self.loader.steps_depth = -1
        return super().compose_node(parent, index)


def is_unicode(text: str) -> bool:
    """False for text with lone surrogates, which no UTF-8 consumer accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _BoundedYAML(YAML):
    """The round-trip loader with the bounded scanner and composer, which read `limits`
    and count `aliases_seen` here (ruamel hands them the loader)."""

    def __init__(self, limits: ScriptLimits) -> None:
        super().__init__(typ="rt", pure=True)
        self.allow_duplicate_keys = False
        self.Scanner = _BoundedScanner
        self.Composer = _BoundedComposer
        self.limits = limits
        self.aliases_seen = 0
        self.steps_depth = -1
        self.steps_seen = 0


def parse(text: str, limits: ScriptLimits = DEFAULT_LIMITS) -> Any:
    """Parse YAML or JSON text into ruamel's position-carrying containers (bounded)."""
    yaml = _BoundedYAML(limits)
    try:
        return yaml.load(text)
    except LimitExceeded as exc:
        raise ParseError(exc.message, exc.line, exc.column, limit=exc.limit) from None
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(f"nested too deeply (max_depth {limits.max_depth})", 1, 1,
                         limit="max_depth") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return _raise(ParseError(f"invalid YAML: {problem}", line, column))
    except Exception as exc:  # ruamel raises a handful of unmarked errors as well
        raise ParseError(f"invalid YAML: {exc}", 1, 1) from exc


def _raise(exc: Exception) -> Any:
    raise exc


def to_plain(node: Any, limits: ScriptLimits = DEFAULT_LIMITS) -> Any:
    """Drop the position wrappers: pydantic and the engine want plain dicts and lists.

    Aliases are shared nodes in ruamel's tree and become copies here, so this is where an
    alias bomb would grow: nodes are counted and the copy stops at `max_nodes`."""
    budget = [limits.max_nodes]

    def plain(node: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise LimitExceeded(
                "max_nodes",
                f"more than {limits.max_nodes} values once aliases are expanded (max_nodes)",
            )
        if depth > limits.max_depth:
            raise LimitExceeded(
                "max_depth",
                f"nested deeper than {limits.max_depth} levels once aliases are expanded "
                "(max_depth)",
            )
        if isinstance(node, dict):
            return {
                str(k) if not isinstance(k, str) else k: plain(v, depth + 1)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [plain(v, depth + 1) for v in node]
        if hasattr(node, "value") and type(node).__module__.startswith("ruamel"):
            return node.value  # scalar wrappers such as ScalarFloat keep their value
        return node

    return plain(node, 0)


def locate(root: Any, loc: Sequence[str | int]) -> tuple[int, int, tuple[str | int, ...]]:
    """Line, column (1-based) and the part of `loc` that exists in the document.

    Validation locations may contain entries that are not in the text (union member names,
    the index of a shorthand normalised into a list); those are skipped.
    """
    node = root
    line, column = 1, 1
    if isinstance(root, CommentedMap | CommentedSeq):
        line, column = root.lc.line + 1, root.lc.col + 1
    found: list[str | int] = []
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            kline, kcol = node.lc.key(part)
            line, column = kline + 1, kcol + 1
            node = node[part]
            found.append(part)
        elif (
            isinstance(node, CommentedSeq)
            and isinstance(part, int)
            and 0 <= part < len(node)
        ):
            iline, icol = node.lc.item(part)
            line, column = iline + 1, icol + 1
            node = node[part]
            found.append(part)
    return line, column, tuple(found)


def path_str(parts: Sequence[str | int]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out
