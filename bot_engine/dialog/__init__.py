"""The pure dialogue engine and its event and action types."""

from bot_engine.dialog.actions import Action, DialogResult
from bot_engine.dialog.engine import Dialog, DialogState
from bot_engine.dialog.events import Event

__all__ = ["Action", "Dialog", "DialogResult", "DialogState", "Event"]
