"""RTP media for SIP calls, one module per concern:

- `packet`: RFC 3550 packets, parse and build (sans-I/O);
- `g711`: μ-law and A-law as numpy lookup tables;
- `jitter`: the sequence-ordered, fixed-depth jitter buffer (sans-I/O);
- `dtmf`: RFC 4733 telephone-events, sender schedule and receiver de-duplication;
- `clock`: the one 20 ms `MediaClock` per event loop that paces every call;
- `session`: `RtpSession`, one call's media on one UDP port, tying them together.
"""

from media_gateway.rtp.clock import MediaClock, shared_clock
from media_gateway.rtp.session import RtpSession, RtpStats

__all__ = ["MediaClock", "RtpSession", "RtpStats", "shared_clock"]
