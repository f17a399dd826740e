"""A debug softphone on top of `SipUserAgent`: play a file into a call, record what is
heard, send DTMF. It backs `voicebot dial` / `voicebot answer` and the interop tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile
import soxr

from media_gateway.call_leg import CallEnded, InboundDtmf, InboundFrame
from media_gateway.sip.sip_call_leg import SipCallLeg

RATE = 8000
log = logging.getLogger(__name__)


def load_pcm(path: Path) -> bytes:
    """Any file libsndfile reads, as 8 kHz mono s16le (what a G.711 call carries)."""
    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    if rate != RATE:
        mono = soxr.resample(mono, rate, RATE)
    return bytes((np.clip(mono, -1.0, 1.0) * 32767).astype("<i2").tobytes())


def save_pcm(path: Path, pcm: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), np.frombuffer(pcm, dtype="<i2"), RATE, subtype="PCM_16")


@dataclass
class LegSummary:
    call_id: str
    cause: str = ""
    heard_ms: int = 0
    digits: str = ""
    recording: bytes = field(default=b"", repr=False)


async def run_leg(
    leg: SipCallLeg,
    *,
    play: bytes | None = None,
    record: Path | None = None,
    dtmf: str | None = None,
    duration_s: float | None = None,
    hangup_after_play: bool = False,
    on_dtmf: Callable[[str], None] | None = None,
) -> LegSummary:
    """Drive one answered call until the far end hangs up, `duration_s` passes, or (with
    `hangup_after_play`) the file has been played. Always ends the call."""
    summary = LegSummary(leg.info.call_id)
    audio = bytearray()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    async def reader() -> None:
        async for event in leg.events():
            if isinstance(event, InboundFrame):
                audio.extend(event.pcm)
            elif isinstance(event, InboundDtmf):
                summary.digits += event.digit
                if on_dtmf is not None:
                    on_dtmf(event.digit)
            elif isinstance(event, CallEnded):
                summary.cause = event.cause
        stop.set()

    async def speaker() -> None:
        if dtmf:
            try:
                await leg.send_dtmf(dtmf)
            except Exception as exc:  # e.g. the peer did not negotiate telephone-event
                log.warning("cannot send DTMF %r: %s", dtmf, exc)
        if play:
            await leg.play(play).wait()
            if hangup_after_play:
                stop.set()

    reading = loop.create_task(reader())
    speaking = loop.create_task(speaker())
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), duration_s)
    finally:
        speaking.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await speaking
        await leg.hangup()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reading, 5)
    summary.recording = bytes(audio)
    summary.heard_ms = len(audio) // 16
    if record is not None:
        save_pcm(record, summary.recording)
    return summary
