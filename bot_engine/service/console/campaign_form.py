"""The new-campaign form: its text fields to the API's own request model (`CampaignCreate`),
so the console creates exactly what `POST /v1/campaigns` would, with the same checks.

Windows are typed per weekday as `09:00-21:00, 14:00-18:00` (empty: no calls that day),
dates as a list, retries and variables as small YAML documents. What the model refuses comes
back as `path: message` lines, with the API's paths.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bot_engine.campaigns.model import WEEKDAYS, CampaignCreate, clock_minutes, default_windows
from bot_engine.service.console.web import yaml_mapping, yaml_value

FIELD_CHARS = 10_000
TEXT_FIELDS = (
    "name", "script_id", "version", "caller_id", "default_region", "default_timezone",
    "skip_dates", "start", "end", "max_concurrent", "calls_per_minute", "retries",
    "variables", "webhook", *(f"window_{day}" for day in WEEKDAYS),
)
_DASH = re.compile(r"\s*[-–—]\s*")
_SEPARATORS = re.compile(r"[,;\s]+")


class FormProblems(ValueError):
    """What is wrong with the form, one line each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def windows_text(ranges: list[list[str]]) -> str:
    return ", ".join(f"{first}-{last}" for first, last in ranges)


def defaults() -> dict[str, str]:
    """The form as it opens: the API's defaults, written out."""
    form = {
        "default_region": "RU",
        "default_timezone": "Europe/Moscow",
        "max_concurrent": "5",
        "calls_per_minute": "30",
    }
    for day, ranges in default_windows().items():
        form[f"window_{day}"] = windows_text(ranges)
    return form


def _windows(day: str, text: str) -> list[list[str]]:
    ranges = []
    for piece in text.replace("\n", ",").split(","):
        piece = piece.strip()
        if not piece:
            continue
        parts = _DASH.split(piece)
        if len(parts) != 2:
            raise ValueError(f"schedule.windows.{day}: {piece!r} is not HH:MM-HH:MM")
        for part in parts:
            try:
                clock_minutes(part)
            except ValueError as exc:
                raise ValueError(f"schedule.windows.{day}: {exc}") from None
        ranges.append(parts)
    return ranges


def _retries(text: str) -> dict[str, Any] | None:
    value = yaml_value(text)
    if value is None:
        return None
    shape = "expected lines such as `no_answer: {attempts: 3, after: 2h}`"
    if not isinstance(value, dict):
        raise ValueError(f"retries: {shape}")
    for outcome, rule in value.items():
        if not isinstance(outcome, str):
            raise ValueError(f"retries: {shape}")
        if not isinstance(rule, dict) or any(
            isinstance(v, list | dict) or not isinstance(k, str) for k, v in rule.items()
        ):
            raise ValueError(f"retries.{outcome}: {shape}")
    return value


def campaign_request(form: Mapping[str, str]) -> CampaignCreate:
    """The form's fields as the API's request; FormProblems lists every mistake."""
    problems: list[str] = []
    for name in TEXT_FIELDS:
        if len(form.get(name, "")) > FIELD_CHARS:
            problems.append(f"{name}: at most {FIELD_CHARS} characters")
    if problems:
        raise FormProblems(problems)

    def text(name: str) -> str:
        return form.get(name, "").strip()

    body: dict[str, Any] = {"name": text("name"), "script_id": text("script_id")}
    for name in ("version", "caller_id", "default_region", "default_timezone", "webhook"):
        if text(name):
            body[name] = text(name)
    schedule: dict[str, Any] = {"windows": {}}
    for day in WEEKDAYS:
        try:
            ranges = _windows(day, text(f"window_{day}"))
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if ranges:
            schedule["windows"][day] = ranges
    schedule["skip_dates"] = [d for d in _SEPARATORS.split(text("skip_dates")) if d]
    for name in ("start", "end"):
        if text(name):
            schedule[name] = text(name)
    body["schedule"] = schedule
    body["pacing"] = {
        name: text(name) for name in ("max_concurrent", "calls_per_minute") if text(name)
    }
    for name, parse in (("retries", _retries), ("variables", yaml_mapping)):
        try:
            value = parse(form.get(name, ""))
        except ValueError as exc:
            message = str(exc)
            problems.append(message if message.startswith(name) else f"{name}: {message}")
            continue
        if value is not None:
            body[name] = value
    try:
        request = CampaignCreate.model_validate(body)
    except ValidationError as exc:
        problems.extend(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" if e["loc"] else e["msg"]
            for e in exc.errors()
        )
    if problems:
        raise FormProblems(problems)
    return request
