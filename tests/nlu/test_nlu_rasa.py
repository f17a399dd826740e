"""Rasa interop: nlu.yml import, and the /model/parse backend against a local server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot_engine.net import SsrfGuard
from bot_engine.nlu import (
    IntentMatcher,
    NluBackendError,
    RasaNluBackend,
    RasaParse,
    load_rasa_nlu,
)
from bot_engine.nlu.http import Outbound

LOOPBACK = Outbound(SsrfGuard(["127.0.0.1/32"]))
"""The test server is on loopback: allow-listed deliberately, as an operator would."""

NLU_YML = """
version: "3.1"
nlu:
- intent: budget
  examples: |
    - бюджет [сто тысяч](amount)
    - готовы потратить [полтора миллиона]{"entity": "amount", "value": "1500000"}
    - около [двухсот тысяч](amount) рублей
- intent: callback
  examples: |
    - перезвоните [завтра](time)
    - наберите мне позже
- intent: order_status
  examples:
  - text: где мой заказ
    metadata:
      sentiment: neutral
  - text: статус заказа
- regex: order_status
  examples: |
    - заказ\\s*№?\\s*\\d{5,}
- regex: account_number
  examples: |
    - \\d{10,12}
- synonym: перезвоните
  examples: |
    - наберите
    - позвоните
- lookup: city
  examples: |
    - Москва
"""


def test_load_rasa_nlu_reads_intents_regex_and_synonyms() -> None:
    intents = load_rasa_nlu(NLU_YML)
    assert set(intents) == {"budget", "callback", "order_status"}
    assert intents["budget"].examples[:3] == [
        "бюджет сто тысяч",
        "готовы потратить полтора миллиона",
        "около двухсот тысяч рублей",
    ]
    assert "где мой заказ" in intents["order_status"].examples
    assert intents["order_status"].patterns == [r"заказ\s*№?\s*\d{5,}"]
    assert intents["budget"].patterns == []
    # the synonym teaches "позвоните завтра" from "перезвоните завтра"
    assert "позвоните завтра" in intents["callback"].examples


def test_imported_intents_drive_the_matcher() -> None:
    matcher = IntentMatcher(load_rasa_nlu(NLU_YML), "ru-RU")
    assert matcher.match("позвоните мне завтра").intent == "callback"
    assert matcher.match("заказ № 123456").intent == "order_status"
    assert matcher.match("бюджет около ста тысяч").intent == "budget"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nlu: [unclosed", "not valid YAML"),
        ("- intent: x", "'nlu:' list"),
        ("nlu:\n- something: x\n", "unknown entry"),
        ("nlu:\n- intent: x\n  examples: |\n    no dash\n", "must start with '- '"),
        ("nlu:\n- intent: x\n  examples: |\n    - a\n- regex: x\n  examples: |\n    - (\n",
         "invalid pattern"),
    ],
)  # fmt: skip
def test_load_rasa_nlu_rejects_bad_files(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_rasa_nlu(text)


# ---- a local Rasa-like server --------------------------------------------------------

# The response body documented for Rasa's HTTP API, POST /model/parse.
RASA_BODY: dict[str, Any] = {
    "text": "перезвоните завтра",
    "intent": {"name": "callback", "confidence": 0.93},
    "intent_ranking": [
        {"name": "callback", "confidence": 0.93},
        {"name": "budget", "confidence": 0.05},
        {"name": "order_status", "confidence": 0.02},
    ],
    "entities": [
        {
            "entity": "time",
            "start": 12,
            "end": 18,
            "value": "завтра",
            "confidence": 0.99,
            "extractor": "DIETClassifier",
        }
    ],
}


class _Server:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.reply: tuple[int, bytes] = (200, json.dumps(RASA_BODY).encode())
        self.hold = threading.Event()  # set -> answer; cleared -> stall (timeout case)
        self.hold.set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                outer.requests.append((self.path, json.loads(self.rfile.read(length))))
                outer.hold.wait(timeout=5)
                status, body = outer.reply
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the timeout case: the client gave up before the answer

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


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    yield srv
    srv.close()


async def test_backend_maps_rasa_response(server: _Server) -> None:
    backend = RasaNluBackend(server.url, token="s3cret", outbound=LOOPBACK)
    try:
        result = await backend.parse("перезвоните завтра")
    finally:
        await backend.aclose()
    assert server.requests == [("/model/parse?token=s3cret", {"text": "перезвоните завтра"})]
    assert isinstance(result, RasaParse)
    assert result.intent == "callback"
    assert result.confidence == pytest.approx(0.93)
    assert result.ranking[0] == ("callback", pytest.approx(0.93))
    assert [r[0] for r in result.ranking] == ["callback", "budget", "order_status"]
    assert result.entities[0].entity == "time" and result.entities[0].value == "завтра"


async def test_backend_fallback_intent_is_no_match(server: _Server) -> None:
    fallback = {"text": "x", "intent": {"name": "nlu_fallback", "confidence": 0.3}}
    server.reply = (200, json.dumps(fallback).encode())
    backend = RasaNluBackend(server.url + "/", outbound=LOOPBACK)
    try:
        result = await backend.parse("x")
    finally:
        await backend.aclose()
    assert result.intent is None
    assert server.requests[0][0] == "/model/parse"


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (500, b'{"error": "boom"}', "HTTP 500"),
        (200, b"not json", "unexpected body"),
        (200, b'{"intent": {"name": 5, "confidence": "high"}}', "unexpected body"),
    ],
)
async def test_backend_errors(server: _Server, status: int, body: bytes, message: str) -> None:
    server.reply = (status, body)
    backend = RasaNluBackend(server.url, outbound=LOOPBACK)
    try:
        with pytest.raises(NluBackendError, match=message):
            await backend.parse("привет")
    finally:
        await backend.aclose()


async def test_backend_timeout(server: _Server) -> None:
    server.hold.clear()  # the server stalls until the client has given up
    backend = RasaNluBackend(server.url, timeout_s=0.2, outbound=LOOPBACK)
    try:
        with pytest.raises(NluBackendError, match="did not answer"):
            await backend.parse("привет")
    finally:
        server.hold.set()
        await backend.aclose()


async def test_backend_connection_refused() -> None:
    srv = _Server()
    url = srv.url
    srv.close()  # nothing listens on that port any more
    backend = RasaNluBackend(url, timeout_s=1.0, outbound=LOOPBACK)
    try:
        with pytest.raises(NluBackendError, match="request failed"):
            await backend.parse("привет")
    finally:
        await backend.aclose()


def test_backend_rejects_bad_url() -> None:
    with pytest.raises(ValueError, match="http"):
        RasaNluBackend("localhost:5005")
