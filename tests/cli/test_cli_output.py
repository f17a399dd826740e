"""What every `voicebot` command prints, whatever the terminal width and the path lengths.

Off a terminal (a pipe, a log, a test runner) a message is never wrapped or styled, so a
script can match it; on a terminal it wraps between words but never inside a path or a
`file:line:column` reference. CI runs the `cli` tests at COLUMNS=40 and COLUMNS=300; the
tests here set their own width, so they hold at any.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from rich.cells import cell_len
from rich.text import Text
from typer.testing import CliRunner

from bot_engine.cli import app

pytestmark = pytest.mark.cli

VOICEBOT = str(Path(sys.executable).parent / "voicebot")
DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
NARROW = {"COLUMNS": "40"}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Variables that force or forbid styles: the tests decide whether output is a terminal.
STYLE_OVERRIDES = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TERM")


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in STYLE_OVERRIDES}
    return {**base, "TERM": "xterm-256color", **extra}


@pytest.fixture
def deep(tmp_path: Path) -> Path:
    """A folder whose path is far longer than any terminal, with spaces in it."""
    folder = tmp_path / ("a long folder name " * 4).strip() / ("x" * 90)
    folder.mkdir(parents=True)
    return folder


def one_line_with(output: str, *parts: object) -> str:
    """The single line of `output` holding every part; fails if they were split."""
    assert "\x1b" not in output, "styled output off a terminal"
    lines = [line for line in output.splitlines() if all(str(p) in line for p in parts)]
    assert len(lines) == 1, output
    return lines[0]


def test_an_error_with_a_long_path_is_one_line_when_stderr_is_not_a_terminal(
    deep: Path,
) -> None:
    """The example of issue 11: `voicebot asr` on a WAV at 2000 Hz, at COLUMNS=40."""
    odd = deep / "odd.wav"
    sf.write(str(odd), np.zeros(500, dtype=np.int16), 2000, subtype="PCM_16")
    done = subprocess.run([VOICEBOT, "asr", str(odd), "--engine", "vosk"], capture_output=True,
                          text=True, timeout=120, env=env(**NARROW), check=False)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {odd}") and "odd sample rate 2000" in line
    assert "\x1b" not in done.stderr and "Traceback" not in done.stderr


def run(*args: str, **extra_env: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={**NARROW, **extra_env})
    return result.exit_code, result.stdout, result.stderr


def test_script_commands_print_each_issue_whole(deep: Path) -> None:
    missing = deep / "missing script.yaml"
    code, out, _ = run("validate", str(missing))
    assert code == 1
    one_line_with(out, f"{missing}:1:1:", "cannot read script")
    for command in (["chat", str(missing)], ["simulate-call", str(missing)],
                    ["call", "sip:nobody@127.0.0.1:9", "--script", str(missing)]):
        code, _, err = run(*command)
        assert code == 2, command
        one_line_with(err, f"{missing}:1:1:", "cannot read script")


def test_dialog_test_results_keep_the_file_and_case_on_one_line(deep: Path) -> None:
    broken = deep / "broken.test.yaml"
    broken.write_text("script: nowhere.yaml\ntests: []\n", encoding="utf-8")
    code, out, _ = run("test", str(broken))
    assert code == 1
    one_line_with(out, broken, "ERROR")
    good = deep / "lead.test.yaml"
    lead = DIALOGS / "lead_qualification.en.yaml"
    good.write_text(f"script: {lead}\nvariables: {{name: John, product: kitchen, "
                    "company: Acme}\ntests:\n  - name: a case with a rather long name\n"
                    "    turns:\n      - {caller: 'no'}\n", encoding="utf-8")
    code, out, _ = run("test", str(good))
    assert code == 0, out
    one_line_with(out, f"{good}::a case with a rather long name PASSED")


def test_speech_commands_print_paths_whole(deep: Path) -> None:
    code, _, err = run("asr", str(deep / "missing.wav"), "--engine", "vosk")
    assert code == 1
    one_line_with(err, "error:", deep / "missing.wav")
    code, _, err = run("tts", "hello", "--lang", "en", "-o", str(deep / "no such dir" / "x.wav"))
    assert code == 1
    one_line_with(err, "error:", deep / "no such dir")
    code, out, _ = run("tts", "hello", "--lang", "en", "-o", str(deep / "hello.wav"))
    assert code == 0
    one_line_with(out, f"wrote {deep / 'hello.wav'} (", "engine espeak")
    code, out, _ = run("models", "list", VOICEBOT_MODELS_DIR=str(deep / "models"))
    assert code == 0
    one_line_with(out, f"Vosk models to fetch (folder: {deep / 'models'})")
    row = one_line_with(out, "vosk-model-small-ru")
    assert row.split("│")[4].strip() == "no"  # the row's cells are not wrapped either


def test_usage_errors_are_one_line_not_a_wrapped_panel(deep: Path) -> None:
    missing = deep / "missing.wav"
    for command in ("dial", "answer"):
        args = [command, "--play", str(missing)] + (["sip:x@127.0.0.1:9"] if command == "dial"
                                                      else [])
        code, _, err = run(*args)
        assert code == 2, err
        one_line_with(err, "Error:", f"cannot read audio file {missing}")
    code, _, err = run("chat", str(DIALOGS / "lead_qualification.en.yaml"), "--var",
                       "a value without an equals sign")
    assert code == 2
    one_line_with(err, "Error:", "expected KEY=VALUE, got 'a value without an equals sign'")
    code, _, err = run("serve-calls", "--routes", str(deep / "routes.yaml"))
    assert code == 2
    one_line_with(err, deep / "routes.yaml")


def test_service_commands_print_one_fact_per_line(deep: Path) -> None:
    name = "a tenant with a name longer than the terminal is wide"
    code, out, _ = run("tenants", "create", name, "--data-dir", str(deep))
    assert code == 0
    one_line_with(out, f"tenant: {name} (")
    key = one_line_with(out, "api key (shown once): ").split(": ", 1)[1]
    code, _, err = run("tenants", "create", name, "--data-dir", str(deep))
    assert code == 1
    one_line_with(err, f"error: tenant '{name}' already exists")
    code, out, _ = run("keys", "create", name, "--data-dir", str(deep))
    assert code == 0 and out.strip().startswith(key.split("_")[0]) and out.count("\n") == 1


def test_json_output_is_valid_at_any_width() -> None:
    lead = DIALOGS / "lead_qualification.ru.yaml"
    code, out, _ = run("chat", str(lead), "--var", "name=" + "Иван " * 20, "--var",
                       "product=кухню", "--var", "company=Мебель Плюс", "--say", "нет",
                       "--json", COLUMNS="20")
    assert code == 0
    assert json.loads(out)["result"]["outcome"] == "wrong_person"
    code, out, _ = run("schema", COLUMNS="20")
    assert json.loads(out)["title"] == "voicebot dialog script"


def on_a_terminal(*args: str, columns: int = 40) -> tuple[int, list[str], str]:
    """Run voicebot with a pseudo-terminal as its stdout and stderr: (code, lines, raw)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen([VOICEBOT, *args], stdin=subprocess.DEVNULL, stdout=slave,
                               stderr=slave, env=env(COLUMNS=str(columns)))
    os.close(slave)
    raw = b""
    try:
        while select.select([master], [], [], 60)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            raw += chunk
    finally:
        os.close(master)
        code = process.wait(timeout=60)
    text = raw.decode()
    return code, ANSI.sub("", text).replace("\r\n", "\n").splitlines(), text


