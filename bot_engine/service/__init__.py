"""The service: tenants, scripts, calls, results and their delivery, and the telephony
listeners that answer inbound calls (SIP, Twilio Media Streams, AudioSocket).

`create_app(settings)` builds the FastAPI application; its lifespan starts the delivery
worker and the listeners; `voicebot serve` runs it. Inbound routing: `inbound_routing`
(pure), `inbound` (calls), `listeners` (SIP user agent, AudioSocket server),
`routers/media.py` (the WebSocket endpoint).
"""

from bot_engine.service.settings import ServiceSettings

__all__ = ["ServiceSettings"]
