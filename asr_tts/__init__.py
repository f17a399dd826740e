"""Speech engines behind small async interfaces: streaming ASR, TTS, the TTS cache and VAD.

Audio convention shared with `media_gateway`: 16-bit little-endian mono PCM bytes plus a
sample rate. This package never imports `bot_engine` or `media_gateway`.
"""
