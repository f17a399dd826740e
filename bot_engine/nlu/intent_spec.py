"""A script's intent as written: what the matcher is built from (its own module, so the
built-in handlers can declare theirs without importing the matcher)."""

from __future__ import annotations

from pydantic import BaseModel


class IntentSpec(BaseModel):
    """One intent of a script: example utterances and/or regular expressions."""

    examples: list[str] = []
    patterns: list[str] = []
