"""The ports handed to SIPp: free where SIPp binds them (UDP), its media span clear of its
SIP port (a TCP-only probe let SIPp exit with "Unable to bind main socket")."""

from __future__ import annotations

import socket

from tests.gateway_sip.sip_sipp import MEDIA_SPAN, sipp_ports


def test_every_port_sipp_binds_is_free_on_udp_and_apart() -> None:
    for _ in range(50):
        sip, media = sipp_ports()
        assert not media <= sip < media + MEDIA_SPAN
        for port in (sip, *range(media, media + MEDIA_SPAN)):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                udp.bind(("127.0.0.1", port))
