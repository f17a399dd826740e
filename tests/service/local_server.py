"""Serve an ASGI app on 127.0.0.1 inside the test's event loop (a real socket, real HTTP)."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn


class LocalServer:
    def __init__(self, app: Any, port: int, host: str = "127.0.0.1") -> None:
        self.port = port
        self.host = host
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self.server.should_exit = False
        self.task = asyncio.create_task(self.server.serve())
        async with asyncio.timeout(10):
            while not self.server.started:
                await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await asyncio.wait_for(self.task, 10)
        self.server.started = False
        config = self.server.config
        self.server = uvicorn.Server(config)

    async def __aenter__(self) -> LocalServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
