"""How many calls may start now: the campaign's rate and concurrency, and the tenant's
ceiling with a share kept free for inbound calls.

Rate: calls start evenly spaced, `60 / calls_per_minute` seconds apart (a generic cell
rate algorithm with a small burst of one second's worth of calls above 60 a minute), so a
trunk sees a steady pace rather than a burst each minute. The state is one instant per
campaign (`pace_at`, the theoretical arrival time), kept in the database with the claim.

Ceiling: the tenant's calls at once (single calls, campaign calls and inbound calls share
it). Outbound calls may take at most `ceiling - reserved` slots, where `reserved` is the
inbound share, so a campaign never starves the inbound line.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta


def interval(calls_per_minute: float) -> timedelta:
    return timedelta(seconds=60.0 / calls_per_minute)


def burst(calls_per_minute: float) -> int:
    return max(1, math.floor(calls_per_minute / 60.0))


def _tolerance(calls_per_minute: float) -> timedelta:
    return interval(calls_per_minute) * (burst(calls_per_minute) - 1)


def rate_slots(now: datetime, pace_at: datetime | None, calls_per_minute: float) -> int:
    """Calls the rate allows at `now`, given the theoretical arrival time `pace_at`."""
    size = burst(calls_per_minute)
    if pace_at is None or pace_at <= now:
        return size
    tolerance = _tolerance(calls_per_minute)
    if pace_at - tolerance > now:
        return 0
    return min(size, int((now + tolerance - pace_at) / interval(calls_per_minute)) + 1)


def after_starts(
    now: datetime, pace_at: datetime | None, calls_per_minute: float, started: int
) -> datetime | None:
    """The new `pace_at` once `started` calls have started at `now`."""
    if started <= 0:
        return pace_at
    base = pace_at if pace_at is not None and pace_at > now else now
    return base + interval(calls_per_minute) * started


def next_slot(pace_at: datetime | None, calls_per_minute: float) -> datetime | None:
    """When the rate next allows a call."""
    return None if pace_at is None else pace_at - _tolerance(calls_per_minute)


def reserved_for_inbound(ceiling: int, share: float) -> int:
    if share <= 0:
        return 0
    return min(ceiling, max(1, math.ceil(ceiling * share)))


def tenant_room(ceiling: int, share: float, outbound: int, inbound: int) -> int:
    """Outbound calls the tenant may still start: within `ceiling - reserved`, and within
    the whole ceiling when inbound calls already use more than their share."""
    cap = ceiling - reserved_for_inbound(ceiling, share)
    return max(0, min(cap - outbound, ceiling - outbound - inbound))


def room(
    *,
    now: datetime,
    pace_at: datetime | None,
    calls_per_minute: float,
    max_concurrent: int,
    in_flight: int,
    tenant_free: int,
) -> int:
    """How many calls this campaign may start now."""
    by_rate = rate_slots(now, pace_at, calls_per_minute)
    return max(0, min(by_rate, max_concurrent - in_flight, tenant_free))
