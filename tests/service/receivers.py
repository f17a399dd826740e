"""Local receivers speaking each vendor's documented wire format (loopback only)."""

from __future__ import annotations

import base64
import itertools
import json
import random
from collections import Counter
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class WebhookReceiver:
    """Verifies Standard Webhooks signatures and deduplicates by `webhook-id`."""

    def __init__(self, secret: str, fail_ratio: float = 0.0, seed: int = 1) -> None:
        self.verifier = Webhook(secret)
        self.fail_ratio = fail_ratio
        self.rng = random.Random(seed)
        self.received: dict[str, dict[str, Any]] = {}
        self.hits: Counter[str] = Counter()
        self.bad_signatures = 0
        self.app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        if self.fail_ratio and self.rng.random() < self.fail_ratio:
            return Response("try later", status_code=500)
        try:
            payload = self.verifier.verify(body, dict(request.headers))
        except WebhookVerificationError:
            self.bad_signatures += 1
            return Response("bad signature", status_code=401)
        msg_id = request.headers["webhook-id"]
        self.hits[msg_id] += 1
        self.received.setdefault(msg_id, payload)  # dedupe: first copy wins
        return Response(status_code=204)


class Bitrix24Fake:
    """Answers like a Bitrix24 incoming webhook (`/rest/1/<token>/<method>.json`)."""

    def __init__(self, token: str = "tok123") -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_methods: dict[str, int] = {}
        self.ids = itertools.count(100)
        self.app = Starlette(
            routes=[Route("/rest/1/{token}/{method}", self.method, methods=["POST"])]
        )

    async def method(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return JSONResponse(
                {
                    "error": "INVALID_CREDENTIALS",
                    "error_description": "Invalid request credentials",
                },
                401,
            )
        name = request.path_params["method"].removesuffix(".json")
        params = json.loads(await request.body())
        self.calls.append((name, params))
        if self.fail_methods.get(name, 0) > 0:
            self.fail_methods[name] -= 1
            return JSONResponse(
                {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}, 503
            )
        time = {"start": 1.0, "finish": 1.1, "duration": 0.1}
        if name == "telephony.externalcall.register":
            if "USER_ID" not in params or "PHONE_NUMBER" not in params:
                return JSONResponse(
                    {"error": "ERROR_ARGUMENT", "error_description": "USER_ID is required"}, 400
                )
            return JSONResponse(
                {
                    "result": {
                        "CALL_ID": f"externalCall.{next(self.ids)}",
                        "CRM_CREATED_LEAD": 7,
                        "CRM_ENTITY_TYPE": "LEAD",
                        "CRM_ENTITY_ID": 7,
                        "LEAD_CREATION_ERROR": None,
                    },
                    "time": time,
                }
            )
        if name == "telephony.externalcall.finish":
            return JSONResponse(
                {
                    "result": {
                        "CALL_ID": params["CALL_ID"],
                        "CALL_DURATION": params.get("DURATION"),
                        "CALL_FAILED_CODE": params.get("STATUS_CODE"),
                        "CRM_ACTIVITY_ID": 555,
                    },
                    "time": time,
                }
            )
        if name == "telephony.externalCall.attachRecord":
            base64.b64decode(params["FILE_CONTENT"], validate=True)
            return JSONResponse({"result": {"FILE_ID": 9}, "time": time})
        if name == "crm.activity.update":
            return JSONResponse({"result": True, "time": time})
        if name == "crm.lead.add":
            return JSONResponse({"result": next(self.ids), "time": time})
        return JSONResponse(
            {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}, 404
        )


class AmoCrmFake:
    """Answers like amoCRM API v4 (contacts search/create, calls, notes)."""

    def __init__(self, token: str = "amo-token") -> None:
        self.token = token
        self.contacts: dict[int, str] = {}
        self.calls: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        self.requests: list[str] = []
        self.ids = itertools.count(1000)
        self.app = Starlette(
            routes=[
                Route("/api/v4/contacts", self.contacts_endpoint, methods=["GET", "POST"]),
                Route("/api/v4/calls", self.calls_endpoint, methods=["POST"]),
                Route("/api/v4/contacts/notes", self.notes_endpoint, methods=["POST"]),
            ]
        )

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    async def contacts_endpoint(self, request: Request) -> Response:
        self.requests.append(f"{request.method} contacts")
        if not self._authorized(request):
            return JSONResponse({"title": "Unauthorized", "status": 401}, 401)
        if request.method == "GET":
            query = request.query_params.get("query", "")
            found = [
                {"id": cid, "name": "x"}
                for cid, phone in self.contacts.items()
                if query and query in phone
            ]
            if not found:
                return Response(status_code=204)
            return JSONResponse({"_page": 1, "_embedded": {"contacts": found}})
        items = json.loads(await request.body())
        out = []
        for index, item in enumerate(items):
            phone = item["custom_fields_values"][0]["values"][0]["value"]
            cid = next(self.ids)
            self.contacts[cid] = "".join(ch for ch in phone if ch.isdigit())
            out.append({"id": cid, "request_id": str(index)})
        return JSONResponse({"_embedded": {"contacts": out}})

    async def calls_endpoint(self, request: Request) -> Response:
        self.requests.append("POST calls")
        items = json.loads(await request.body())
        embedded, errors = [], []
        for index, item in enumerate(items):
            digits = "".join(ch for ch in item["phone"] if ch.isdigit())
            owner = next((cid for cid, p in self.contacts.items() if p == digits), None)
            if owner is None:  # amoCRM drops calls it cannot attach to an entity
                errors.append({"request_id": str(index), "detail": "Entity not found"})
                continue
            self.calls.append(item)
            embedded.append(
                {
                    "id": next(self.ids),
                    "entity_id": owner,
                    "entity_type": "contact",
                    "request_id": str(index),
                }
            )
        return JSONResponse(
            {"_total_items": len(embedded), "errors": errors, "_embedded": {"calls": embedded}}
        )

    async def notes_endpoint(self, request: Request) -> Response:
        self.requests.append("POST notes")
        items = json.loads(await request.body())
        out = []
        for index, item in enumerate(items):
            self.notes.append(item)
            out.append(
                {"id": next(self.ids), "entity_id": item["entity_id"], "request_id": str(index)}
            )
        return JSONResponse({"_embedded": {"notes": out}})
