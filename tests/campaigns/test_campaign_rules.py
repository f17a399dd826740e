"""The rest of the pure core, table-tested: attempt outcomes, retries, pacing, durations,
and streamed upload parsing (chunk boundaries anywhere)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from bot_engine.campaigns import pacing
from bot_engine.campaigns.durations import format_duration, parse_duration
from bot_engine.campaigns.model import RetryRule
from bot_engine.campaigns.outcomes import attempt_outcome
from bot_engine.campaigns.retries import next_step
from bot_engine.campaigns.uploads import Record, UploadError, records

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("result", "cause", "expected"),
    [
        ({"outcome": "no_answer", "ending": "no_answer"}, "busy (486)", "busy"),
        ({"outcome": "no_answer", "ending": "no_answer"}, "no_answer (408)", "no_answer"),
        ({"outcome": "no_answer", "ending": "no_answer"}, "rejected (404)", "rejected"),
        ({"outcome": "no_answer", "ending": "no_answer"}, "failed (503)", "failed"),
        ({"outcome": "voicemail", "ending": "voicemail"}, "robot", "voicemail"),
        ({"outcome": "qualified", "ending": "completed"}, "robot", "qualified"),
        ({"outcome": "callback", "ending": "completed"}, "caller", "callback"),
        ({"outcome": "unclear", "ending": "hangup"}, "system_failure", "failed"),
        ({"outcome": "unclear", "ending": "error"}, "error: boom", "failed"),
        (None, "cancelled", "failed"),
    ],
)
def test_attempt_outcomes(result: dict | None, cause: str, expected: str) -> None:  # type: ignore[type-arg]
    assert attempt_outcome(result, cause) == expected


RULES = {
    "no_answer": RetryRule(attempts=3, after=timedelta(hours=2)),
    "busy": RetryRule(attempts=2, after=timedelta(minutes=20)),
    "callback": RetryRule(attempts=2, at="callback_at", after=timedelta(hours=1)),
}


@pytest.mark.parametrize(
    ("outcome", "counts", "fields", "retry_at"),
    [
        ("no_answer", {"no_answer": 1}, {}, T0 + timedelta(hours=2)),
        ("no_answer", {"no_answer": 3}, {}, None),
        ("busy", {"busy": 1, "no_answer": 2}, {}, T0 + timedelta(minutes=20)),
        ("busy", {"busy": 2}, {}, None),
        ("qualified", {"qualified": 1}, {}, None),
        (
            "callback",
            {"callback": 1},
            {"callback_at": "2026-12-04T11:00:00+03:00"},
            datetime(2026, 12, 4, 8, 0, tzinfo=UTC),
        ),
        (
            "callback",
            {"callback": 1},
            {"callback_at": "2026-12-04T11:00:00"},  # local: MSK
            datetime(2026, 12, 4, 8, 0, tzinfo=UTC),
        ),
        ("callback", {"callback": 1}, {"callback_at": None}, T0 + timedelta(hours=1)),
        (
            "callback",
            {"callback": 1},
            {"callback_at": "2026-12-01T11:00:00+03:00"},  # past
            T0 + timedelta(hours=1),
        ),
        ("callback", {"callback": 2}, {"callback_at": "2026-12-04T11:00:00+03:00"}, None),
    ],
)
def test_retries(
    outcome: str, counts: dict[str, int], fields: dict[str, object], retry_at: datetime | None
) -> None:
    step = next_step(outcome, counts, RULES, T0, fields, "Europe/Moscow")
    assert step.retry_at == retry_at


def _starts(cpm: float, tick: timedelta | None) -> list[datetime]:
    """Starts over three minutes, the dispatcher waking at each next slot (tick None) or
    polling every `tick`."""
    pace_at = None
    starts: list[datetime] = []
    now = T0
    while now < T0 + timedelta(minutes=3):
        slots = pacing.rate_slots(now, pace_at, cpm)
        starts += [now] * slots
        pace_at = pacing.after_starts(now, pace_at, cpm, slots)
        slot = pacing.next_slot(pace_at, cpm)
        now = (
            slot
            if tick is None and slot is not None and slot > now
            else now + (tick or timedelta(0))
        )
    return starts


@pytest.mark.parametrize("tick", [None, timedelta(milliseconds=300)])
def test_pacing_spaces_calls_evenly(tick: timedelta | None) -> None:
    """30 a minute: never two calls closer than 2 s, never 31 in a minute; waking at the
    slots gives the full rate."""
    starts = _starts(30, tick)
    assert min(b - a for a, b in pairwise(starts)) >= timedelta(seconds=2)
    for first in starts:
        assert len([s for s in starts if first <= s < first + timedelta(minutes=1)]) <= 30
    if tick is None:
        assert len(starts) == 90


def test_pacing_above_one_a_second_allows_a_one_second_burst() -> None:
    assert pacing.rate_slots(T0, None, 600) == 10
    pace_at = pacing.after_starts(T0, None, 600, 10)
    assert pacing.rate_slots(T0, pace_at, 600) == 0
    assert pacing.next_slot(pace_at, 600) == T0 + timedelta(milliseconds=100)
    assert pacing.rate_slots(T0 + timedelta(milliseconds=100), pace_at, 600) == 1


@pytest.mark.parametrize(
    ("ceiling", "share", "outbound", "inbound", "room"),
    [
        (10, 0.2, 0, 0, 8),  # two slots kept for inbound calls
        (10, 0.2, 8, 0, 0),
        (10, 0.2, 5, 2, 3),  # inbound within its share does not slow campaigns
        (10, 0.2, 5, 4, 1),  # inbound beyond its share: the ceiling still holds
        (10, 0.0, 9, 0, 1),
        (3, 0.2, 0, 0, 2),  # a share rounds up to at least one slot
        (1, 0.5, 0, 0, 0),
    ],
)
def test_tenant_ceiling_keeps_a_share_for_inbound(
    ceiling: int, share: float, outbound: int, inbound: int, room: int
) -> None:
    assert pacing.tenant_room(ceiling, share, outbound, inbound) == room


def test_durations() -> None:
    assert parse_duration("2h") == timedelta(hours=2)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration(" 20M ") == timedelta(minutes=20)
    assert format_duration(timedelta(hours=26, seconds=5)) == "1d2h5s"
    for bad in ("", "2", "h", "-1h", "0s", "61d", "2 h", "1h2d"):
        with pytest.raises(ValueError):
            parse_duration(bad)


async def _chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


async def _read(data: str | bytes, kind: str, size: int) -> list[Record]:
    raw = data.encode() if isinstance(data, str) else data
    return [r async for r in records(_chunks(raw, size), kind)]


CSV = '\ufeffphone,name\n+74957770001,"Ivan ""the"" \nTerrible"\n\n+74957770002,Пётр\n1,2,3\n'


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
async def test_csv_records_survive_any_chunking(size: int) -> None:
    got = await _read(CSV, "csv", size)
    assert got[0].values == {"__header__": ["phone", "name"]}
    assert [(r.row, r.values, r.error) for r in got[1:]] == [
        (2, {"phone": "+74957770001", "name": 'Ivan "the" \nTerrible'}, None),
        (4, {"phone": "+74957770002", "name": "Пётр"}, None),
        (5, None, "3 values for 2 columns"),
    ]


JSON = '[{"phone": "+74957770001", "name": "Пётр"}, 5, {"phone": "x", "n": [1, {"a": 2}]}]'


@pytest.mark.parametrize("size", [1, 3, 5, 1000])
async def test_json_arrays_survive_any_chunking(size: int) -> None:
    got = await _read(JSON, "json", size)
    assert [(r.row, r.values is not None, r.error is None) for r in got] == [
        (1, True, True),
        (2, False, False),
        (3, True, True),
    ]
    assert got[0].values == {"phone": "+74957770001", "name": "Пётр"}


async def test_json_lines_report_a_bad_line_and_go_on() -> None:
    got = await _read('{"phone": "1"}\nnot json\n[1]\n\n{"phone": "2"}', "jsonl", 4)
    assert [(r.row, r.error) for r in got] == [
        (1, None),
        (2, "not JSON"),
        (3, got[2].error),
        (4, None),
    ]
    assert got[2].error is not None and got[2].error.startswith("expected an object")


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"phone\n\xff\xfe1\n", "csv", "byte 7: not UTF-8"),
        ("", "csv", "row 1: the file is empty"),
        ('phone\n"+7495\n', "csv", "never closed"),
        ('{"phone": 1}', "json", "expected a JSON array"),
        ('[{"phone": 1}', "json", "not closed"),
        ('[{"phone": 1}] x', "json", "after the end"),
        ("[" + " " * 10 + '{"a": "' + "x" * 70_000 + '"}]', "json", "longer than"),
    ],
)
async def test_unreadable_uploads_say_where(data: str | bytes, kind: str, message: str) -> None:
    with pytest.raises(UploadError, match=message):
        await _read(data, kind, 4096)
