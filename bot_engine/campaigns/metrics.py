"""Per-campaign metrics on the service's registry. Lead gauges are read from the database
at scrape time (right after a restart and with several workers); counters count what this
process did."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class CampaignMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.leads = Gauge(
            "voicebot_campaign_leads",
            "Leads of active campaigns by state.",
            ["campaign", "state"],
            registry=registry,
        )
        self.outcomes = Gauge(
            "voicebot_campaign_lead_outcomes",
            "Leads of active campaigns by last outcome.",
            ["campaign", "outcome"],
            registry=registry,
        )
        self.calls_placed = Counter(
            "voicebot_campaign_calls", "Campaign calls placed.", ["campaign"], registry=registry
        )
        self.attempts = Counter(
            "voicebot_campaign_attempts",
            "Campaign calls ended, by outcome.",
            ["campaign", "outcome"],
            registry=registry,
        )
        self.skipped_dnc = Counter(
            "voicebot_campaign_skipped_dnc",
            "Leads skipped as do-not-call.",
            ["campaign"],
            registry=registry,
        )
        self.round_seconds = Histogram(
            "voicebot_campaign_dispatch_seconds",
            "One dispatch round of one campaign.",
            buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0),
            registry=registry,
        )

    def set_leads(self, campaign: str, states: dict[str, int], outcomes: dict[str, int]) -> None:
        for state, count in states.items():
            self.leads.labels(campaign=campaign, state=state).set(count)
        for outcome, count in outcomes.items():
            self.outcomes.labels(campaign=campaign, outcome=outcome).set(count)

    def clear_leads(self) -> None:
        self.leads.clear()
        self.outcomes.clear()
