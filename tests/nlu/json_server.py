"""A loopback HTTP peer that answers JSON POSTs: a Rasa server speaking its documented
`/model/parse` response, or an OpenAI-compatible `/chat/completions` endpoint."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[str, dict[str, Any]], tuple[int, Any]]
"""(path, decoded body) -> (status, JSON-able body, or bytes sent as they are)."""


class JsonServer:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.hold = threading.Event()  # cleared: every request stalls until it is set
        self.hold.set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                outer.requests.append((self.path, body, dict(self.headers)))
                outer.hold.wait(timeout=10)
                status, reply = outer.answer(self.path, body)
                data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the timeout cases)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def rasa_parse(intent: str | None, confidence: float = 0.9,
               entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A `/model/parse` body as Rasa 3 documents it."""
    ranking = [{"name": intent, "confidence": confidence}] if intent else []
    return {
        "text": "",
        "intent": {"name": intent, "confidence": confidence} if intent else None,
        "intent_ranking": ranking,
        "entities": entities or [],
    }


def chat_completion(content: str) -> dict[str, Any]:
    """A `/chat/completions` body as the OpenAI API documents it."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "test",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
    }
