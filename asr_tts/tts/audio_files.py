"""Prerecorded prompts: the "text" is a file name inside the prompts folder.

Any format soundfile reads (WAV, FLAC, OGG …) is converted to mono PCM16 at the call's
rate. Paths are confined to the folder, so a script cannot read arbitrary files.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from typing_extensions import override

from asr_tts.audio import check_output_rate, read_audio_file
from asr_tts.errors import AudioInputError
from asr_tts.tts.base import Synthesizer, TtsOptions, check_text, chunk_pcm

CHUNK_S = 0.5


class AudioFileSynthesizer(Synthesizer):
    name = "audio"

    def __init__(self, base_dir: str | Path) -> None:
        self.base_dir = Path(base_dir)

    def resolve(self, name: str) -> Path:
        base = self.base_dir.resolve()
        path = (base / name).resolve()
        if not path.is_relative_to(base):
            raise AudioInputError(f"prompt file {name!r} is outside the prompts folder {base}")
        return path

    @override
    async def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        check_output_rate(sample_rate)
        path = self.resolve(check_text(text))
        pcm, _ = await asyncio.to_thread(read_audio_file, path, sample_rate)
        for chunk in chunk_pcm(pcm, int(sample_rate * CHUNK_S) * 2):
            yield chunk
