"""Parsed scripts by version id: versions are immutable, so parsing once is enough."""

from __future__ import annotations

from collections import OrderedDict

from bot_engine.script import LoadedScript, load_script
from bot_engine.storage.models import ScriptVersion


class ScriptCache:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, LoadedScript] = OrderedDict()

    def get(self, version: ScriptVersion) -> LoadedScript:
        """The parsed version; raises ScriptError if it no longer loads (language change)."""
        loaded = self._items.get(version.id)
        if loaded is None:
            loaded = load_script(version.source, source=f"version-{version.version}")
            self._items[version.id] = loaded
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(version.id)
        return loaded
