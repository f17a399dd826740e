"""Known Vosk models and the code that fetches one: download, verify, unpack.

Vosk publishes its models as `<name>.zip` under one base URL; the base is configurable
(`VOICEBOT_MODELS_BASE_URL`) for mirrors and for tests against a local server.

Verification, strongest first: a pinned sha256, a pinned size, the server's
Content-Length, and always the zip's own CRC-32 of every member. The registry below pins
no checksums (they could not be fetched on the machine this was written on); pin them with
`KnownModel(sha256=...)` in a deployment that needs it. The approximate sizes are for
display.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import httpx
from pydantic import BaseModel, ConfigDict

from asr_tts.errors import ModelFetchError

ProgressCallback = Callable[[int, int | None], None]
"""Called with (bytes downloaded so far, total bytes or None)."""

CHUNK = 1 << 16


class KnownModel(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    language: str
    approx_size_mb: int
    description: str
    sha256: str | None = None
    size_bytes: int | None = None

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/{self.name}.zip"


KNOWN_MODELS: tuple[KnownModel, ...] = (
    KnownModel(
        name="vosk-model-small-ru-0.22",
        language="ru",
        approx_size_mb=45,
        description="Russian, small: phone calls on a modest CPU",
    ),
    KnownModel(
        name="vosk-model-ru-0.42",
        language="ru",
        approx_size_mb=1800,
        description="Russian, large: best accuracy, needs several GB of RAM",
    ),
    KnownModel(
        name="vosk-model-small-en-us-0.15",
        language="en-US",
        approx_size_mb=40,
        description="US English, small",
    ),
    KnownModel(
        name="vosk-model-en-us-0.22-lgraph",
        language="en-US",
        approx_size_mb=128,
        description="US English, medium, dynamic graph (grammars work)",
    ),
    KnownModel(
        name="vosk-model-en-us-0.22",
        language="en-US",
        approx_size_mb=1800,
        description="US English, large",
    ),
    KnownModel(
        name="vosk-model-small-ko-0.22",
        language="ko",
        approx_size_mb=82,
        description="Korean, small",
    ),
)


def find_model(name: str, models: tuple[KnownModel, ...] = KNOWN_MODELS) -> KnownModel:
    for model in models:
        if model.name == name:
            return model
    names = ", ".join(m.name for m in models)
    raise ModelFetchError(f"unknown model {name!r}; known models: {names}")


def installed_path(models_dir: str | Path, name: str) -> Path | None:
    """The unpacked model folder, if it is there."""
    path = Path(models_dir) / name
    return path if (path / "am").is_dir() or (path / "conf").is_dir() else None


def fetch_model(
    model: KnownModel,
    models_dir: str | Path,
    base_url: str,
    *,
    progress: ProgressCallback | None = None,
    client: httpx.Client | None = None,
    timeout_s: float = 60.0,
) -> Path:
    """Download, verify and unpack `model` into `models_dir/<name>`; returns that folder.

    Nothing is left behind on failure, and an existing model is never overwritten by a
    broken one: the new folder is moved into place only after it fully checks out.
    """
    target_root = Path(models_dir)
    existing = installed_path(target_root, model.name)
    if existing is not None:
        return existing
    target_root.mkdir(parents=True, exist_ok=True)
    fd, part = tempfile.mkstemp(dir=target_root, prefix=f".{model.name}-", suffix=".zip.part")
    try:
        with os.fdopen(fd, "wb") as out:
            _download(model, base_url, out, progress, client, timeout_s)
        return _unpack(Path(part), model.name, target_root)
    finally:
        Path(part).unlink(missing_ok=True)


def _download(
    model: KnownModel,
    base_url: str,
    out: BinaryIO,
    progress: ProgressCallback | None,
    client: httpx.Client | None,
    timeout_s: float,
) -> None:
    url = model.url(base_url)
    own = client is None
    http = client or httpx.Client(timeout=timeout_s, follow_redirects=True)
    digest = hashlib.sha256()
    done = 0
    try:
        with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise ModelFetchError(f"GET {url} answered HTTP {response.status_code}")
            header = response.headers.get("content-length")
            total = int(header) if header and header.isdigit() else model.size_bytes
            for chunk in response.iter_bytes(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    except httpx.HTTPError as exc:
        raise ModelFetchError(f"download of {url} failed: {exc}") from exc
    finally:
        if own:
            http.close()
    if header and header.isdigit() and done != int(header):
        raise ModelFetchError(f"{url}: got {done} bytes, the server announced {header}")
    if model.size_bytes is not None and done != model.size_bytes:
        raise ModelFetchError(f"{url}: got {done} bytes, expected {model.size_bytes}")
    if model.sha256 is not None and digest.hexdigest() != model.sha256.lower():
        raise ModelFetchError(
            f"{url}: sha256 {digest.hexdigest()} does not match the expected {model.sha256}"
        )


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    for info in members:
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts:
            raise ModelFetchError(
                f"refusing a zip member outside the model folder: {info.filename}"
            )
    return members


def _unpack(zip_path: Path, name: str, target_root: Path) -> Path:
    try:
        with zipfile.ZipFile(zip_path) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise ModelFetchError(f"{name}.zip is corrupt (CRC error in {bad})")
            members = _safe_members(archive)
            staging = Path(tempfile.mkdtemp(dir=target_root, prefix=f".{name}-unpack-"))
            try:
                archive.extractall(staging, members)
                root = _model_root(staging)
                if root is None:
                    raise ModelFetchError(
                        f"{name}.zip holds no Vosk model (no am/ or conf/ folder)"
                    )
                final = target_root / name
                os.replace(root, final)
                return final
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except zipfile.BadZipFile as exc:
        raise ModelFetchError(f"{name}.zip is not a valid zip archive: {exc}") from exc
    except (zlib.error, EOFError) as exc:
        raise ModelFetchError(f"{name}.zip is corrupt: {exc}") from exc


def _model_root(folder: Path) -> Path | None:
    """The folder holding `am/` or `conf/`: the archive's top folder, or the archive root."""
    candidates = [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]
    for candidate in candidates:
        if (candidate / "am").is_dir() or (candidate / "conf").is_dir():
            return candidate
    return None
