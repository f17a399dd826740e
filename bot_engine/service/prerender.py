"""Pre-rendering prompts into the TTS cache, in the background, so calls never wait for TTS.

The prompt lists come from the dialog layer (`bot_engine.prompts`: static prompts at upload,
prompts resolvable from a call's variables at call creation) and the audio goes into the
speech layer's `TtsCache`. If the prompt listing is not available in this installation the
status says `skipped` with the reason, rather than pretending.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any, Protocol

from bot_engine.script import Script

log = logging.getLogger(__name__)


class Prerenderer(Protocol):
    async def script_prompts(self, script: Script) -> dict[str, Any]:
        """Render the static prompts; returns a detail document (counts, errors)."""
        ...

    async def call_prompts(self, script: Script, variables: dict[str, Any]) -> dict[str, Any]:
        """Render prompts whose variables are now known."""
        ...


def _texts(items: Any) -> list[str]:
    texts: list[str] = []
    for item in items or []:
        text = item if isinstance(item, str) else getattr(item, "text", None)
        if isinstance(text, str) and text.strip():
            texts.append(text)
    return texts


class TtsCachePrerenderer:
    def __init__(self, cache_dir: Path, max_bytes: int = 500_000_000) -> None:
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        self._cache: Any = None

    def _tts_cache(self) -> Any:
        if self._cache is None:
            from asr_tts.tts.espeak import EspeakSynthesizer
            from asr_tts.tts_cache import TtsCache

            self._cache = TtsCache(
                self.cache_dir, self.max_bytes, synthesizers={"espeak": EspeakSynthesizer()}
            )
        return self._cache

    async def _render(self, texts: list[str], script: Script) -> dict[str, Any]:
        from asr_tts.tts.espeak import voice_for_language
        from asr_tts.tts_cache import PromptSpec

        engine = script.settings.tts_engine or "espeak"
        voice = script.settings.voice or voice_for_language(script.language)
        specs = [PromptSpec(engine=engine, voice=voice, text=text) for text in texts]
        report = await self._tts_cache().prerender(specs)
        return {
            "status": "failed" if report.failed and not report.rendered else "done",
            "prompts": len(specs),
            "rendered": report.rendered,
            "already_cached": report.already_cached,
            "failed": [{"text": t, "error": e} for t, e in report.failed],
        }

    async def _listed(self, function: str, *args: Any) -> dict[str, Any]:
        try:
            module = importlib.import_module("bot_engine.prompts")
            lister = getattr(module, function)
        except (ImportError, AttributeError) as exc:
            return {"status": "skipped", "reason": f"prompt listing unavailable: {exc}"}
        try:
            return await self._render(_texts(lister(*args)), args[0])
        except Exception as exc:  # rendering is an optimisation; never fail the upload
            log.exception("prerender failed")
            return {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}

    async def script_prompts(self, script: Script) -> dict[str, Any]:
        return await self._listed("static_prompts", script)

    async def call_prompts(self, script: Script, variables: dict[str, Any]) -> dict[str, Any]:
        return await self._listed("call_prompts", script, variables)


class NoPrerender:
    async def script_prompts(self, script: Script) -> dict[str, Any]:
        return {"status": "skipped", "reason": "pre-rendering is disabled"}

    async def call_prompts(self, script: Script, variables: dict[str, Any]) -> dict[str, Any]:
        return {"status": "skipped", "reason": "pre-rendering is disabled"}
