"""`voicebot simulate-call`: the JSON document, exit codes and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot_engine.cli import app
from tests.call_session.call_session_helpers import HERE

SCRIPT = str(HERE / "scripts" / "call_features.en.yaml")
pytestmark = pytest.mark.cli


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICEBOT_TTS_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.slow
def test_simulate_call_prints_the_chat_document_plus_timings(tmp_path: Path) -> None:
    record = tmp_path / "call.wav"
    result = CliRunner().invoke(app, ["simulate-call", SCRIPT, "--caller", "/dtmf 2", "--json",
                                      "--record", str(record)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"result", "transcript", "timings"} <= set(document)
    assert document["result"]["outcome"] == "agent"
    roles = [entry["role"] for entry in document["transcript"]]
    assert roles[:2] == ["bot", "caller"] and "bot" in roles[2:]
    assert document["call"]["asr_engine"] == "whisper"
    assert document["recording"] == str(record) and record.stat().st_size > 44


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--caller", "/press 1"], "unknown command"),
        (["--caller", "/dtmf x"], "/dtmf needs keys"),
        (["--var", "nonsense"], "KEY=VALUE"),
        (["--var", "colour=red"], "unknown variable"),
    ],
)
def test_bad_caller_lines_and_variables_exit_2_with_a_message(args: list[str],
                                                               message: str) -> None:
    result = CliRunner().invoke(app, ["simulate-call", SCRIPT, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_a_missing_script_exits_2() -> None:
    result = CliRunner().invoke(app, ["simulate-call", "no/such/script.yaml"])
    assert result.exit_code == 2
    assert "cannot read script" in result.output
