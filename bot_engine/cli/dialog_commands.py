"""CLI commands for scripts and dialogs: validate, schema, chat, test, demo."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
