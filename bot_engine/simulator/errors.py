"""The root of every error the text simulator raises (the model: `asr_tts/errors.py`);
both kinds are `ValueError`s too, which the CLI reports as bad input."""

from __future__ import annotations


class SimulatorError(Exception):
    """Base of every error of `bot_engine.simulator`."""


class BadCommand(SimulatorError, ValueError):
    """A typed line that starts with `/` and is no command the simulator knows."""


class BadTestFile(SimulatorError, ValueError):
    """A dialog test file that cannot be read or is not the documented shape."""
