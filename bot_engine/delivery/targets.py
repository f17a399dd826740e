"""Where a call's result goes: the typed delivery targets accepted by `POST /v1/calls`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class _Target(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookTarget(_Target):
    """A generic JSON webhook signed in the Standard Webhooks style."""

    type: Literal["webhook"] = "webhook"
    url: AnyHttpUrl
    secret: str | None = Field(
        default=None,
        description="A `whsec_...` signing secret; default: the tenant's webhook secret.",
    )
    inline_recording: bool = Field(
        default=False, description="Also send the WAV inside the payload, base64-encoded."
    )


class Bitrix24Target(_Target):
    """Bitrix24 through an incoming webhook (`https://<portal>/rest/<user>/<token>/`)."""

    type: Literal["bitrix24"] = "bitrix24"
    webhook_url: AnyHttpUrl
    user_id: int = Field(1, description="Bitrix24 user responsible for the call.")
    line_number: str | None = None
    crm_create: bool = Field(True, description="Create a lead for unknown numbers.")
    create_lead_outcomes: list[str] = Field(
        default_factory=list,
        description="Outcomes for which `crm.lead.add` also creates a lead (e.g. qualified).",
    )


class AmoCrmTarget(_Target):
    """amoCRM API v4 with a long-lived access token."""

    type: Literal["amocrm"] = "amocrm"
    base_url: AnyHttpUrl = Field(description="e.g. https://example.amocrm.ru")
    access_token: str
    responsible_user_id: int | None = None
    source: str = "voicebot"


DeliveryTarget = Annotated[
    WebhookTarget | Bitrix24Target | AmoCrmTarget, Field(discriminator="type")
]


def target_urls(target: WebhookTarget | Bitrix24Target | AmoCrmTarget) -> list[str]:
    """The URLs an adapter will call, for the SSRF check at call creation."""
    if isinstance(target, WebhookTarget):
        return [str(target.url)]
    if isinstance(target, Bitrix24Target):
        return [str(target.webhook_url)]
    return [str(target.base_url)]
