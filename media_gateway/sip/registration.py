"""REGISTER with a registrar (RFC 3261 §10) for the SIP core: digest challenges answered,
one Call-ID and rising CSeq for the whole registration, and a refresh at half the granted
time until stopped. No I/O: requests go through the core's transaction table and the
refresh is a deadline on the core's heap."""

from __future__ import annotations

import logging
from collections.abc import Callable

from media_gateway.sip.builders import MAX_AUTH_ATTEMPTS, build_request, granted_expiry
from media_gateway.sip.events import RegistrationDone, SipEvent
from media_gateway.sip.message import Headers, SipRequest, SipResponse
from media_gateway.sip.peer import Peer
from media_gateway.sip.transaction_table import TransactionTable

log = logging.getLogger(__name__)

RETRY_S = 30.0
"""After a failed refresh, the next REGISTER goes out this much later."""

Credentials = Callable[[SipRequest, SipResponse], SipRequest | None]
"""The request again, answering a challenge (None: it cannot be answered)."""


class Registration:
    def __init__(
        self,
        table: TransactionTable,
        *,
        registrar: Peer,
        aor: str,
        domain: str,
        call_id: str,
        contact: str,
        via: Callable[[], str],
        new_tag: Callable[[], str],
        user_agent: str,
        default_expires: int,
        credentials: Credentials,
        emit: Callable[[SipEvent], None],
        next_token: Callable[[], int],
    ) -> None:
        self._table = table
        self._registrar = registrar
        self._aor = aor
        self._domain = domain
        self._call_id = call_id
        self._contact = contact
        self._via = via
        self._new_tag = new_tag
        self._user_agent = user_agent
        self._default_expires = default_expires
        self._credentials = credentials
        self._emit = emit
        self._next_token = next_token
        self._seq = 0
        self.refreshing = False
        """A registration is being kept alive."""
        self.successes = 0
        """Successful REGISTER transactions so far (refreshes included)."""

    def register(self, token: int, expires: int | None, *, refresh: bool = False) -> None:
        wanted = self._default_expires if expires is None else expires
        self._seq += 1
        request = build_request(
            "REGISTER",
            f"sip:{self._domain}",
            via=self._via(),
            from_=f"<{self._aor}>;tag={self._new_tag()}",
            to=f"<{self._aor}>",
            call_id=self._call_id,
            cseq=self._seq,
            contact=self._contact,
            extra=Headers([("Expires", str(wanted)), ("User-Agent", self._user_agent)]),
        )
        attempts = 0

        def final(response: SipResponse | None) -> None:
            nonlocal request, attempts
            if response is None:
                self._done(token, wanted, None, None, "no response from the registrar", refresh)
                return
            if response.status in (401, 407) and attempts < MAX_AUTH_ATTEMPTS:
                attempts += 1
                retry = self._credentials(request, response)
                if retry is not None:
                    request = retry
                    self._seq = retry.cseq[0]
                    self._table.start_client(retry, self._registrar, final)
                    return
            if not 200 <= response.status < 300:
                self._done(token, wanted, None, response.status, response.reason, refresh)
                return
            granted = granted_expiry(response, wanted)
            self._done(token, wanted, granted, response.status, response.reason, refresh)

        self._table.start_client(request, self._registrar, final)

    def stop(self) -> None:
        """No more refreshes (before unregistering, or at the end)."""
        self.refreshing = False
        self._table.deadlines.cancel(self)

    def _done(
        self,
        token: int,
        wanted: int,
        granted: int | None,
        status: int | None,
        reason: str,
        refresh: bool,
    ) -> None:
        if granted is not None:
            self.successes += 1
            if wanted > 0 and (refresh or not self.refreshing):
                self.refreshing = True
                self._schedule(max(1.0, granted / 2))
        elif refresh and self.refreshing:
            log.warning("sip: registration refresh failed: %s %s", status or "-", reason)
            self._schedule(RETRY_S)
        self._emit(RegistrationDone(token, granted, status, reason, refresh))

    def _schedule(self, after: float) -> None:
        def refresh() -> None:
            if self.refreshing:
                self.register(self._next_token(), None, refresh=True)

        self._table.deadlines.set(self, self._table.now + after, refresh)
