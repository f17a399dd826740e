"""The demo's transfer: a simulated call rings a simulated manager on loopback. Which
variables point at the manager, and the English live demo ending with the transfer
connected (the Russian demo's call runs in test_call_russian_offline.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot_engine.call.voice_simulator import ManagerSetup
from bot_engine.cli import app
from tests.call_session.call_session_helpers import ROOT, load


def test_a_script_that_transfers_rings_the_manager_through_its_own_target_variables() -> None:
    lead = load("lead_qualification.en.yaml")
    assert ManagerSetup.for_script(lead) == ManagerSetup(variables=("manager",))
    # a target the user gave is used as given: nothing points it elsewhere
    assert ManagerSetup.for_script(lead, {"manager", "name"}) == ManagerSetup(variables=())
    warm = load("warm_transfer.ru.yaml")  # a bridge that whispers and waits for "1"
    assert ManagerSetup.for_script(warm) == ManagerSetup(
        variables=("operator",), whisper=True, accept_key="1")
    literal = load("call_features.en.yaml")  # `transfer: "sip:agent@127.0.0.1:9"`
    assert ManagerSetup.for_script(literal) == ManagerSetup(variables=())
    assert ManagerSetup.for_script(load("consent_confirmation.ru.yaml")) is None


@pytest.mark.slow
def test_the_english_demo_ends_with_the_transfer_to_the_manager_connected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`voicebot demo --lang en`: the caller says yes to a manager; the robot's REFER is
    followed by the caller's phone to the simulated manager, who answers."""
    monkeypatch.setenv("VOICEBOT_MODELS_DIR", str(ROOT / "var" / "models"))
    monkeypatch.setenv("VOICEBOT_TTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("VOICEBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOICEBOT_PORT", "1")  # no console serves there: no link
    monkeypatch.chdir(tmp_path)  # the recording goes to ./var/recordings
    result = CliRunner().invoke(app, ["demo", "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    transfer = re.search(r"\* transfer to (sip:manager@127\.0\.0\.1:\d+): (\w+)", text)
    assert transfer is not None, text
    uri, state = transfer.groups()
    assert state == "accepted", text
    after = text[transfer.end():]
    assert after.startswith(f" * the caller's phone called {uri}: connected"), after
    assert f"manager: Anna from sales speaking. (simulated, {uri})" in after
    assert "outcome: qualified (transfer)" in after
    assert "failed" not in text
    assert (tmp_path / "var" / "recordings" / "demo-call.en.wav").stat().st_size > 44
