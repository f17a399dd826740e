"""Telephony: call legs over SIP/RTP, Twilio-protocol WebSocket media and Asterisk AudioSocket.

Audio convention shared with `asr_tts`: 16-bit little-endian mono PCM bytes plus a sample
rate. This package never imports `bot_engine` or `asr_tts`.
"""
