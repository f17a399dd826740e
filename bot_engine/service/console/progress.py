"""A campaign's progress as the page draws it (plain SVG bars): leads by state as one
stacked bar, outcomes as bars against the largest, from the API's counts."""

from __future__ import annotations

from dataclasses import dataclass

from bot_engine.campaigns.engine import LEAD_STATES

FINAL_STATES = ("done", "skipped_dnc", "expired", "cancelled")
FINAL_CAMPAIGN = ("finished", "cancelled")


@dataclass(frozen=True)
class Segment:
    name: str
    count: int
    start: float
    """Percent of the bar before this segment."""
    width: float


@dataclass(frozen=True)
class Progress:
    leads: int
    finished: int
    percent: float
    segments: list[Segment]
    outcomes: list[Segment]
    """Largest first; `width` is relative to the largest, `start` is unused (0)."""


def progress(counts: dict[str, object]) -> Progress:
    states = counts.get("states") or {}
    outcomes = counts.get("outcomes") or {}
    assert isinstance(states, dict) and isinstance(outcomes, dict)
    leads = sum(int(states.get(s, 0)) for s in LEAD_STATES)
    finished = sum(int(states.get(s, 0)) for s in FINAL_STATES)
    segments = []
    start = 0.0
    for name in LEAD_STATES:
        count = int(states.get(name, 0))
        width = 100.0 * count / leads if leads else 0.0
        segments.append(Segment(name, count, round(start, 3), round(width, 3)))
        start += width
    ranked = sorted(((str(k), int(v)) for k, v in outcomes.items()), key=lambda kv: (-kv[1], kv[0]))
    top = ranked[0][1] if ranked else 0
    bars = [Segment(name, n, 0.0, round(100.0 * n / top, 3) if top else 0.0) for name, n in ranked]
    return Progress(
        leads=leads,
        finished=finished,
        percent=round(100.0 * finished / leads, 1) if leads else 0.0,
        segments=segments,
        outcomes=bars,
    )
