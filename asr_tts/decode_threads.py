"""Decode threads yield the CPU to the event loop.

A call process runs ASR decodes in thread pools and paces RTP on its event loop. On a
2-core machine a Vosk decode keeps a core busy for most of real time, and when anything
else runs too, the loop thread waits for a core: its 20 ms RTP ticks then go out late
(measured with `bench/response_gap.py --asr vosk`: the first reply packet up to ~100 ms
late at p95). Decode threads therefore run at a lower scheduling priority (a higher
nice value, Linux sets it per thread), so the loop wins a contended core at once and a
decode only loses the time the loop actually uses.
"""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)

DECODE_NICENESS = int(os.environ.get("VOICEBOT_DECODE_NICENESS", "5"))
"""How much lower than the process the decode threads run (0: the same)."""


def lower_thread_priority(niceness: int | None = None) -> None:
    """Thread-pool initializer: make the calling thread `niceness` nicer (Linux: per
    thread). Where that is not possible it does nothing."""
    step = DECODE_NICENESS if niceness is None else niceness
    if step <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + step)
    except OSError as exc:
        log.debug("cannot lower the decode thread's priority: %s", exc)
