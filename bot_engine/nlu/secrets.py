"""Credentials for outside NLU servers (Rasa, an LLM): named in a script, resolved here.

A script is shared, versioned, exported and shown to its authors, so it never holds a
key (validation refuses `api_key:` and `token:`). It names one instead
(`llm: {api_key_env: OPENAI}`), and the process that runs the call resolves the name when
it asks the server, from `VOICEBOT_NLU_KEY_<NAME>` in its environment (the service's
settings, a systemd unit, a container secret). The prefix matters: a script (a tenant's
input) can never name `DATABASE_URL` or any other variable of the process and have it
sent to an address of its choosing. A host with its own secret store passes its own
lookup to `nlu.external.consult` instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

PREFIX = "VOICEBOT_NLU_KEY_"
_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,63}")

SecretLookup = Callable[[str], "str | None"]
"""A credential's name -> its value, or None when there is no such credential."""


def from_environment(name: str) -> str | None:
    """The value of ``VOICEBOT_NLU_KEY_<name>``, or None (also for a malformed name)."""
    if not _NAME.fullmatch(name):
        return None
    return os.environ.get(PREFIX + name) or None
