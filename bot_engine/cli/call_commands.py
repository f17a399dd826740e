"""CLI commands for live calls: `voicebot simulate-call`, `voicebot demo-call`, `voicebot call`.

Exit codes: 0 when the call produced a valid result; 2 for a script or variable problem;
1 when the call could not be run at all (no ASR for the language, network errors).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from asr_tts.errors import SpeechError
from asr_tts.settings import SpeechSettings
from bot_engine.call.dial_targets import target_uri
from bot_engine.call.dialer import place_call
from bot_engine.call.inbound import serve_inbound
from bot_engine.call.report import CallReport
from bot_engine.call.routing import Router, RoutingError
from bot_engine.call.simulated_caller import CallerError
from bot_engine.call.simulated_voices import caller_voice
from bot_engine.call.speech import CallSpeech
from bot_engine.call.speech_pool import SpeechPool
from bot_engine.call.voice_simulator import ManagerSetup, Simulation, simulate_call
from bot_engine.cli.console import err, out
from bot_engine.cli.demo_data import DEMO_VARIABLES, DIALOGS_DIR
from bot_engine.cli.options import VarOption, parse_vars
from bot_engine.script import LoadedScript, ScriptError, load_script_file, validate_variables
from bot_engine.script.model import Script

DEMO_CALLER = {
    "ru": ["да, это я", "ну да, давайте", "да, бюджет около двухсот тысяч",
           "в следующем месяце", "конечно"],
    "en": ["yes, speaking", "sure, go ahead", "yes, it is still relevant", "next month",
           "about two thousand dollars", "yes, please"],
}
"""The live demo's caller, per language (spoken by Festival in Russian, espeak-ng in
English)."""


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("simulate-call")(simulate_call_command)
    app.command("demo-call")(demo_call)
    app.command("call")(call_command)
    app.command("serve-calls")(serve_calls)


def _script(path_or_id: str) -> LoadedScript:
    """A script file, or the id of a shipped script (`lead_qualification.en`)."""
    path = Path(path_or_id)
    if not path.exists():
        for candidate in (DIALOGS_DIR / f"{path_or_id}.yaml", DIALOGS_DIR / f"{path_or_id}.yml",
                          DIALOGS_DIR / f"{path_or_id}.json"):
            if candidate.exists():
                path = candidate
                break
    try:
        return load_script_file(path)
    except ScriptError as exc:
        err.issues(exc.issues)
        raise typer.Exit(2) from None


def _variables(script: Script, pairs: dict[str, str]) -> dict[str, Any]:
    try:
        return validate_variables(script, pairs)
    except ScriptError as exc:
        err.issues(exc.issues)
        raise typer.Exit(2) from None


def _speech(script: Script, asr: str | None, pool: SpeechPool | None = None) -> CallSpeech:
    try:
        if pool is not None:
            return pool.for_script(script)
        return CallSpeech.for_script(script, SpeechSettings(), asr_engine=asr)
    except SpeechError as exc:
        err.print(f"cannot run a call: {escape(str(exc))}", style="red")
        raise typer.Exit(1) from None


def print_report(report: CallReport, *, as_json: bool,
                 extra: dict[str, Any] | None = None, after: Sequence[str] = ()) -> None:
    """The call's transcript, result and timings (`extra`: more keys for --json; `after`:
    lines, in markup, that follow the transcript)."""
    if as_json:
        out.plain(json.dumps({**report.document(), **(extra or {})}, ensure_ascii=False,
                             indent=2))
        return
    for turn in report.transcript:
        if turn.role == "bot":
            cut = f" [interrupted after {turn.heard_ms} ms]" if turn.interrupted else ""
            out.print(f"[cyan]robot:[/cyan] {escape(turn.text)}{cut}")
        elif turn.role == "caller":
            conf = f" ({turn.confidence:.2f})" if turn.confidence is not None else ""
            out.print(f"[green]caller:[/green] {escape(turn.text)}{conf}")
        else:
            out.print(f"[dim]* {escape(turn.text)}[/dim]")
    for line in after:
        out.print(line)
    result = report.result
    out.print(f"[bold]outcome:[/bold] {result.outcome} ({result.ending})")
    out.print("fields: " + escape(json.dumps(result.fields, ensure_ascii=False,
                                                  default=str)))
    for t in report.timings:
        out.print(
            f"turn {t.turn} {t.step_id}: gap {t.response_gap_ms:.0f} ms = endpointing "
            f"{t.endpointing_ms:.0f} + asr {t.asr_final_ms:.0f} + dialogue {t.dialogue_ms:.1f} "
            f"+ tts {t.tts_ms:.1f} + send {t.send_ms:.1f} (engine added {t.engine_added_ms:.1f})"
        )
    summary = report.summary()
    if summary is not None:
        out.print(f"response gap p50 {summary.gap_p50_ms:.0f} ms, p95 {summary.gap_p95_ms:.0f}"
                      f" ms; engine added p95 {summary.engine_added_p95_ms:.1f} ms")
    out.print(f"asr: {report.call.asr_engine}, tts: {report.call.tts_engine}")
    if report.recording:
        out.print(f"recording: {escape(report.recording)}", keep=[report.recording])


def _print_simulation(simulation: Simulation, *, as_json: bool) -> None:
    manager = simulation.manager
    if manager is None:
        print_report(simulation.report, as_json=as_json)
        return
    caller = simulation.caller
    transfer = {"target": caller.referred_to, "sip_status": caller.transfer_status,
                "heard_ms": caller.transfer_heard_ms}
    after = []
    if caller.referred_to is not None:
        status = caller.transfer_status
        state = "connected" if status == 200 else f"failed ({status})"
        after.append(f"[dim]* the caller's phone called {escape(caller.referred_to)}: "
                     f"{state}[/dim]")
    if manager.said:
        after.append(f"[magenta]manager:[/magenta] {escape(manager.line)} [dim](simulated, "
                     f"{escape(manager.uri)})[/dim]")
    print_report(simulation.report, as_json=as_json, after=after, extra={
        "simulated_manager": manager.document(),
        "caller_transfer": transfer if caller.referred_to is not None else None})


def _run_simulation(
    script: Script, variables: dict[str, Any], lines: list[str], speech: CallSpeech,
    record: Path | None, manager: ManagerSetup | None = None,
) -> Simulation:
    try:
        simulation = asyncio.run(simulate_call(script, variables, lines, speech, record=record,
                                               manager=manager))
    except CallerError as exc:
        raise typer.BadParameter(str(exc), param_hint="--caller") from None
    except (OSError, SpeechError, TimeoutError) as exc:
        err.print(f"the simulated call failed: {escape(str(exc) or type(exc).__name__)}",
                  style="red")
        raise typer.Exit(1) from None
    return simulation


def simulate_call_command(
    script_path: Annotated[str, typer.Argument(metavar="SCRIPT",
                                               help="Script file or shipped script id.")],
    var: VarOption = None,
    caller: Annotated[list[str] | None, typer.Option(
        "--caller", help="A caller line: text, /silence, /dtmf N or /hangup (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON document.")] = False,
    record: Annotated[Path | None, typer.Option(help="Stereo WAV of the call.")] = None,
    asr: Annotated[str | None, typer.Option(help="ASR engine (default: the offline one "
                                                 "that speaks the script's language).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """A simulated caller talks to the robot over SIP/RTP on loopback (full pipeline)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
    loaded = _script(script_path)
    given = parse_vars(var)
    variables = _variables(loaded.script, given)
    speech = _speech(loaded.script, asr)
    if not as_json:
        err.print(f"robot ASR: {speech.asr_engine}; TTS: {speech.tts_engine}")
    simulation = _run_simulation(loaded.script, variables, list(caller or []), speech, record,
                                 ManagerSetup.for_script(loaded.script, given))
    _print_simulation(simulation, as_json=as_json)
    raise typer.Exit(0 if simulation.report.result.ending != "error" else 1)


