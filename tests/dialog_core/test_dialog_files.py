"""The shipped scripts' dialog tests pass and exercise every step and branch."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot_engine.simulator import dialog_tests

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
FILES = dialog_tests.discover([DIALOGS])


def test_every_shipped_script_has_dialog_tests() -> None:
    scripts = {p.name for p in DIALOGS.glob("*.yaml") if not p.name.endswith(".test.yaml")}
    tested = {dialog_tests.load_test_file(p)[0].script for p in FILES}
    assert scripts and scripts <= tested


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_dialog_file_passes_with_full_coverage(path: Path) -> None:
    run = dialog_tests.run_file(path)
    assert run.error is None, run.error
    failures = [f"{case.name}: {failure}" for case in run.cases for failure in case.failures]
    assert not failures, "\n".join(failures)
    assert run.script is not None
    steps, branches = dialog_tests.coverage_gaps(run.script, run.trace)
    assert (steps, branches) == ([], [])


def test_rasa_intents_import_into_a_script(tmp_path: Path) -> None:
    from bot_engine.dialog import actions as act
    from bot_engine.dialog import events as ev
    from bot_engine.dialog.engine import Dialog
    from bot_engine.script import load_script_file

    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: price\n  examples: |\n'
        "    - сколько стоит\n    - какая цена\n    - почём [кухня](product)\n",
        encoding="utf-8",
    )
    (tmp_path / "s.yaml").write_text(
        "id: rasa_demo\nlanguage: ru-RU\nintents_from: {rasa: nlu.yml}\n"
        "result: {outcomes: [asked, other], endings: {hangup: other, error: other}}\n"
        "start: q\nsteps:\n  q:\n    ask: Что вас интересует?\n"
        "    expect: {type: intent, intents: [price]}\n"
        "    on: {price: {outcome: asked, hangup: true}}\n",
        encoding="utf-8",
    )
    script = load_script_file(tmp_path / "s.yaml").script
    assert "сколько стоит" in script.intents["price"].examples
    dialog = Dialog(script, {})
    dialog.start()
    out = dialog.handle(ev.UserSaid(text="а какая у кухни цена"))
    assert [a.result.outcome for a in out if isinstance(a, act.SetResult)] == ["asked"]
