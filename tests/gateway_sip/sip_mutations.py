"""Mutated and random SIP messages for fuzzing (seeded, so failures replay)."""

from __future__ import annotations

import random

from tests.gateway_sip.sip_captured import BARESIP_INVITE, COMPACT_INVITE, SIPP_200_OK

EXTRA_TEMPLATES = [
    b"BYE sip:robot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKb1\r\n"
    b"From: <sip:a@b>;tag=1\r\nTo: <sip:robot@127.0.0.1>;tag=2\r\nCall-ID: fz\r\n"
    b"CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n",
    b"CANCEL sip:robot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKc1\r\n"
    b"From: <sip:a@b>;tag=1\r\nTo: <sip:robot@127.0.0.1>\r\nCall-ID: fz\r\n"
    b"CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n",
    b"INFO sip:robot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKi1\r\n"
    b"From: <sip:a@b>;tag=1\r\nTo: <sip:robot@127.0.0.1>;tag=2\r\nCall-ID: fz\r\n"
    b"CSeq: 3 INFO\r\nContent-Type: application/dtmf-relay\r\nContent-Length: 10\r\n\r\n"
    b"Signal=5\r\n",
    b"NOTIFY sip:robot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKn1\r\n"
    b"From: <sip:a@b>;tag=1\r\nTo: <sip:robot@127.0.0.1>;tag=2\r\nCall-ID: fz\r\n"
    b"CSeq: 4 NOTIFY\r\nEvent: refer\r\nContent-Type: message/sipfrag\r\n"
    b"Content-Length: 16\r\n\r\nSIP/2.0 200 OK\r\n",
    b"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKr1\r\n"
    b"From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=9\r\nCall-ID: fz\r\nCSeq: 1 REGISTER\r\n"
    b'WWW-Authenticate: Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256\r\n'
    b"Content-Length: 0\r\n\r\n",
]
TEMPLATES = [BARESIP_INVITE, COMPACT_INVITE, SIPP_200_OK, *EXTRA_TEMPLATES]
GARBAGE = [
    b"\x00",
    b"\xff\xfe",
    b":",
    b";",
    b",",
    b"<",
    b">",
    b'"',
    b"\r\n",
    b"\r\n ",
    b"=",
    b"0",
    b"-1",
    b"99999999999",
    b"SIP/2.0",
    b"Content-Length: 9999",
    b"\t",
    b"%00",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            out.extend(rng.choice(GARBAGE))
            continue
        op = rng.randrange(8)
        i = rng.randrange(len(out))
        if op == 0:
            out[i] = rng.randrange(256)
        elif op == 1:
            del out[i : i + rng.randint(1, 40)]
        elif op == 2:
            out[i:i] = rng.choice(GARBAGE)
        elif op == 3:
            del out[i:]
        elif op == 4:  # duplicate a line
            lines = bytes(out).split(b"\r\n")
            j = rng.randrange(len(lines))
            lines.insert(j, lines[j])
            out = bytearray(b"\r\n".join(lines))
        elif op == 5:  # swap two lines
            lines = bytes(out).split(b"\r\n")
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
            out = bytearray(b"\r\n".join(lines))
        elif op == 6:  # replace a header value
            lines = bytes(out).split(b"\r\n")
            j = rng.randrange(len(lines))
            name = lines[j].partition(b":")[0]
            lines[j] = name + b": " + rng.choice(GARBAGE) * rng.randint(1, 3)
            out = bytearray(b"\r\n".join(lines))
        else:
            out[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(out)


def fuzz_messages(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        if rng.random() < 0.1:
            messages.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))))
        else:
            messages.append(mutate(rng.choice(TEMPLATES), rng))
    return messages
