"""The send path encodes prompts in blocks, not per packet: the payloads must be exactly
what encoding each zero-padded 20 ms frame on its own would give, across block edges,
at a prompt's short last frame and after a codec change mid-prompt."""

from __future__ import annotations

import random

from media_gateway.rtp import g711
from media_gateway.rtp.session import FRAME_BYTES, FRAME_SAMPLES, RtpSession


def frames_of(pcm: bytes) -> list[bytes]:
    frames = [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm), FRAME_BYTES)]
    return [f + bytes(FRAME_BYTES - len(f)) for f in frames]


async def test_block_encoded_payloads_match_per_frame_encoding() -> None:
    rng = random.Random(7)
    first = bytes(rng.getrandbits(8) for _ in range(2 * 8000 * 2 + 2 * 37))  # 2 s + 37 samples
    second = bytes(rng.getrandbits(8) for _ in range(FRAME_BYTES * 3))
    session = await RtpSession.open("127.0.0.1", 0)
    try:
        session.configure(("127.0.0.1", 9), codec="PCMU", payload_type=0)
        session.play(first)
        session.play(second)
        expected_first = frames_of(first)
        got = [session._next_payload() for _ in range(60)]
        assert got == [g711.encode(f, "PCMU") for f in expected_first[:60]]
        session.configure(("127.0.0.1", 9), codec="PCMA", payload_type=8)  # re-INVITE
        rest = expected_first[60:] + frames_of(second)
        got = [session._next_payload() for _ in range(len(rest))]
        assert got == [g711.encode(f, "PCMA") for f in rest]
        assert all(len(p) == FRAME_SAMPLES for p in got)
        assert session._next_payload() == g711.silence("PCMA", FRAME_SAMPLES)  # idle
    finally:
        await session.close()