def demo_call(
    record: Annotated[Path, typer.Option(help="Where the call recording goes.")] = Path(
        "var/recordings/demo-call.wav"),
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON document.")] = False,
    lang: Annotated[str, typer.Option(help="ru (Festival and multilingual Whisper) or en "
                                           "(espeak-ng and Whisper tiny.en).")] = "ru",
    var: VarOption = None,
) -> None:
    """The main job, live: the robot answers a SIP call on loopback, a simulated caller
    speaks with an offline voice, the robot understands with the offline ASR and answers
    with the offline voice of the language."""
    if lang not in DEMO_CALLER:
        raise typer.BadParameter("expected ru or en", param_hint="--lang")
    script_path = DIALOGS_DIR / f"lead_qualification.{lang}.yaml"
    loaded = _script(str(script_path))
    given = parse_vars(var)
    variables = _variables(loaded.script, {**DEMO_VARIABLES[lang], **given})
    speech = _speech(loaded.script, None)
    caller = caller_voice(speech)
    err.print(f"[bold]voicebot demo[/bold]: {script_path.name} over SIP on 127.0.0.1; "
              f"robot ASR: {speech.asr_engine} (offline), robot voice: {speech.tts_engine}; "
              f"caller voice: {caller.engine} {caller.voice}")
    simulation = _run_simulation(loaded.script, variables, DEMO_CALLER[lang], speech, record,
                                 ManagerSetup.for_script(loaded.script, given))
    _print_simulation(simulation, as_json=as_json)
    report = simulation.report
    from bot_engine.service.console.demo import console_url

    if (url := console_url(report, script_path, record)) is not None:
        err.print(f"console: {url}")
    raise typer.Exit(0 if report.result.ending != "error" else 1)


