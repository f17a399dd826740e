"""The script language rejects bad scripts with file, line, column, path and expectation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot_engine.script import ScriptError, json_schema, load_script, validate_variables

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"

GOOD = """\
id: tiny
language: ru-RU
variables:
  name: {type: string, required: true}
result:
  outcomes: [agreed, refused, hangup, unclear]
  fields: {agreed: bool}
  endings: {hangup: hangup, error: unclear}
start: greet
steps:
  greet:
    ask: "Здравствуйте, {{ name }}! Согласны?"
    expect: {type: confirm, save: agreed}
    on:
      yes: {outcome: agreed, goto: bye}
      no: {outcome: refused, goto: bye}
  bye:
    say: "Спасибо!"
    hangup: true
"""


def issues_of(text: str) -> list:
    with pytest.raises(ScriptError) as caught:
        load_script(text, source="bad.yaml")
    return caught.value.issues


def test_good_script_loads_without_warnings() -> None:
    loaded = load_script(GOOD, source="good.yaml")
    assert loaded.script.id == "tiny"
    assert loaded.warnings == []
    # shorthand forms are normalised
    assert loaded.script.steps["greet"].expect is not None
    assert loaded.script.steps["greet"].on["yes"][0].goto == "bye"


def test_typo_key_and_dangling_goto_are_reported_with_line_column_and_path() -> None:
    text = GOOD.replace("    expect: {type: confirm", "    expcet: 1\n    expect: {type: confirm")
    issues = issues_of(text)
    assert [(i.line, i.column, i.path) for i in issues] == [(13, 5, "steps.greet.expcet")]
    assert "unknown key 'expcet'" in issues[0].message
    assert str(issues[0]).startswith("bad.yaml:13:5: error: steps.greet.expcet:")

    text = GOOD.replace("no: {outcome: refused, goto: bye}", "no: {outcome: refused, goto: byee}")
    issues = issues_of(text)
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.line, issue.path) == (16, "steps.greet.on.no.goto")
    assert "missing step 'byee'" in issue.message and "greet, bye" in issue.message


def test_typo_and_dangling_goto_in_one_script_are_both_reported() -> None:
    text = GOOD.replace(
        "    expect: {type: confirm", "    expcet: 1\n    expect: {type: confirm"
    ).replace("no: {outcome: refused, goto: bye}", "no: {outcome: refused, goto: byee}")
    issues = issues_of(text)
    assert [(i.line, i.column, i.path) for i in issues] == [
        (13, 5, "steps.greet.expcet"),
        (17, 30, "steps.greet.on.no.goto"),
    ]
    assert "missing step 'byee'" in issues[1].message


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace("{{ name }}", "{{ nmae }}").replace(
        "yes: {outcome: agreed, goto: bye}", "yes: {outcome: agred, goto: bye}"
    ).replace("      no:", "      maybe: bye\n      no:")
    messages = [i.message for i in issues_of(text)]
    assert any("undeclared variable 'nmae'" in m for m in messages)
    assert any("unknown outcome 'agred'" in m for m in messages)
    assert any("unknown branch 'maybe'" in m and "yes" in m for m in messages)


def test_wrong_value_says_what_was_expected() -> None:
    issues = issues_of(GOOD.replace("type: confirm", "type: confrim"))
    assert issues[0].path == "steps.greet.expect.type"
    assert "'confirm'" in issues[0].message and "'dtmf'" in issues[0].message


def test_yaml_syntax_error_has_position() -> None:
    issues = issues_of("id: x\nsteps: [unclosed\n")
    assert issues[0].line >= 2 and "invalid YAML" in issues[0].message


def test_duplicate_keys_are_errors() -> None:
    issues = issues_of(GOOD.replace("  bye:\n", "  greet:\n    goto: bye\n  bye:\n", 1))
    assert "invalid YAML" in issues[0].message


def test_unreachable_step_is_a_warning() -> None:
    text = GOOD + "  orphan:\n    say: lost\n    hangup: true\n"
    loaded = load_script(text, source="w.yaml")
    assert [(w.severity, w.path) for w in loaded.warnings] == [("warning", "steps.orphan")]


def test_missing_branches_and_fallbacks_are_errors() -> None:
    text = GOOD.replace("      no: {outcome: refused, goto: bye}\n", "")
    assert any("missing branch on.no" in i.message for i in issues_of(text))
    hook = GOOD.replace(
        "  bye:\n",
        "  check:\n    webhook: {url: 'http://crm/{{ name }}'}\n    on: {success: bye}\n  bye:\n",
    )
    messages = [i.message for i in issues_of(hook)]
    assert any("on.error" in m and "fallback" in m for m in messages)


def test_templates_cannot_escape_the_sandbox() -> None:
    from bot_engine.script.templates import TemplateProblem, render

    with pytest.raises(TemplateProblem):
        render("{{ name.__class__.__mro__ }}", {"name": "x"})
    with pytest.raises(TemplateProblem):
        render("{{ ''.__class__.__subclasses__() }}", {})


def test_json_scripts_load_like_yaml() -> None:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    data = yaml.load(GOOD)
    loaded = load_script(json.dumps(data, ensure_ascii=False, indent=1), source="s.json")
    assert loaded.script.steps.keys() == {"greet", "bye"}
    broken = json.dumps(data, indent=1).replace('"goto": "bye"', '"goto": "nope"', 1)
    issue = issues_of(broken)[0]
    assert issue.path == "steps.greet.on.yes.goto" and issue.line > 1


def test_variables_are_typed_and_required() -> None:
    script = load_script(GOOD).script
    assert validate_variables(script, {"name": "Анна"}) == {"name": "Анна"}
    with pytest.raises(ScriptError) as caught:
        validate_variables(script, {"nam": "Анна"})
    messages = [i.message for i in caught.value.issues]
    assert any("unknown variable 'nam'" in m for m in messages)
    assert any("missing required variable 'name'" in m for m in messages)


def test_schema_describes_the_language() -> None:
    schema = json_schema()
    assert schema["title"] == "voicebot dialog script"
    step = schema["$defs"]["Step"]["properties"]
    assert {"ask", "expect", "on", "webhook", "transfer", "hangup", "goto"} <= step.keys()
    # shorthand forms are part of the schema, so editors accept them
    assert "anyOf" in json.dumps(step["say"])


SHIPPED = sorted(p for p in DIALOGS.glob("*.yaml") if not p.name.endswith(".test.yaml"))


def test_all_four_scripts_are_shipped() -> None:
    names = {p.name for p in SHIPPED}
    assert {
        "consent_confirmation.ru.yaml", "consent_confirmation.en.yaml",
        "lead_qualification.ru.yaml", "lead_qualification.en.yaml",
    } <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scripts_validate_cleanly(path: Path) -> None:
    from bot_engine.script import load_script_file

    loaded = load_script_file(path)
    assert loaded.warnings == []


def test_a_pattern_that_needs_backtracking_is_refused_with_its_place() -> None:
    """Intent patterns run on a linear-time engine: a backreference or a lookaround is
    refused at load, at the pattern's line and column, naming the construct."""
    text = GOOD.replace("steps:\n", "intents:\n  busy:\n    patterns: ['\\bзанят', "
                        "'(да) \\1', 'да(?= нет)']\nsteps:\n", 1)
    issues = issues_of(text)
    assert [(i.line, i.column, i.path) for i in issues] == [
        (12, 27, "intents.busy.patterns[1]"), (12, 38, "intents.busy.patterns[2]")]
    assert "unsupported backreference at character 6" in issues[0].message
    assert "unsupported lookahead at character 3" in issues[1].message
    assert "linear-time engine" in issues[0].message
