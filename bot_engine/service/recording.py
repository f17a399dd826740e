"""Stereo WAV recordings written while the call runs (caller left, robot right).

The header is rewritten after every append, so after a crash the file is at most one
append short; `repair()` fixes the sizes of a file whose writer died before it could.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from bot_engine.call.recording import wav_header
from bot_engine.storage.files import open_private, private_dir
from media_gateway.call_leg import TELEPHONE_RATE

SAMPLE_RATE = TELEPHONE_RATE
_HEADER = 44


def _header(data_bytes: int, rate: int = SAMPLE_RATE) -> bytes:
    return wav_header(rate, data_bytes // 4)


class RecordingWriter:
    def __init__(self, path: Path, rate: int = SAMPLE_RATE) -> None:
        self.path = path
        self.rate = rate
        private_dir(path.parent)
        self._file = open_private(path, "wb")
        self._data = 0
        self._file.write(_header(0, rate))
        self._file.flush()

    @property
    def ms(self) -> int:
        """How long the recording is so far: where the next append starts."""
        return self._data // 4 * 1000 // self.rate

    def append(self, caller: bytes, robot: bytes) -> None:
        """Append mono PCM16 for both sides; the shorter one is padded with silence."""
        left = np.frombuffer(caller, dtype="<i2")
        right = np.frombuffer(robot, dtype="<i2")
        n = max(len(left), len(right))
        frames = np.zeros((n, 2), dtype="<i2")
        frames[: len(left), 0] = left
        frames[: len(right), 1] = right
        payload = frames.tobytes()
        self._file.seek(0, 2)
        self._file.write(payload)
        self._data += len(payload)
        self._file.seek(0)
        self._file.write(_header(self._data, self.rate))
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def repair(path: Path) -> bool:
    """Make the RIFF/data sizes match the file; False when it is not a WAV we wrote."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            head = handle.read(_HEADER)
            if len(head) < _HEADER or head[:4] != b"RIFF" or head[36:40] != b"data":
                return False
            rate = struct.unpack("<I", head[24:28])[0]
            data = (size - _HEADER) - (size - _HEADER) % 4
            handle.seek(0)
            handle.write(_header(data, rate))
            handle.truncate(_HEADER + data)
    except OSError:
        return False
    return True
