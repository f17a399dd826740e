"""Festival (Debian `festival` + `festvox-ru`): the offline Russian voice.

One persistent `festival --pipe` process per worker process and voice set, shared by every
synthesizer and call: `text2wave` per phrase reloads the voice (~1.1 s a call), while a
warm process renders a phrase in 70-90 ms. Requests go to it one at a time through a
single thread; each writes its wave to a private folder and prints a marker line to
stderr when done (stderr, unlike stdout, is not buffered), so the reader knows where one
answer ends; the error lines before the marker explain a failure.

Bounded and restarted:
- at most `MAX_PENDING` requests wait; more fail at once (`EngineUnavailableError`), so a
  fallback engine takes over instead of a queue growing without end;
- a request that takes longer than `timeout_s`, or a process that died, kills the process
  (its whole process group); the next request starts a fresh one;
- text is normalized (`normalize.normalize_text`: numbers, amounts, dates, phone numbers)
  and then cleaned of what Festival's Russian voice cannot read: its letter-to-sound
  rules have no entry for `%`, `—`, `–`, `…`, `/`, `«»`, `№`, or a punctuation mark
  standing alone, and give up on the whole utterance when they meet one.

`msu_ru_nsh_clunits` speaks at 16 kHz; the audio is resampled to the call's rate. Each
utterance starts with 160-220 ms of near-silence, which a caller hears as that much more
response gap (measured: the caller's-ear gap was 200 ms over the robot's); it is trimmed
to `LEAD_MS`.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import itertools
import logging
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from asr_tts.audio import check_output_rate, decode_wav_bytes
from asr_tts.errors import (
    EngineError,
    EngineRequestError,
    EngineTimeoutError,
    EngineUnavailableError,
)
from asr_tts.tts.base import Synthesizer, TtsOptions, check_text, chunk_pcm
from asr_tts.tts.letters import in_voice_letters
from asr_tts.tts.normalize import normalize_text

log = logging.getLogger(__name__)

CHUNK_S = 0.5
LEAD_MS = 20
"""Silence kept before the first sound of an utterance."""
QUIET_LEVEL = 64
"""Sample magnitude under which the start of an utterance counts as silence."""
MAX_PENDING = 32
DEFAULT_TIMEOUT_S = 15.0
START_TIMEOUT_S = 30.0
LANGUAGE_VOICES = {"ru": "msu_ru_nsh_clunits", "en": "kal_diphone"}
VOICE_LANGUAGES = {"msu_ru_nsh_clunits": "ru", "kal_diphone": "en", "ked_diphone": "en",
                   "cmu_us_slt_arctic_hts": "en"}
_VOICE_NAME = re.compile(r"^[a-z0-9_]{1,64}$")


def voice_for_language(language: str) -> str:
    """Festival voice for a language tag (`ru-RU` → `msu_ru_nsh_clunits`)."""
    return LANGUAGE_VOICES.get(language.split("-")[0].lower(), LANGUAGE_VOICES["ru"])


VOICE_DIRS = (Path("/usr/share/festival/voices"), Path("/usr/local/share/festival/voices"))


def voice_installed(voice: str, binary: str = "festival") -> bool:
    """Whether Festival and this voice are installed here (no process is started)."""
    if shutil.which(binary) is None or not _VOICE_NAME.match(voice):
        return False
    return any(base.is_dir() and any(base.glob(f"*/{voice}")) for base in VOICE_DIRS)


def voice_language(voice: str) -> str:
    return VOICE_LANGUAGES.get(voice, "ru" if "_ru_" in f"_{voice}_" else "en")


_DASHES = re.compile(r"\s*[—–‒―]+\s*")
_DROP = re.compile(r"[«»„“”\"*_|~<>=\\{}\[\]^`@#&$]")
_LONE_PUNCT = re.compile(r"\s+([.,!?;:)]+)")
_REPEATED = re.compile(r"([.,!?;])[.,;]+")


def festival_text(text: str) -> str:
    """`text` (already normalized) with only what Festival's voices read: dashes and
    colons become pauses (commas), quotes and symbols go, `…` is a full stop, a
    punctuation mark standing alone joins the word before it."""
    out = text.replace("…", ".").replace("№", " номер ").replace("%", " процентов ")
    out = out.replace("/", " ").replace("+", " ")  # `+` is Festival's stress mark
    out = _DASHES.sub(", ", out)
    out = out.replace(":", ",")
    out = _DROP.sub(" ", out)
    out = "".join(ch if ch.isprintable() else " " for ch in out)
    out = _LONE_PUNCT.sub(r"\1", " ".join(out.split()))
    out = _REPEATED.sub(r"\1", out)
    return out.lstrip(".,!?;) ").strip()


def trim_leading_silence(pcm: bytes, sample_rate: int, keep_ms: int = LEAD_MS) -> bytes:
    """`pcm` from `keep_ms` before its first sample above `QUIET_LEVEL` (unchanged when
    it is all quiet)."""
    samples = np.frombuffer(pcm, dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > QUIET_LEVEL)
    if not loud.size:
        return pcm
    start = max(0, int(loud[0]) - sample_rate * keep_ms // 1000)
    return pcm[start * 2 :]


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Died(EngineError):
    """The process ended (or its pipes broke) during a request."""


class FestivalProcess:
    """One `festival --pipe` process; not thread-safe (use it from one thread)."""

    def __init__(self, binary: str = "festival", *,
                 start_timeout_s: float = START_TIMEOUT_S) -> None:
        """`start_timeout_s` bounds a request that first loads a voice (~1-4 s)."""
        self.binary = binary
        self.start_timeout_s = start_timeout_s
        self.restarts = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._voice: str | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=20)
        self._buffer = b""
        self._ids = itertools.count(1)
        self._dir = Path(tempfile.mkdtemp(prefix="voicebot-festival-"))

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _start(self) -> subprocess.Popen[bytes]:
        exe = shutil.which(self.binary)
        if exe is None:
            raise EngineUnavailableError(
                f"{self.binary} is not installed (apt-get install festival festvox-ru)",
                engine="festival")
        proc = subprocess.Popen(
            [exe, "--pipe"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, cwd=self._dir, start_new_session=True,
        )
        self._proc, self._voice, self._buffer = proc, None, b""
        return proc

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()

    def shutdown(self) -> None:
        self.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def render(self, text: str, voice: str, stretch: float, timeout_s: float) -> bytes:
        """One utterance as WAV bytes. Raises EngineRequestError when Festival could not
        speak this text (the process lives on), EngineTimeoutError when it hung (it is
        killed; the next call starts a new one). A process found dead is replaced and the
        request tried once more on the new one."""
        try:
            return self._render_once(text, voice, stretch, timeout_s)
        except _Died:
            return self._render_once(text, voice, stretch, timeout_s)

    def _render_once(self, text: str, voice: str, stretch: float, timeout_s: float) -> bytes:
        proc = self._proc if self._proc is not None and self._proc.poll() is None else None
        if proc is None:
            if self._proc is not None:
                self.restarts += 1
                self.close()
            proc = self._start()
        n = next(self._ids)
        wav = self._dir / f"u{n}.wav"
        marker = f"voicebot-done-{n}"
        commands = []
        if voice != self._voice:
            commands.append(f"(voice_{voice})")
        commands.append(f"(Parameter.set 'Duration_Stretch {stretch:.3f})")
        commands.append(f"(utt.save.wave (SynthText {_scheme_string(text)}) "
                        f"{_scheme_string(str(wav))} 'riff)")
        commands.append(f'(format stderr "{marker}\\n")')
        self._stderr.clear()
        try:
            assert proc.stdin is not None
            proc.stdin.write(("\n".join(commands) + "\n").encode("utf-8"))
            proc.stdin.flush()
            self._wait_for(proc, marker, timeout_s if self._voice == voice else
                           max(timeout_s, self.start_timeout_s))
        except (OSError, EngineError) as exc:
            self.restarts += 1
            self.close()
            wav.unlink(missing_ok=True)
            if isinstance(exc, EngineTimeoutError):
                raise
            raise _Died(f"festival died: {exc}", engine="festival") from exc
        if not wav.is_file():
            detail = "; ".join(self._stderr) or "no wave written"
            raise EngineRequestError(f"festival could not speak {text[:80]!r} with voice "
                                     f"{voice}: {detail}", engine="festival")
        self._voice = voice
        try:
            return wav.read_bytes()
        finally:
            wav.unlink(missing_ok=True)

    def _wait_for(self, proc: subprocess.Popen[bytes], marker: str, timeout_s: float) -> None:
        assert proc.stderr is not None
        fd = proc.stderr.fileno()
        want = marker.encode("ascii")
        deadline = time.monotonic() + timeout_s
        while True:
            lines = self._buffer.split(b"\n")
            self._buffer = lines.pop()
            for line in lines:
                if line.strip() == want:
                    return
                text = line.decode("utf-8", "replace").strip()
                if text:
                    self._stderr.append(text)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EngineTimeoutError(f"festival gave no answer in {timeout_s:g} s",
                                         engine="festival")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise EngineError(f"festival exited (code {proc.wait()}): "
                                      + "; ".join(self._stderr), engine="festival")
                self._buffer += chunk


class _Worker:
    """The process of one binary with its single thread and the count of waiting calls."""

    def __init__(self, binary: str) -> None:
        self.process = FestivalProcess(binary)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="festival")
        self.pending = 0
        self.lock = threading.Lock()


_workers: dict[str, _Worker] = {}
_workers_lock = threading.Lock()


def _worker(binary: str) -> _Worker:
    with _workers_lock:
        worker = _workers.get(binary)
        if worker is None:
            worker = _workers[binary] = _Worker(binary)
        return worker


@atexit.register
def _shutdown_all() -> None:
    with _workers_lock:
        for worker in _workers.values():
            worker.process.shutdown()
            worker.executor.shutdown(wait=False, cancel_futures=True)
        _workers.clear()


class FestivalSynthesizer(Synthesizer):
    name = "festival"

    def __init__(self, binary: str = "festival", default_voice: str = LANGUAGE_VOICES["ru"],
                 *, timeout_s: float = DEFAULT_TIMEOUT_S, max_pending: int = MAX_PENDING) -> None:
        self.binary = binary
        self.default_voice = default_voice
        self.timeout_s = timeout_s
        self.max_pending = max_pending

    @property
    def process(self) -> FestivalProcess:
        """The shared process behind this synthesizer (for health checks and tests)."""
        return _worker(self.binary).process

    def prepare(self, text: str, voice: str) -> str:
        """The text Festival is given: normalized for the voice's language, then cleaned."""
        language = voice_language(voice)
        spoken = festival_text(in_voice_letters(normalize_text(check_text(text), language),
                                                language))
        return check_text(spoken)

    async def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        check_output_rate(sample_rate)
        chosen = voice or self.default_voice
        if not _VOICE_NAME.match(chosen):
            raise EngineRequestError(f"not a Festival voice name: {chosen!r}", engine=self.name)
        spoken = self.prepare(text, chosen)
        stretch = 1.0 / (options or TtsOptions()).speed
        worker = _worker(self.binary)
        with worker.lock:
            if worker.pending >= self.max_pending:
                raise EngineUnavailableError(
                    f"festival is busy ({worker.pending} requests waiting)", engine=self.name)
            worker.pending += 1
        try:
            loop = asyncio.get_running_loop()
            wav = await loop.run_in_executor(worker.executor, worker.process.render, spoken,
                                             chosen, stretch, self.timeout_s)
        finally:
            with worker.lock:
                worker.pending -= 1
        pcm, _rate = decode_wav_bytes(wav, sample_rate)
        pcm = trim_leading_silence(pcm, sample_rate)
        for chunk in chunk_pcm(pcm, int(sample_rate * CHUNK_S) * 2):
            yield chunk
