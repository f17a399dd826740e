"""The root of the call runtime's errors: one `except CallError` catches what placing,
answering, routing, recording or simulating a call can raise. Each class keeps the base
its callers already catch (`ValueError`, ...)."""

from __future__ import annotations


class CallError(Exception):
    """Something the call runtime could not do."""
