"""Transfer of a Twilio Media Streams call through Twilio's REST API.

A stream cannot move its own call: the Media Streams protocol has no transfer message.
What Twilio documents instead is updating the live call with new TwiML,
`POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json` with a `Twiml` form field
(HTTP Basic auth, AccountSid:AuthToken). Replacing the call's TwiML with
`<Response><Dial>…</Dial></Response>` ends the `<Connect><Stream>` (Twilio closes the
WebSocket) and dials the target. The `callSid` and `accountSid` come from the stream's
`start` message; the account in the URL may be a subaccount of the one authenticating.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from xml.sax.saxutils import escape

import httpx

from media_gateway.call_leg import CallInfo
from media_gateway.errors import GatewayError
from media_gateway.stream_leg import TransferHandler
from media_gateway.twilio_protocol import StartInfo

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.twilio.com"
#: Twilio answers an update within a second or two; the caller waits in silence meanwhile.
DEFAULT_TIMEOUT_S = 10.0


class BadTransferTarget(GatewayError, ValueError):
    """A transfer target Twilio cannot dial."""


def dial_twiml(target: str) -> str:
    """The TwiML that dials `target`: a `sip:`/`sips:` URI as `<Sip>`, anything else
    (an E.164 number, `tel:+...`) as `<Number>`. The target is XML-escaped, so a script's
    variable cannot inject verbs."""
    target = target.strip()
    if not target:
        raise BadTransferTarget("empty transfer target")
    if target.lower().startswith(("sip:", "sips:")):
        noun = "Sip"
    else:
        noun = "Number"
        if target.lower().startswith("tel:"):
            target = target[4:]
    return f"<Response><Dial><{noun}>{escape(target)}</{noun}></Dial></Response>"


@dataclass(frozen=True)
class TwilioCredentials:
    account_sid: str
    auth_token: str
    api_base: str = DEFAULT_API_BASE


class TwilioCalls:
    """The one REST call the robot makes to Twilio: redirect a live call to a `<Dial>`.

    A client per transfer: transfers are rare (one per call at most), and so no connection
    pool has to be closed at shutdown."""

    def __init__(
        self,
        credentials: TwilioCredentials,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.credentials = credentials
        self.timeout_s = timeout_s
        self._transport = transport

    def call_url(self, account_sid: str, call_sid: str) -> str:
        base = self.credentials.api_base.rstrip("/")
        return f"{base}/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}.json"

    async def dial(self, call_sid: str, target: str, *, account_sid: str | None = None) -> bool:
        """Replace the call's TwiML with a `<Dial>` to `target`. True when Twilio accepted
        the update (2xx); False, with a log line, on any error (a bad target, a non-2xx
        answer, a network failure), so the session records a failed transfer."""
        account = account_sid or self.credentials.account_sid
        if not call_sid or not _is_sid(call_sid) or not _is_sid(account):
            log.warning("Twilio transfer impossible: call %r, account %r", call_sid, account)
            return False
        try:
            twiml = dial_twiml(target)
        except ValueError as exc:
            log.warning("Twilio transfer of %s refused: %s", call_sid, exc)
            return False
        auth = httpx.BasicAuth(self.credentials.account_sid, self.credentials.auth_token)
        try:
            async with httpx.AsyncClient(
                timeout=self.timeout_s, transport=self._transport
            ) as client:
                response = await client.post(
                    self.call_url(account, call_sid), data={"Twiml": twiml}, auth=auth
                )
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            log.warning("Twilio transfer of %s to %s failed: %s", call_sid, target, exc)
            return False
        if not response.is_success:
            log.warning(
                "Twilio transfer of %s to %s refused: HTTP %d %s",
                call_sid,
                target,
                response.status_code,
                _twilio_error(response),
            )
            return False
        log.info("Twilio call %s redirected to %s", call_sid, target)
        return True

    def handler_for(self, start: StartInfo) -> TransferHandler:
        """The transfer handler of one stream, bound to its `callSid` and `accountSid`."""

        async def transfer(info: CallInfo, target: str) -> bool:
            return await self.dial(
                start.call_sid or info.call_id, target, account_sid=start.account_sid or None
            )

        return transfer


def _is_sid(value: str) -> bool:
    """Twilio SIDs are two letters and hex; anything else must not reach the URL path."""
    return 2 < len(value) <= 64 and value.isascii() and value.isalnum()


def _twilio_error(response: httpx.Response) -> str:
    """Twilio's documented error body: `{"code", "message", "more_info", "status"}`."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return f"{body.get('code', '')} {body.get('message', '')}".strip()
    return str(body)[:200]
