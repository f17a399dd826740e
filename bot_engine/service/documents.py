"""A call's result document: the body of the generic webhook and what every CRM adapter
starts from, built from the stored call and its events (so a redelivery sends what the
first delivery sent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio

from bot_engine.delivery.base import DeliveryJob
from bot_engine.delivery.payload import CallDetails, RecordingLink, ResultDocument
from bot_engine.record import TranscriptTurn
from bot_engine.service.call_records import idempotency_key
from bot_engine.service.campaign_calls import campaign_ref
from bot_engine.service.recording_urls import signed_recording_url
from bot_engine.service.settings import ServiceSettings
from bot_engine.storage import calls as call_repo
from bot_engine.storage.models import Call, Delivery, ScriptRecord, ScriptVersion, Tenant


class ResultDocuments:
    def __init__(self, settings: ServiceSettings, secret_key: str) -> None:
        self.settings = settings
        self.secret_key = secret_key

    async def document(self, session: Any, call: Call) -> ResultDocument:
        version = await session.get(ScriptVersion, call.script_version_id)
        script = await session.get(ScriptRecord, version.script_id)
        events = await call_repo.list_events(
            session, call.id, ("turn", "timing", "consent", "amd", "timeline"))
        turns = [TranscriptTurn.from_stored(e.data, e.at) for e in events if e.kind == "turn"]
        timeline = next((e.data for e in events if e.kind == "timeline"), {})
        amd = next((e.data for e in events if e.kind == "amd"), None)
        link = None
        if call.recording_path and await anyio.Path(call.recording_path).is_file():
            url, expires = signed_recording_url(
                self.settings.public_base_url or "",
                self.secret_key,
                call.id,
                self.settings.recording_url_ttl_s,
            )
            link = RecordingLink(url=url, expires_at=expires)
        duration = None
        if call.answered_at and call.ended_at:
            duration = (call.ended_at - call.answered_at).total_seconds()
        return ResultDocument(
            idempotency_key=idempotency_key(call.id),
            call=CallDetails(
                id=call.id,
                direction=call.direction,
                to=call.to_number,
                **{"from": call.from_number},
                status=call.status,
                script_id=script.name,
                script_version=version.version,
                variables=call.variables,
                created_at=call.created_at,
                ringing_at=call.ringing_at,
                answered_at=call.answered_at,
                ended_at=call.ended_at,
                duration_s=duration,
                hangup_cause=call.hangup_cause,
            ),
            result=call.result or {},
            transcript=turns,
            timings=[dict(e.data, at=e.at.isoformat()) for e in events if e.kind == "timing"],
            consent=[dict(e.data, at=e.at.isoformat()) for e in events if e.kind == "consent"],
            barge_ins=list(timeline.get("barge_ins", [])),
            resumed_prompts=list(timeline.get("resumed_prompts", [])),
            amd=amd,
            recording=link,
            campaign=await campaign_ref(session, call.id),
        )

    async def build_job(self, session: Any, delivery: Delivery) -> DeliveryJob:
        call = await session.get(Call, delivery.call_id)
        tenant = await session.get(Tenant, delivery.tenant_id)
        doc = await self.document(session, call)
        path = Path(call.recording_path) if call.recording_path else None
        return DeliveryJob(
            document=doc,
            recording_path=path if path is not None and path.is_file() else None,
            progress=dict(delivery.progress),
            webhook_secret=tenant.webhook_secret,
        )
