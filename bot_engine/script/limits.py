"""How much of a script one upload may ask the parser, the validator and the renderer to do.

Scripts come from tenants, and everything runs next to live calls: a 549-byte YAML alias
bomb, 20 KB of `[[[[…]]]]` or a 10,000-step script each used to hold the process for
10-25 s. Every limit here is checked while parsing, before the costly part, and a script
over one is refused with the limit's name and, where there is one, its line and column.
The defaults are generous for hand-written scripts (the shipped ones are under 10 KB,
depth 8, under 20 steps, no aliases).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot_engine.script.errors import ScriptLanguageError


class ScriptLimits(BaseModel):
    """Bounds on one script document; `voicebot serve` takes them from `script_limits`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_bytes: int = Field(256_000, ge=1_000, le=10_000_000)
    """UTF-8 size of the document. Parsing costs about 5 µs a byte in pure Python."""
    max_depth: int = Field(32, ge=4, le=200)
    """Nesting of mappings and sequences (block or flow)."""
    max_aliases: int = Field(16, ge=0, le=10_000)
    """YAML aliases (`*name`) plus anchors (`&name`): each alias copies its anchor's node."""
    max_nodes: int = Field(20_000, ge=100, le=10_000_000)
    """Scalars, mappings and sequences after aliases are expanded."""
    max_steps: int = Field(500, ge=1, le=100_000)
    max_pattern_length: int = Field(1_000, ge=10, le=100_000)
    """Characters of one intent or handler regular expression."""
    max_examples: int = Field(2_000, ge=10, le=1_000_000)
    """Intent and handler examples plus patterns (Rasa imports included): each example is
    lemmatized when a script is first used, about a millisecond each for unknown words."""


DEFAULT_LIMITS = ScriptLimits()


class LimitExceeded(ScriptLanguageError, ValueError):
    """A document over one of the limits; `limit` names it (`max_depth`, ...)."""

    def __init__(self, limit: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.limit = limit
        self.message = message
        self.line = line
        self.column = column
