"""The call recording: a stereo WAV, caller left and robot right, written as the call runs.

Both channels are placed by media timestamps (sample offsets from the start of the
recording), so the file is time-aligned: a gap on one channel is silence on that
channel only. Audio is written incrementally, and after every flush (about once a
second) the RIFF and data sizes in the header are patched. Data is always written
before the header that counts it, so a process killed at any instant (SIGKILL, OOM)
leaves a valid WAV holding everything up to the last flush.

Chunks may arrive a little out of order (jitter): audio is held back `hold_back_ms`
behind the newest timestamp before it is written, and a chunk that still arrives late
is patched into the file in place.
"""

from __future__ import annotations

import os
import struct
from enum import IntEnum
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from bot_engine.call.errors import CallError
from bot_engine.storage.files import open_private, private_dir

HEADER_BYTES = 44
_MAX_DATA_BYTES = 0xFFFFFFFF - (HEADER_BYTES - 8)

Samples = npt.NDArray[np.int16]


class Channel(IntEnum):
    CALLER = 0
    ROBOT = 1


class RecordingError(CallError, ValueError):
    """Audio that cannot go into the recording (odd bytes, bad timestamps, closed file)."""


class RecordingInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: Path
    sample_rate: int
    frames: int
    """Stereo sample frames in the file (per channel)."""
    late_samples: int = 0
    """Samples that arrived after their place was written and were patched in place."""

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def wav_header(sample_rate: int, frames: int, channels: int = 2) -> bytes:
    """A canonical 44-byte PCM s16le header for `frames` frames."""
    block = channels * 2
    data = frames * block
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, sample_rate, sample_rate * block, block, 16)
        + b"data"
        + struct.pack("<I", data)
    )


