"""Collecting DTMF digits for one `Listen`: a count, a terminator or an inter-digit timeout.

Sans-I/O: the session pushes digits with the time they arrived and asks for the deadline;
the collector says when the entry is complete. Time is in seconds on any monotonic clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot_engine.dialog.actions import DtmfSpec

DEFAULT_SPEC = DtmfSpec(max_digits=1)
"""A step that expects no DTMF still takes one key (the Dialog then decides)."""


@dataclass
class DtmfCollector:
    spec: DtmfSpec = field(default_factory=lambda: DEFAULT_SPEC)
    digits: str = ""
    last_at: float | None = None

    def push(self, digit: str, at: float) -> str | None:
        """Add a key; returns the complete entry when this key completes it."""
        self.digits += digit
        self.last_at = at
        if self.spec.terminator is not None and digit == self.spec.terminator:
            return self._take()
        if self.spec.max_digits is not None and len(self.digits) >= self.spec.max_digits:
            return self._take()
        return None

    @property
    def deadline(self) -> float | None:
        """When the entry completes by the inter-digit timeout (None: no digits yet)."""
        if not self.digits or self.last_at is None:
            return None
        return self.last_at + self.spec.inter_digit_timeout_ms / 1000

    def expire(self, now: float) -> str | None:
        """The entry, if the inter-digit timeout has passed."""
        deadline = self.deadline
        if deadline is not None and now >= deadline:
            return self._take()
        return None

    def _take(self) -> str:
        digits, self.digits, self.last_at = self.digits, "", None
        return digits
