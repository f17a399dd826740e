"""Decode threads yield the CPU to the event loop.

A call process runs ASR decodes in thread pools and paces RTP on its event loop. On a
2-core machine a Vosk decode keeps a core busy for most of real time, and when anything
else runs too, the loop thread waits for a core: its 20 ms RTP ticks then go out late
(measured with `bench/response_gap.py --asr vosk`: the first reply packet up to ~100 ms
late at p95). Decode threads therefore run at a lower scheduling priority (a higher
nice value, Linux sets it per thread), so the loop wins a contended core at once and a
decode only loses the time the loop actually uses.

numpy's BLAS (OpenBLAS) runs on one thread in a process that decodes (`single_threaded_blas`,
called where Whisper and Smart Turn load). Both models compute log-mel features with one
small matrix product per decode; OpenBLAS spreads it over both cores and its threads then
keep spinning for a while, on the cores CTranslate2's threads need for the encoder right
after. Measured on 20 Russian human prompts with the multilingual base model (load 2):
decode p50 171 → 142 ms alone, and 190 → 136 ms with a Smart Turn inference beside it
(the smart endpointing's pause), which then costs the decode nothing. The NLU's reply
memory (`bot_engine.nlu.reply_memory`) asks the same when it is built: its recall, one
matrix-vector product over thousands of rows, otherwise wakes every core for ~100 µs of
work and halved the dialog engine's turns per CPU-second.
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


_blas_limited = False
_blas_lock = threading.Lock()


def single_threaded_blas() -> None:
    """Limit numpy's BLAS to one thread for the whole process (once; see above)."""
    global _blas_limited
    with _blas_lock:
        if _blas_limited:
            return
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        _blas_limited = True
