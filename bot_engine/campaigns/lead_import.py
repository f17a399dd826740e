"""A lead upload, record by record: each row read and checked (`leads.LeadReader`), then
stored in batches, each in its own short transaction, so the database is never held for
the whole upload and the body is never held whole in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from bot_engine.campaigns.errors import CampaignError
from bot_engine.campaigns.leads import BadHeader, LeadReader, LeadRow, RowError
from bot_engine.campaigns.uploads import ImportResult, Record
from bot_engine.campaigns.windows import WindowRule
from bot_engine.storage import Database
from bot_engine.storage import campaigns as repo
from bot_engine.storage import dnc as dnc_repo
from bot_engine.storage.campaign_models import Campaign

BATCH = 1000


class LeadImport:
    def __init__(
        self,
        db: Database,
        campaign: Campaign,
        reader: LeadReader,
        rule: WindowRule,
        now: datetime,
        limit: int,
    ) -> None:
        self.db = db
        self.campaign = campaign
        self.reader = reader
        self.rule = rule
        self.now = now
        self.limit = limit
        self.result = ImportResult()
        self._openings: dict[tuple[str, ...], datetime | None] = {}

    async def run(self, records: AsyncIterator[Record]) -> ImportResult:
        """Raises CampaignError (invalid) for a wrong header; `UploadError` comes from the
        records for an upload that cannot be read at all."""
        result = self.result
        seen: set[str] = set()
        batch: list[LeadRow] = []
        rows = 0
        async for record in records:
            if record.values is not None and "__header__" in record.values:
                try:
                    self.reader.check_columns(record.values["__header__"])
                except BadHeader as exc:
                    raise CampaignError("invalid", str(exc)) from None
                continue
            rows += 1
            if rows > self.limit:
                result.reject(
                    record.row,
                    f"more than {self.limit} leads in one upload: this "
                    "row and the rest were not read; upload them "
                    "separately",
                )
                break
            if record.values is None:
                result.reject(record.row, record.error or "unreadable")
                continue
            lead = self.reader.read(record.row, record.values)
            if isinstance(lead, RowError):
                result.reject(lead.row, lead.error)
                continue
            if lead.phone in seen:
                result.reject(lead.row, f"phone: duplicate of an earlier row ({lead.phone})")
                continue
            seen.add(lead.phone)
            batch.append(lead)
            if len(batch) >= BATCH:
                await self._store(batch)
                batch = []
        await self._store(batch)
        result.rejected.sort(key=lambda r: r["row"])
        return result

    async def _store(self, batch: list[LeadRow]) -> None:
        if not batch:
            return
        campaign, result = self.campaign, self.result
        async with self.db.write() as session:
            fresh = await repo.lock_campaign(session, campaign.id)
            if fresh is None or fresh.status in ("finished", "cancelled"):
                for lead in batch:
                    result.reject(lead.row, "the campaign ended during the upload")
                return
            listed = await dnc_repo.listed(
                session, campaign.tenant_id, [lead.phone for lead in batch]
            )
            inserted = await repo.insert_leads(session, [self._row(lead, listed) for lead in batch])
        for lead in batch:
            if lead.phone not in inserted:
                result.reject(lead.row, f"phone: already a lead of this campaign ({lead.phone})")
        result.accepted += len(inserted)

    def _row(self, lead: LeadRow, listed: set[str]) -> dict[str, Any]:
        if lead.zones not in self._openings:
            self._openings[lead.zones] = self.rule.next_opening(self.now, lead.zones)
        opening = self._openings[lead.zones]
        state, note = "pending", None
        if lead.phone in listed:
            state, note, opening = "skipped_dnc", "do-not-call", None
        elif opening is None:
            state, note = "expired", "no calling window before the campaign's end"
        return {
            "campaign_id": self.campaign.id,
            "row": lead.row,
            "phone": lead.phone,
            "external_id": lead.external_id,
            "variables": lead.variables,
            "zones": list(lead.zones),
            "zone_source": lead.zone_source,
            "state": state,
            "outcome": None,
            "attempts": 0,
            "outcome_counts": {},
            "next_at": opening,
            "call_id": None,
            "note": note,
            "updated_at": self.now,
        }
