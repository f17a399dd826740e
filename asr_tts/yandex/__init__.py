"""Yandex SpeechKit v3 over gRPC, through the stubs shipped in the `yandexcloud` package.

Vendor quirks live here and nowhere else: auth metadata, endpoints, error codes, the
5-minute streaming limit and the 250-character synthesis limit.
"""
