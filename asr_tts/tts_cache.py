"""Content-addressed, size-bounded disk cache of rendered prompts.

The key is a hash of (engine, voice, options, sample rate, text), so any change to what
would be heard is a different entry, and identical prompts across scripts share one.
Entries are raw PCM16 files (`<dir>/<k[:2]>/<k>.pcm`), written to a temporary name and
renamed, so a reader in another process never sees half a file.

- A hit reads one file: no engine is touched.
- Two concurrent requests for the same missing prompt share one synthesis.
- The total size stays under `max_bytes`; the least recently used entries go first.
- `prerender` renders a batch ahead of time (static prompts at script upload, resolved
  prompts while the phone rings), so a call never waits for TTS on a cached prompt.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from asr_tts.errors import SpeechError, UnknownEngineError
from asr_tts.tts.base import Synthesizer, TtsOptions

log = logging.getLogger(__name__)

SUFFIX = ".pcm"


class PromptSpec(BaseModel):
    """Everything that determines a prompt's audio."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: str
    voice: str | None = None
    options: TtsOptions = Field(default_factory=TtsOptions)
    sample_rate: int = 8000
    text: str

    @cached_property
    def key(self) -> str:
        """sha256 of the canonical JSON of all fields."""
        return hashlib.sha256(self.model_dump_json().encode("utf-8")).hexdigest()


class PrerenderReport(BaseModel):
    """What a prerender pass did."""

    rendered: int = 0
    already_cached: int = 0
    failed: list[tuple[str, str]] = Field(default_factory=list)
    """(text, error) for prompts that could not be rendered."""


SynthesizerSource = Mapping[str, Synthesizer] | Callable[[str], Synthesizer]


class TtsCache:
    """The prompt cache. `synthesizers` maps engine names to engines for rendering."""

    def __init__(
        self,
        directory: str | Path,
        max_bytes: int,
        synthesizers: SynthesizerSource | None = None,
    ) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self._synthesizers = synthesizers
        self._index: OrderedDict[str, int] = OrderedDict()  # key -> size, oldest first
        self._total = 0
        self._inflight: dict[str, asyncio.Future[bytes]] = {}
        self.hits = 0
        self.misses = 0
        self.renders = 0
        # 0700: cached prompts speak tenants' texts, variables (names) included; the files
        # themselves are 0600 (mkstemp)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._load_index()

    @property
    def total_bytes(self) -> int:
        return self._total

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, spec: object) -> bool:
        return isinstance(spec, PromptSpec) and spec.key in self._index

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{SUFFIX}"

    def _load_index(self) -> None:
        entries: list[tuple[float, str, int]] = []
        for path in self.directory.glob(f"??/*{SUFFIX}"):
            try:
                st = path.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, path.stem, st.st_size))
        for _mtime, key, size in sorted(entries):
            self._index[key] = size
            self._total += size
        self._evict()

    # lookups ---------------------------------------------------------------------

    def get(self, spec: PromptSpec) -> bytes | None:
        """The cached PCM, or None. Never renders."""
        key = spec.key
        path = self.path_for(key)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            if key in self._index:
                self._total -= self._index.pop(key)
            self.misses += 1
            return None
        if key in self._index:
            self._index.move_to_end(key)
        else:  # rendered by another process sharing the folder
            self._index[key] = len(data)
            self._total += len(data)
        with contextlib.suppress(OSError):
            os.utime(path)  # recency survives a restart
        self.hits += 1
        return data

    async def get_or_render(
        self, spec: PromptSpec, synthesizer: Synthesizer | None = None
    ) -> bytes:
        """The prompt's PCM: from disk when cached, else rendered once and stored."""
        cached = self.get(spec)
        if cached is not None:
            return cached
        key = spec.key
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        engine = synthesizer or self._synthesizer(spec.engine)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            pcm = await engine.render(spec.text, spec.voice, spec.sample_rate, spec.options)
            self.renders += 1
            await asyncio.to_thread(self._write, key, pcm)
            self._record(key, len(pcm))
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here; waiters re-raise it
            raise
        else:
            future.set_result(pcm)
            return pcm
        finally:
            self._inflight.pop(key, None)

    async def put(self, spec: PromptSpec, pcm: bytes) -> None:
        """Store audio rendered elsewhere (a prompt streamed during a call), so the next
        request for it is a hit."""
        if not pcm:
            return
        await asyncio.to_thread(self._write, spec.key, pcm)
        self._record(spec.key, len(pcm))

    async def prerender(
        self, prompts: Iterable[PromptSpec], concurrency: int = 2
    ) -> PrerenderReport:
        """Render every prompt not yet cached. Failures are reported, not raised, so one
        bad prompt does not stop the batch."""
        report = PrerenderReport()
        limit = asyncio.Semaphore(max(1, concurrency))
        unique = list({spec.key: spec for spec in prompts}.values())

        async def one(spec: PromptSpec) -> None:
            if spec.key in self._index and self.path_for(spec.key).exists():
                report.already_cached += 1
                return
            async with limit:
                try:
                    await self.get_or_render(spec)
                    report.rendered += 1
                except SpeechError as exc:
                    log.warning("prerender failed for %r: %s", spec.text, exc)
                    report.failed.append((spec.text, str(exc)))

        await asyncio.gather(*(one(spec) for spec in unique))
        return report

    # storage ---------------------------------------------------------------------

    def _synthesizer(self, engine: str) -> Synthesizer:
        source = self._synthesizers
        if source is None:
            raise UnknownEngineError(f"no synthesizer given to render engine {engine!r}")
        if callable(source):
            return source(engine)
        found = source.get(engine)
        if found is None:
            raise UnknownEngineError(f"the cache has no synthesizer for engine {engine!r}")
        return found

    def _write(self, key: str, pcm: bytes) -> None:
        """Write the file (runs in a thread; touches no shared state)."""
        path = self.path_for(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(pcm)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _record(self, key: str, size: int) -> None:
        if key in self._index:
            self._total -= self._index.pop(key)
        self._index[key] = size
        self._total += size
        self._evict(keep=key)

    def _evict(self, keep: str | None = None) -> None:
        while self._total > self.max_bytes and self._index:
            key = next(iter(self._index))
            if key == keep:
                if len(self._index) == 1:
                    break  # one prompt bigger than the cache: keep it until the next store
                self._index.move_to_end(key)
                continue
            self._total -= self._index.pop(key)
            with contextlib.suppress(FileNotFoundError):
                self.path_for(key).unlink()
