"""What every adapter shares: the job it gets, the report it returns, a logged HTTP call.

Adapters get the guarded client of `bot_engine.net` (checked and pinned addresses, capped
answers, bounded time): a refused target is a permanent failure (dead-letter at once),
anything else a failed attempt that is retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from bot_engine.delivery.errors import DeliveryError
from bot_engine.delivery.payload import ResultDocument
from bot_engine.net import TargetRefused


@dataclass(frozen=True)
class DeliveryJob:
    document: ResultDocument
    recording_path: Path | None
    progress: dict[str, Any]
    """Adapter state saved by earlier attempts; adapters return an updated copy."""
    webhook_secret: str


@dataclass
class AttemptReport:
    ok: bool
    progress: dict[str, Any]
    status_code: int | None = None
    error: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    permanent: bool = False
    """No point retrying (refused target, 410 Gone): dead-letter at once."""


class StepFailed(DeliveryError):
    def __init__(
        self, step: str, message: str, status_code: int | None = None, permanent: bool = False
    ) -> None:
        super().__init__(f"{step}: {message}")
        self.step = step
        self.status_code = status_code
        self.permanent = permanent


class Adapter(Protocol):
    async def deliver(self, job: DeliveryJob, client: httpx.AsyncClient) -> AttemptReport: ...


class StepLog:
    """Runs an adapter's HTTP steps, recording each one for the delivery log."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.steps: list[dict[str, Any]] = []
        self.last_status: int | None = None

    async def request(
        self,
        step: str,
        method: str,
        url: str,
        *,
        json: Any = None,
        content: str | bytes | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        try:
            response = await self.client.request(
                method, url, json=json, content=content, params=params, headers=headers
            )
        except TargetRefused as exc:
            self.steps.append({"step": step, "ok": False, "error": str(exc)})
            raise StepFailed(step, str(exc), permanent=True) from exc
        except httpx.HTTPError as exc:
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            self.steps.append({"step": step, "ok": False, "error": message})
            raise StepFailed(step, message) from exc
        self.last_status = response.status_code
        ok = response.is_success
        self.steps.append({"step": step, "ok": ok, "status_code": response.status_code})
        return response

    def report_failure(self, exc: StepFailed, progress: dict[str, Any]) -> AttemptReport:
        return AttemptReport(
            ok=False,
            progress=progress,
            status_code=exc.status_code if exc.status_code is not None else self.last_status,
            error=str(exc),
            steps=self.steps,
            permanent=exc.permanent,
        )


def body_excerpt(response: httpx.Response, limit: int = 300) -> str:
    text = response.text
    return text if len(text) <= limit else text[:limit] + "…"
