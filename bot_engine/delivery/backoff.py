"""Retry schedule: exponential backoff with jitter, bounded by a total horizon.

Pure: the random source is passed in, so the schedule is testable and reproducible.
"""

from __future__ import annotations

import random

from pydantic import BaseModel, ConfigDict, Field


class DeliverySchedule(BaseModel):
    """Exponential backoff with jitter; the horizon bounds the total time before dead-letter."""

    model_config = ConfigDict(extra="forbid")

    first_delay_s: float = 5.0
    factor: float = 2.0
    max_delay_s: float = 3600.0
    horizon_s: float = 24 * 3600.0
    jitter: float = Field(0.2, ge=0.0, le=1.0)
    """Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]."""
    timeout_s: float = 15.0
    """Timeout of each connect, read and write of a request to a receiver (the whole
    request is bounded by the service's `outbound.request_timeout_s`)."""


def nominal_delay(attempt: int, schedule: DeliverySchedule) -> float:
    """Delay before attempt `attempt + 1`, after `attempt` failed attempts (no jitter)."""
    return min(
        schedule.first_delay_s * schedule.factor ** max(attempt - 1, 0), schedule.max_delay_s
    )


def next_delay(
    attempt: int, schedule: DeliverySchedule, rng: random.Random | None = None
) -> float | None:
    """Seconds to wait after failed attempt number `attempt` (1-based), or None when the
    nominal schedule would go past the horizon: the delivery is then dead-lettered."""
    elapsed = sum(nominal_delay(n, schedule) for n in range(1, attempt + 1))
    if elapsed > schedule.horizon_s:
        return None
    delay = nominal_delay(attempt, schedule)
    spread = schedule.jitter * delay
    r = (rng or random).uniform(-spread, spread)
    return max(0.0, delay + r)


def max_attempts(schedule: DeliverySchedule) -> int:
    """How many attempts the schedule allows in total (first one included)."""
    attempt = 1
    while next_delay(attempt, schedule, random.Random(0)) is not None:
        attempt += 1
        if attempt > 10_000:
            break
    return attempt
