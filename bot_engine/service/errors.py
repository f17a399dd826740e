"""Errors the service raises; the app turns each into a clear 4xx problem document."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, issues: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.issues = issues


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class Invalid(ServiceError):
    status_code = 422
    code = "invalid"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"
