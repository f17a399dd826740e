"""The window rule: when may a lead be called?

A lead has one or more candidate zones (a Russian mobile number may be anywhere from
Kaliningrad to Kamchatka). An instant is allowed when, in *every* candidate zone, it falls
inside that weekday's window, the local date is not a skip date, and it lies between the
schedule's start and end. So nobody is ever called at night, whatever zone they are in.

Windows are wall-clock times: a 09:00–21:00 window is 09:00–21:00 local time on both sides
of a daylight-saving change. The allowed instants are computed per week as UTC intervals
(intersected over the zones) and cached, so the rule costs a lookup per lead.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot_engine.campaigns.model import Schedule

Interval = tuple[datetime, datetime]
_EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday: weeks are counted from here
_WEEK = timedelta(days=7)
HORIZON_WEEKS = 60
"""How far ahead an opening is searched before a lead is given up (about 14 months)."""


@dataclass(frozen=True)
class WindowRule:
    windows: tuple[tuple[tuple[int, int], ...], ...]
    """Per weekday (Monday first): (start, end) minutes of the local day."""
    skip_dates: frozenset[date] = frozenset()
    start: datetime | None = None
    end: datetime | None = None
    _cache: dict[tuple[tuple[str, ...], int], tuple[Interval, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @classmethod
    def from_schedule(cls, schedule: Schedule) -> WindowRule:
        return cls(
            windows=schedule.minutes(),
            skip_dates=frozenset(schedule.skip_dates),
            start=schedule.start.astimezone(UTC) if schedule.start else None,
            end=schedule.end.astimezone(UTC) if schedule.end else None,
        )

    # --- the two questions ---------------------------------------------------------------

    def next_opening(self, after: datetime, zones: Sequence[str]) -> datetime | None:
        """The first allowed instant at or after `after`, or None when there is none before
        the schedule's end (or within the horizon)."""
        after = after.astimezone(UTC)
        if self.start is not None and after < self.start:
            after = self.start
        key = tuple(sorted(set(zones)))
        week = _week_of(after)
        for offset in range(HORIZON_WEEKS):
            if self.end is not None and _week_start(week + offset) > self.end:
                return None
            for begin, end in self._allowed(key, week + offset):
                if end > after:
                    return max(begin, after)
        return None

    def contains(self, at: datetime, zones: Sequence[str]) -> bool:
        at = at.astimezone(UTC)
        intervals = self._allowed(tuple(sorted(set(zones))), _week_of(at))
        i = bisect.bisect_right([begin for begin, _ in intervals], at) - 1
        return i >= 0 and intervals[i][0] <= at < intervals[i][1]

    def window_end(self, at: datetime, zones: Sequence[str]) -> datetime | None:
        """When the allowed interval holding `at` closes (None when `at` is not allowed)."""
        at = at.astimezone(UTC)
        key = tuple(sorted(set(zones)))
        week = _week_of(at)
        closing: datetime | None = None
        for offset in range(HORIZON_WEEKS):
            for begin, end in self._allowed(key, week + offset):
                if closing is None:
                    if begin <= at < end:
                        closing = end
                elif begin == closing:  # the interval goes on into the next week
                    closing = end
                else:
                    return closing
            if closing is None:
                return None
        return closing

    # --- the intervals -------------------------------------------------------------------

    def _allowed(self, zones: tuple[str, ...], week: int) -> tuple[Interval, ...]:
        cached = self._cache.get((zones, week))
        if cached is None:
            lo, hi = _week_start(week), _week_start(week + 1)
            combined: list[Interval] | None = None
            for zone in zones:
                own = _clip(self._zone_intervals(zone, lo, hi), lo, hi)
                combined = own if combined is None else _intersect(combined, own)
            bounds_lo = max(lo, self.start) if self.start else lo
            bounds_hi = min(hi, self.end) if self.end else hi
            cached = tuple(_clip(combined or [], bounds_lo, bounds_hi))
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[(zones, week)] = cached
        return cached

    def _zone_intervals(self, zone: str, lo: datetime, hi: datetime) -> list[Interval]:
        tz = _zone(zone)
        first = lo.astimezone(tz).date() - timedelta(days=1)
        last = hi.astimezone(tz).date() + timedelta(days=1)
        out: list[Interval] = []
        day = first
        while day <= last:
            if day not in self.skip_dates:
                midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
                for begin, end in self.windows[day.weekday()]:
                    out.append((_wall(midnight, begin), _wall(midnight, end)))
            day += timedelta(days=1)
        return _merge(out)


def _wall(midnight: datetime, minutes: int) -> datetime:
    """The UTC instant of a local wall-clock time (aware arithmetic stays on the wall
    clock in Python, so the day's own offset applies)."""
    return (midnight + timedelta(minutes=minutes)).astimezone(UTC)


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _week_of(at: datetime) -> int:
    return (at - _EPOCH) // _WEEK


def _week_start(week: int) -> datetime:
    return _EPOCH + week * _WEEK


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for begin, end in sorted(intervals):
        if end <= begin:
            continue
        if out and begin <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((begin, end))
    return out


def _clip(intervals: Iterable[Interval], lo: datetime, hi: datetime) -> list[Interval]:
    return [
        (max(b, lo), min(e, hi))
        for b, e in intervals
        if e > lo and b < hi and max(b, lo) < min(e, hi)
    ]


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        begin = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if begin < end:
            out.append((begin, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out
