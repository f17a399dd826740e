"""Pre-rendering prompts into the TTS cache, in the background, so calls never wait for TTS.

The prompt lists and the rendering come from the call layer (`bot_engine.call.prompts`,
`CallSpeech`), so the cache keys, engine, voice and cache folder are exactly the ones the
live call session will look up. Static prompts are rendered at upload, prompts that need
the call's variables when the call is created (while it rings).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from typing_extensions import override

from bot_engine.call.prompts import call_prompts, script_prompts
from bot_engine.call.speech_pool import SpeechPool
from bot_engine.script import Script

log = logging.getLogger(__name__)


class Prerenderer(Protocol):
    async def script_prompts(self, script: Script) -> dict[str, Any]:
        """Render the static prompts; returns a detail document (counts, errors)."""
        ...

    async def call_prompts(self, script: Script, variables: dict[str, Any]) -> dict[str, Any]:
        """Render prompts whose variables are now known."""
        ...


class TtsCachePrerenderer:
    """Renders through the service's `SpeechPool`: the very `CallSpeech` (and so the cache
    folder, engine and voice) the calls of the script will use."""

    def __init__(self, pool: SpeechPool) -> None:
        self.pool = pool

    async def _render(self, script: Script, texts: list[str]) -> dict[str, Any]:
        try:
            report = await self.pool.for_script(script).prerender(texts)
        except Exception as exc:  # rendering is an optimisation: never fail the request
            log.exception("prerender failed")
            return {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
        return {
            "status": "failed" if report.failed and not report.rendered else "done",
            "prompts": len(texts),
            "rendered": report.rendered,
            "already_cached": report.already_cached,
            "failed": [{"text": text, "error": error} for text, error in report.failed],
        }

    async def script_prompts(self, script: Script) -> dict[str, Any]:
        return await self._render(script, script_prompts(script))

    async def call_prompts(self, script: Script, variables: dict[str, Any]) -> dict[str, Any]:
        return await self._render(script, call_prompts(script, variables))


class NoPrerender(Prerenderer):
    @override
    async def script_prompts(self, script: Script) -> dict[str, Any]:
        return {"status": "skipped", "reason": "pre-rendering is disabled"}

    @override
    async def call_prompts(self, script: Script, variables: dict[str, Any]) -> dict[str, Any]:
        return {"status": "skipped", "reason": "pre-rendering is disabled"}
