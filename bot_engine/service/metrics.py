"""Prometheus metrics, one registry per app (so several apps can live in one test process).

Gauges that describe stored state (active calls, delivery backlog) are read from the
database at scrape time, so they stay right across restarts and with several workers.
Latency histograms are observed by the call session and the speech layer through
`ServiceMetrics`.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)


class ServiceMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.active_calls = Gauge(
            "voicebot_active_calls", "Calls ringing or in progress.", registry=self.registry
        )
        self.turns = Counter(
            "voicebot_turns", "Transcript turns recorded.", ["role"], registry=self.registry
        )
        self.asr_latency = Histogram(
            "voicebot_asr_latency_seconds",
            "End of speech to final ASR result.",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.tts_latency = Histogram(
            "voicebot_tts_latency_seconds",
            "Text to first TTS audio.",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.response_gap = Histogram(
            "voicebot_response_gap_seconds",
            "End of caller speech to first robot audio.",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.delivery_backlog = Gauge(
            "voicebot_delivery_backlog",
            "Deliveries waiting to be delivered.",
            registry=self.registry,
        )
        self.delivery_attempts = Counter(
            "voicebot_delivery_attempts", "Delivery attempts.", ["ok"], registry=self.registry
        )
        self.calls_created = Counter(
            "voicebot_calls_created", "Calls created through the API.", registry=self.registry
        )

    def attempt(self, ok: bool) -> None:
        self.delivery_attempts.labels(ok=str(ok).lower()).inc()
