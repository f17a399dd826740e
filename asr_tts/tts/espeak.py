"""espeak-ng (the offline default): Russian, English and more, rate and pitch.

espeak-ng renders at 22.05 kHz; soxr brings it to the call's rate. The text goes in on
stdin, so nothing in it can be taken for a command-line option. espeak-ng reads amounts
and dates itself; phone numbers are first put in groups (`normalize.speak_phone_numbers`),
or "89123456789" would be read as one huge number.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator

from asr_tts.audio import check_output_rate, decode_wav_bytes
from asr_tts.errors import EngineError, EngineUnavailableError
from asr_tts.tts.base import Synthesizer, TtsOptions, check_text, chunk_pcm
from asr_tts.tts.normalize import speak_phone_numbers

DEFAULT_WPM = 175
CHUNK_S = 0.5
LANGUAGE_VOICES = {"ru": "ru", "en": "en-us", "ko": "ko"}


def voice_for_language(language: str) -> str:
    """espeak-ng voice for a language tag (`ru-RU` → `ru`, `en-US` → `en-us`)."""
    tag = language.lower().replace("_", "-")
    return LANGUAGE_VOICES.get(tag.split("-")[0], tag)


class EspeakSynthesizer(Synthesizer):
    name = "espeak"

    def __init__(self, binary: str = "espeak-ng", default_voice: str = "ru") -> None:
        self.binary = binary
        self.default_voice = default_voice

    def command(self, voice: str, options: TtsOptions) -> list[str]:
        cmd = [self.binary, "-v", voice, "-s", str(round(DEFAULT_WPM * options.speed)), "--stdout"]
        if options.pitch is not None:
            cmd += ["-p", str(options.pitch)]
        if options.volume is not None:
            cmd += ["-a", str(round(100 * options.volume))]
        return cmd

    async def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        chosen = voice or self.default_voice
        clean = speak_phone_numbers(check_text(text), chosen)
        check_output_rate(sample_rate)
        opts = options or TtsOptions()
        exe = shutil.which(self.binary)
        if exe is None:
            raise EngineUnavailableError(
                f"{self.binary} is not installed (apt-get install espeak-ng)", engine=self.name
            )
        proc = await asyncio.create_subprocess_exec(
            *self.command(chosen, opts),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        wav, err = await proc.communicate(clean.encode("utf-8"))
        if proc.returncode != 0 or not wav:
            message = err.decode("utf-8", "replace").strip() or f"exit code {proc.returncode}"
            raise EngineError(f"espeak-ng failed (voice {voice!r}): {message}", engine=self.name)
        pcm, _rate = decode_wav_bytes(wav, sample_rate)
        for chunk in chunk_pcm(pcm, int(sample_rate * CHUNK_S) * 2):
            yield chunk
