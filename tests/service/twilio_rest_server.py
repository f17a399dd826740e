"""A local stand-in for Twilio's REST API: the Call resource update
(`POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`, form-encoded, HTTP Basic
auth), answering with the bodies Twilio documents: the Call resource JSON on success, the
`{code, message, more_info, status}` error document otherwise. It keeps every request as
received (raw body and headers), so tests assert exactly what went over the wire."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

CALLS_PATH = "/2010-04-01/Accounts/{account}/Calls/{sid}.json"


@dataclass(frozen=True)
class ReceivedUpdate:
    path: str
    account: str
    call_sid: str
    username: str
    password: str
    content_type: str
    form: dict[str, list[str]]
    raw_body: bytes


class FakeTwilioRest:
    def __init__(self, *, error_status: int | None = None) -> None:
        self.error_status = error_status
        """Answer every update with this Twilio error status instead of the call."""
        self.updates: list[ReceivedUpdate] = []
        self.received = asyncio.Event()
        self.app = Starlette(routes=[Route(CALLS_PATH, self._update, methods=["POST"])])

    async def _update(self, request: Request) -> JSONResponse:
        account = request.path_params["account"]
        sid = request.path_params["sid"]
        raw = await request.body()
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        user, password = "", ""
        if scheme.lower() == "basic":
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        self.updates.append(
            ReceivedUpdate(
                path=request.url.path,
                account=account,
                call_sid=sid,
                username=user,
                password=password,
                content_type=request.headers.get("content-type", ""),
                form=parse_qs(raw.decode(), keep_blank_values=True),
                raw_body=raw,
            )
        )
        self.received.set()
        if self.error_status is not None:
            return JSONResponse(_error(self.error_status, request.url.path), self.error_status)
        return JSONResponse(_call(account, sid))


def _error(status: int, path: str) -> dict[str, object]:
    code = 20404 if status == 404 else 20003 if status == 401 else 20001
    return {
        "code": code,
        "message": f"The requested resource {path} was not found"
        if status == 404
        else "Authenticate",
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _call(account: str, sid: str) -> dict[str, object]:
    """The Call resource as Twilio's docs show it after an update of a live call."""
    uri = f"/2010-04-01/Accounts/{account}/Calls/{sid}"
    return {
        "account_sid": account,
        "annotation": None,
        "answered_by": None,
        "api_version": "2010-04-01",
        "caller_name": None,
        "date_created": "Tue, 31 Aug 2010 20:36:28 +0000",
        "date_updated": "Tue, 31 Aug 2010 20:36:44 +0000",
        "direction": "inbound",
        "duration": None,
        "end_time": None,
        "forwarded_from": "+141586753093",
        "from": "+15558675310",
        "from_formatted": "(555) 867-5310",
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": "PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "start_time": "Tue, 31 Aug 2010 20:36:29 +0000",
        "status": "in-progress",
        "subresource_uris": {
            "notifications": f"{uri}/Notifications.json",
            "recordings": f"{uri}/Recordings.json",
            "payments": f"{uri}/Payments.json",
            "events": f"{uri}/Events.json",
            "siprec": f"{uri}/Siprec.json",
            "streams": f"{uri}/Streams.json",
            "transcriptions": f"{uri}/Transcriptions.json",
            "user_defined_message_subscriptions": f"{uri}/UserDefinedMessageSubscriptions.json",
            "user_defined_messages": f"{uri}/UserDefinedMessages.json",
        },
        "to": "+15558675310",
        "to_formatted": "(555) 867-5310",
        "trunk_sid": None,
        "uri": f"{uri}.json",
        "queue_time": "0",
    }
