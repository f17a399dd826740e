"""What an attempt's outcome means for its lead: done, or call again at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot_engine.campaigns.model import RetryRule


@dataclass(frozen=True)
class NextStep:
    retry_at: datetime | None
    """None: the lead is done. Otherwise the earliest time to call again (the window
    rule then moves it to the next opening)."""
    reason: str


def next_step(
    outcome: str,
    counts: dict[str, int],
    rules: dict[str, RetryRule],
    now: datetime,
    fields: dict[str, Any] | None = None,
    zone: str | None = None,
) -> NextStep:
    """`counts` already includes this attempt. A callback at a time the lead named uses
    that time when it is in the future; naive times are read in the lead's zone."""
    rule = rules.get(outcome)
    if rule is None:
        return NextStep(None, f"{outcome} ends the lead")
    if counts.get(outcome, 0) >= rule.attempts:
        return NextStep(None, f"{outcome}: {rule.attempts} attempt(s) used")
    if rule.at is not None:
        named = parse_instant((fields or {}).get(rule.at), zone)
        if named is not None and named > now:
            return NextStep(named, f"{outcome}: at {rule.at}")
    return NextStep(now + rule.delay(), f"{outcome}: after {rule.delay()}")


def parse_instant(value: Any, zone: str | None) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone) if zone else UTC)
    return parsed.astimezone(UTC)
