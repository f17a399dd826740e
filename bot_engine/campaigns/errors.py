"""Errors the campaign engine raises for the API to answer (the service maps each kind to
its problem document)."""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal["not_found", "conflict", "invalid"]


class CampaignError(Exception):
    def __init__(
        self, kind: Kind, message: str, issues: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.message = message
        self.issues = issues


def not_found(message: str) -> CampaignError:
    return CampaignError("not_found", message)


def conflict(message: str) -> CampaignError:
    return CampaignError("conflict", message)