class StereoRecorder:
    """Writes caller and robot audio into one stereo WAV, aligned by timestamps.

    `write(channel, pcm, at)` places mono s16le `pcm` at sample offset `at` (None: right
    after that channel's previous chunk). Use it as a context manager or call `close`.
    Write robot audio when it is sent (paced), not when it is synthesized: audio far
    ahead of the other channel pushes the flush point on and turns the other
    channel's chunks into late patches.
    """

    def __init__(
        self,
        path: str | Path,
        sample_rate: int = 8000,
        flush_interval_ms: int = 1000,
        hold_back_ms: int = 200,
        max_jump_s: float = 600.0,
        fsync: bool = False,
    ) -> None:
        if sample_rate <= 0 or flush_interval_ms <= 0 or hold_back_ms < 0 or max_jump_s <= 0:
            raise ValueError("sample_rate, flush_interval_ms and max_jump_s must be positive")
        self.path = Path(path)
        self.sample_rate = sample_rate
        self._flush_every = sample_rate * flush_interval_ms // 1000
        self._hold_back = sample_rate * hold_back_ms // 1000
        self._max_jump = int(sample_rate * max_jump_s)
        self._fsync = fsync
        self._file: BinaryIO | None = open_private(self.path, "w+b")  # 0600: callers' voices
        self._file.write(wav_header(sample_rate, 0))
        self._file.flush()
        self._committed = 0  # frames in the file
        self._pending: list[Samples] = [np.zeros(0, np.int16), np.zeros(0, np.int16)]
        self._next: list[int] = [0, 0]  # where each channel's next implicit chunk goes
        self._newest = 0  # the furthest sample seen on any channel
        self._late = 0

    # -- writing -------------------------------------------------------------------

    def write(self, channel: Channel, pcm: bytes, at: int | None = None) -> None:
        f = self._open_file()
        if len(pcm) % 2:
            raise RecordingError("s16le audio must have an even number of bytes")
        ch = Channel(channel)
        start = self._next[ch] if at is None else int(at)
        if start < 0:
            raise RecordingError(f"negative timestamp {start}")
        if start - self._newest > self._max_jump:
            raise RecordingError(
                f"timestamp {start} jumps {(start - self._newest) / self.sample_rate:.0f} s "
                "ahead of the recording"
            )
        samples: Samples = np.frombuffer(pcm, dtype="<i2").astype(np.int16)
        end = start + samples.size
        self._next[ch] = end
        self._newest = max(self._newest, end)
        if start < self._committed:
            late = samples[: self._committed - start]
            self._patch(f, ch, start, late)
            self._late += late.size
            samples = samples[late.size :]
            start = self._committed
        if samples.size:
            self._place(ch, start - self._committed, samples)
        if self._newest - self._hold_back - self._committed >= self._flush_every:
            self.flush()

    def write_caller(self, pcm: bytes, at: int | None = None) -> None:
        self.write(Channel.CALLER, pcm, at)

    def write_robot(self, pcm: bytes, at: int | None = None) -> None:
        self.write(Channel.ROBOT, pcm, at)

    def flush(self, final: bool = False) -> None:
        """Write held audio (all of it if `final`) and patch the header to count it."""
        f = self._open_file()
        target = self._newest if final else self._newest - self._hold_back
        count = target - self._committed
        if count <= 0:
            return
        frames = np.zeros((count, 2), dtype="<i2")
        for ch in Channel:
            buf = self._pending[ch]
            take = min(count, buf.size)
            frames[:take, ch] = buf[:take]
            self._pending[ch] = buf[take:]
        if (self._committed + count) * 4 > _MAX_DATA_BYTES:
            raise RecordingError("recording exceeds the 4 GiB WAV limit")
        f.seek(HEADER_BYTES + self._committed * 4)
        f.write(frames.tobytes())
        f.flush()  # the data reaches the OS before the header claims it
        self._committed += count
        f.seek(0)
        f.write(wav_header(self.sample_rate, self._committed))
        f.flush()
        if self._fsync:
            os.fsync(f.fileno())

    def close(self) -> RecordingInfo:
        """Write everything, finalize the header and close; safe to call twice."""
        if self._file is not None:
            try:
                self.flush(final=True)
            finally:
                self._file.close()
                self._file = None
        return self.info

    # -- state ---------------------------------------------------------------------

    @property
    def frames_written(self) -> int:
        """Frames in the file and counted by its header (what survives a crash)."""
        return self._committed

    @property
    def info(self) -> RecordingInfo:
        return RecordingInfo(
            path=self.path,
            sample_rate=self.sample_rate,
            frames=self._committed,
            late_samples=self._late,
        )

    def offset_ms(self, sample: int) -> int:
        """A sample offset as milliseconds into the recording (for evidence spans)."""
        return sample * 1000 // self.sample_rate

    def __enter__(self) -> StereoRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------

    def _open_file(self) -> BinaryIO:
        if self._file is None:
            raise RecordingError("the recording is closed")
        return self._file

    def _place(self, ch: Channel, offset: int, samples: Samples) -> None:
        buf = self._pending[ch]
        end = offset + samples.size
        if end > buf.size:
            grown = np.zeros(end, dtype=np.int16)
            grown[: buf.size] = buf
            buf = grown
        buf[offset:end] = samples
        self._pending[ch] = buf

    def _patch(self, f: BinaryIO, ch: Channel, start: int, samples: Samples) -> None:
        """Overwrite one channel of frames already in the file (a late chunk)."""
        if not samples.size:
            return
        pos = HEADER_BYTES + start * 4
        f.seek(pos)
        frames = np.frombuffer(f.read(samples.size * 4), dtype="<i2").reshape(-1, 2).copy()
        frames[:, ch] = samples
        f.seek(pos)
        f.write(frames.tobytes())
        f.flush()


class TurnByTurnRecording:
    """A stereo recording of a call whose audio comes a turn at a time (a text call's
    spoken turns): each `append` goes after the previous one, the shorter side padded
    with silence, and is in the file (header included) when `append` returns."""

    def __init__(self, path: Path, sample_rate: int = 8000) -> None:
        private_dir(path.parent)
        self._recorder = StereoRecorder(path, sample_rate)
        self.path = path
        self.sample_rate = sample_rate
        self._position = 0

    @property
    def ms(self) -> int:
        """How long the recording is so far: where the next append starts."""
        return self._position * 1000 // self.sample_rate

    def append(self, caller: bytes, robot: bytes) -> None:
        self._recorder.write_caller(caller, self._position)
        self._recorder.write_robot(robot, self._position)
        self._position += max(len(caller), len(robot)) // 2
        self._recorder.flush(final=True)

    def close(self) -> None:
        self._recorder.close()


def repair(path: Path) -> bool:
    """Make the RIFF and data sizes of a recording whose writer died match the file; False
    when it is not a WAV this module wrote."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            head = handle.read(HEADER_BYTES)
            if len(head) < HEADER_BYTES or head[:4] != b"RIFF" or head[36:40] != b"data":
                return False
            (channels,) = struct.unpack("<H", head[22:24])
            (rate,) = struct.unpack("<I", head[24:28])
            block = max(1, channels) * 2
            frames = (size - HEADER_BYTES) // block
            handle.seek(0)
            handle.write(wav_header(rate, frames, channels))
            handle.truncate(HEADER_BYTES + frames * block)
    except OSError:
        return False
    return True