def call_command(
    number: Annotated[str, typer.Argument(help="A number (dialled through --proxy) or a SIP "
                                               "URI.")],
    script_path: Annotated[str, typer.Option("--script", help="Script file or id.")],
    var: VarOption = None,
    proxy: Annotated[str | None, typer.Option(help="Trunk / PBX HOST:PORT.")] = None,
    auth: Annotated[str | None, typer.Option(help="Digest credentials USER:PASSWORD.")] = None,
    caller_id: Annotated[str, typer.Option("--from", help="Our user / number.")] = "voicebot",
    sip_host: Annotated[str, typer.Option(help="Local address to bind.")] = "127.0.0.1",
    record: Annotated[Path | None, typer.Option(help="Stereo WAV of the call.")] = None,
    amd: Annotated[bool, typer.Option(help="Answering-machine detection.")] = True,
    ring_timeout: Annotated[float, typer.Option(help="Seconds to wait for an answer.")] = 60.0,
    asr: Annotated[str | None, typer.Option(help="ASR engine.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON document.")] = False,
) -> None:
    """Place an outbound call through the trunk and run the dialog; busy or no answer
    still ends with a result (`busy` / `no_answer`)."""
    loaded = _script(script_path)
    variables = _variables(loaded.script, parse_vars(var))
    speech = _speech(loaded.script, asr)
    username = password = None
    if auth is not None:
        username, sep, password = auth.partition(":")
        if not sep or not username:
            raise typer.BadParameter("expected USER:PASSWORD", param_hint="--auth")
    try:
        target_uri(number, proxy)  # what cannot be dialled at all is a usage error
    except ValueError as exc:
        err.print(f"cannot place the call: {escape(str(exc))}", style="red")
        raise typer.Exit(1) from None
    try:
        report = asyncio.run(place_call(
            number, loaded.script, variables, speech, proxy=proxy, username=username,
            password=password, caller=caller_id, host=sip_host, record=record, amd=amd,
            ring_timeout_s=ring_timeout,
        ))
    except (OSError, ValueError) as exc:
        err.print(f"cannot place the call: {escape(str(exc))}", style="red")
        raise typer.Exit(1) from None
    print_report(report, as_json=as_json)
    raise typer.Exit(0 if report.result.ending != "error" else 1)


def serve_calls(
    routes: Annotated[Path, typer.Option(help="Routing rules (YAML): callee → script.")],
    sip_host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    sip_port: Annotated[int, typer.Option(help="SIP port (UDP and TCP).")] = 5060,
    record_dir: Annotated[Path, typer.Option(help="Recordings go here.")] = Path(
        "var/recordings"),
    calls: Annotated[int | None, typer.Option(help="Exit after this many calls.")] = None,
    asr: Annotated[str | None, typer.Option(help="ASR engine.")] = None,
) -> None:
    """Answer inbound SIP calls: each routed to its script, one JSON result line per call."""
    logging.basicConfig(level=logging.WARNING)
    try:
        router = Router.load(routes)
    except RoutingError as exc:
        err.print(escape(str(exc)), style="red", keep=[routes])
        raise typer.Exit(2) from None
    pool = SpeechPool(SpeechSettings(), asr_engine=asr)
    for script in router.scripts.values():  # no ASR for a language: say so before serving
        _speech(script, asr, pool)

    def on_result(report: CallReport) -> None:
        out.plain(json.dumps(report.document(), ensure_ascii=False))

    asyncio.run(serve_inbound(router, pool.for_script, host=sip_host, port=sip_port,
                              record_dir=record_dir, max_calls=calls, on_result=on_result,
                              on_listen=lambda port: err.print(f"listening on {sip_host}:{port}")))
