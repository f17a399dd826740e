"""Text shells over the dialogue engine: the chat simulator and the dialog test runner.

Real webhook requests are injected by the shell that runs a session (the guarded runner of
`bot_engine.call.webhooks`); dialog tests answer them from the test file.
"""

from __future__ import annotations

from bot_engine.simulator.session import TextSession, run_conversation
from bot_engine.simulator.webhooks import CannedWebhooks

__all__ = ["CannedWebhooks", "TextSession", "run_conversation"]
