"""Bitrix24 through an incoming webhook: register → finish → attachRecord (+ activity text,
optional lead).

Quirks kept here:
- Methods are called as `<webhook_url><method>.json` with a JSON body; success is
  `{"result": ...}`, failure is `{"error": CODE, "error_description": ...}` (HTTP 400/401/
  403/404, and 503 `QUERY_LIMIT_EXCEEDED` when throttled), sometimes with HTTP 200.
- `telephony.externalcall.register` returns the same CALL_ID for the same parameters for
  30 minutes, but we never rely on that: each step's outcome is saved in the delivery's
  progress, so a retry resumes after the last step that succeeded.
- The recording goes as base64 in `FILE_CONTENT` (RECORD_URL is deprecated).
"""

from __future__ import annotations

import base64
from typing import Any

import httpx

from bot_engine.delivery.base import AttemptReport, DeliveryJob, StepFailed, StepLog, body_excerpt
from bot_engine.delivery.payload import ResultDocument
from bot_engine.delivery.summary import duration_s, result_text
from bot_engine.delivery.targets import Bitrix24Target

# Dialog endings (and call failures) to Bitrix24 STATUS_CODE values.
_FAILED_STATUS = {"busy": "486", "rejected": "603", "failed": "OTHER", "no_answer": "304"}


def status_code_for(doc: ResultDocument) -> str:
    """STATUS_CODE for telephony.externalcall.finish: 200 when someone answered."""
    ending = doc.result.get("ending")
    if ending == "no_answer" or doc.call.answered_at is None:
        cause = (doc.call.hangup_cause or "no_answer").lower()
        return _FAILED_STATUS.get(cause, "304")
    return "200"


class Bitrix24Adapter:
    def __init__(self, target: Bitrix24Target) -> None:
        self.target = target
        base = str(target.webhook_url)
        self.base = base if base.endswith("/") else base + "/"

    async def _call(self, log: StepLog, method: str, params: dict[str, Any]) -> Any:
        response = await log.request(method, "POST", f"{self.base}{method}.json", json=params)
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and "error" in body:
            description = body.get("error_description") or ""
            raise StepFailed(
                method,
                f"{body['error']}: {description}".rstrip(": "),
                status_code=response.status_code,
                permanent=body["error"] in ("INVALID_CREDENTIALS", "insufficient_scope"),
            )
        if not response.is_success or not isinstance(body, dict) or "result" not in body:
            raise StepFailed(
                method,
                f"HTTP {response.status_code}: {body_excerpt(response)}",
                status_code=response.status_code,
            )
        return body["result"]

    async def deliver(self, job: DeliveryJob, client: httpx.AsyncClient) -> AttemptReport:
        log = StepLog(client)
        progress = dict(job.progress)
        doc = job.document
        try:
            if "call_id" not in progress:
                result = await self._call(
                    log, "telephony.externalcall.register", self._register(doc)
                )
                progress["call_id"] = result["CALL_ID"]
                progress["crm_entity"] = {
                    "type": result.get("CRM_ENTITY_TYPE"),
                    "id": result.get("CRM_ENTITY_ID"),
                }
            if "finished" not in progress:
                result = await self._call(
                    log,
                    "telephony.externalcall.finish",
                    {
                        "CALL_ID": progress["call_id"],
                        "USER_ID": self.target.user_id,
                        "DURATION": duration_s(doc),
                        "STATUS_CODE": status_code_for(doc),
                        "FAILED_REASON": doc.call.hangup_cause or "",
                        "ADD_TO_CHAT": 0,
                    },
                )
                progress["finished"] = True
                if isinstance(result, dict) and result.get("CRM_ACTIVITY_ID"):
                    progress["activity_id"] = result["CRM_ACTIVITY_ID"]
            if job.recording_path is not None and "record_attached" not in progress:
                if job.recording_path.is_file():
                    content = base64.b64encode(job.recording_path.read_bytes()).decode()
                    await self._call(
                        log,
                        "telephony.externalCall.attachRecord",
                        {
                            "CALL_ID": progress["call_id"],
                            "FILENAME": f"{doc.call.id}.wav",
                            "FILE_CONTENT": content,
                        },
                    )
                progress["record_attached"] = True
            if "activity_id" in progress and "described" not in progress:
                await self._call(
                    log,
                    "crm.activity.update",
                    {
                        "id": progress["activity_id"],
                        "fields": {"DESCRIPTION": result_text(doc), "DESCRIPTION_TYPE": 1},
                    },
                )
                progress["described"] = True
            wants_lead = doc.result.get("outcome") in self.target.create_lead_outcomes
            if wants_lead and "lead_id" not in progress:
                progress["lead_id"] = await self._call(log, "crm.lead.add", self._lead(doc))
        except StepFailed as exc:
            return log.report_failure(exc, progress)
        return AttemptReport(
            ok=True, progress=progress, status_code=log.last_status, steps=log.steps
        )

    def _register(self, doc: ResultDocument) -> dict[str, Any]:
        phone = doc.call.to if doc.call.direction == "outbound" else (doc.call.from_ or "")
        params: dict[str, Any] = {
            "USER_ID": self.target.user_id,
            "PHONE_NUMBER": phone,
            "TYPE": 1 if doc.call.direction == "outbound" else 2,
            "CALL_START_DATE": (doc.call.answered_at or doc.call.created_at).isoformat(),
            "CRM_CREATE": 1 if self.target.crm_create else 0,
            "SHOW": 0,
            "EXTERNAL_CALL_ID": doc.idempotency_key,
        }
        if self.target.line_number:
            params["LINE_NUMBER"] = self.target.line_number
        return params

    def _lead(self, doc: ResultDocument) -> dict[str, Any]:
        phone = doc.call.to if doc.call.direction == "outbound" else (doc.call.from_ or "")
        return {
            "fields": {
                "TITLE": f"Voicebot: {doc.result.get('outcome')} ({phone})",
                "SOURCE_ID": "CALL",
                "PHONE": [{"VALUE": phone, "VALUE_TYPE": "WORK"}],
                "COMMENTS": result_text(doc),
                "ASSIGNED_BY_ID": self.target.user_id,
            },
            "params": {"REGISTER_SONET_EVENT": "Y"},
        }
