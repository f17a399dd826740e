"""CLI commands for the phone layer: a debug softphone (`voicebot dial`, `voicebot answer`).

Exit codes of `dial`: 0 for a completed call; for a call that did not connect, the class
of the final SIP status (4, 5 or 6) with the status printed (`SIP/2.0 486 Busy Here`);
1 when no SIP status exists (timeout, bad arguments, network errors).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import typer

from bot_engine.cli.console import err, out
from media_gateway.sip import (
    CallFailed,
    IncomingCall,
    RegistrationFailed,
    SipConfig,
    SipUserAgent,
)
from media_gateway.sip.softphone import load_pcm, run_leg


def _split_pair(value: str, option: str) -> tuple[str, str]:
    left, sep, right = value.partition(":")
    if not sep or not left:
        raise typer.BadParameter(f"{option} expects A:B, got {value!r}")
    return left, right


def _sip_config(
    host: str, port: int, user: str, proxy: str | None, proxy_option: str, auth: str | None
) -> SipConfig:
    """Our user agent's settings from the options `dial` and `answer` share; malformed
    HOST:PORT or USER:PASSWORD values are usage errors before anything is bound."""
    username = password = None
    if auth is not None:
        username, password = _split_pair(auth, "--auth")
    if proxy is not None:
        _split_pair(proxy, proxy_option)
    return SipConfig(
        host=host, port=port, user=user, proxy=proxy, auth_username=username, password=password
    )


def _audio(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return load_pcm(path)
    except Exception as exc:  # libsndfile raises its own error types
        raise typer.BadParameter(f"cannot read audio file {path}: {exc}") from None


def _numbered(path: Path | None, index: int) -> Path | None:
    """rec.wav, rec-2.wav, rec-3.wav ... for several answered calls."""
    if path is None or index == 1:
        return path
    return path.with_name(f"{path.stem}-{index}{path.suffix}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""

    @app.command()
    def dial(
        sip_uri: str = typer.Argument(..., help="Who to call, e.g. sip:bob@127.0.0.1:5062"),
        play: Path | None = typer.Option(None, help="Audio file sent as the microphone."),
        record: Path | None = typer.Option(None, help="WAV file to record what is heard."),
        dtmf: str | None = typer.Option(None, help="Digits to send (RFC 4733) once answered."),
        duration: float | None = typer.Option(
            None,
            help="Hang up after this many seconds (default: when --play ends, or "
            "when the far end hangs up).",
        ),
        auth: str | None = typer.Option(None, help="Digest credentials USER:PASSWORD."),
        proxy: str | None = typer.Option(None, help="Outbound proxy / trunk HOST:PORT."),
        sip_host: str = typer.Option("127.0.0.1", help="Local address to bind."),
        sip_port: int = typer.Option(0, help="Local SIP port (0: any free port)."),
        caller: str = typer.Option("voicebot", help="Our user name (From)."),
        timeout: float = typer.Option(60.0, help="Give up if unanswered after this long."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Log SIP events."),
    ) -> None:
        """Place a call, play a file into it, record what comes back."""
        logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
        config = _sip_config(sip_host, sip_port, caller, proxy, "--proxy", auth)
        pcm = _audio(play)
        raise typer.Exit(asyncio.run(_dial(config, sip_uri, pcm, record, dtmf, duration, timeout)))

    @app.command()
    def answer(
        sip_host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        sip_port: int = typer.Option(5060, help="SIP port to listen on (UDP and TCP)."),
        play: Path | None = typer.Option(None, help="Audio file played to each caller."),
        record: Path | None = typer.Option(
            None, help="WAV file for what the caller says (call N>1 gets a -N suffix)."
        ),
        calls: int = typer.Option(
            1, min=1, help="Exit after this many calls (later INVITEs and OPTIONS get 503)."
        ),
        duration: float | None = typer.Option(
            None, help="Hang up each call after this many seconds (default: caller hangs up)."
        ),
        user: str = typer.Option("voicebot", help="Our user name (Contact)."),
        register: str | None = typer.Option(
            None, help="REGISTER at this registrar/PBX HOST:PORT first (with --auth)."
        ),
        auth: str | None = typer.Option(None, help="Digest credentials USER:PASSWORD."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Log SIP events."),
    ) -> None:
        """Answer incoming calls: play a file to each caller and record what they say."""
        logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
        config = _sip_config(sip_host, sip_port, user, register, "--register", auth)
        pcm = _audio(play)
        raise typer.Exit(
            asyncio.run(_answer(config, pcm, record, calls, duration, register is not None))
        )


async def _dial(
    config: SipConfig,
    uri: str,
    pcm: bytes | None,
    record: Path | None,
    dtmf: str | None,
    duration: float | None,
    timeout: float,  # noqa: ASYNC109 (the INVITE's ring time: on expiry the UA sends CANCEL)
) -> int:
    ua = await SipUserAgent.start(config)
    try:
        try:
            leg = await ua.call(uri, timeout_s=timeout)
        except CallFailed as failure:
            if failure.status is not None:
                err.plain(f"SIP/2.0 {failure.status} {failure.reason}")
            err.plain(f"call {failure.kind}")
            return failure.status // 100 if failure.status else 1
        out.plain(f"answered: {leg.info.call_id}")
        summary = await run_leg(
            leg,
            play=pcm,
            record=record,
            dtmf=dtmf,
            duration_s=duration,
            hangup_after_play=pcm is not None and duration is None,
            on_dtmf=lambda digit: out.plain(f"dtmf: {digit}"),
        )
        out.plain(f"ended: {summary.cause} after {summary.heard_ms} ms of audio")
        return 0
    finally:
        await ua.close()


async def _answer(
    config: SipConfig,
    pcm: bytes | None,
    record: Path | None,
    calls: int,
    duration: float | None,
    register: bool = False,
) -> int:
    ua = await SipUserAgent.start(config)
    out.plain(f"listening on {config.host}:{ua.local_port}")
    if register:
        try:
            expires = await ua.register()
        except RegistrationFailed as failure:
            err.plain(str(failure))
            await ua.close()
            return failure.status // 100 if failure.status else 1
        out.plain(f"registered at {config.proxy} for {expires} s")
    tasks: list[asyncio.Task[None]] = []

    async def serve(index: int, incoming_call: IncomingCall) -> None:
        incoming_call.ring()
        try:
            leg = await incoming_call.answer()
        except CallFailed as failure:
            out.plain(f"call {index}: {failure}")
            return
        out.plain(f"call {index}: answered {leg.info.call_id} from {leg.info.caller}")
        summary = await run_leg(
            leg,
            play=pcm,
            record=_numbered(record, index),
            duration_s=duration,
            on_dtmf=lambda digit: out.plain(f"call {index}: dtmf: {digit}"),
        )
        out.plain(f"call {index}: ended: {summary.cause} after {summary.heard_ms} ms of audio")

    try:
        index = 0
        async for incoming in ua.incoming():
            index += 1
            tasks.append(asyncio.get_running_loop().create_task(serve(index, incoming)))
            if index >= calls:
                ua.stop_accepting()  # INVITEs and OPTIONS probes now get 503
                break
        await asyncio.gather(*tasks)
        return 0
    finally:
        await ua.close()
