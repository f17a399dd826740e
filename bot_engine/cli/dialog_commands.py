"""CLI commands for scripts and dialogs: validate, schema, chat, test."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from bot_engine.call.webhooks import STRICT, WebhookRunner
from bot_engine.cli.console import err, out
from bot_engine.cli.demo_data import DEMO_VARIABLES, DIALOGS_DIR
from bot_engine.cli.options import VarOption, parse_vars
from bot_engine.dialog import actions as act
from bot_engine.net import SsrfGuard
from bot_engine.script import (
    LoadedScript,
    ScriptError,
    json_schema,
    load_script_file,
    validate_variables,
)
from bot_engine.simulator import dialog_tests
from bot_engine.simulator.session import TextSession


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
        err.issues(exc.issues)
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
            out.issues(exc.issues)
            continue
        out.issues(loaded.warnings)
        out.print(f"{escape(str(path))}: ok ({len(loaded.script.steps)} steps, "
                  f"{len(loaded.warnings)} warnings)", style="green", keep=[path])
    if failed:
        raise typer.Exit(1)


def _validate_dialog_test(path: Path) -> bool:
    """A dialog test file is checked as one: its own format, then the script it names."""
    try:
        spec, _ = dialog_tests.load_test_file(path)
    except ScriptError as exc:
        out.issues(exc.issues)
        return False
    except ValueError as exc:
        out.print(escape(str(exc)), style="red", keep=[path])
        return False
    out.print(f"{escape(str(path))}: ok (dialog test of {escape(spec.script)}, "
              f"{len(spec.tests)} cases)", style="green", keep=[path, spec.script])
    return True


def schema() -> None:
    """Print the JSON Schema of the script language."""
    out.plain(json.dumps(json_schema(), ensure_ascii=False, indent=2))


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
    allow_webhook: Annotated[
        list[str] | None,
        typer.Option("--allow-webhook", metavar="HOST|CIDR",
                     help="Let the script's webhooks reach this private host or range, such "
                     "as your own backend on this machine (127.0.0.1, localhost); "
                     "repeatable. Without it, webhooks reach public addresses only."),
    ] = None,
) -> None:
    """Talk to a script in the terminal, or run scripted turns with --say."""
    loaded = load_or_exit(script_path)
    script = loaded.script
    try:
        variables = validate_variables(script, parse_vars(var))
    except ScriptError as exc:
        for issue in exc.issues:
            err.error(issue.message)
        raise typer.Exit(2) from None
    if now is not None and now.tzinfo is None:
        from bot_engine.dialog.runtime import runtime_for

        now = now.replace(tzinfo=runtime_for(script).timezone)
    runner = WebhookRunner(SsrfGuard(allow_webhook or []))
    session = TextSession(
        script, variables, webhooks=runner.blocking(), now=now, outbound=runner.outbound
    )
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
                out.print(f"[bold]caller>[/bold] {escape(line)}")
            actions = session.send(line)
            if not as_json:
                _show(actions)
        if not session.finished:
            actions = session.hangup()
            if not as_json:
                _show(actions)
    except ValueError as exc:
        err.error(str(exc))
        raise typer.Exit(2) from None
    if as_json:
        out.plain(json.dumps(session.document(), ensure_ascii=False, indent=2))
    else:
        _show_result(session)
    if session.result is None or session.result.error is not None:
        raise typer.Exit(1)


def _interactive(session: TextSession, path: Path, variables: dict[str, Any],
                 now: datetime | None) -> None:
    out.print(f"[dim]{escape(str(path))} — type what the caller says; commands: "
              "/dtmf 12#, /silence, /hangup, /state, /restart, /quit[/dim]", keep=[path])
    _show(session.start())
    while not session.finished:
        try:
            line = out.ask("[bold]caller> [/bold]")
        except (EOFError, KeyboardInterrupt):
            out.print()
            _show(session.hangup())
            break
        command = line.strip()
        if command == "/quit":
            _show(session.hangup())
            break
        if command == "/state":
            out.json(session.dialog.state.model_dump_json())
            continue
        if command == "/restart":
            session = TextSession(session.script, variables, webhooks=session.webhooks, now=now,
                                  outbound=session.outbound)
            out.print("[dim]— restarted —[/dim]")
            _show(session.start())
            continue
        try:
            _show(session.send(line))
        except ValueError as exc:
            out.print(f"[red]{escape(str(exc))}[/red]")
    _show_result(session)


def _show(actions: list[act.Action]) -> None:
    for action in actions:
        if isinstance(action, act.Say):
            audio = f" [dim](audio {escape(action.audio)})[/dim]" if action.audio else ""
            out.print(f"[bold cyan]bot>[/bold cyan] {escape(action.text)}{audio}")
        elif isinstance(action, act.Understood):
            parts = []
            if action.intent:
                parts.append(f"intent={action.intent} ({action.confidence:.2f})")
            if action.layer:
                parts.append(f"by {action.layer}")
            if action.runner_up:
                parts.append(f"runner-up {action.runner_up[0]} ({action.runner_up[1]:.2f})")
            for entity in action.entities:
                parts.append(f"{entity.get('type')}={entity.get('value')!r}")
            for name, value in action.slots.items():
                parts.append(f"{name} := {value!r}")
            if parts:
                out.print("  " + escape("[" + ", ".join(parts) + "]"), style="dim")
        elif (
            isinstance(action, act.Transition)
            and action.to_step
            and action.to_step != action.from_step
        ):
            out.print(f"[dim]  → {escape(action.to_step)}[/dim]")
        elif isinstance(action, act.Transfer):
            out.print(f"[magenta]  ⇢ transfer to {escape(action.target)}[/magenta]")
        elif isinstance(action, act.Connect):
            how = "bridge" if action.mode == "bridge" else "transfer (REFER)"
            out.print(f"[magenta]  ⇢ {how} to {escape(', '.join(action.targets))}[/magenta]")
            if action.whisper:
                out.print(f"[dim]  whisper: {escape(action.whisper)}[/dim]")
        elif isinstance(action, act.Hangup):
            out.print("[magenta]  ✆ hangup[/magenta]")
        elif isinstance(action, act.CallWebhook):
            out.print(f"[dim]  webhook {action.method} {escape(action.url)}[/dim]")


def _show_result(session: TextSession) -> None:
    result = session.result
    if result is None:
        return
    out.print("[bold]result[/bold]")
    out.json(json.dumps(
        {"outcome": result.outcome, "fields": result.fields, "ending": result.ending,
         **({"error": result.error} if result.error else {}),
         **({"transfers": [f"{t['target']}: {t['outcome']} ({t['sip_status']})"
                           for t in result.transfers]} if result.transfers else {})},
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
            out.print(f"{escape(str(run.path))} [red]ERROR[/red]\n{escape(run.error)}",
                      keep=[run.path])
            continue
        for case in run.cases:
            label = f"{escape(str(run.path))}::{escape(case.name)}"
            if case.passed:
                passed += 1
                out.print(f"{label} [green]PASSED[/green]", keep=[run.path])
            else:
                failed += 1
                out.print(f"{label} [red]FAILED[/red]", keep=[run.path])
                for failure in case.failures:
                    out.print(f"  [red]{escape(failure)}[/red]")
            if verbose or not case.passed:
                for line in case.transcript:
                    out.print(f"  [dim]{escape(line)}[/dim]")
    uncovered = 0
    if coverage:
        out.print("[bold]coverage[/bold]")
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
            out.print(f"{script.id} ({script.language}): {total - len(steps)}/{total} "
                          f"steps covered")
            for step in steps:
                out.print(f"  [yellow]step never entered: {escape(step)}[/yellow]")
            for branch in branches:
                out.print(f"  [yellow]branch never taken: {escape(branch)}[/yellow]")
    out.print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


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
    var: VarOption = None,
) -> None:
    """The main job on embedded defaults: a live demo call over SIP on loopback, with
    offline speech in Russian (or English with --lang en); with --text, the lead script
    against a scripted caller in text."""
    if not text:
        from bot_engine.cli.call_commands import demo_call

        demo_call(record=Path(f"var/recordings/demo-call.{lang}.wav"), as_json=False,
                  lang=lang, var=var)
        return
    if lang not in DEMO_VARIABLES:
        raise typer.BadParameter("expected ru or en", param_hint="--lang")
    path = DIALOGS_DIR / f"lead_qualification.{lang}.yaml"
    loaded = load_or_exit(path)
    try:
        variables = validate_variables(loaded.script,
                                       {**DEMO_VARIABLES[lang], **parse_vars(var)})
    except ScriptError as exc:
        for issue in exc.issues:
            err.error(issue.message)
        raise typer.Exit(2) from None
    out.print(f"[bold]voicebot demo[/bold]: {escape(str(path))} (text simulation)",
              keep=[path])
    session = TextSession(loaded.script, variables, webhooks=STRICT.blocking())
    _scripted(session, DEMO_CALLER[lang], as_json=False)
