"""voicebot's brain: the script language, the pure dialogue engine, NLU, and its shells."""

__version__ = "0.1.0"
"""The one place the version is written (pyproject.toml and the API read it here)."""
