"""Durations as people write them in a campaign: `90s`, `20m`, `2h`, `1d`, `1h30m`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_PATTERN = re.compile(r"^(?:(\d{1,3})d)?(?:(\d{1,4})h)?(?:(\d{1,5})m)?(?:(\d{1,6})s)?$")
MAX = timedelta(days=60)


def parse_duration(text: str) -> timedelta:
    """`2h` → 2 hours. Raises ValueError with the accepted forms."""
    match = _PATTERN.match(text.strip().lower()) if isinstance(text, str) else None
    if match is None or not any(match.groups()):
        raise ValueError(f"expected a duration such as 90s, 20m, 2h, 1d or 1h30m; got {text!r}")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    value = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if value <= timedelta(0) or value > MAX:
        raise ValueError(f"a duration must be more than 0 and at most 60 days; got {text!r}")
    return value


def format_duration(value: timedelta) -> str:
    total = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def _coerce(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, str):
        return parse_duration(value)
    raise ValueError(f"expected a duration string such as 2h; got {value!r}")


Duration = Annotated[
    timedelta,
    BeforeValidator(_coerce),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _PATTERN.pattern, "examples": ["20m", "2h"]}),
]
