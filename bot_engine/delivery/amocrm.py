"""amoCRM API v4: find or create the contact by phone, log the call, add a note.

Quirks kept here:
- `POST /api/v4/calls` silently drops a call whose phone matches no contact or company,
  so the contact is found (`GET /api/v4/contacts?query=`) or created first.
- A search with no match answers `204 No Content`, not an empty list.
- Batch endpoints answer 200 even when an item failed; failures are in `errors`
  (calls) or a 400 `validation-errors` problem document.
- Auth is a bearer token (a long-lived token or an OAuth access token).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from bot_engine.delivery.base import AttemptReport, DeliveryJob, StepFailed, StepLog, body_excerpt
from bot_engine.delivery.payload import ResultDocument
from bot_engine.delivery.summary import duration_s, result_text
from bot_engine.delivery.targets import AmoCrmTarget

# amoCRM call_status values: 1 left a voicemail, 2 call back later, 3 not available,
# 4 talked, 5 wrong number, 6 no answer, 7 busy.
_CALL_STATUS_BY_OUTCOME = {"voicemail": 1, "callback": 2, "wrong_person": 5, "no_answer": 6}


def call_status_for(doc: ResultDocument) -> int:
    if doc.call.answered_at is None:
        return 7 if (doc.call.hangup_cause or "") == "busy" else 6
    return _CALL_STATUS_BY_OUTCOME.get(str(doc.result.get("outcome")), 4)


def _phone(doc: ResultDocument) -> str:
    return doc.call.to if doc.call.direction == "outbound" else (doc.call.from_ or "")


def _embedded_first(body: Any, key: str) -> dict[str, Any] | None:
    try:
        items = body["_embedded"][key]
    except (KeyError, TypeError):
        return None
    return items[0] if isinstance(items, list) and items else None


class AmoCrmAdapter:
    def __init__(self, target: AmoCrmTarget) -> None:
        self.target = target
        self.base = str(target.base_url).rstrip("/")
        self.headers = {"authorization": f"Bearer {target.access_token}"}

    async def _json(
        self, log: StepLog, step: str, method: str, path: str, **kwargs: Any
    ) -> tuple[int, Any]:
        response = await log.request(step, method, self.base + path, headers=self.headers, **kwargs)
        if response.status_code == 204:
            return 204, None
        if not response.is_success:
            raise StepFailed(
                step,
                f"HTTP {response.status_code}: {body_excerpt(response)}",
                status_code=response.status_code,
                permanent=response.status_code in (401, 403),
            )
        try:
            return response.status_code, response.json()
        except ValueError as exc:
            raise StepFailed(step, "response is not JSON", response.status_code) from exc

    async def _find_or_create_contact(self, log: StepLog, doc: ResultDocument) -> int:
        phone = _phone(doc)
        digits = re.sub(r"\D", "", phone)
        _, found = await self._json(
            log, "find_contact", "GET", "/api/v4/contacts", params={"query": digits or phone}
        )
        contact = _embedded_first(found, "contacts")
        if contact is not None:
            return int(contact["id"])
        name = str(doc.call.variables.get("lead_name") or doc.call.variables.get("name") or phone)
        item: dict[str, Any] = {
            "name": name,
            "custom_fields_values": [
                {"field_code": "PHONE", "values": [{"value": phone, "enum_code": "WORK"}]}
            ],
        }
        if self.target.responsible_user_id is not None:
            item["responsible_user_id"] = self.target.responsible_user_id
        _, created = await self._json(
            log, "create_contact", "POST", "/api/v4/contacts", json=[item]
        )
        contact = _embedded_first(created, "contacts")
        if contact is None:
            raise StepFailed("create_contact", "no contact in the response")
        return int(contact["id"])

    async def deliver(self, job: DeliveryJob, client: httpx.AsyncClient) -> AttemptReport:
        log = StepLog(client)
        progress = dict(job.progress)
        doc = job.document
        try:
            if "contact_id" not in progress:
                progress["contact_id"] = await self._find_or_create_contact(log, doc)
            if "call_id" not in progress:
                _, body = await self._json(
                    log, "add_call", "POST", "/api/v4/calls", json=[self._call(doc)]
                )
                errors = body.get("errors") if isinstance(body, dict) else None
                call = _embedded_first(body, "calls")
                if errors or call is None:
                    raise StepFailed("add_call", f"amoCRM refused the call: {errors}")
                progress["call_id"] = call["id"]
            if "note_id" not in progress:
                note = {
                    "entity_id": progress["contact_id"],
                    "note_type": "common",
                    "params": {"text": result_text(doc)},
                }
                _, body = await self._json(
                    log, "add_note", "POST", "/api/v4/contacts/notes", json=[note]
                )
                created = _embedded_first(body, "notes")
                if created is None:
                    raise StepFailed("add_note", "no note in the response")
                progress["note_id"] = created["id"]
        except StepFailed as exc:
            return log.report_failure(exc, progress)
        return AttemptReport(
            ok=True, progress=progress, status_code=log.last_status, steps=log.steps
        )

    def _call(self, doc: ResultDocument) -> dict[str, Any]:
        item: dict[str, Any] = {
            "direction": "outbound" if doc.call.direction == "outbound" else "inbound",
            "uniq": doc.idempotency_key,
            "duration": duration_s(doc),
            "source": self.target.source,
            "phone": _phone(doc),
            "call_result": str(doc.result.get("outcome", "")),
            "call_status": call_status_for(doc),
        }
        if doc.recording is not None:
            item["link"] = doc.recording.url
        if self.target.responsible_user_id is not None:
            item["responsible_user_id"] = self.target.responsible_user_id
        return item
