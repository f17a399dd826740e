"""How the simulated people of a loopback call speak (the caller, a simulated manager):
an offline voice for the script's language, rendered through the robot's TTS cache."""

from __future__ import annotations

from dataclasses import dataclass

from asr_tts.tts import Synthesizer, TtsOptions, create_synthesizer
from asr_tts.tts_cache import PromptSpec
from bot_engine.call.speech import CallSpeech, best_offline_tts, default_voice


@dataclass(frozen=True)
class CallerVoice:
    """How a simulated caller speaks: engine, voice and options (part of the cache key)."""

    engine: str
    voice: str
    options: TtsOptions


def caller_voice(speech: CallSpeech) -> CallerVoice:
    """A simulated caller's voice, whatever engine the robot speaks with: Festival's
    Russian voice for Russian where installed (Whisper cannot understand espeak-ng's
    Russian), espeak-ng a little slower than normal otherwise (measured: Whisper hears
    espeak-ng's numbers and short answers better at 0.9x)."""
    engine = best_offline_tts(speech.language, speech.settings.festival_binary)
    voice = default_voice(engine, speech.language)
    assert voice is not None
    speed = 0.9 if engine == "espeak" else 1.0
    return CallerVoice(engine, voice, TtsOptions(speed=speed))


def caller_synthesizer(speech: CallSpeech, engine: str = "espeak") -> Synthesizer:
    """The engine a simulated caller speaks with (the robot's own when it is the same)."""
    if engine == speech.tts_engine:
        return speech.synthesizer
    return create_synthesizer(speech.settings, engine)


async def render_line(speech: CallSpeech, voice: CallerVoice, text: str, rate: int) -> bytes:
    """A simulated person's line as audio at the call's rate (from the TTS cache)."""
    spec = PromptSpec(engine=voice.engine, voice=voice.voice, options=voice.options,
                      sample_rate=rate, text=text)
    return await speech.cache.get_or_render(spec, caller_synthesizer(speech, voice.engine))
