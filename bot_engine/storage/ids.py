"""Identifiers: random, URL-safe and short enough for logs."""

from __future__ import annotations

import uuid


def new_id() -> str:
    return uuid.uuid4().hex
