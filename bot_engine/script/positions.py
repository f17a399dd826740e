"""YAML/JSON parsing that remembers where every key and value came from.

ruamel.yaml's round-trip loader keeps line and column on each mapping and sequence; JSON is
YAML 1.2, so one parser serves both and every error can point into the uploaded text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError


class ParseError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parse(text: str) -> Any:
    """Parse YAML or JSON text into ruamel's position-carrying containers."""
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
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


def to_plain(node: Any) -> Any:
    """Drop the position wrappers: pydantic and the engine want plain dicts and lists."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if hasattr(node, "value") and type(node).__module__.startswith("ruamel"):
        return node.value  # scalar wrappers such as ScalarFloat keep their value
    return node


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
