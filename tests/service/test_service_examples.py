"""The examples, run as a customer would: against `voicebot serve` on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .postgres_server import free_port
from .serve_process import _start, create_tenant

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"


async def _run(*args: str, env: dict[str, str], timeout: float = 120) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    return proc.returncode or 0, out.decode()


@pytest.mark.slow
async def test_examples_against_a_running_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key, secret = create_tenant(data_dir)
    port, crm_port = free_port(), free_port()
    env = dict(
        os.environ,
        VOICEBOT_URL=f"http://127.0.0.1:{port}",
        VOICEBOT_API_KEY=key,
        WEBHOOK_SECRET=secret,
    )
    server = await _start(data_dir, port, tmp_path / "serve.log")
    receiver = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLES / "crm_receiver.py"),
        "--port",
        str(crm_port),
        env=env,
        stdout=subprocess.PIPE,
    )
    try:
        code, out = await _run(
            str(EXAMPLES / "upload_script.py"),
            str(EXAMPLES / "scripts" / "lead_qualification_en.yaml"),
            env=env,
        )
        assert code == 0 and "version 1" in out, out
        broken = tmp_path / "broken.yaml"
        broken.write_text(
            (EXAMPLES / "scripts" / "lead_qualification_en.yaml")
            .read_text()
            .replace("goto: ask_budget", "goto: nowhere")
        )
        code, out = await _run(str(EXAMPLES / "upload_script.py"), str(broken), env=env)
        assert code == 1 and "nowhere" in out and "broken.yaml:" in out, out

        code, out = await _run(
            str(EXAMPLES / "simulate.py"),
            "lead_qualification_en",
            "--var",
            "lead_name=Ann",
            "--turn",
            "no",
            "--expect",
            "not_qualified",
            env=env,
        )
        assert code == 0, out
        assert json.loads(out)["result"]["outcome"] == "not_qualified"

        code, out = await _run(
            str(EXAMPLES / "place_call.py"),
            "+15550001",
            "lead_qualification_en",
            "lead_name=Ann",
            "--say",
            "no",
            "--webhook",
            f"http://127.0.0.1:{crm_port}/hook",
            env=env,
        )
        assert code == 0 and "status: completed" in out and "not_qualified" in out, out
        assert receiver.stdout is not None
        line = await asyncio.wait_for(receiver.stdout.readline(), 60)
        delivered = json.loads(line)
        assert delivered["outcome"] == "not_qualified"
        assert delivered["recording"].startswith(f"http://127.0.0.1:{port}/recordings/")

        # inbound: route a number, then call it over SIP; the result reaches the receiver
        code, out = await _run(
            str(EXAMPLES / "inbound_route.py"),
            "lead_qualification_en",
            "--to",
            "+15550100",
            "--channel",
            "sip",
            "--header",
            "lead_name=X-Lead-Name",
            "--webhook",
            f"http://127.0.0.1:{crm_port}/hook",
            env=env,
        )
        assert code == 0 and "token (shown once)" in out, out
        sip = re.search(r"sip:\+15550100@127\.0\.0\.1:(\d+)", out)
        assert sip is not None, out
        await _inbound_call(int(sip.group(1)), tmp_path)
        line = await asyncio.wait_for(receiver.stdout.readline(), 60)
        delivered = json.loads(line)
        assert delivered["outcome"] == "hung_up"
        async with httpx.AsyncClient(
            base_url=env["VOICEBOT_URL"], headers={"authorization": f"Bearer {key}"}
        ) as client:
            inbound = (await client.get("/v1/calls", params={"direction": "inbound"})).json()
            assert [c["id"] for c in inbound] == [delivered["call"]]
            call = (await client.get(f"/v1/calls/{delivered['call']}")).json()
        assert call["direction"] == "inbound" and call["variables"]["lead_name"] == "Ann"
        assert call["transcript"][0]["role"] == "bot" and "Ann" in call["transcript"][0]["text"]
    finally:
        receiver.kill()
        await receiver.wait()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


async def _inbound_call(sip_port: int, tmp_path: Path) -> None:
    """Call the server's SIP port as a phone would: an unknown number, then the routed one."""
    from asr_tts.settings import SpeechSettings
    from bot_engine.call.simulated_caller import SimulatedCaller
    from bot_engine.call.speech import CallSpeech
    from bot_engine.script import load_script_file
    from media_gateway.sip import CallFailed, SipConfig, SipUserAgent

    script = load_script_file(EXAMPLES / "scripts" / "lead_qualification_en.yaml").script
    speech = CallSpeech.for_script(
        script, SpeechSettings(tts_cache_dir=tmp_path / "caller-tts"), asr_engine="whisper"
    )
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="caller", tcp=False))
    try:
        with pytest.raises(CallFailed) as unknown:
            await phone.call(f"sip:+15550199@127.0.0.1:{sip_port}", timeout_s=10)
        assert unknown.value.status == 404
        leg = await phone.call(
            f"sip:+15550100@127.0.0.1:{sip_port}", timeout_s=60, headers={"X-Lead-Name": "Ann"}
        )
        caller = SimulatedCaller(leg, speech)
        await caller.run(["/hangup"])  # after the greeting
        await caller.close()
    finally:
        await phone.close()
