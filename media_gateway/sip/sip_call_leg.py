"""`SipCallLeg`: one established SIP dialog plus its RTP session, seen as a `CallLeg`.

Audio and RFC 4733 digits come from the RTP session; INFO digits and the end of the call
come from the SIP side. Both are merged into one ordered event stream that ends with
exactly one `CallEnded`.

The leg reads its call's SIP state (`SipCall`, owned by the core) and asks its signalling
(the user agent, seen through the `CallSignalling` protocol) to hang up, hold or transfer;
it never writes SIP state, and this module does not import the user agent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol, runtime_checkable

from media_gateway.call_leg import (
    CallEnded,
    CallInfo,
    CallLeg,
    InboundDtmf,
    InboundEvent,
    InboundFrame,
    Playback,
    events_until_ended,
)
from media_gateway.inbound_queue import InboundQueue
from media_gateway.sdp import NegotiatedMedia
from media_gateway.sip.call_state import SipCall
from media_gateway.sip.dialog import Dialog

log = logging.getLogger(__name__)

MAX_QUEUED_FRAMES = 500
"""10 s of unread audio per call at most."""


class RtpMedia(Protocol):
    """The part of `media_gateway.rtp.session.RtpSession` a SIP call uses."""

    local_port: int

    def configure(
        self,
        remote: tuple[str, int],
        *,
        codec: Any,
        payload_type: int,
        dtmf_payload_type: int | None = 101,
    ) -> None: ...

    def set_hold(self, on_hold: bool) -> None: ...

    def events(self) -> AsyncIterator[Any]: ...

    def play(self, pcm: bytes) -> Playback: ...

    async def send_dtmf(self, digits: str) -> None: ...

    def stats(self) -> Any: ...

    async def close(self) -> None: ...


@runtime_checkable
class PushedRtpMedia(Protocol):
    """RTP media that can hand inbound frames and digits to a callback from its media
    clock (`RtpSession.set_event_sink`) instead of through `events()`."""

    def set_event_sink(self, sink: Any) -> None: ...


class CallSignalling(Protocol):
    """What a leg asks of the user agent that carries it."""

    async def bye(self, leg: SipCallLeg, cause: str = "robot_hangup") -> None: ...

    async def refer(self, leg: SipCallLeg, target: str, *, wait_s: float | None = None
                    ) -> bool: ...

    async def reinvite(self, leg: SipCallLeg, *, hold: bool) -> bool: ...

    async def notify_transfer(self, leg: SipCallLeg, status: int, reason: str) -> None: ...


class SipCallLeg(CallLeg):
    sample_rate = 8000

    def __init__(self, signalling: CallSignalling, *, call: SipCall, rtp: RtpMedia) -> None:
        assert call.info is not None
        self.info: CallInfo = call.info
        self.sip = call
        """The call's SIP state, owned by the core (read here, never written)."""
        self.rtp = rtp
        self._signalling = signalling
        self._queue: InboundQueue[InboundEvent] = InboundQueue(MAX_QUEUED_FRAMES)
        self._ended: CallEnded | None = None
        self._started = asyncio.get_running_loop().time()
        self._pump: asyncio.Task[None] | None = None
        self._sink_attached = False
        self.media: NegotiatedMedia | None = None
        """The media RTP was last configured with."""
        self.referred_to: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        """The target of a REFER the far end sent us (only with `SipConfig.follow_refer`):
        the application places that call and answers with `report_transfer`."""

    @property
    def ref(self) -> int:
        """The core's number for this call."""
        return self.sip.ref

    @property
    def dialog(self) -> Dialog:
        assert self.sip.dialog is not None
        return self.sip.dialog

    # -- media wiring -------------------------------------------------------------------

    def apply_media(self, media: NegotiatedMedia) -> None:
        """Configure RTP from a completed offer/answer (first time or re-INVITE)."""
        self.media = media
        if media.remote_host != "0.0.0.0":
            self.rtp.configure(
                (media.remote_host, media.remote_port),
                codec=media.codec,
                payload_type=media.payload_type,
                dtmf_payload_type=media.dtmf_payload_type,
            )
        self.rtp.set_hold(not media.sending)

    def start_media(self) -> None:
        if self._pump is not None or self._sink_attached:
            return
        if isinstance(self.rtp, PushedRtpMedia):
            # Frames go straight into our queue from the media clock: no pump task to wake
            # for every 20 ms frame of every call.
            self.rtp.set_event_sink(self._on_rtp_event)
            self._sink_attached = True
        else:
            self._pump = asyncio.get_running_loop().create_task(self._pump_rtp())

    def _on_rtp_event(self, event: object) -> None:
        if self._ended is None and isinstance(event, InboundFrame | InboundDtmf):
            self._push(event)

    async def _pump_rtp(self) -> None:
        try:
            async for event in self.rtp.events():
                if self._ended is not None:
                    return
                if isinstance(event, InboundFrame | InboundDtmf):
                    self._push(event)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("rtp events of call %s failed", self.info.call_id)

    def _push(self, event: InboundEvent) -> None:
        """Queue an event; when nobody reads, the oldest audio goes first (digits and the
        end of the call are never dropped), so an idle consumer cannot grow memory."""
        self._queue.put(event)

    @property
    def frames_dropped(self) -> int:
        """Audio frames dropped because nobody read events() for MAX_QUEUED_FRAMES."""
        return self._queue.dropped_frames

    def push_dtmf(self, digit: str) -> None:
        if self._ended is None:
            elapsed = int((asyncio.get_running_loop().time() - self._started) * 1000)
            self._push(InboundDtmf(digit, elapsed))

    @property
    def ended(self) -> bool:
        return self._ended is not None

    async def finish(self, cause: str) -> None:
        """End the leg locally (no signalling): stop media, emit the one CallEnded."""
        if self._ended is not None:
            return
        self._ended = CallEnded(cause)
        self._push(self._ended)
        if self._sink_attached:
            self._sink_attached = False
            if isinstance(self.rtp, PushedRtpMedia):
                self.rtp.set_event_sink(None)
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._pump
        try:
            await self.rtp.close()
        except Exception:
            log.exception("closing rtp of call %s", self.info.call_id)

    # -- CallLeg ------------------------------------------------------------------------

    def events(self) -> AsyncIterator[InboundEvent]:
        return events_until_ended(self._queue.get)

    def play(self, pcm: bytes) -> Playback:
        return self.rtp.play(pcm)

    async def send_dtmf(self, digits: str) -> None:
        await self.rtp.send_dtmf(digits)

    @property
    def user_agent(self) -> CallSignalling:
        """The user agent that carries this call: a second call (a bridged transfer)
        leaves through it, with the same trunk and credentials."""
        return self._signalling

    @property
    def refer_status(self) -> int | None:
        """The final status the last transfer's NOTIFY reported, or the REFER's refusal
        (None: none came)."""
        return self.sip.refer_status

    async def transfer(self, target: str, *, wait_s: float | None = None) -> bool:
        """Blind transfer (REFER); on success the far end is gone, so we hang up."""
        if self._ended is not None:
            return False
        return await self._signalling.refer(self, target, wait_s=wait_s)

    def push_referral(self, target: str) -> None:
        if not self.referred_to.done():
            self.referred_to.set_result(target)

    async def report_transfer(self, status: int, reason: str) -> None:
        """Tell the far end how the call its REFER asked for went (a final SIP status)."""
        await self._signalling.notify_transfer(self, status, reason)

    async def hold(self, on_hold: bool = True) -> bool:
        """re-INVITE the far end to hold (sendonly) or resume (sendrecv)."""
        return await self._signalling.reinvite(self, hold=on_hold)

    async def hangup(self) -> None:
        if self._ended is None:
            await self._signalling.bye(self)
