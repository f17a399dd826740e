"""Parsing and validating tenants' scripts in worker processes, never on the event loop.

The loop carries HTTP, SIP and the RTP clock of every live call. A script is pure-Python
work (ruamel.yaml parses about 5 µs a byte, then pydantic and the checks): in a thread it
would still hold the GIL in 5 ms slices and stretch every request on the loop, so it runs in
a small pool of processes instead (pebble: a task over its time limit has its worker
killed and replaced). Each worker also has an address-space limit, so whatever slips past
`ScriptLimits` fails that worker, not the server. The queue in front of the pool is bounded:
beyond it, uploads are told to retry (503).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import CancelledError
from typing import Any

from pebble import ProcessExpired, ProcessPool

from bot_engine.script import LoadedScript, ScriptError, ScriptIssue
from bot_engine.script.limits import DEFAULT_LIMITS, ScriptLimits
from bot_engine.script.loader import load_outcome
from bot_engine.script.worker_process import limit_memory
from bot_engine.service.errors import ServiceError

log = logging.getLogger(__name__)


class Busy(ServiceError):
    status_code = 503
    code = "busy"


class ScriptWorkers:
    """`await load(text, source)`: a `LoadedScript`, or `ScriptError` with every issue."""

    def __init__(
        self,
        limits: ScriptLimits = DEFAULT_LIMITS,
        *,
        workers: int = 2,
        timeout_s: float = 10.0,
        memory_mb: int = 1024,
        queue: int = 16,
    ) -> None:
        self.limits = limits
        self.workers = workers
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._waiting = 0
        self._queue = workers + queue
        self._pool: ProcessPool | None = None

    def _started(self) -> ProcessPool:
        if self._pool is None:
            # forkserver: workers start from a clean process that imported only the script
            # package, not from this one with its threads, sockets and database connections.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["bot_engine.script"])
            self._pool = ProcessPool(
                max_workers=self.workers,
                initializer=limit_memory,
                initargs=(self.memory_mb,),
                context=context,
            )
        return self._pool

    async def load(self, text: str, source: str) -> LoadedScript:
        if self._waiting >= self._queue:
            raise Busy(f"{self._queue} scripts are being checked already; retry shortly")
        self._waiting += 1
        try:
            outcome = await self._run(text, source)
        finally:
            self._waiting -= 1
        if isinstance(outcome, list):
            raise ScriptError(outcome)
        return outcome

    async def _run(self, text: str, source: str) -> LoadedScript | list[ScriptIssue]:
        future = self._started().schedule(
            load_outcome, args=(text, source, self.limits), timeout=self.timeout_s
        )
        try:
            result: Any = await asyncio.wrap_future(future)
        except TimeoutError:
            log.warning("script %s: checking it took longer than %g s", source, self.timeout_s)
            return [_issue(source, f"checking the script took longer than {self.timeout_s:g} s "
                           "(script_timeout_s)", "script_timeout_s")]
        except ProcessExpired as exc:
            log.warning("script %s: its worker died (%s)", source, exc)
            return [_issue(source, "checking the script needed more than "
                           f"{self.memory_mb} MB (script_worker_memory_mb)",
                           "script_worker_memory_mb")]
        except MemoryError:
            return [_issue(source, "checking the script needed more than "
                           f"{self.memory_mb} MB (script_worker_memory_mb)",
                           "script_worker_memory_mb")]
        except CancelledError:
            raise asyncio.CancelledError() from None
        except Exception as exc:  # the pool itself failed (it restarts its workers)
            log.exception("script %s: the script workers failed", source)
            raise Busy("the script could not be checked now; retry shortly") from exc
        if not isinstance(result, LoadedScript | list):
            raise RuntimeError(f"unexpected answer from a script worker: {type(result)}")
        return result

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()  # type: ignore[no-untyped-call]
            await asyncio.to_thread(pool.join, 10)


def _issue(source: str, message: str, limit: str) -> ScriptIssue:
    return ScriptIssue(file=source, line=1, column=1, path="", message=message, limit=limit)
