"""Data files only this process's user may read: 0600 files, 0700 folders.

The database holds webhook secrets and CRM tokens, recordings hold callers' voices: neither
may be readable by other local users whatever the umask. Files are created with their mode
(`os.open(..., 0o600)`), never created first and narrowed afterwards, so there is no moment
when another user could open them. Folders that already exist are left as the operator made
them (they may be shared on purpose) but a warning names any that others can enter.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Literal

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700 folders; warn when an existing one is open
    to other users."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        folder.chmod(DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened: exact
    if not missing and path.is_dir():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning(
                "data folder %s is open to other users (mode %o): run `chmod 700 %s`",
                path,
                mode,
                path,
            )
    return path


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 when it does not exist; narrow it to 0600 when it
    does (a file of ours that an older version created 0644)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def narrow(path: Path) -> None:
    """Set an existing file of ours to 0600 (no-op when it does not exist)."""
    with contextlib.suppress(FileNotFoundError):
        path.chmod(FILE_MODE)


def open_private(path: Path, mode: Literal["wb", "w+b"]) -> BinaryIO:
    """`open(path, mode)` for a new or truncated binary file that only we may read."""
    flags = os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_RDWR if mode == "w+b" else os.O_WRONLY
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through O_CREAT
        return os.fdopen(fd, mode)
    except BaseException:
        os.close(fd)
        raise


def secret_file(path: Path, generate: Callable[[], str]) -> str:
    """The secret kept in `path`, generated on first use. Created complete and 0600, and
    only once even when two processes start together (hard link: atomic, fails if present),
    so both end up with the same key."""
    if not path.exists():
        private_dir(path.parent)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        with open_private(tmp, "wb") as handle:
            handle.write(generate().encode())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won: use its key
        finally:
            tmp.unlink()
    narrow(path)
    return path.read_text().strip()
