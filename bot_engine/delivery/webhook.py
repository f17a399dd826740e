"""The generic JSON webhook: the result document, signed in the Standard Webhooks style."""

from __future__ import annotations

import base64

import httpx

from bot_engine.delivery.base import AttemptReport, DeliveryJob, StepFailed, StepLog
from bot_engine.delivery.signing import signed_headers
from bot_engine.delivery.targets import WebhookTarget


class WebhookAdapter:
    def __init__(self, target: WebhookTarget) -> None:
        self.target = target

    def body(self, job: DeliveryJob) -> str:
        doc = job.document
        path = job.recording_path
        if self.target.inline_recording and doc.recording is not None and path and path.is_file():
            encoded = base64.b64encode(path.read_bytes()).decode()
            recording = doc.recording.model_copy(update={"inline_base64": encoded})
            doc = doc.model_copy(update={"recording": recording})
        return doc.to_json()

    async def deliver(self, job: DeliveryJob, client: httpx.AsyncClient) -> AttemptReport:
        log = StepLog(client)
        body = self.body(job)
        secret = self.target.secret or job.webhook_secret
        headers = signed_headers(secret, job.document.idempotency_key, body)
        headers["content-type"] = "application/json"
        headers["idempotency-key"] = job.document.idempotency_key
        try:
            response = await log.request(
                "post", "POST", str(self.target.url), content=body, headers=headers
            )
            if not response.is_success:
                raise StepFailed(
                    "post",
                    f"HTTP {response.status_code}",
                    status_code=response.status_code,
                    permanent=response.status_code == 410,
                )
        except StepFailed as exc:
            return log.report_failure(exc, job.progress)
        return AttemptReport(
            ok=True, progress=job.progress, status_code=response.status_code, steps=log.steps
        )
