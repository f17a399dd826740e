"""The transaction layer (RFC 3261 §17) under the SIP core: which transaction a message
belongs to, their timers on the core's deadline heap, and the queue of what they send.

The core (the transaction user) decides what to answer and what to do with a final
response; this table only keeps transactions apart, alive and on time. No I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from media_gateway.sip.deadlines import Deadlines
from media_gateway.sip.message import SipMessage, SipRequest, SipResponse
from media_gateway.sip.peer import Datagram, Peer
from media_gateway.sip.transaction import (
    ClientInviteTransaction,
    ClientNonInviteTransaction,
    ClientTransaction,
    ServerInviteTransaction,
    ServerNonInviteTransaction,
    ServerTransaction,
    TimerSettings,
    TransactionOutput,
    client_key,
    server_key,
)

FinalHandler = Callable[[SipResponse | None], None]
"""Gets the final response of a client transaction, or None when none came (timer B/F)."""


def ignore_final(_: SipResponse | None) -> None:
    pass


@dataclass(eq=False)
class ClientEntry:
    """A client transaction and what its responses are for."""

    tx: ClientTransaction
    peer: Peer
    on_final: FinalHandler
    on_provisional: Callable[[SipResponse], None] | None = None
    cancel_after_provisional: SipRequest | None = None
    """A CANCEL held back until the first provisional response (§9.1)."""
    finished: bool = False


class TransactionTable:
    def __init__(
        self,
        timers: TimerSettings,
        deadlines: Deadlines,
        on_late_2xx: Callable[[SipResponse], None],
    ) -> None:
        self.timers = timers
        self.deadlines = deadlines
        self.now = 0.0
        """The time of what is being handled (set by the core at every entry)."""
        self.out: list[Datagram] = []
        self.closed = False
        self._on_late_2xx = on_late_2xx
        """A 2xx to an INVITE whose transaction already delivered one: the TU re-ACKs it."""
        self._server: dict[str, tuple[ServerTransaction, Peer]] = {}
        self._client: dict[str, ClientEntry] = {}

    def send(self, message: SipMessage, peer: Peer) -> None:
        if not self.closed:
            self.out.append(Datagram(message.to_bytes(), peer))

    # -- client side --------------------------------------------------------------------

    def start_client(
        self,
        request: SipRequest,
        peer: Peer,
        on_final: FinalHandler,
        on_provisional: Callable[[SipResponse], None] | None = None,
    ) -> ClientEntry:
        reliable = peer.transport == "tcp"
        tx: ClientTransaction
        if request.method == "INVITE":
            tx = ClientInviteTransaction(request, reliable=reliable, timers=self.timers)
        else:
            tx = ClientNonInviteTransaction(request, reliable=reliable, timers=self.timers)
        entry = ClientEntry(tx, peer, on_final, on_provisional)
        self._client[client_key(request)] = entry
        self._after_client(entry, tx.start(self.now))
        return entry

    def on_response(self, response: SipResponse) -> None:
        entry = self._client.get(client_key(response))
        if entry is not None:
            self._after_client(entry, entry.tx.receive(response, self.now))
        elif response.cseq[1] == "INVITE" and 200 <= response.status < 300:
            self._on_late_2xx(response)

    def _after_client(self, entry: ClientEntry, out: TransactionOutput) -> None:
        for message in out.send:
            self.send(message, entry.peer)
        for message in out.deliver:
            assert isinstance(message, SipResponse)
            if message.status < 200:
                if entry.cancel_after_provisional is not None:
                    cancel, entry.cancel_after_provisional = entry.cancel_after_provisional, None
                    self.start_client(cancel, entry.peer, ignore_final)
                if entry.on_provisional is not None:
                    entry.on_provisional(message)
            elif not entry.finished:
                entry.finished = True
                entry.on_final(message)
            elif message.status < 300:
                self._on_late_2xx(message)
        if out.timed_out and not entry.finished:
            entry.finished = True
            entry.on_final(None)
        if entry.tx.terminated:
            self.drop_client(entry)
        else:
            self.deadlines.set(entry, entry.tx.next_deadline(), lambda: self._client_timer(entry))

    def _client_timer(self, entry: ClientEntry) -> None:
        self._after_client(entry, entry.tx.handle_timers(self.now))

    def drop_client(self, entry: ClientEntry) -> None:
        """Forget a client transaction (ended, or given up by the TU)."""
        key = client_key(entry.tx.request)
        if self._client.get(key) is entry:
            del self._client[key]
        self.deadlines.cancel(entry)

    def unfinished_clients(self) -> list[ClientEntry]:
        return [entry for entry in self._client.values() if not entry.finished]

    # -- server side --------------------------------------------------------------------

    def existing_server(self, request: SipRequest) -> tuple[ServerTransaction, Peer] | None:
        """The transaction `request` belongs to (§17.2.3; an ACK matches its INVITE's)."""
        return self._server.get(server_key(request))

    def new_server(self, request: SipRequest, peer: Peer) -> ServerTransaction:
        reliable = peer.transport == "tcp"
        tx: ServerTransaction
        if request.method == "INVITE":
            tx = ServerInviteTransaction(request, reliable=reliable, timers=self.timers)
        else:
            tx = ServerNonInviteTransaction(request, reliable=reliable, timers=self.timers)
        self._server[server_key(request)] = (tx, peer)
        return tx

    def absorb(self, tx: ServerTransaction, peer: Peer, request: SipRequest) -> None:
        """A retransmitted request (or the ACK of an error response) for `tx`."""
        self._after_server(tx, peer, tx.receive(request, self.now))

    def respond(self, tx: ServerTransaction, peer: Peer, response: SipResponse) -> None:
        self._after_server(tx, peer, tx.respond(response, self.now))

    def _after_server(self, tx: ServerTransaction, peer: Peer, out: TransactionOutput) -> None:
        for message in out.send:
            self.send(message, peer)
        if tx.terminated:
            self._server.pop(server_key(tx.request), None)
            self.deadlines.cancel(tx)
        else:
            self.deadlines.set(tx, tx.next_deadline(), lambda: self._server_timer(tx, peer))

    def _server_timer(self, tx: ServerTransaction, peer: Peer) -> None:
        self._after_server(tx, peer, tx.handle_timers(self.now))

    def clear(self) -> None:
        self._client.clear()
        self._server.clear()
        self.out.clear()
