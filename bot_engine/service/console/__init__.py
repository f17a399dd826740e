"""The web console at `/ui`: the customer's window onto calls, scripts, campaigns, the
do-not-call list, deliveries, inbound routes and API keys, served by the same process as the
API.

Server-rendered pages (Jinja2) with a little plain JavaScript, no build step and nothing
fetched from outside (it works on an offline LAN). Every page reads and writes through the
same functions as the HTTP API (the routers' own endpoint functions), so a tenant sees in the
console exactly what the API would give it, with the same 404 for another tenant's ids.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot_engine.service.console import (
    account,
    auth,
    calls,
    campaigns,
    deliveries,
    dnc,
    scripts,
)
from bot_engine.service.console.web import STATIC_DIR

ROUTERS = (
    auth.router,
    calls.router,
    scripts.router,
    campaigns.router,
    dnc.router,
    deliveries.router,
    account.router,
)


def install(app: FastAPI) -> None:
    """Add the console's pages and its static files to the app."""
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="console-static")


__all__ = ["install"]
