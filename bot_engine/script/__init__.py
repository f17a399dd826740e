"""The script language: models, loading with precise errors, and the exported JSON Schema."""

from __future__ import annotations

from typing import Any

from bot_engine.script.loader import (
    LoadedScript,
    ScriptError,
    ScriptIssue,
    load_script,
    load_script_file,
)
from bot_engine.script.model import Script
from bot_engine.script.variables import validate_variables


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the script language, for editors and API clients."""
    schema = Script.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "voicebot dialog script"
    return schema


__all__ = [
    "LoadedScript",
    "Script",
    "ScriptError",
    "ScriptIssue",
    "json_schema",
    "load_script",
    "load_script_file",
    "validate_variables",
]
