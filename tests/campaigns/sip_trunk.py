"""A SIPp trunk for campaign runs: the scenario `sipp/trunk.xml` (subscribers behave by
the last digit of their number) with a voicemail greeting written as an RTP pcap."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from media_gateway.rtp.g711 import ulaw_encode

HERE = Path(__file__).parent
RATE = 8000
GREETING = (
    "Hi, you have reached John Smith. I can't take your call right now. "
    "Please leave a message after the tone."
)


def beep(seconds: float, hz: float = 1000.0) -> bytes:
    t = np.arange(int(RATE * seconds)) / RATE
    return (8000 * np.sin(2 * np.pi * hz * t)).astype("<i2").tobytes()


def silence(seconds: float) -> bytes:
    return bytes(int(RATE * seconds) * 2)


def rtp_pcap(pcm: bytes, path: Path) -> None:
    """PCMU RTP packets of 20 ms in a pcap (Ethernet/IPv4/UDP), as SIPp's
    `play_pcap_audio` replays them (addresses and ports are rewritten by SIPp)."""
    payload = ulaw_encode(pcm)
    frames = [payload[i : i + 160] for i in range(0, len(payload) - 159, 160)]
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for n, frame in enumerate(frames):
        rtp = struct.pack("!BBHII", 0x80, 0, n & 0xFFFF, n * 160, 0x1234ABCD) + frame
        udp = struct.pack("!HHHH", 6000, 6002, 8 + len(rtp), 0) + rtp
        ip = (
            struct.pack(
                "!BBHHHBBH4s4s",
                0x45,
                0,
                20 + len(udp),
                n & 0xFFFF,
                0,
                64,
                17,
                0,
                bytes([127, 0, 0, 1]),
                bytes([127, 0, 0, 1]),
            )
            + udp
        )
        frame_bytes = b"\x00" * 12 + b"\x08\x00" + ip
        seconds, micros = divmod(n * 20_000, 1_000_000)
        out += struct.pack("<IIII", seconds, micros, len(frame_bytes), len(frame_bytes))
        out += frame_bytes
    path.write_bytes(bytes(out))


async def write_trunk(folder: Path) -> Path:
    """The scenario with its recordings (espeak-ng: a person's "Hello?", a voicemail
    greeting and its beep), ready for `sipp -sf`."""
    from asr_tts.tts.espeak import EspeakSynthesizer

    spoken = await EspeakSynthesizer().render(GREETING, "en-us", RATE)
    pcap = folder / "greeting.pcap"
    rtp_pcap(silence(0.3) + spoken + silence(0.4) + beep(0.5) + silence(2.0), pcap)
    hello = folder / "hello.pcap"
    rtp_pcap(silence(0.3) + await EspeakSynthesizer().render("Hello?", "en-us", RATE), hello)
    scenario = folder / "trunk.xml"
    text = (HERE / "sipp" / "trunk.xml").read_text()
    scenario.write_text(text.replace("GREETING_PCAP", str(pcap)).replace("HELLO_PCAP", str(hello)))
    return scenario
