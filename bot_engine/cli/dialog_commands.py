"""CLI commands for scripts and dialogs: validate, schema, chat, test."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from bot_engine.cli.options import VarOption, parse_vars
from bot_engine.dialog import actions as act
from bot_engine.script import (
    LoadedScript,
    ScriptError,
    json_schema,
    load_script_file,
    validate_variables,
)
from bot_engine.simulator import dialog_tests
from bot_engine.simulator.session import TextSession
from bot_engine.simulator.webhooks import http_webhook

console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("validate")(validate)
    app.command("schema")(schema)
    app.command("chat")(chat)
    app.command("test")(test)
    app.command("demo")(demo)


def load_or_exit(path: Path) -> LoadedScript:
    try:
        loaded = load_script_file(path)
    except ScriptError as exc:
        for issue in exc.issues:
            err.print(escape(str(issue)), style="red" if issue.severity == "error" else "yellow")
        raise typer.Exit(2) from None
    return loaded


def validate(
    paths: Annotated[list[Path], typer.Argument(help="Script files (YAML or JSON).")],
) -> None:
    """Check scripts; report every error with file, line, column and path."""
    failed = 0
    for path in paths:
        if path.name.endswith(".test.yaml"):  # a dialog test beside its script (dialogs/*.yaml)
            failed += not _validate_dialog_test(path)
            continue
        try:
            loaded = load_script_file(path)
        except ScriptError as exc:
            failed += 1
            for issue in exc.issues:
                console.print(escape(str(issue)),
                              style="red" if issue.severity == "error" else "yellow")
            continue
        for issue in loaded.warnings:
            console.print(escape(str(issue)), style="yellow")
        console.print(f"{escape(str(path))}: ok ({len(loaded.script.steps)} steps, "
                      f"{len(loaded.warnings)} warnings)", style="green")
    if failed:
        raise typer.Exit(1)


def _validate_dialog_test(path: Path) -> bool:
    """A dialog test file is checked as one: its own format, then the script it names."""
    try:
        spec, _ = dialog_tests.load_test_file(path)
    except ScriptError as exc:
        for issue in exc.issues:
            console.print(escape(str(issue)),
                          style="red" if issue.severity == "error" else "yellow")
        return False
    except ValueError as exc:
        console.print(escape(str(exc)), style="red")
        return False
    console.print(f"{escape(str(path))}: ok (dialog test of {escape(spec.script)}, "
                  f"{len(spec.tests)} cases)", style="green")
    return True


def schema() -> None:
    """Print the JSON Schema of the script language."""
    sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")


def chat(
    script_path: Annotated[Path, typer.Argument(metavar="SCRIPT", help="The script file.")],
    var: VarOption = None,
    say: Annotated[
        list[str] | None,
        typer.Option("--say", help="A caller turn (repeatable): text, /silence, '/dtmf 1', "
                     "/hangup. Makes the chat non-interactive."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    now: Annotated[
        datetime | None,
        typer.Option(help="The call's start time (ISO 8601), for relative dates.",
                     formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]),
    ] = None,
) -> None:
    """Talk to a script in the terminal, or run scripted turns with --say."""
    loaded = load_or_exit(script_path)
    script = loaded.script
    try:
        variables = validate_variables(script, parse_vars(var))
    except ScriptError as exc:
        for issue in exc.issues:
            err.print(f"error: {escape(issue.message)}", style="red")
        raise typer.Exit(2) from None
    if now is not None and now.tzinfo is None:
        from bot_engine.dialog.runtime import runtime_for

        now = now.replace(tzinfo=runtime_for(script).timezone)
    session = TextSession(script, variables, webhooks=http_webhook, now=now)
    if say is not None or as_json:
        _scripted(session, say or [], as_json)
        return
    _interactive(session, script_path, variables, now)


def _scripted(session: TextSession, turns: list[str], as_json: bool) -> None:
    try:
        actions = session.start()
        if not as_json:
            _show(actions)
        for line in turns:
            if session.finished:
                break
            if not as_json:
                console.print(f"[bold]caller>[/bold] {escape(line)}")
            actions = session.send(line)
            if not as_json:
                _show(actions)
        if not session.finished:
            actions = session.hangup()
            if not as_json:
                _show(actions)
    except ValueError as exc:
        err.print(f"error: {escape(str(exc))}", style="red")
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(session.document(), ensure_ascii=False, indent=2) + "\n")
    else:
        _show_result(session)
    if session.result is None or session.result.error is not None:
        raise typer.Exit(1)


def _interactive(session: TextSession, path: Path, variables: dict[str, Any],
                 now: datetime | None) -> None:
    console.print(f"[dim]{escape(str(path))} — type what the caller says; commands: "
                  "/dtmf 12#, /silence, /hangup, /state, /restart, /quit[/dim]")
    _show(session.start())
    while not session.finished:
        try:
            line = console.input("[bold]caller> [/bold]")
        except (EOFError, KeyboardInterrupt):
            console.print()
            _show(session.hangup())
            break
        command = line.strip()
        if command == "/quit":
            _show(session.hangup())
            break
        if command == "/state":
            console.print_json(session.dialog.state.model_dump_json())
            continue
        if command == "/restart":
            session = TextSession(session.script, variables, webhooks=http_webhook, now=now)
            console.print("[dim]— restarted —[/dim]")
            _show(session.start())
            continue
        try:
            _show(session.send(line))
        except ValueError as exc:
            console.print(f"[red]{escape(str(exc))}[/red]")
    _show_result(session)


def _show(actions: list[act.Action]) -> None:
    for action in actions:
        if isinstance(action, act.Say):
            audio = f" [dim](audio {escape(action.audio)})[/dim]" if action.audio else ""
            console.print(f"[bold cyan]bot>[/bold cyan] {escape(action.text)}{audio}")
        elif isinstance(action, act.Understood):
            parts = []
            if action.intent:
                parts.append(f"intent={action.intent} ({action.confidence:.2f})")
            for entity in action.entities:
                parts.append(f"{entity.get('type')}={entity.get('value')!r}")
            for name, value in action.slots.items():
                parts.append(f"{name} := {value!r}")
            if parts:
                console.print("  " + escape("[" + ", ".join(parts) + "]"), style="dim")
        elif (
            isinstance(action, act.Transition)
            and action.to_step
            and action.to_step != action.from_step
        ):
            console.print(f"[dim]  → {escape(action.to_step)}[/dim]")
        elif isinstance(action, act.Transfer):
            console.print(f"[magenta]  ⇢ transfer to {escape(action.target)}[/magenta]")
        elif isinstance(action, act.Hangup):
            console.print("[magenta]  ✆ hangup[/magenta]")
        elif isinstance(action, act.CallWebhook):
            console.print(f"[dim]  webhook {action.method} {escape(action.url)}[/dim]")


def _show_result(session: TextSession) -> None:
    result = session.result
    if result is None:
        return
    console.print("[bold]result[/bold]")
    console.print_json(json.dumps(
        {"outcome": result.outcome, "fields": result.fields, "ending": result.ending,
         **({"error": result.error} if result.error else {})},
        ensure_ascii=False,
    ))


def test(
    paths: Annotated[list[Path], typer.Argument(help="Dialog test files or folders.")],
    coverage: Annotated[
        bool, typer.Option("--coverage", help="List steps and branches never exercised.")
    ] = False,
    verbose: Annotated[bool, typer.Option("-v", help="Show every transcript.")] = False,
) -> None:
    """Run dialog tests (*.test.yaml) against their scripts."""
    files = dialog_tests.discover(paths)
    if not files:
        err.print("no dialog test files found (*.test.yaml)", style="red")
        raise typer.Exit(4)
    runs = [dialog_tests.run_file(path) for path in files]
    passed = failed = 0
    for run in runs:
        if run.error is not None:
            failed += 1
            console.print(f"{escape(str(run.path))} [red]ERROR[/red]\n{escape(run.error)}")
            continue
        for case in run.cases:
            label = f"{escape(str(run.path))}::{escape(case.name)}"
            if case.passed:
                passed += 1
                console.print(f"{label} [green]PASSED[/green]")
            else:
                failed += 1
                console.print(f"{label} [red]FAILED[/red]")
                for failure in case.failures:
                    console.print(f"  [red]{escape(failure)}[/red]")
            if verbose or not case.passed:
                for line in case.transcript:
                    console.print(f"  [dim]{escape(line)}[/dim]")
    uncovered = 0
    if coverage:
        console.print("[bold]coverage[/bold]")
        by_script: dict[str, tuple[Any, Any]] = {}
        for run in runs:
            if run.script is None:
                continue
            key = str(run.path.parent / run.script.id) + run.script.language
            if key in by_script:
                by_script[key][1].steps |= run.trace.steps
                by_script[key][1].branches |= run.trace.branches
            else:
                by_script[key] = (run.script, run.trace)
        for script, trace in by_script.values():
            steps, branches = dialog_tests.coverage_gaps(script, trace)
            uncovered += len(steps) + len(branches)
            total = len(script.steps)
            console.print(f"{script.id} ({script.language}): {total - len(steps)}/{total} "
                          f"steps covered")
            for step in steps:
                console.print(f"  [yellow]step never entered: {escape(step)}[/yellow]")
            for branch in branches:
                console.print(f"  [yellow]branch never taken: {escape(branch)}[/yellow]")
    console.print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


DIALOGS_DIR = Path(__file__).resolve().parents[2] / "dialogs"
DEMO_VARIABLES = {
    "ru": {"name": "Иван", "product": "кухню на заказ", "company": "Мебель Плюс",
           "min_budget": "100000"},
    "en": {"name": "John", "product": "a custom kitchen", "company": "Acme Furniture",
           "min_budget": "1000"},
}
DEMO_CALLER = {
    "ru": ["да, это я", "ну да, давайте", "да, бюджет около двухсот тысяч",
           "в следующем месяце", "конечно"],
    "en": ["yes, speaking", "sure, go ahead", "yeah, my budget is about two thousand dollars",
           "next month", "sure"],
}


def demo(
    text: Annotated[
        bool, typer.Option("--text", help="A text simulation instead of a live call.")
    ] = False,
    lang: Annotated[str, typer.Option(help="ru (the default) or en.")] = "ru",
) -> None:
    """The main job on embedded defaults: a live demo call over SIP on loopback, with
    offline speech in Russian (or English with --lang en); with --text, the lead script
    against a scripted caller in text."""
    if not text:
        from bot_engine.cli.call_commands import demo_call

        demo_call(record=Path(f"var/recordings/demo-call.{lang}.wav"), as_json=False,
                  lang=lang)
        return
    if lang not in DEMO_VARIABLES:
        raise typer.BadParameter("expected ru or en", param_hint="--lang")
    path = DIALOGS_DIR / f"lead_qualification.{lang}.yaml"
    loaded = load_or_exit(path)
    variables = validate_variables(loaded.script, DEMO_VARIABLES[lang])
    console.print(f"[bold]voicebot demo[/bold]: {escape(str(path))} (text simulation)")
    session = TextSession(loaded.script, variables, webhooks=http_webhook)
    _scripted(session, DEMO_CALLER[lang], as_json=False)
