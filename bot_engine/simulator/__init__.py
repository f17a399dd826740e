"""Text shells over the dialogue engine: the chat simulator and the dialog test runner."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from bot_engine.script.model import Script
from bot_engine.simulator.session import TextSession, run_conversation
from bot_engine.simulator.webhooks import CannedWebhooks, http_webhook


async def simulate(
    script: Script,
    variables: dict[str, Any],
    turns: list[str],
    now: datetime | None = None,
) -> dict[str, Any]:
    """The `voicebot chat --json` document for these caller turns (webhooks are real)."""
    session = await asyncio.to_thread(
        run_conversation, script, variables, turns, webhooks=http_webhook, now=now
    )
    return session.document()


__all__ = ["CannedWebhooks", "TextSession", "http_webhook", "run_conversation", "simulate"]
