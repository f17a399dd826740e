"""CLI commands for campaigns (a client of the running service's API) and for the
numbering plan (written straight into the service's database):

    voicebot campaigns create|leads|start|pause|resume|cancel|status|report|watch
    voicebot numbering import FILE...

The campaign commands find the service at `--url` (`VOICEBOT_URL`, default
http://127.0.0.1:8000) with the key `--key` (`VOICEBOT_API_KEY`).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Group
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from bot_engine.cli.console import err, out
from bot_engine.cli.options import VarOption, parse_vars

campaigns_app = typer.Typer(
    help="Call lead lists: create, upload, run, watch, report.", no_args_is_help=True
)
numbering_app = typer.Typer(
    help="The Russian numbering plan (zones of phone ranges).", no_args_is_help=True
)

Url = Annotated[str, typer.Option("--url", envvar="VOICEBOT_URL", help="The service.")]
Key = Annotated[str, typer.Option("--key", envvar="VOICEBOT_API_KEY", help="An API key.")]
CampaignId = Annotated[str, typer.Argument(help="The campaign's id.")]
DEFAULT_URL = "http://127.0.0.1:8000"
FINAL = ("finished", "cancelled")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.add_typer(campaigns_app, name="campaigns")
    app.add_typer(numbering_app, name="numbering")


def _client(url: str, key: str) -> httpx.Client:
    if not key:
        err.print("error: an API key is needed (--key or VOICEBOT_API_KEY)", style="red")
        raise typer.Exit(2)
    return httpx.Client(
        base_url=url.rstrip("/"), timeout=120, headers={"authorization": f"Bearer {key}"}
    )


def _ok(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json() if response.content else None
    try:
        body = response.json()
        message = body.get("message") or response.text
        issues = body.get("issues") or []
    except ValueError:
        message, issues = response.text, []
    err.print(f"error: HTTP {response.status_code}: {escape(str(message))}", style="red")
    for issue in issues:
        err.print(f"  {escape(str(issue.get('path', '')))}: {escape(str(issue.get('message')))}")
    raise typer.Exit(1)


def _request(url: str, key: str, method: str, path: str, **kwargs: Any) -> Any:
    try:
        with _client(url, key) as client:
            return _ok(client.request(method, path, **kwargs))
    except httpx.TransportError as exc:
        err.print(f"error: cannot reach the service at {url}: {exc}", style="red")
        raise typer.Exit(1) from None


@campaigns_app.command("create")
def create(
    name: Annotated[str, typer.Option(help="The campaign's name.")],
    script: Annotated[str, typer.Option(help="The script id (uploaded to the service).")],
    settings: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="A JSON file with the rest (schedule, pacing, retries, webhook).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[int | None, typer.Option(help="Pin a script version.")] = None,
    region: Annotated[str | None, typer.Option(help="Region of numbers without +country.")] = None,
    timezone: Annotated[str | None, typer.Option(help="Zone of leads nothing else places.")] = None,
    max_concurrent: Annotated[int | None, typer.Option(help="Calls at once.")] = None,
    calls_per_minute: Annotated[float | None, typer.Option(help="Calls started a minute.")] = None,
    caller_id: Annotated[str | None, typer.Option(help="The From of every call.")] = None,
    webhook: Annotated[str | None, typer.Option(help="Results (and the summary) go here.")] = None,
    var: VarOption = None,
    url: Url = DEFAULT_URL,
    key: Key = "",
) -> None:
    """Create a campaign (draft) and print its id."""
    body: dict[str, Any] = json.loads(settings.read_text()) if settings else {}
    body.update({"name": name, "script_id": script})
    extra = {
        "version": version,
        "default_region": region,
        "default_timezone": timezone,
        "caller_id": caller_id,
        "webhook": webhook,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    if max_concurrent is not None or calls_per_minute is not None:
        pacing = dict(body.get("pacing") or {})
        if max_concurrent is not None:
            pacing["max_concurrent"] = max_concurrent
        if calls_per_minute is not None:
            pacing["calls_per_minute"] = calls_per_minute
        body["pacing"] = pacing
    if var:
        body["variables"] = {**(body.get("variables") or {}), **parse_vars(var)}
    created = _request(url, key, "POST", "/v1/campaigns", json=body)
    out.plain(created["id"])


@campaigns_app.command("leads")
def leads(
    campaign: CampaignId,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (header row: phone, variables, external_id, timezone, region) or JSON.",
            exists=True,
            dir_okay=False,
        ),
    ],
    url: Url = DEFAULT_URL,
    key: Key = "",
) -> None:
    """Upload leads; prints how many were kept and why the others were not."""
    kinds = {
        ".json": "application/json",
        ".jsonl": "application/x-ndjson",
        ".ndjson": "application/x-ndjson",
    }
    content_type = kinds.get(file.suffix.lower(), "text/csv")

    def chunks() -> Any:
        with file.open("rb") as handle:
            while chunk := handle.read(64 * 1024):
                yield chunk

    result = _request(
        url,
        key,
        "POST",
        f"/v1/campaigns/{campaign}/leads",
        content=chunks(),
        headers={"content-type": content_type},
    )
    out.print(f"accepted: {result['accepted']}")
    if result["rejected_count"]:
        out.print(f"rejected: {result['rejected_count']}", style="yellow")
        for row in result["rejected"][:50]:
            out.print(f"  row {row['row']}: {escape(row['error'])}")
        if result["rejected_count"] > 50:
            out.print(f"  … {result['rejected_count'] - 50} more")


def _move(action: str) -> Any:
    def command(campaign: CampaignId, url: Url = DEFAULT_URL, key: Key = "") -> None:
        moved = _request(url, key, "POST", f"/v1/campaigns/{campaign}/{action}")
        out.print(f"{moved['id']}: {moved['status']}")

    command.__doc__ = {
        "start": "Start dialling a draft campaign.",
        "pause": "Stop dialling (calls in progress finish).",
        "resume": "Dial again after a pause.",
        "cancel": "Stop for good (calls in progress finish).",
    }[action]
    return command


for _action in ("start", "pause", "resume", "cancel"):
    campaigns_app.command(_action)(_move(_action))


def _table(campaign: dict[str, Any]) -> Table:
    counts = campaign["counts"]
    table = Table(
        title=f"{campaign['name']} ({campaign['id']})", show_header=False, title_justify="left"
    )
    table.add_column(style="bold")
    table.add_column()
    table.add_row("status", campaign["status"])
    table.add_row("script", f"{campaign['script_id']} v{campaign['version']}")
    states = counts["states"]
    finished = sum(states[s] for s in ("done", "skipped_dnc", "expired", "cancelled"))
    table.add_row(
        "leads",
        f"{counts['leads']}: {finished} finished, {states['pending']} "
        f"pending ({counts['due']} in window now), {states['calling']} "
        "in calls",
    )
    table.add_row("states", ", ".join(f"{k} {v}" for k, v in states.items() if v) or "-")
    table.add_row(
        "outcomes", ", ".join(f"{k} {v}" for k, v in sorted(counts["outcomes"].items())) or "-"
    )
    table.add_row("calls placed", str(counts["calls"]))
    return table


@campaigns_app.command("status")
def status(
    campaign: Annotated[str | None, typer.Argument(help="A campaign (default: all).")] = None,
    url: Url = DEFAULT_URL,
    key: Key = "",
) -> None:
    """Counts by lead state and by outcome."""
    if campaign is not None:
        out.table(_table(_request(url, key, "GET", f"/v1/campaigns/{campaign}")))
        return
    listed = _request(url, key, "GET", "/v1/campaigns", params={"limit": 100})
    table = Table("id", "name", "status", "leads", "pending", "calling", "done", "calls")
    for item in listed:
        states = item["counts"]["states"]
        table.add_row(
            item["id"],
            escape(item["name"]),
            item["status"],
            str(item["counts"]["leads"]),
            str(states["pending"]),
            str(states["calling"]),
            str(states["done"]),
            str(item["counts"]["calls"]),
        )
    out.table(table)


@campaigns_app.command("report")
def report(
    campaign: CampaignId,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
    url: Url = DEFAULT_URL,
    key: Key = "",
) -> None:
    """The report CSV: one row per lead (to stdout, or --output)."""
    try:
        with (
            _client(url, key) as client,
            client.stream("GET", f"/v1/campaigns/{campaign}/report.csv") as response,
        ):
            if not response.is_success:
                response.read()
                _ok(response)
            if output is None:
                for text in response.iter_text():
                    typer.echo(text, nl=False)
                return
            with output.open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
    except httpx.TransportError as exc:
        err.print(f"error: cannot reach the service at {url}: {exc}", style="red")
        raise typer.Exit(1) from None
    out.print(f"wrote {output}")


def watch_view(campaign: dict[str, Any]) -> Panel:
    """The live display: progress, what is happening now, outcomes so far."""
    counts = campaign["counts"]
    states = counts["states"]
    total = max(1, counts["leads"])
    finished = sum(states[s] for s in ("done", "skipped_dnc", "expired", "cancelled"))
    width = 40
    filled = int(width * finished / total)
    bar = "█" * filled + "░" * (width - filled)
    outcomes = Table("outcome", "leads", box=None)
    for name, count in sorted(counts["outcomes"].items(), key=lambda kv: -kv[1]):
        outcomes.add_row(escape(name), str(count))
    lines = [
        f"[bold]{escape(campaign['name'])}[/]  {campaign['status']}",
        f"{bar} {finished}/{counts['leads']} leads finished",
        f"pending {states['pending']} (in window now {counts['due']})   "
        f"calls in progress {states['calling']}   calls placed {counts['calls']}",
        f"skipped (do-not-call) {states['skipped_dnc']}   expired {states['expired']}   "
        f"cancelled {states['cancelled']}",
    ]
    return Panel(Group(*lines, outcomes), title=f"campaign {campaign['id']}")


@campaigns_app.command("watch")
def watch(
    campaign: CampaignId,
    interval: Annotated[float, typer.Option(help="Seconds between refreshes.", min=0.2)] = 1.0,
    url: Url = DEFAULT_URL,
    key: Key = "",
) -> None:
    """A live view of a campaign until it finishes (Ctrl-C to leave)."""
    current = _request(url, key, "GET", f"/v1/campaigns/{campaign}")
    try:
        with Live(watch_view(current), console=out.console, refresh_per_second=4) as live:
            while current["status"] not in FINAL:
                time.sleep(interval)
                current = _request(url, key, "GET", f"/v1/campaigns/{campaign}")
                live.update(watch_view(current))
    except KeyboardInterrupt:
        pass


@numbering_app.command("import")
def numbering_import(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="The regulator's CSV files (ABC-3xx, ABC-4xx, ABC-8xx, DEF-9xx).",
            exists=True,
            dir_okay=False,
        ),
    ],
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the database lives.")
    ] = None,
) -> None:
    """Import the numbering plan: each file replaces the ranges of the codes it holds.
    Numbers in ranges whose region we know get that region's zone."""
    from bot_engine.campaigns.numbering import (
        NumberingFormatError,
        NumberRange,
        decode,
        parse_ranges,
    )

    ranges: list[NumberRange] = []
    unplaced: dict[str, int] = {}
    errors = 0
    for path in files:
        try:
            text = decode(path.read_bytes())
            for item in parse_ranges(text.splitlines()):
                if isinstance(item, NumberRange):
                    ranges.append(item)
                    if item.zones is None:
                        unplaced[item.region] = unplaced.get(item.region, 0) + 1
                else:
                    errors += 1
                    if errors <= 20:
                        err.print(f"{path}: row {item.row}: {escape(item.error)}", style="yellow")
        except NumberingFormatError as exc:
            err.print(f"{path}: {escape(str(exc))}", style="red")
            raise typer.Exit(2) from None
    if not ranges:
        err.print("error: no ranges found", style="red")
        raise typer.Exit(2)
    asyncio.run(_store_ranges(data_dir, ranges))
    placed = len(ranges) - sum(unplaced.values())
    out.print(
        f"imported {len(ranges)} ranges of {len({r.code for r in ranges})} codes; "
        f"{placed} with a zone"
    )
    if errors:
        out.print(f"skipped {errors} bad rows", style="yellow")
    for region, count in sorted(unplaced.items(), key=lambda kv: -kv[1])[:10]:
        out.print(
            f"  no zone for region {escape(region)!r} ({count} ranges): phonenumbers decides there"
        )


async def _store_ranges(data_dir: Path | None, ranges: list[Any]) -> None:
    from bot_engine.service.settings import ServiceSettings
    from bot_engine.storage import numbering as repo
    from bot_engine.storage import open_database

    settings = ServiceSettings(data_dir=data_dir) if data_dir else ServiceSettings()
    db = await open_database(settings.db_url)
    try:
        async with db.write() as session:
            await repo.replace_codes(
                session,
                {r.code for r in ranges},
                [
                    {
                        "code": r.code,
                        "first": r.first,
                        "last": r.last,
                        "operator": r.operator,
                        "region": r.region,
                        "zones": " ".join(r.zones) if r.zones else None,
                    }
                    for r in ranges
                ],
            )
    finally:
        await db.close()
