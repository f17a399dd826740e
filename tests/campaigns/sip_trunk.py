"""A SIPp trunk for campaign runs: the scenario `sipp/trunk.xml` (subscribers behave by
the last digit of their number) with a voicemail greeting written as an RTP pcap."""

from __future__ import annotations

import asyncio
import re
import struct
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from media_gateway.rtp.g711 import ulaw_encode
from tests.gateway_sip.sip_sipp import Sipp, sipp_ports

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


ALL_DAY = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
BEHAVIOUR = {"1": "answers", "2": "busy", "3": "no answer", "4": "voicemail"}


def leads(per_behaviour: int = 5) -> list[str]:
    """Phone numbers, `per_behaviour` of each behaviour (the last digit)."""
    return [f"+7495777{i:03d}{d}" for d in "1234" for i in range(per_behaviour)]


async def start_trunk(folder: Path) -> Sipp:
    """The trunk running on a free loopback port (`trunk.port`), bounded to 10 minutes."""
    scenario = await write_trunk(folder)
    port, media = sipp_ports()
    trunk = Sipp(
        str(scenario),
        folder / "sipp",
        port=port,
        calls=500,
        extra=("-mi", "127.0.0.1", "-mp", str(media)),
    )
    trunk.args[trunk.args.index("-timeout") + 1] = "600s"
    await trunk.start()
    await trunk.wait_listening()
    return trunk


def campaign(name: str, calls_per_minute: float, **retries: Any) -> dict[str, Any]:
    """A campaign over the trunk: all day, 4 at once, quick retries of the line's outcomes."""
    quick = {"attempts": 2, "after": "2s"}
    return {
        "name": name,
        "script_id": "callback_check",
        "default_region": "RU",
        "schedule": {"windows": ALL_DAY},
        "pacing": {"max_concurrent": 4, "calls_per_minute": calls_per_minute},
        "retries": {"busy": quick, "no_answer": quick, "voicemail": quick, **retries},
    }


def leads_csv(per_behaviour: int = 5) -> str:
    return "phone,name,external_id\n" + "".join(
        f"{phone},Lead {n},x{n}\n" for n, phone in enumerate(leads(per_behaviour))
    )


def invites(messages: str) -> dict[str, set[str]]:
    """Call-IDs of the INVITEs the trunk received (SIPp's message log), per number."""
    seen: dict[str, set[str]] = defaultdict(set)
    for block in messages.split("\n\n"):
        number = re.search(r"^INVITE sip:(\+\d+)@", block, re.MULTILINE)
        call_id = re.search(r"^Call-ID:\s*(\S+)", block, re.MULTILINE | re.IGNORECASE)
        if number and call_id:
            seen[number.group(1)].add(call_id.group(1))
    return seen


async def finished_leads(client: Any, campaign_id: str, timeout: float = 400) -> list[Any]:
    """Wait (bounded) for the campaign to finish; then its leads with their calls."""
    async with asyncio.timeout(timeout):
        while (await client.get(f"/v1/campaigns/{campaign_id}")).json()["status"] != "finished":
            await asyncio.sleep(0.5)
    page = await client.get(f"/v1/campaigns/{campaign_id}/leads", params={"limit": 100})
    items: list[Any] = page.json()["items"]
    return items
