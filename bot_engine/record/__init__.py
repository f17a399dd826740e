"""The call record: what every shell writes down about a call, in one shape.

The live call's report, the text simulator's transcript, the stored call events, the API's
call and the result delivered to a CRM all use these models, so a turn means the same
thing wherever it is read. This package sits at the bottom beside `delivery` and
`storage` and imports none of the layers above it.
"""

from bot_engine.record.causes import HangupCause
from bot_engine.record.turns import BargeIn, PromptResume, TranscriptTurn

__all__ = ["BargeIn", "HangupCause", "PromptResume", "TranscriptTurn"]
