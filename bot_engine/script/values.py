"""Typed values of variables, slots and result fields, kept JSON-native.

Dates, times and datetimes are ISO-8601 strings and phones are E.164 strings, so dialog
state and results serialise without custom encoders and read the same in every CRM.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any, NoReturn

import phonenumbers

from bot_engine.script.errors import ScriptLanguageError


class ValueProblem(ScriptLanguageError, ValueError):
    """A value that does not fit its declared type (a variable, a result field)."""


def shown(value: Any, limit: int = 60) -> str:
    """A value as an error message shows it: repr, cut short (values come from callers
    and tenants, and can be megabytes)."""
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 256 else "<int>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueProblem("expected a number, got a boolean")
    try:
        if isinstance(value, int | float):
            number: float = float(value)
        elif isinstance(value, str):
            number = float(value.replace(" ", "").replace(",", "."))
        else:
            raise ValueProblem(f"expected a number, got {type(value).__name__}")
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, ValueProblem):
            raise
        raise ValueProblem(f"expected a number, got {shown(value)}") from None
    if not math.isfinite(number):
        raise ValueProblem(f"expected a finite number, got {shown(value)}")
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _integer(value: Any) -> int:
    number = _number(value)
    if isinstance(number, float):
        raise ValueProblem(f"expected an integer, got {shown(value)}")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "yes", "1", "да"}:
        return True
    if isinstance(value, str) and value.lower() in {"false", "no", "0", "нет"}:
        return False
    raise ValueProblem(f"expected true or false, got {shown(value)}")


def _string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueProblem(f"expected text, got {type(value).__name__}")


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).isoformat() if len(value) >= 10 else _bad(
                value, "a date"
            )
        except ValueError as exc:
            raise ValueProblem(f"expected a date (YYYY-MM-DD), got {shown(value)}") from exc
    return _bad(value, "a date")


def _datetime(value: Any) -> str:
    """A datetime; a bare date is accepted too ("tomorrow" with no hour is still useful)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value).isoformat()
            return datetime.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise ValueProblem(f"expected a datetime (ISO 8601), got {shown(value)}") from exc
    return _bad(value, "a datetime")


def _time(value: Any) -> str:
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return time.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise ValueProblem(f"expected a time (HH:MM), got {shown(value)}") from exc
    return _bad(value, "a time")


def _phone(value: Any, region: str = "RU") -> str:
    text = _string(value)
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueProblem(f"expected a phone number, got {shown(value)}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValueProblem(f"expected a phone number, got {shown(value)}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


JSON_MAX_ITEMS = 50
JSON_MAX_DEPTH = 3
JSON_MAX_TEXT = 500


def _json(value: Any, depth: int = 0) -> Any:
    """A bounded JSON value (a backend's list of contacts, say): the backend is untrusted,
    so sizes, nesting and text lengths are capped rather than trusted."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        if len(value) > JSON_MAX_TEXT:
            raise ValueProblem(f"text longer than {JSON_MAX_TEXT} characters")
        return value
    if depth >= JSON_MAX_DEPTH:
        raise ValueProblem(f"nested deeper than {JSON_MAX_DEPTH} levels")
    if isinstance(value, list | tuple):
        if len(value) > JSON_MAX_ITEMS:
            raise ValueProblem(f"more than {JSON_MAX_ITEMS} items")
        return [_json(item, depth + 1) for item in value]
    if isinstance(value, dict):
        if len(value) > JSON_MAX_ITEMS:
            raise ValueProblem(f"more than {JSON_MAX_ITEMS} keys")
        return {_string(k)[:100]: _json(v, depth + 1) for k, v in value.items()}
    raise ValueProblem(f"expected JSON, got {type(value).__name__}")


def _bad(value: Any, what: str) -> NoReturn:
    raise ValueProblem(f"expected {what}, got {shown(value)}")


_COERCERS = {
    "string": _string,
    "text": _string,
    "number": _number,
    "integer": _integer,
    "bool": _bool,
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "phone": _phone,
    "json": _json,
}


def coerce(value: Any, types: list[str] | str) -> Any:
    """The value converted to the first of `types` that accepts it; None stays None."""
    if value is None:
        return None
    kinds = [types] if isinstance(types, str) else types
    problems = []
    for kind in kinds:
        try:
            return _COERCERS[kind](value)
        except ValueProblem as exc:
            problems.append(str(exc))
    raise ValueProblem("; ".join(problems))
