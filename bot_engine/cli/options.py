"""Command-line options shared by several command groups."""

from __future__ import annotations

from typing import Annotated

import typer

VarOption = Annotated[
    list[str] | None,
    typer.Option("--var", help="A call variable, KEY=VALUE (repeatable)."),
]


def parse_vars(pairs: list[str] | None) -> dict[str, str]:
    """`--var K=V` pairs as a dict; a pair without `=` is a usage error, not a crash."""
    values: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--var")
        values[key.strip()] = value
    return values
