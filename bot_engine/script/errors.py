"""The root of every error the script package raises (the model: `asr_tts/errors.py`).

`ScriptError` (an invalid script, with every issue's file, line and column) is the one a
caller usually meets; the others are the parts it is built from (limits, positions,
values, templates) and keep their `ValueError` base where pydantic or callers need it.
"""

from __future__ import annotations


class ScriptLanguageError(Exception):
    """Base of every error of `bot_engine.script`."""
