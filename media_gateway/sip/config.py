"""Configuration of the SIP user agent (validated, because it crosses the config boundary)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from media_gateway.sip.transaction import TimerSettings


class SipConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    """Address to bind UDP and TCP on."""
    port: int = Field(5060, ge=0, le=65535)
    """0 asks the OS for a free port (tests)."""
    advertised_host: str | None = None
    """Address to put in Via, Contact and SDP when it differs from `host` (NAT, 0.0.0.0)."""
    tcp: bool = True
    user: str = "voicebot"
    display_name: str = ""
    domain: str | None = None
    """Our SIP domain (From of outgoing calls, REGISTER target); defaults to the proxy host."""
    proxy: str | None = None
    """Outbound proxy or trunk as HOST:PORT; every out-of-dialog request goes there."""
    proxy_transport: Literal["udp", "tcp"] = "udp"
    auth_username: str | None = None
    password: str | None = None
    register_expires: int = Field(3600, ge=60, le=86400)
    codecs: tuple[Literal["PCMU", "PCMA"], ...] = ("PCMU", "PCMA")
    dtmf_payload_type: int = Field(101, ge=96, le=127)
    rtp_host: str | None = None
    """Address to bind RTP sockets on; defaults to `host`."""
    t1: float = Field(0.5, gt=0)
    t2: float = Field(4.0, gt=0)
    t4: float = Field(5.0, gt=0)
    ring_timeout_s: float = Field(180.0, gt=0)
    """An incoming call neither answered nor rejected by then gets 480."""
    max_pending_calls: int = Field(1000, ge=1)
    """Incoming calls waiting for the application beyond this get 503."""
    max_calls: int | None = Field(None, ge=1)
    """Calls (ours and theirs, answered or being offered) at which this agent is full: new
    INVITEs and OPTIONS probes then get 503, so a dispatching proxy sends calls elsewhere."""
    max_x_headers: int = Field(32, ge=0, le=256)
    """`X-` headers of an INVITE (call variables chosen by the caller) beyond this: 400."""
    max_x_header_chars: int = Field(1000, ge=1, le=8192)
    """An `X-` header longer than this gets 400 (call variables are bounded alike)."""
    recv_buffer_bytes: int = Field(4 * 1024 * 1024, ge=65536)
    """SO_RCVBUF asked for the UDP socket, so a burst of INVITEs waits in the kernel
    instead of being dropped (Linux caps it at `net.core.rmem_max`)."""
    user_agent: str = "voicebot/0.1"
    follow_refer: bool = False
    """Accept a REFER from the far end (202) and hand its target to the application, which
    places the new call and reports how it went (a simulated phone that follows a blind
    transfer). Off, a REFER gets 405: a far end must not make this agent dial anywhere."""

    @property
    def timers(self) -> TimerSettings:
        return TimerSettings(t1=self.t1, t2=self.t2, t4=self.t4)

    def proxy_address(self) -> tuple[str, int] | None:
        if not self.proxy:
            return None
        host, _, port = self.proxy.rpartition(":")
        if not host or not port.isdigit():
            return self.proxy, 5060
        return host, int(port)
