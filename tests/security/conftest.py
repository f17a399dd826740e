"""Fixtures for the security tests: the service tests' in-process app with fast settings, on
both storage backends (tests/conftest.py: one local PostgreSQL on loopback)."""

from __future__ import annotations

from tests.service.conftest import api

__all__ = ["api"]
