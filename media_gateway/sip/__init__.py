"""SIP (RFC 3261) user agent: sans-I/O parser, transactions and dialogs, asyncio at the edge.

Public entry points: `SipUserAgent`, `SipConfig`, `IncomingCall`, `SipCallLeg`,
`CallFailed`.
"""

from media_gateway.sip.config import SipConfig
from media_gateway.sip.outcomes import CallFailed, RegistrationFailed
from media_gateway.sip.sip_call_leg import SipCallLeg
from media_gateway.sip.user_agent import IncomingCall, SipUserAgent

__all__ = [
    "CallFailed",
    "IncomingCall",
    "RegistrationFailed",
    "SipCallLeg",
    "SipConfig",
    "SipUserAgent",
]
