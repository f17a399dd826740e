"""Russian out loud, offline: the Russian lead script end to end over SIP/RTP with Festival as
both voices and multilingual Whisper as the ear; engines chosen per language; semantic
end-of-turn in a live call (real Smart Turn on real human speech)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from asr_tts.audio import read_audio_file
from asr_tts.settings import SpeechSettings
from asr_tts.turn import SmartTurnSettings
from bot_engine.call.session import SessionSettings
from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.simulated_voices import caller_voice
from bot_engine.call.speech import CallSpeech, choose_asr_engine, choose_tts_engine
from bot_engine.call.voice_simulator import loopback_call
from bot_engine.cli import app
from bot_engine.cli.call_commands import DEMO_CALLER
from bot_engine.cli.demo_data import DEMO_VARIABLES
from bot_engine.script import load_script, load_script_file
from tests.call_session.call_session_helpers import ROOT

LEAD_RU = ROOT / "dialogs" / "lead_qualification.ru.yaml"
HUMAN = Path("/usr/share/asterisk/sounds/en_US_f_Allison/vm-reenterpassword.wav")


def test_russian_gets_offline_whisper_and_festival_english_keeps_espeak() -> None:
    settings = SpeechSettings()
    assert choose_asr_engine("ru-RU", settings) == "whisper"
    assert choose_asr_engine("en-US", settings) == "whisper"
    assert choose_tts_engine("ru-RU", settings) == "festival"
    assert choose_tts_engine("en-US", settings) == "espeak"
    ru = CallSpeech.for_script(load_script_file(LEAD_RU).script, settings)
    assert (ru.tts_engine, ru.voice) == ("festival", "msu_ru_nsh_clunits")
    assert caller_voice(ru).engine == "festival"
    en = CallSpeech.for_script(load_script_file(ROOT / "dialogs" / "lead_qualification.en.yaml")
                               .script, settings)
    assert (en.tts_engine, caller_voice(en).engine) == ("espeak", "espeak")


async def test_a_prompt_festival_cannot_read_is_spoken_by_espeak_not_skipped(
        tmp_path: Path) -> None:
    from asr_tts.tts.fallback import FallbackSynthesizer

    settings = SpeechSettings(tts_cache_dir=tmp_path)
    ru = CallSpeech.for_script(load_script_file(LEAD_RU).script, settings)
    assert isinstance(ru.synthesizer, FallbackSynthesizer)
    assert [e.name for e in ru.synthesizer.engines] == ["festival", "espeak"]
    assert ru.synthesizer.voices == {"espeak": "ru"}
    # a festival that fails every request: the prompt still has audio
    broken = tmp_path / "festival"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    ru.synthesizer.engines[0].binary = str(broken)  # type: ignore[attr-defined]
    pcm = await ru.synthesizer.render("Алло, вы меня слышите?", ru.voice, 8000)
    assert len(pcm) > 8000  # over half a second of speech
    configured = SpeechSettings(tts_cache_dir=tmp_path, tts_fallback=["festival"])
    own = CallSpeech.for_script(load_script_file(LEAD_RU).script, configured)
    assert own.synthesizer.name == "festival"  # a configured chain is left as it is


@pytest.mark.slow
def test_the_russian_lead_script_completes_over_sip_and_the_transfer_reaches_the_manager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Russian demo's call (its caller and variables) through `simulate-call`: the
    caller asks for a manager, the robot REFERs, the caller's phone calls the simulated
    manager on loopback, who answers in Russian: the transfer connects."""
    monkeypatch.setenv("VOICEBOT_TTS_CACHE_DIR", str(tmp_path / "cache"))
    record = tmp_path / "call.wav"
    variables = [arg for name, value in DEMO_VARIABLES["ru"].items()
                 for arg in ("--var", f"{name}={value}")]
    lines = [arg for line in DEMO_CALLER["ru"] for arg in ("--caller", line)]
    result = CliRunner().invoke(app, ["simulate-call", str(LEAD_RU), *variables, *lines,
                                      "--json", "--record", str(record)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["call"]["asr_engine"] == "whisper"
    assert document["call"]["tts_engine"] == "festival"
    assert document["result"]["outcome"] == "qualified"
    assert document["result"]["fields"]["budget"] == 200000
    assert document["result"]["fields"]["wants_manager"] is True
    heard = [t["text"] for t in document["transcript"] if t["role"] == "caller"]
    assert len(heard) == 5 and "это я" in heard[0].lower()
    assert len(document["timings"]) == 5
    assert record.stat().st_size > 44
    # the transfer: the robot's REFER accepted, the manager's phone answered and spoke
    manager = document["simulated_manager"]
    assert manager["uri"].startswith("sip:manager@127.0.0.1:")
    assert (manager["answered"], manager["said"], manager["line"]) == (
        1, 1, "Менеджер Анна, слушаю.")
    assert document["transcript"][-1]["text"] == f"transfer to {manager['uri']}: accepted"
    assert document["result"]["ending"] == "transfer"
    transfer = document["caller_transfer"]
    assert (transfer["target"], transfer["sip_status"]) == (manager["uri"], 200)
    assert transfer["heard_ms"] > 500  # the manager's line reached the caller's ear


SCRIPT = """
id: smart_turn_check
language: en-US
settings:
  endpoint_ms: 300
  endpointing: {endpointing}
  barge_in: false
  no_input_timeout_ms: 5000
result:
  outcomes: [done, unclear]
  endings: {{hangup: done, error: unclear}}
start: first
steps:
  first:
    ask: "Tell me."
    expect: text
    on: {{ok: bye}}
  bye:
    say: "Thanks."
    hangup: true
"""


def paused_sentence() -> bytes:
    """A recorded human sentence ("Please enter your password, followed by …") with its
    first mid-sentence gap stretched to 700 ms: Smart Turn judges it unfinished there."""
    pcm, _ = read_audio_file(HUMAN, 8000)
    samples = np.frombuffer(pcm[: len(pcm) // 320 * 320], dtype="<i2").astype(np.float64)
    quiet = np.sqrt((samples.reshape(-1, 160) ** 2).mean(axis=1)) <= 300
    loud = np.flatnonzero(~quiet)
    gap = next(i for i in range(loud[0], loud[-1]) if quiet[i : i + 5].all())
    return pcm[: gap * 320] + bytes(8000 * 2 * 7 // 10) + pcm[gap * 320 :]


async def cut_off(endpointing: str, tmp_path: Path) -> bool:
    script = load_script(SCRIPT.format(endpointing=endpointing)).script
    speech = CallSpeech.for_script(script, SpeechSettings(tts_cache_dir=tmp_path))
    cut: list[bool] = []

    async def drive(caller: SimulatedCaller) -> None:
        await caller.wait_robot_quiet()
        cut.append(await caller.say_audio(paused_sentence()))
        await caller.wait_robot_quiet()

    settings = SessionSettings(smart_turn=SmartTurnSettings(incomplete_ms=1500))
    await loopback_call(script, {}, speech, drive, settings=settings, quiet_ms=500,
                        timeout_s=120)
    return cut[0]


@pytest.mark.slow
async def test_smart_endpointing_waits_through_a_mid_sentence_pause(tmp_path: Path) -> None:
    assert await cut_off("vad", tmp_path)  # 300 ms of silence: the robot cuts in
    assert not await cut_off("smart", tmp_path)


def test_without_the_model_smart_endpointing_falls_back_to_the_vad(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    script = load_script(SCRIPT.format(endpointing="smart")).script
    speech = CallSpeech.for_script(script, SpeechSettings(
        tts_cache_dir=tmp_path, smart_turn_model_path=tmp_path / "missing.onnx"))
    with caplog.at_level(logging.WARNING):
        assert speech.smart_endpointing(8000) is None
        assert speech.smart_endpointing(8000) is None
    assert sum("smart endpointing is off" in r.message for r in caplog.records) == 1


def test_endpointing_is_vad_or_smart() -> None:
    from bot_engine.script import ScriptError

    assert load_script(SCRIPT.format(endpointing="smart")).script.settings.endpointing == "smart"
    assert load_script(SCRIPT.replace("  endpointing: {endpointing}\n", "").format()
                       ).script.settings.endpointing == "vad"
    with pytest.raises(ScriptError, match=r"settings\.endpointing"):
        load_script(SCRIPT.format(endpointing="fast"))
