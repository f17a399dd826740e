"""The entity result type that crosses into the dialogue engine and the call result."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

EntityType = Literal["number", "integer", "money", "date", "time", "datetime", "phone", "name"]
ENTITY_TYPES: frozenset[str] = frozenset(
    ("number", "integer", "money", "date", "time", "datetime", "phone", "name")
)


class Entity(BaseModel):
    """One value found in an utterance, with its span in the original text.

    ``value`` is JSON-native: int/float for numbers and money, ISO-8601 strings for
    dates ("2026-11-23"), times ("15:00:00") and datetimes (tz-aware), E.164 for phones,
    a capitalised string for names.

    ``until`` is set on a date said as a period ("летом", "на следующей неделе", "в конце
    месяца", "next summer"), a range ("через месяц-два") or a deadline ("до весны",
    "by spring": ``value`` is today): the last day (ISO, inclusive). ``value`` is then
    the first day the caller can mean (never before today), or for a third of a month
    the day it points at (the 15th, the 25th). See ``entities/periods.py``.
    """

    type: EntityType
    value: Any
    text: str
    start: int
    end: int
    unit: str | None = None
    until: str | None = None
