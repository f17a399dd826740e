"""Build the NLU tables of the service's languages once, when the worker starts.

A call already waits for its language's tables while its phone rings
(`call.speech.CallSpeech.prepare`), but a call that arrives answered (a Twilio media
stream, an AudioSocket connection, an inbound SIP call answered at once) has no ringing to
hide them in: on a fresh worker its caller would hear up to `NLU_READY_WAIT_S` of silence
before the greeting. Building them in a thread as the worker starts takes that wait off
every call but one that comes in the first seconds of the process's life.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Sequence

from bot_engine import nlu

log = logging.getLogger(__name__)


async def preload(languages: Sequence[str], *, freeze_heap: bool) -> None:
    """Build each language's tables in a thread, one after another; then, if the service
    freezes its start-up heap, freeze these too (they live as long as the process).

    A failure is logged and leaves that language to be built by its first call."""
    for language in languages:
        try:
            await asyncio.to_thread(nlu.ready, language)
        except Exception:
            log.exception("cannot build the NLU tables of %s at start-up", language)
    if freeze_heap:
        gc.freeze()


def readiness(languages: Sequence[str]) -> dict[str, bool]:
    """For /healthz: which of the service's languages are built."""
    return {language: nlu.is_ready(language) for language in languages}
