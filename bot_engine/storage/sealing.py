"""Secrets at rest: webhook signing secrets and CRM delivery targets are sealed in the database.

A sealed value is `vbenc1:<key id>:<Fernet token>` (AES-128-CBC + HMAC-SHA256 from the
`cryptography` package; the key id is the first 8 hex digits of the key's SHA-256, so a
background pass can find rows sealed with an older key). The columns do the work
(`SealedText`, `SealedJSON`): code above storage reads and writes plain values, and the
delivery adapters never see a sealed one.

The box travels on the engine's dialect (`attach`), not in a global, so two databases with
two keys can live in one process. Without a box (a tool that opened the database without the
key) plain values are written as they are and a sealed value cannot be read (`SecretsLocked`).
Rows written before sealing existed are read as they are and sealed by `reseal`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import JSON, Text, TypeDecorator
from sqlalchemy.engine import Dialect

from bot_engine.storage.errors import StorageError

PREFIX = "vbenc1:"
OPENED_CACHE = 4096
"""Opened values kept per box (a few MB at most)."""
_DIALECT_ATTR = "voicebot_secret_box"


class SecretsLocked(StorageError, RuntimeError):
    """A sealed value was read without the key that sealed it."""


class BadEncryptionKey(StorageError, ValueError):
    """An encryption key that is not one (or none at all)."""


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def new_key() -> str:
    """A fresh key for `encryption_key`."""
    return Fernet.generate_key().decode()


def check_key(key: str) -> None:
    """Raise BadEncryptionKey unless `key` is a Fernet key (32 bytes, url-safe base64)."""
    try:
        Fernet(key.encode())
    except (ValueError, TypeError) as exc:
        raise BadEncryptionKey(
            "an encryption key is 32 random bytes in url-safe base64 (44 characters); make one"
            " with `voicebot keys new-encryption-key`"
        ) from exc


class SecretBox:
    """Seals with the first key, opens with any of them (key rotation)."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise BadEncryptionKey("a SecretBox needs at least one key")
        for key in keys:
            check_key(key)
        self.current_id = key_id(keys[0])
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        # Every inbound call loads every route (webhook included): without this, each one
        # would cost a decryption (~30 us) per route on the event loop. Values are immutable
        # (a new value is a new token), so a bounded LRU by token is always right; it holds
        # nothing the process would not hold anyway while it uses the secrets.
        self._open_cached = functools.lru_cache(maxsize=OPENED_CACHE)(self._open)

    @property
    def current_prefix(self) -> str:
        return f"{PREFIX}{self.current_id}:"

    def seal(self, plain: str) -> str:
        return self.current_prefix + self._fernet.encrypt(plain.encode()).decode()

    def open(self, stored: str) -> str:
        """The plain text of a sealed value; a plain (legacy) value is returned as it is."""
        if not is_sealed(stored):
            return stored
        return self._open_cached(stored)

    def _open(self, stored: str) -> str:
        token = stored.split(":", 2)[2]
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretsLocked(
                "a secret in the database was sealed with a key that is not configured"
                " (encryption_key / encryption_old_keys)"
            ) from None


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def attach(dialect: Dialect, box: SecretBox | None) -> None:
    setattr(dialect, _DIALECT_ATTR, box)


def box_of(dialect: Dialect) -> SecretBox | None:
    box: SecretBox | None = getattr(dialect, _DIALECT_ATTR, None)
    return box


def _open(dialect: Dialect, stored: str) -> str:
    box = box_of(dialect)
    if box is None:
        raise SecretsLocked("the database holds sealed secrets: open it with the encryption key")
    return box.open(stored)


class SealedText(TypeDecorator[str]):
    """A string column whose values are sealed (plain legacy values still read)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        box = box_of(dialect)
        if value is None or box is None or is_sealed(value):
            return value
        return box.seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not is_sealed(value):
            return value
        return _open(dialect, value)


class SealedJSON(TypeDecorator[Any]):
    """A JSON column whose document is sealed as one JSON string (plain legacy documents
    still read). Stays a JSON column, so sealing needs no change of column type."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        box = box_of(dialect)
        if value is None or box is None:
            return value
        return box.seal(json.dumps(value, separators=(",", ":"), ensure_ascii=False))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if not is_sealed(value):
            return value
        return json.loads(_open(dialect, value))
