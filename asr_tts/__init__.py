"""Speech engines behind small async interfaces: streaming ASR, TTS, the TTS cache and VAD.

Audio convention shared with `media_gateway`: 16-bit little-endian mono PCM bytes plus a
sample rate. This package never imports `bot_engine` or `media_gateway`.

Public API:
- `asr_tts.asr`: `create_recognizer(settings, engine=None) -> StreamingRecognizer`
  (`start`, `feed`, `close`, async iteration of `AsrResult`), engines `vosk`, `whisper`,
  `yandex`, with the fallback order from settings.
- `asr_tts.tts`: `create_synthesizer(settings, engine=None) -> Synthesizer`
  (`synthesize(text, voice, sample_rate, options)` streams PCM chunks; `render` joins
  them), engines `espeak`, `yandex`, `audio`.
- `asr_tts.tts_cache`: `TtsCache(dir, max_bytes, synthesizers)`, `PromptSpec`.
- `asr_tts.vad`: `Endpointer(...).push(frame) -> list[SpeechStart | SpeechEnd]`.
- `asr_tts.settings.SpeechSettings`, `asr_tts.errors` (all derive from `SpeechError`).
"""
