"""A stored campaign's settings, parsed once and kept with its window rule (whose interval
cache is what makes the rule cheap per lead)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot_engine.campaigns.model import CampaignCreate
from bot_engine.campaigns.windows import WindowRule
from bot_engine.storage.campaign_models import Campaign


@dataclass(frozen=True)
class Configured:
    settings: CampaignCreate
    rule: WindowRule


class Configs:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: dict[str, tuple[datetime, Configured]] = {}

    def of(self, campaign: Campaign) -> Configured:
        item = self._items.get(campaign.id)
        if item is not None and item[0] == campaign.updated_at:
            return item[1]
        settings = CampaignCreate.model_validate(campaign.settings)
        configured = Configured(settings, WindowRule.from_schedule(settings.schedule))
        if len(self._items) >= self.size:
            self._items.clear()
        self._items[campaign.id] = (campaign.updated_at, configured)
        return configured
