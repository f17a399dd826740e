"""Parsed scripts by version id: versions are immutable, so parsing once is enough.

`load` parses a missing version in the script workers (off the event loop) and compiles
its runtime (intent matchers: lemmatizing every example) in a thread; `get` is the
synchronous form for paths that cannot wait (it parses on the caller's thread, which is
cheap only because a version was already checked against the limits when it was uploaded).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from bot_engine.dialog.runtime import runtime_for
from bot_engine.script import LoadedScript, Script, load_script
from bot_engine.script.limits import DEFAULT_LIMITS
from bot_engine.service.script_worker import ScriptWorkers
from bot_engine.storage.models import ScriptVersion

log = logging.getLogger(__name__)


class ScriptCache:
    def __init__(self, size: int = 256, workers: ScriptWorkers | None = None) -> None:
        self.size = size
        self.workers = workers
        self._items: OrderedDict[str, LoadedScript] = OrderedDict()

    def get(self, version: ScriptVersion) -> LoadedScript:
        """The parsed version; raises ScriptError if it no longer loads (language change)."""
        loaded = self._cached(version.id)
        if loaded is None:
            limits = self.workers.limits if self.workers is not None else DEFAULT_LIMITS
            loaded = load_script(version.source, source=_name(version), limits=limits)
            self.put(version.id, loaded)
        return loaded

    async def load(self, version: ScriptVersion) -> LoadedScript:
        """Like `get`, but a version not in the cache is parsed in a worker process."""
        loaded = self._cached(version.id)
        if loaded is None:
            if self.workers is None:
                return self.get(version)
            loaded = await self.workers.load(version.source, _name(version))
            await warm(loaded.script)
            self.put(version.id, loaded)
        return loaded

    def put(self, version_id: str, loaded: LoadedScript) -> None:
        """Keep a version parsed elsewhere (at upload), so its first call does not parse."""
        self._items[version_id] = loaded
        self._items.move_to_end(version_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def _cached(self, version_id: str) -> LoadedScript | None:
        loaded = self._items.get(version_id)
        if loaded is not None:
            self._items.move_to_end(version_id)
        return loaded


async def warm(script: Script) -> None:
    """Compile the script's runtime beside the event loop, not on it: a script may have
    up to `max_examples` intent examples, lemmatized one by one. A failure here is only
    logged: the first call compiles it again and ends with the Dialog's own error."""
    try:
        await asyncio.to_thread(runtime_for, script)
    except Exception:
        log.exception("cannot compile the runtime of script %s", script.id)


def _name(version: ScriptVersion) -> str:
    return f"version-{version.version}"
