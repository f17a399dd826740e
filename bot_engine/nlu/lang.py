"""Script language tags (``ru-RU``, ``en-US``) reduced to the two languages the NLU knows."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from bot_engine.nlu.errors import NluInputError

Lang = Literal["ru", "en"]

_KNOWN: dict[str, Lang] = {"ru": "ru", "en": "en"}


@lru_cache(maxsize=64)
def lang_of(language: str) -> Lang:
    """Return the NLU language of a BCP-47-ish tag: ``"ru-RU"`` -> ``"ru"``.

    Raises ``NluInputError`` (a ``ValueError``) for languages the NLU has no rules for, so a
    script in an unsupported language fails at load time instead of mis-understanding callers.
    """
    if not isinstance(language, str):
        raise NluInputError(f"language must be a string like 'ru-RU' or 'en-US', got {language!r}")
    primary = language.strip().replace("_", "-").split("-", 1)[0].lower()
    try:
        return _KNOWN[primary]
    except KeyError:
        raise NluInputError(
            f"unsupported NLU language {language!r}: expected ru or en (e.g. 'ru-RU', 'en-US')"
        ) from None
