"""The HTTP service: tenants, scripts, calls, results and their delivery.

`create_app(settings)` builds the FastAPI application; `voicebot serve` runs it.
"""

from bot_engine.service.settings import ServiceSettings

__all__ = ["ServiceSettings"]
