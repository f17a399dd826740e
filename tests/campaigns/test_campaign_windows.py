"""The window rule, table-tested across zones, daylight-saving changes, skip dates, several
windows a day, midnight, start and end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
import pytest

from bot_engine.campaigns.model import Schedule
from bot_engine.campaigns.windows import WindowRule
from bot_engine.campaigns.zones import lead_zones

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MSK = ZoneInfo("Europe/Moscow")
MOBILE = lead_zones(phonenumbers.parse("+79161234567"), default="UTC").zones


def rule(windows: dict[str, list[list[str]]] | None = None, **extra: object) -> WindowRule:
    schedule = Schedule(windows=windows or {d: [["09:00", "21:00"]] for d in DAYS}, **extra)
    return WindowRule.from_schedule(schedule)


def at(text: str, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


DAILY = rule()
CASES = [
    # (why, rule, zones, after, expected first opening)
    (
        "before the window opens",
        DAILY,
        ["Europe/Moscow"],
        at("2026-12-03 08:00", "Europe/Moscow"),
        at("2026-12-03 09:00", "Europe/Moscow"),
    ),
    (
        "inside the window: now",
        DAILY,
        ["Europe/Moscow"],
        at("2026-12-03 20:59", "Europe/Moscow"),
        at("2026-12-03 20:59", "Europe/Moscow"),
    ),
    (
        "the end is exclusive",
        DAILY,
        ["Europe/Moscow"],
        at("2026-12-03 21:00", "Europe/Moscow"),
        at("2026-12-04 09:00", "Europe/Moscow"),
    ),
    (
        "Vladivostok's 09:00 is 02:00 in Moscow",
        DAILY,
        ["Asia/Vladivostok"],
        at("2026-12-03 00:00", "Europe/Moscow"),
        at("2026-12-03 02:00", "Europe/Moscow"),
    ),
    (
        "a mobile number anywhere in Russia: 10:00 Moscow time",
        DAILY,
        list(MOBILE),
        at("2026-12-03 00:00", "Europe/Moscow"),
        at("2026-12-03 10:00", "Europe/Moscow"),
    ),
    (
        "a mobile number after 12:00 Moscow: tomorrow",
        DAILY,
        list(MOBILE),
        at("2026-12-03 12:00", "Europe/Moscow"),
        at("2026-12-04 10:00", "Europe/Moscow"),
    ),
    (
        "Berlin before summer time: 09:00 CET is 08:00 UTC",
        DAILY,
        ["Europe/Berlin"],
        at("2026-03-28 00:00"),
        at("2026-03-28 08:00"),
    ),
    (
        "Berlin on the day summer time starts: 09:00 CEST is 07:00 UTC",
        DAILY,
        ["Europe/Berlin"],
        at("2026-03-29 00:00"),
        at("2026-03-29 07:00"),
    ),
    (
        "New York the day before winter time: 09:00 EDT is 13:00 UTC",
        DAILY,
        ["America/New_York"],
        at("2026-10-31 02:00"),
        at("2026-10-31 13:00"),
    ),
    (
        "New York when winter time starts: 09:00 EST is 14:00 UTC",
        DAILY,
        ["America/New_York"],
        at("2026-11-01 02:00"),
        at("2026-11-01 14:00"),
    ),
    (
        "Berlin and New York in winter: 15:00 Berlin = 09:00 New York",
        DAILY,
        ["Europe/Berlin", "America/New_York"],
        at("2026-01-14 00:00"),
        at("2026-01-14 14:00"),
    ),
    (
        "Berlin and New York while only the US has summer time: 5 hours apart",
        DAILY,
        ["Europe/Berlin", "America/New_York"],
        at("2026-03-16 00:00"),
        at("2026-03-16 13:00"),
    ),
    (
        "Kaliningrad in summer: 09:00 is 07:00 UTC (Bucharest's would be 06:00)",
        DAILY,
        ["Europe/Kaliningrad"],
        at("2026-07-01 06:30"),
        at("2026-07-01 07:00"),
    ),
    (
        "a skip date is the lead's local date",
        rule(skip_dates=[date(2026, 12, 4)]),
        ["Asia/Vladivostok"],
        at("2026-12-03 22:00", "Europe/Moscow"),
        at("2026-12-05 09:00", "Asia/Vladivostok"),
    ),
    (
        "a day without windows is skipped",
        rule({d: [["09:00", "21:00"]] for d in DAYS[:6]}),
        ["Europe/Moscow"],
        at("2026-12-05 21:30", "Europe/Moscow"),
        at("2026-12-07 09:00", "Europe/Moscow"),
    ),
    (
        "two windows a day: the gap is closed",
        rule({d: [["09:00", "12:00"], ["14:00", "18:00"]] for d in DAYS}),
        ["Europe/Moscow"],
        at("2026-12-03 12:30", "Europe/Moscow"),
        at("2026-12-03 14:00", "Europe/Moscow"),
    ),
    (
        "not before the campaign's start",
        rule(start=at("2026-12-10 15:00", "Europe/Moscow")),
        ["Europe/Moscow"],
        at("2026-12-03 10:00", "Europe/Moscow"),
        at("2026-12-10 15:00", "Europe/Moscow"),
    ),
]


@pytest.mark.parametrize(
    ("why", "rule_", "zones", "after", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_first_opening(
    why: str, rule_: WindowRule, zones: list[str], after: datetime, expected: datetime
) -> None:
    opening = rule_.next_opening(after, zones)
    assert opening == expected
    assert rule_.contains(opening, zones)


def test_a_mobile_number_has_two_hours_a_day() -> None:
    opening = DAILY.next_opening(at("2026-12-03 00:00", "Europe/Moscow"), MOBILE)
    assert opening is not None
    assert DAILY.window_end(opening, MOBILE) == at("2026-12-03 12:00", "Europe/Moscow")
    assert not DAILY.contains(at("2026-12-03 12:00", "Europe/Moscow"), MOBILE)
    assert not DAILY.contains(at("2026-12-03 09:59", "Europe/Moscow"), MOBILE)


def test_no_opening_before_the_end_means_none() -> None:
    ends = rule(end=at("2026-12-03 21:00", "Europe/Moscow"))
    assert ends.next_opening(at("2026-12-03 20:00", "Europe/Moscow"), ["Europe/Moscow"]) == at(
        "2026-12-03 20:00", "Europe/Moscow"
    )
    assert ends.next_opening(at("2026-12-03 21:00", "Europe/Moscow"), ["Europe/Moscow"]) is None
    # Windows no zone pair shares: Moscow 09:00-10:00 and Vladivostok 09:00-10:00.
    narrow = rule({d: [["09:00", "10:00"]] for d in DAYS})
    assert (
        narrow.next_opening(at("2026-12-03 00:00"), ["Europe/Moscow", "Asia/Vladivostok"]) is None
    )


def test_a_window_to_midnight_runs_on_into_the_next_day() -> None:
    late = rule({d: [["00:00", "02:00"], ["20:00", "24:00"]] for d in DAYS})
    inside = at("2026-12-03 23:00", "Europe/Moscow")
    assert late.contains(inside, ["Europe/Moscow"])
    assert late.window_end(inside, ["Europe/Moscow"]) == at("2026-12-04 02:00", "Europe/Moscow")


def test_a_window_across_the_spring_gap_keeps_its_wall_clock_ends() -> None:
    night = rule({d: [["01:00", "04:00"]] for d in DAYS})
    # 29 March 2026 in Berlin: 01:00 CET = 00:00 UTC, 04:00 CEST = 02:00 UTC (two hours).
    zones = ["Europe/Berlin"]
    assert night.next_opening(at("2026-03-28 23:30"), zones) == at("2026-03-29 00:00")
    assert night.window_end(at("2026-03-29 01:30"), zones) == at("2026-03-29 02:00")
    assert not night.contains(at("2026-03-29 02:00"), zones)


def test_openings_hold_across_a_year_in_every_russian_zone() -> None:
    """Every 6 hours for a year: an opening is allowed in every zone and nothing allowed
    lies between the query time and it."""
    zones = list(MOBILE)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    checked = 0
    while moment.year == 2026:
        opening = DAILY.next_opening(moment, zones)
        assert opening is not None and opening >= moment
        for zone in zones:
            local = opening.astimezone(ZoneInfo(zone))
            assert 9 * 60 <= local.hour * 60 + local.minute < 21 * 60, (zone, local)
        assert DAILY.contains(opening, zones)
        if opening > moment:
            assert not DAILY.contains(moment, zones)
        moment += timedelta(hours=6)
        checked += 1
    assert checked == 1460
