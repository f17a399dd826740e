"""SIP (RFC 3261) user agent: sans-I/O parser, transactions and dialogs, asyncio at the edge.

Modules, one concern each: `grammar` (the parse error, parameters), `message`
(parse/serialize), `address` (URIs, name-addr, Via), `transaction` (timers A-M as state
machines), `dialog`, `auth` (digest), `info_dtmf`, `outcomes` (busy / no_answer / rejected /
failed), `checks` (what callers and the application may send), `core` (the transaction user
as a sans-I/O state machine: `uas`, `uac`, `in_dialog`, `registration` over `core_state` and
`transaction_table`, with `events` and `call_state`), `transport` (UDP+TCP sockets),
`user_agent` (the asyncio adapter), `sip_call_leg` (a dialog + RTP as a CallLeg),
`softphone` (the debug softphone behind `voicebot dial` / `voicebot answer`).

The core alone, with a fake clock (what the in-memory tests do)::

    core = SipCore(SipConfig(user="robot"), host="10.0.0.1", port=5060)
    core.receive(datagram, Peer("udp", "10.0.0.2", 5060), now)
    for data, peer in core.datagrams(): ...     # to put on the wire
    for event in core.events(): ...             # CallOffered, DialogEnded, ...
    core.handle_timer(core.next_timer())

Answering::

    ua = await SipUserAgent.start(SipConfig(host="0.0.0.0", port=5060))
    async for call in ua.incoming():          # IncomingCall: .info, .ring(), .reject(code)
        leg = await call.answer()             # SipCallLeg (a CallLeg)
        leg.play(pcm_8k)                      # events(): frames, DTMF, CallEnded

Calling through a trunk::

    ua = await SipUserAgent.start(SipConfig(port=0, proxy="trunk.example:5060",
                                            auth_username="u", password="p"))
    try:
        leg = await ua.call("sip:+74950000000@trunk.example", timeout_s=40)
    except CallFailed as failure:             # failure.kind, failure.status
        ...
"""

from media_gateway.sip.config import SipConfig
from media_gateway.sip.core import SipCore
from media_gateway.sip.outcomes import CallFailed, RegistrationFailed
from media_gateway.sip.sip_call_leg import SipCallLeg
from media_gateway.sip.user_agent import IncomingCall, SipUserAgent

__all__ = [
    "CallFailed",
    "IncomingCall",
    "RegistrationFailed",
    "SipCallLeg",
    "SipConfig",
    "SipCore",
    "SipUserAgent",
]
