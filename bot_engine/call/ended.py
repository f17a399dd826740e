"""The result of a call that ended without (another) dialog turn: nobody answered, the
caller gave up while it rang, the service could not start it, its session failed, or the
process went down mid-call.

The one place such a result is made: the Dialog itself decides it from the event, so it is
valid against the script's contract like any other, and a call interrupted mid-dialog
ends from its saved state (the slots it had filled stay filled).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bot_engine.dialog import events as ev
from bot_engine.dialog.actions import DialogResult
from bot_engine.dialog.engine import Dialog
from bot_engine.script.model import Script

log = logging.getLogger(__name__)


def ended_result(
    script: Script,
    variables: dict[str, Any],
    event: ev.Event,
    *,
    state: dict[str, Any] | None = None,
) -> tuple[DialogResult, dict[str, Any]]:
    """The Dialog's result for a call that ends with `event` (`HungUp`, `NotConnected`),
    from its saved `state` where there is one; and the dialog state after it (or what
    went wrong restoring the saved one)."""
    at = event.at or datetime.now(UTC)
    dialog: Dialog | None = None
    problem: dict[str, Any] | None = None
    if state is not None:
        try:
            dialog = Dialog.restore(script, state)
        except Exception as exc:  # a corrupt state must not keep the call from ending
            log.exception("cannot restore a saved dialog state of script %s", script.id)
            problem = {"restore_error": str(exc)}
    if dialog is None:
        dialog = Dialog(script, dict(variables), now=at)
    dialog.handle(event.model_copy(update={"at": at}))
    if dialog.result is None:  # the event did not end it: the call ends anyway
        dialog.handle(ev.HungUp(cause="error", at=at))
    assert dialog.result is not None
    return dialog.result, problem or dialog.state.model_dump(mode="json")
