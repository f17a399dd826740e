"""voicebot's brain: the script language, the pure dialogue engine, NLU, and its shells."""

__version__ = "0.1.0"
