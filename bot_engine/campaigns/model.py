"""The campaign's settings as the API takes them (`POST /v1/campaigns`), validated.

Times in `windows` are the lead's local wall-clock times; `skip_dates` are the lead's local
dates; `start` and `end` are instants (an offset is required, or `default_timezone` is used).
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from bot_engine.campaigns.durations import Duration
from bot_engine.delivery.targets import DeliveryTarget

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")

TELEPHONY_OUTCOMES: tuple[str, ...] = ("no_answer", "busy", "voicemail", "failed", "rejected")
"""Outcomes a call can have before or beside the dialog: retried like script outcomes."""


def clock_minutes(text: str) -> int:
    """`09:30` → 570; `24:00` (end of day) → 1440."""
    match = _CLOCK.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"expected a time HH:MM (00:00 to 24:00); got {text!r}")
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if minutes > 1440:
        raise ValueError(f"expected a time HH:MM (00:00 to 24:00); got {text!r}")
    return minutes


def check_zone(name: str) -> str:
    if not isinstance(name, str) or not name or len(name) > 64 or name.startswith(("/", ".")):
        raise ValueError(f"not a time zone: {name!r}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Moscow)"
        ) from exc
    return name


TimeRange = Annotated[list[str], Field(min_length=2, max_length=2)]


def default_windows() -> dict[Weekday, list[list[str]]]:
    weekday = [["09:00", "21:00"]]
    weekend = [["10:00", "20:00"]]
    return {d: list(weekday if d not in ("sat", "sun") else weekend) for d in WEEKDAYS}


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    windows: dict[Weekday, Annotated[list[TimeRange], Field(max_length=6)]] = Field(
        default_factory=default_windows,
        description="Calling windows per weekday in the lead's local time; a day that is "
        "not listed has no window. Default: Mon–Fri 09:00–21:00, Sat–Sun 10:00–20:00.",
    )
    skip_dates: list[date] = Field(
        default_factory=list, max_length=1000, description="Local dates with no calls."
    )
    start: datetime | None = Field(default=None, description="No call before this instant.")
    end: datetime | None = Field(
        default=None, description="No call after this instant; leads still due then expire."
    )

    @field_validator("windows")
    @classmethod
    def _windows(cls, value: dict[Weekday, list[list[str]]]) -> dict[Weekday, list[list[str]]]:
        for day, ranges in value.items():
            spans = []
            for first, last in ranges:
                begin, end = clock_minutes(first), clock_minutes(last)
                if begin >= end:
                    raise ValueError(
                        f"{day}: a window must end after it starts "
                        f"({first}–{last}); split a window over midnight "
                        "between two days"
                    )
                spans.append((begin, end))
            spans.sort()
            for (_, end), (begin, _) in itertools.pairwise(spans):
                if begin < end:
                    raise ValueError(f"{day}: windows overlap")
        return value

    @model_validator(mode="after")
    def _order(self) -> Schedule:
        if self.start and self.end and _aware(self.end) <= _aware(self.start):
            raise ValueError("end must be after start")
        return self

    def minutes(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Windows as minutes of the day, Monday first."""
        return tuple(
            tuple(sorted((clock_minutes(a), clock_minutes(b)) for a, b in self.windows.get(d, [])))
            for d in WEEKDAYS
        )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


class Pacing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_concurrent: int = Field(5, ge=1, le=1000, description="Calls of this campaign at once.")
    calls_per_minute: float = Field(
        30, gt=0, le=6000, description="Calls started per minute, evenly spaced."
    )


class RetryRule(BaseModel):
    """Call again after this outcome, up to `attempts` calls that end with it."""

    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(3, ge=1, le=50, description="Calls that may end with this outcome.")
    after: Duration | None = Field(default=None, description="Wait this long, e.g. 2h.")
    at: str | None = Field(
        default=None,
        max_length=100,
        description="A datetime result field naming when to call back (e.g. callback_at); "
        "`after` applies when the field is empty.",
    )

    @model_validator(mode="after")
    def _when(self) -> RetryRule:
        if self.after is None and self.at is None:
            raise ValueError("say when to call again: `after` (e.g. 2h) or `at` (a field)")
        return self

    def delay(self) -> timedelta:
        return self.after if self.after is not None else timedelta(hours=1)


def default_retries(outcomes: list[str], datetime_fields: list[str]) -> dict[str, RetryRule]:
    """Sensible retries for the shipped scripts: telephony failures again later, and a
    callback at the time the lead named."""
    rules = {
        "no_answer": RetryRule(attempts=3, after=timedelta(hours=2)),
        "busy": RetryRule(attempts=3, after=timedelta(minutes=20)),
        "voicemail": RetryRule(attempts=2, after=timedelta(hours=4)),
        "failed": RetryRule(attempts=2, after=timedelta(minutes=10)),
    }
    if "callback" in outcomes:
        field = "callback_at" if "callback_at" in datetime_fields else None
        rules["callback"] = RetryRule(attempts=3, after=timedelta(hours=2), at=field)
    return rules


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    script_id: str = Field(min_length=1, max_length=200)
    version: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Pin a script version; default: the latest now.",
    )
    caller_id: str | None = Field(
        default=None,
        pattern=r"^\+?[0-9A-Za-z@.:_-]{1,64}$",
        description="The From of every call (a number or SIP user).",
    )
    default_region: str | None = Field(
        default=None, description="Region for numbers written without +country (e.g. RU)."
    )
    default_timezone: str = Field(
        "Europe/Moscow", description="Zone of leads whose zone nothing else tells."
    )
    schedule: Schedule = Field(default_factory=Schedule)
    pacing: Pacing = Field(default_factory=Pacing)
    retries: dict[str, RetryRule] | None = Field(
        default=None,
        max_length=50,
        description="Per outcome (script outcomes and no_answer, busy, voicemail, failed, "
        "rejected); other outcomes end the lead. Default: see docs/campaigns.md.",
    )
    variables: dict[str, Any] = Field(default_factory=dict, description="For every lead.")
    webhook: AnyHttpUrl | DeliveryTarget | None = Field(
        default=None,
        description="Where each call's result goes (as on POST /v1/calls); a JSON webhook "
        "also gets the campaign's summary when it finishes.",
    )

    @field_validator("default_region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        if value not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown region {value!r} (an ISO 3166 code such as RU)")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_zone(value)

    @model_validator(mode="after")
    def _instants(self) -> CampaignCreate:
        zone = ZoneInfo(self.default_timezone)
        for name in ("start", "end"):
            value = getattr(self.schedule, name)
            if value is not None and value.tzinfo is None:
                setattr(self.schedule, name, value.replace(tzinfo=zone))
        return self
