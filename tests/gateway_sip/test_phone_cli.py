"""`voicebot dial` and `voicebot answer` as users run them: real processes on loopback."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import soundfile

from media_gateway.sip import SipConfig, SipUserAgent
from media_gateway.sip.softphone import save_pcm
from tests.gateway_sip.sip_audio import dominant_frequency, tone
from tests.gateway_sip.sip_baresip import free_port

pytestmark = [pytest.mark.slow, pytest.mark.cli]
VOICEBOT = [str(Path(sys.executable).parent / "voicebot")]
TIMEOUT = 60


async def run(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *VOICEBOT, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def finish(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    try:
        out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    except TimeoutError:
        process.kill()
        raise
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def frequency_of(path: Path) -> float:
    data, rate = soundfile.read(str(path), dtype="int16")
    assert rate == 8000 and len(data) > 4000
    return dominant_frequency(data[800:].tobytes(), rate)


async def test_dial_calls_answer_audio_and_dtmf(tmp_path: Path) -> None:
    save_pcm(tmp_path / "robot.wav", tone(440, 2.5))
    soundfile.write(
        str(tmp_path / "caller.wav"),  # 16 kHz stereo: the CLI converts
        [[0.3 * s, 0.3 * s] for s in _sine(1000, 2.0, 16000)],
        16000,
    )
    port = free_port()
    answer = await run(
        "answer",
        "--sip-port",
        str(port),
        "--play",
        str(tmp_path / "robot.wav"),
        "--record",
        str(tmp_path / "heard-by-robot.wav"),
        "--calls",
        "1",
    )
    assert answer.stdout is not None
    assert b"listening" in await asyncio.wait_for(answer.stdout.readline(), TIMEOUT)
    code, out, err = await finish(
        await run(
            "dial",
            f"sip:robot@127.0.0.1:{port}",
            "--play",
            str(tmp_path / "caller.wav"),
            "--record",
            str(tmp_path / "heard-by-caller.wav"),
            "--dtmf",
            "42",
        )
    )
    assert code == 0, err
    assert "answered" in out
    answer_code, answer_out, answer_err = await finish(answer)
    assert answer_code == 0, answer_err
    assert "dtmf: 4" in answer_out and "dtmf: 2" in answer_out
    assert "ended: caller_hangup" in answer_out
    assert abs(frequency_of(tmp_path / "heard-by-robot.wav") - 1000) < 15
    assert abs(frequency_of(tmp_path / "heard-by-caller.wav") - 440) < 15


def _sine(freq: float, seconds: float, rate: int) -> list[float]:
    import math

    return [math.sin(2 * math.pi * freq * i / rate) for i in range(int(seconds * rate))]


async def test_dial_exits_with_the_sip_status_when_busy(tmp_path: Path) -> None:
    busy = await SipUserAgent.start(SipConfig(port=0))

    async def reject() -> None:
        async for call in busy.incoming():
            await call.reject(486)

    rejecting = asyncio.create_task(reject())
    try:
        code, _, err = await finish(await run("dial", f"sip:x@127.0.0.1:{busy.local_port}"))
    finally:
        rejecting.cancel()
        await busy.close()
    assert code == 4
    assert "SIP/2.0 486 Busy Here" in err and "call busy" in err


async def test_dial_rejects_bad_arguments(tmp_path: Path) -> None:
    code, _, err = await finish(await run("dial", "sip:x@127.0.0.1:9", "--auth", "nocolon"))
    assert code == 2 and "--auth expects A:B" in err
    code, _, err = await finish(
        await run("dial", "sip:x@127.0.0.1:9", "--play", str(tmp_path / "missing.wav"))
    )
    assert code == 2 and "cannot read audio file" in err


async def test_answer_reports_a_refused_registration(tmp_path: Path) -> None:
    not_a_registrar = await SipUserAgent.start(SipConfig(port=0))  # answers REGISTER 405
    try:
        code, _, err = await finish(
            await run(
                "answer",
                "--sip-port",
                str(free_port()),
                "--register",
                f"127.0.0.1:{not_a_registrar.local_port}",
                "--auth",
                "robot:pw",
            )
        )
    finally:
        await not_a_registrar.close()
    assert code == 4
    assert "REGISTER failed: 405" in err
