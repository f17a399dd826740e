"""The telephony listeners `voicebot serve` runs next to the HTTP API: the SIP user agent
(UDP and TCP on `sip_port`) and the Asterisk AudioSocket server (TCP on
`audiosocket_port`). The Twilio WebSocket endpoint is part of the HTTP app itself
(`routers/media.py`). Both listeners hand every call to `InboundCalls`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from bot_engine.service.inbound import InboundCalls
from bot_engine.service.settings import ServiceSettings
from media_gateway.audiosocket import AudioSocketServer
from media_gateway.sip import RegistrationFailed, SipConfig, SipUserAgent

log = logging.getLogger(__name__)


class ListenerError(RuntimeError):
    """A listener could not bind: the message names the setting to change."""


@dataclass
class Listeners:
    sip: SipUserAgent | None = None
    audiosocket: AudioSocketServer | None = None
    registered: bool = False
    """A REGISTER succeeded (`sip_register`); the user agent then keeps it refreshed."""
    _sip_loop: asyncio.Task[None] | None = field(default=None, repr=False)
    _register: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def sip_port(self) -> int | None:
        return self.sip.local_port if self.sip is not None else None

    @property
    def audiosocket_port(self) -> int | None:
        return self.audiosocket.port if self.audiosocket is not None else None

    def sip_alive(self) -> bool:
        return self._sip_loop is not None and not self._sip_loop.done()

    def health(self) -> dict[str, Any]:
        return {
            "sip": {
                "enabled": self.sip is not None,
                "listening": self.sip_alive(),
                "port": self.sip_port,
                "registered": self.registered,
            },
            "audiosocket": {
                "enabled": self.audiosocket is not None,
                "listening": self.audiosocket is not None,
                "port": self.audiosocket_port,
            },
        }

    def stop_accepting(self) -> None:
        """Draining: new SIP calls and OPTIONS probes get 503 (the edge goes elsewhere)."""
        if self.sip is not None:
            self.sip.stop_accepting()

    def ok(self) -> bool:
        return self.sip is None or self.sip_alive()

    async def close(self) -> None:
        """Stop taking calls; calls in progress are hung up (their sessions then finish)."""
        if self._register is not None:
            self._register.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._register
        if self.audiosocket is not None:
            await self.audiosocket.close()
        if self.sip is not None:
            await self.sip.close()
        if self._sip_loop is not None:
            self._sip_loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sip_loop


async def start_listeners(
    settings: ServiceSettings, inbound: InboundCalls, listeners: Listeners | None = None
) -> Listeners:
    """Start the configured listeners (into `listeners`, which the dialer already reads
    its shared user agent from)."""
    listeners = listeners if listeners is not None else Listeners()
    try:
        if settings.sip_enabled:
            # The trunk settings too: outbound calls of the `sip` dialer use this agent.
            config = SipConfig(
                host=settings.sip_host,
                port=settings.sip_port,
                advertised_host=settings.sip_advertised_host,
                user=settings.sip_caller,
                proxy=settings.sip_proxy,
                auth_username=settings.sip_username,
                password=settings.sip_password,
                domain=settings.sip_domain,
                max_calls=settings.max_calls,
            )
            try:
                listeners.sip = await SipUserAgent.start(config)
            except OSError as exc:
                raise ListenerError(
                    f"cannot listen for SIP on {settings.sip_host}:{settings.sip_port}: {exc} "
                    "(set --sip-port / VOICEBOT_SIP_PORT, or VOICEBOT_SIP_ENABLED=false)"
                ) from exc
            listeners._sip_loop = asyncio.get_running_loop().create_task(
                _take_sip_calls(listeners.sip, inbound), name="sip-inbound"
            )
            log.info("SIP listening on %s:%d", settings.sip_host, listeners.sip.local_port)
            if settings.sip_register:
                if not settings.sip_proxy:
                    raise ListenerError("sip_register needs sip_proxy (the registrar)")
                listeners._register = asyncio.get_running_loop().create_task(
                    _keep_registered(listeners.sip, listeners), name="sip-register"
                )
        if settings.audiosocket_enabled:
            try:
                listeners.audiosocket = await AudioSocketServer.start(
                    inbound.answer_audiosocket,
                    settings.audiosocket_host,
                    settings.audiosocket_port,
                )
            except OSError as exc:
                raise ListenerError(
                    f"cannot listen for AudioSocket on {settings.audiosocket_host}:"
                    f"{settings.audiosocket_port}: {exc} (set --audiosocket-port / "
                    "VOICEBOT_AUDIOSOCKET_PORT, or VOICEBOT_AUDIOSOCKET_ENABLED=false)"
                ) from exc
            log.info(
                "AudioSocket listening on %s:%d",
                settings.audiosocket_host,
                listeners.audiosocket.port,
            )
    except BaseException:
        await listeners.close()
        raise
    return listeners


async def _keep_registered(ua: SipUserAgent, listeners: Listeners) -> None:
    """Register, retrying while the registrar is unreachable or refuses (a PBX that is
    restarting must not keep the service from starting); refreshes are the agent's."""
    delay = 5.0
    while True:
        try:
            granted = await ua.register()
        except RegistrationFailed as exc:
            log.warning("SIP registration failed: %s; retrying in %.0f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 300.0)
            continue
        listeners.registered = True
        log.info("SIP registered for %d s (refreshed until shutdown)", granted)
        return


async def _take_sip_calls(ua: SipUserAgent, inbound: InboundCalls) -> None:
    async for incoming in ua.incoming():
        inbound.take_sip(incoming)
