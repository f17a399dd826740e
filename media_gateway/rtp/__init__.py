"""RTP media: packets, G.711, the shared send clock, jitter buffer, RFC 4733 DTMF and the
per-call `RtpSession`."""

from media_gateway.rtp.clock import MediaClock, shared_clock
from media_gateway.rtp.session import RtpSession, RtpStats

__all__ = ["MediaClock", "RtpSession", "RtpStats", "shared_clock"]
