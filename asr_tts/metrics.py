"""Counters of the speech layer (Prometheus), so engine switches show on dashboards."""

from __future__ import annotations

import logging

from prometheus_client import REGISTRY, Counter

log = logging.getLogger("asr_tts.fallback")

ENGINE_FALLBACKS = Counter(
    "voicebot_speech_engine_fallbacks",
    "Times a speech engine failed and the next engine in the fallback list took over.",
    ["kind", "from_engine", "to_engine"],
)


def record_fallback(kind: str, from_engine: str, to_engine: str, reason: BaseException) -> None:
    """Log and count one switch from a failing engine to the next one."""
    log.warning(
        "%s engine %r failed (%s: %s); switching to %r",
        kind,
        from_engine,
        type(reason).__name__,
        reason,
        to_engine,
    )
    ENGINE_FALLBACKS.labels(kind=kind, from_engine=from_engine, to_engine=to_engine).inc()


def fallback_count(kind: str, from_engine: str, to_engine: str) -> float:
    """Current value of the fallback counter for one switch (for tests and status pages)."""
    labels = {"kind": kind, "from_engine": from_engine, "to_engine": to_engine}
    value = REGISTRY.get_sample_value("voicebot_speech_engine_fallbacks_total", labels)
    return value or 0.0