@pytest.mark.parametrize("command", ["validate", "asr"])
def test_on_a_terminal_messages_wrap_between_words_never_inside_a_path(
    deep: Path, command: str
) -> None:
    target = deep / ("missing.yaml" if command == "validate" else "missing.wav")
    args = [command, str(target)] + (["--engine", "vosk"] if command == "asr" else [])
    code, lines, raw = on_a_terminal(*args)
    assert code == 1
    assert "\x1b[" in raw  # styled on a terminal
    assert len(lines) >= 2, lines  # the message is longer than 40 columns: it wrapped
    assert any(str(target) in line for line in lines), lines
    for line in lines:  # over-long only where one path stands alone on its line
        assert cell_len(line) <= 40 or str(target) in line, lines


def test_wrap_breaks_between_words_and_keeps_paths_and_references_whole() -> None:
    from bot_engine.cli.console import wrap

    path = "/srv/my scripts/lead qualification.yaml"
    text = Text(f"{path}:12:5: error: steps.greet.say: the text is far too long to fit")
    lines = wrap(text, 30, [path]).plain.split("\n")
    assert lines[0] == f"{path}:12:5:"  # longer than 30, but never cut
    assert all(cell_len(line) <= 30 for line in lines[1:])
    assert " ".join(lines) == text.plain  # only spaces became line breaks
    indented = wrap(Text("  robot: " + "word " * 12), 20).plain.split("\n")
    assert all(line.startswith("  ") and cell_len(line) <= 20 for line in indented)
    assert wrap(Text("short"), 20).plain == "short"
    styled = Text.from_markup("[red]error:[/red] " + "x" * 50)
    assert wrap(styled, 20).spans[0].end == len("error:")  # styles survive the wrap
