"""Vosk streaming recognition: one shared Model per process, one recognizer per stream.

Decoding runs in a thread pool: Vosk's cffi calls release the GIL, so several calls decode
in parallel while the event loop keeps pacing RTP. Audio fed while a decode is running is
coalesced into the next decode call, so a slow moment never builds a queue of tiny jobs.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from typing_extensions import override

from asr_tts.asr.base import StreamingRecognizer
from asr_tts.asr.vosk_results import grammar_json, parse_final, parse_partial
from asr_tts.decode_threads import lower_thread_priority
from asr_tts.errors import EngineError, ModelNotFoundError

_models: dict[Path, Any] = {}
_models_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None

MAX_COALESCED_BYTES = 64000  # 2 s at 16 kHz: enough to catch up, short enough for partials


def decode_executor() -> ThreadPoolExecutor:
    """The process-wide pool Vosk decodes in (one worker per core)."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=os.cpu_count() or 2, thread_name_prefix="vosk-decode",
            initializer=lower_thread_priority,
        )
    return _executor


def load_model(path: str | Path) -> Any:
    """The shared `vosk.Model` for a folder, loaded once per process."""
    folder = Path(path).expanduser().resolve()
    with _models_lock:
        model = _models.get(folder)
        if model is not None:
            return model
        if not folder.is_dir():
            raise ModelNotFoundError(f"Vosk model folder not found: {folder}")
        if not (folder / "am").is_dir() and not (folder / "final.mdl").exists():
            raise ModelNotFoundError(f"{folder} does not look like a Vosk model (no am/ folder)")
        import vosk

        vosk.SetLogLevel(-1)
        try:
            model = vosk.Model(str(folder))
        except Exception as exc:  # vosk raises a bare Exception on a broken model
            raise ModelNotFoundError(f"Vosk cannot load the model in {folder}: {exc}") from exc
        _models[folder] = model
        return model


class VoskRecognizer(StreamingRecognizer):
    """Streaming Vosk recognizer. Hints are ignored (Vosk has no phrase boosting); a
    grammar restricts decoding to the given phrases."""

    name = "vosk"

    def __init__(self, model_path: str | Path, *, max_alternatives: int = 0) -> None:
        super().__init__()
        self.model_path = Path(model_path)
        self.max_alternatives = max_alternatives
        self._rec: Any = None
        self._input: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._last_partial = ""

    @override
    async def _start(
        self, language: str, sample_rate: int, hints: list[str], grammar: list[str]
    ) -> None:
        loop = asyncio.get_running_loop()
        model = await loop.run_in_executor(decode_executor(), load_model, self.model_path)
        # Building a recognizer takes 100-200 ms on a large graph: off the event loop, or
        # every call's RTP stalls meanwhile.
        self._rec = await loop.run_in_executor(
            decode_executor(), self._recognizer, model, sample_rate, grammar
        )
        self._worker = asyncio.create_task(self._run(), name="vosk-stream")

    def _recognizer(self, model: Any, sample_rate: int, grammar: list[str]) -> Any:
        import vosk

        if grammar:
            rec = vosk.KaldiRecognizer(model, float(sample_rate), grammar_json(grammar))
        else:
            rec = vosk.KaldiRecognizer(model, float(sample_rate))
        rec.SetWords(True)
        if self.max_alternatives:
            rec.SetMaxAlternatives(self.max_alternatives)
        return rec

    async def _feed(self, pcm: bytes) -> None:
        self._input.put_nowait(pcm)

    async def _close(self) -> None:
        self._input.put_nowait(None)
        if self._worker is not None:
            await asyncio.shield(self._worker)

    def _accept(self, pcm: bytes) -> tuple[bool, str]:
        if self._rec.AcceptWaveform(pcm):
            return True, self._rec.Result()
        return False, self._rec.PartialResult()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        pool = decode_executor()
        try:
            ended = False
            while not ended:
                first = await self._input.get()
                chunks: list[bytes] = []
                if first is None:
                    ended = True
                else:
                    chunks.append(first)
                    size = len(first)
                    while size < MAX_COALESCED_BYTES and not self._input.empty():
                        more = self._input.get_nowait()
                        if more is None:
                            ended = True
                            break
                        chunks.append(more)
                        size += len(more)
                if chunks:
                    is_final, raw = await loop.run_in_executor(pool, self._accept, b"".join(chunks))
                    self._publish(is_final, raw)
            raw = await loop.run_in_executor(pool, self._rec.FinalResult)
            self._publish(True, raw)
        except Exception as exc:
            self._fail(EngineError(f"Vosk failed mid-stream: {exc}", engine=self.name))
        finally:
            self._finish()

    def _publish(self, is_final: bool, raw: str) -> None:
        if is_final:
            self._last_partial = ""
            result = parse_final(raw, self.name)
        else:
            result = parse_partial(raw, self.name)
            if result is not None and result.text == self._last_partial:
                return
            self._last_partial = result.text if result else ""
        if result is not None:
            self._emit(result)
