"""The NLU tests share a loopback JSON peer (`json_server.py`) for Rasa and LLM tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
