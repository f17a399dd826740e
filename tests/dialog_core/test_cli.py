"""The CLI contract of the text shells: chat --json, validate, schema, test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot_engine.cli import app

ROOT = Path(__file__).resolve().parents[2]
LEAD_RU = ROOT / "dialogs" / "lead_qualification.ru.yaml"
VARS = ["--var", "name=Иван", "--var", "product=кухню", "--var", "company=Мебель Плюс",
        "--var", "min_budget=100000", "--now", "2026-11-21T12:00:00+0300"]
runner = CliRunner()
pytestmark = pytest.mark.cli


def chat_json(*turns: str) -> tuple[int, dict]:
    args = ["chat", str(LEAD_RU), *VARS, "--json"]
    for turn in turns:
        args += ["--say", turn]
    result = runner.invoke(app, args)
    return result.exit_code, json.loads(result.stdout)


def test_chat_json_document() -> None:
    code, doc = chat_json("да", "да", "да, бюджет около двухсот тысяч", "в следующем месяце",
                          "конечно")
    assert code == 0
    assert set(doc) == {"result", "transcript"}
    assert doc["result"]["outcome"] == "qualified"
    assert doc["result"]["fields"]["budget"] == 200000
    assert doc["result"]["fields"]["wants_manager"] is True
    roles = {entry["role"] for entry in doc["transcript"]}
    assert {"bot", "caller"} <= roles
    assert doc["transcript"][0]["role"] == "bot"
    first_caller = next(e for e in doc["transcript"] if e["role"] == "caller")
    assert first_caller == {"role": "caller", "text": "да", "step": "greet", "intent": "yes",
                            "layer": "rule", "runner_up": None}
    assert any("transfer" in e["text"] for e in doc["transcript"] if e["role"] == "event")


def test_chat_json_special_turns_and_input_running_out() -> None:
    code, doc = chat_json("/silence", "да")
    assert code == 0
    bot = [e["text"] for e in doc["transcript"] if e["role"] == "bot"]
    assert bot[1].startswith("Извините, я вас не слышу.")
    assert doc["result"]["outcome"] == "hangup"  # input ran out before a decision
    assert doc["result"]["ending"] == "hangup"
    code, doc = chat_json("/dtmf 1")
    assert code == 0 and "[dtmf 1]" in [e["text"] for e in doc["transcript"]]
    code, doc = chat_json("/hangup")
    assert doc["result"]["outcome"] == "hangup"


def test_chat_rejects_bad_variables_and_commands() -> None:
    result = runner.invoke(app, ["chat", str(LEAD_RU), "--var", "name=Иван", "--json"])
    assert result.exit_code == 2
    assert "missing required variable 'product'" in result.stderr
    result = runner.invoke(app, ["chat", str(LEAD_RU), *VARS, "--say", "/dance", "--json"])
    assert result.exit_code == 2 and "unknown command" in result.stderr


def test_interactive_chat_commands() -> None:
    result = runner.invoke(
        app, ["chat", str(LEAD_RU), *VARS],
        input="да\n/state\n/restart\nнет\n",
    )
    assert result.exit_code == 0, result.output
    assert '"step": "convenient"' in result.output  # /state after the first answer
    assert "restarted" in result.output
    assert '"outcome": "wrong_person"' in result.output


def test_validate_reports_line_column_and_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = LEAD_RU.read_text(encoding="utf-8")
    text = text.replace("      no: wrong_person\n", "      no: wrong_persn\n", 1)
    text = text.replace("    reprompt: \"Можем", "    reprompt_text: \"Можем", 1)
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:" in result.stdout
    assert "steps.convenient.reprompt_text: unknown key 'reprompt_text'" in result.stdout
    result = runner.invoke(app, ["validate", str(LEAD_RU)])
    assert result.exit_code == 0 and "ok" in result.stdout


def test_schema_is_json() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "voicebot dialog script"


def test_dialog_test_runner_reports_failures_with_diffs(tmp_path: Path) -> None:
    case = tmp_path / "lead.test.yaml"
    case.write_text(
        f"script: {LEAD_RU}\n"
        "now: '2026-11-21T12:00:00+03:00'\n"
        "variables: {name: Иван, product: кухню, company: Мебель Плюс}\n"
        "tests:\n"
        "  - name: passes\n"
        "    turns:\n      - {caller: нет, bot: Извините за беспокойство}\n"
        "    result: {outcome: wrong_person}\n"
        "  - name: fails\n"
        "    turns:\n      - {caller: да, bot: совсем другое, step: greet}\n"
        "    result: {outcome: qualified}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["test", str(case), "--coverage"])
    assert result.exit_code == 1
    out = result.stdout
    assert "::passes PASSED" in out and "::fails FAILED" in out
    assert "expected the bot to say 'совсем другое'" in out
    assert "expected step 'greet', got 'convenient'" in out
    assert "result outcome: expected 'qualified', got 'hangup'" in out
    assert "step never entered: ask_budget" in out
    assert "1 passed, 1 failed" in out


def test_the_installed_entry_point_runs() -> None:
    exe = Path(sys.executable).with_name("voicebot")
    done = subprocess.run(
        [str(exe), "chat", str(LEAD_RU), *VARS, "--say", "нет", "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]["outcome"] == "wrong_person"


def test_validate_checks_scripts_and_dialog_test_files() -> None:
    paths = sorted(str(p) for p in (ROOT / "dialogs").glob("*.yaml"))
    assert any(p.endswith(".test.yaml") for p in paths)
    result = runner.invoke(app, ["validate", *paths])
    assert result.exit_code == 0, result.stdout
    assert "warning:" not in result.stdout


def test_text_demo_prints_a_qualified_result() -> None:
    result = runner.invoke(app, ["demo", "--text", "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert '"outcome": "qualified"' in result.stdout
