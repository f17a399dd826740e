"""Local HTTP targets for the outbound-HTTP security tests (loopback only).

`InternalService` stands for something on the robot's own network that no tenant may reach
(a metadata endpoint, an admin API): it counts every hit. `BigBody` streams a body of any
size without holding it (a hostile backend answering a webhook with hundreds of MB).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

SCRIPTS = Path(__file__).parent / "scripts"
PROBE_SCRIPT = (SCRIPTS / "ssrf_probe.en.yaml").read_text()
SECRET = "s3cret-from-the-inside"


class InternalService:
    """Answers `{"a": answer}` to any request, counting hits and keeping Host headers."""

    def __init__(self, answer: str = SECRET) -> None:
        self.answer = answer
        self.hits = 0
        self.hosts: list[str] = []
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        self.app = Starlette(routes=[Route("/{path:path}", self.any, methods=methods)])

    async def any(self, request: Request) -> Response:
        self.hits += 1
        self.hosts.append(request.headers.get("host", ""))
        return JSONResponse({"a": self.answer})


class BigBody:
    """`GET /big?mb=N` streams N MB (chunked); `/declared?mb=N` says so in Content-Length."""

    CHUNK = b"x" * 65536

    def __init__(self) -> None:
        self.started = 0
        self.sent = 0
        self.app = Starlette(
            routes=[
                Route("/big", self.big, methods=["GET", "POST"]),
                Route("/declared", self.declared, methods=["GET", "POST"]),
                Route("/gzip", self.gzip, methods=["GET", "POST"]),
                Route("/drip", self.drip, methods=["GET", "POST"]),
            ]
        )

    async def _chunks(self, mb: int, wrap: bool = True) -> AsyncIterator[bytes]:
        """`mb` MB of x, wrapped as valid JSON `{"a": "xxx…"}` unless `wrap` is False."""
        self.started += 1
        if wrap:
            yield b'{"a": "'
        for _ in range(mb * 16):
            self.sent += len(self.CHUNK)
            yield self.CHUNK
        if wrap:
            yield b'"}'

    async def big(self, request: Request) -> Response:
        mb = int(request.query_params.get("mb", "8"))
        return StreamingResponse(self._chunks(mb), media_type="application/json")

    async def declared(self, request: Request) -> Response:
        mb = int(request.query_params.get("mb", "8"))
        headers = {"content-length": str(mb * 1024 * 1024)}
        chunks = self._chunks(mb, wrap=False)
        return StreamingResponse(chunks, headers=headers, media_type="text/plain")

    async def gzip(self, request: Request) -> Response:
        import gzip

        body = gzip.compress(b'{"a": "' + b"x" * 4_000_000 + b'"}')
        return Response(body, headers={"content-encoding": "gzip"}, media_type="application/json")

    async def drip(self, request: Request) -> Response:
        """One byte a second, forever: each read is quick, the whole answer never ends."""

        async def drops() -> AsyncIterator[bytes]:
            self.started += 1
            while True:
                yield b" "
                await asyncio.sleep(0.5)

        return StreamingResponse(drops(), media_type="application/json")


async def finished_call(api: Any, client: httpx.AsyncClient, variables: dict[str, str]) -> Any:
    """Run the probe script as a call of the simulated dialer; its final state."""
    await client.post(
        "/v1/scripts", content=PROBE_SCRIPT, headers={"content-type": "application/yaml"}
    )
    created = await client.post(
        "/v1/calls", json={"to": "+15550001", "script_id": "ssrf_probe", "variables": variables}
    )
    assert created.status_code == 202, created.text
    async with asyncio.timeout(60):
        while True:
            call = (await client.get(f"/v1/calls/{created.json()['id']}")).json()
            if call["status"] in ("completed", "failed"):
                return call
            await asyncio.sleep(0.05)
