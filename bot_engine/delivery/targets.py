"""Where a call's result goes: the typed delivery targets accepted by `POST /v1/calls`."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

MAX_ID = 2**31 - 1


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

    @field_validator("secret")
    @classmethod
    def _standard_secret(cls, value: str | None) -> str | None:
        """Refused at creation, not at every delivery attempt: `whsec_` + base64 of 24-64
        random bytes, as Standard Webhooks secrets are."""
        if value is None:
            return None
        body = value.removeprefix("whsec_")
        try:
            key = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("expected `whsec_` followed by base64 (a Standard Webhooks "
                             "secret)") from None
        if not 24 <= len(key) <= 64:
            raise ValueError(f"the secret decodes to {len(key)} bytes; expected 24 to 64")
        return value


class Bitrix24Target(_Target):
    """Bitrix24 through an incoming webhook (`https://<portal>/rest/<user>/<token>/`)."""

    type: Literal["bitrix24"] = "bitrix24"
    webhook_url: AnyHttpUrl
    user_id: int = Field(1, ge=1, le=MAX_ID, description="Bitrix24 user responsible for the call.")
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
    responsible_user_id: int | None = Field(default=None, ge=1, le=MAX_ID)
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
