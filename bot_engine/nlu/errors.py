"""The root of every error the NLU raises (the model: `asr_tts/errors.py`).

Each keeps the base callers catch: `NluInputError` is a `ValueError` (a language, a case,
a pattern, a Rasa file or an entity type the NLU cannot use), `NluBackendError` a
`RuntimeError` (a server outside the process failed).
"""

from __future__ import annotations


class NluError(Exception):
    """Base of every error of `bot_engine.nlu`."""


class NluInputError(NluError, ValueError):
    """Something the NLU was given and cannot use; the message says what and where."""


class RasaFileError(NluInputError):
    """A Rasa `nlu.yml` that is not the documented Rasa 3 format."""
