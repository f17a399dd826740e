"""Scripts: the list, a script's versions, the diff of two versions, and the editor with its
checks as you type and a chat simulator of the unsaved text.

The editor's three requests are the API's own endpoint functions given the console's request:
`POST /v1/scripts/validate` (issues with line and column), `POST /v1/simulate` (the whole
conversation so far, replayed each turn: the simulator is stateless, like the API) and
`POST /v1/scripts` (save as a new version)."""

from __future__ import annotations

import asyncio
import difflib
import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from bot_engine.script import ScriptError, load_script
from bot_engine.service.composition import Service
from bot_engine.service.console.web import (
    CheckedViewerDep,
    ConsoleRoute,
    ViewerDep,
    checked_viewer,
    render,
    yaml_mapping,
)
from bot_engine.service.deps import running
from bot_engine.service.errors import Invalid
from bot_engine.service.routers import scripts as scripts_api
from bot_engine.service.routers import simulate as simulate_api
from bot_engine.service.schemas import ScriptOut, SimulateRequest

router = APIRouter(prefix="/ui", route_class=ConsoleRoute, include_in_schema=False)

NEW_SCRIPT = """\
id: my_script
language: en-US
variables:
  name: {type: string, required: true}
result:
  outcomes: [agreed, declined]
start: greet
steps:
  greet:
    ask: "Hello {{ name }}! Shall we go on?"
    expect: confirm
    on:
      yes: {outcome: agreed, goto: bye}
      no: {outcome: declined, goto: bye}
  bye:
    say: "Thank you. Goodbye."
    hangup: true
"""
MAX_DIFF_LINES = 5000
SAMPLES: dict[str, Any] = {
    "number": 1000, "integer": 1, "bool": True, "phone": "+79001234567",
}


def sample_variables(source: str) -> str:
    """`name: value` lines for the simulator: each required variable without a default, with
    a sample of its type (the user edits them). Empty for a text that does not load."""
    try:
        script = load_script(source, source="editor").script
    except ScriptError:
        return ""
    lines = []
    for name, spec in script.variables.items():
        if spec.required and spec.default is None:
            value = SAMPLES.get(spec.type, name)
            if spec.type in ("date", "datetime"):
                value = date.today().isoformat()
            lines.append(f"{name}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines)


@router.get("/scripts", response_class=Response)
async def scripts_page(
    request: Request, who: ViewerDep, svc: Service = Depends(running)
) -> Response:
    rows = await scripts_api.list_scripts(who.tenant, svc.db)
    return render(request, "scripts.html", {"rows": rows}, who=who)


async def _version(svc: Service, who: ViewerDep, script_id: str, version: int) -> ScriptOut:
    return await scripts_api.get_version(
        script_id=script_id, tenant=who.tenant, version=version, db=svc.db
    )


@router.get("/scripts/{script_id}", response_class=Response)
async def script_page(
    request: Request,
    script_id: str,
    who: ViewerDep,
    svc: Service = Depends(running),
    version: int | None = Query(None, ge=1, le=2**31 - 1),
) -> Response:
    shown = (
        await _version(svc, who, script_id, version)
        if version is not None
        else await scripts_api.get_script(script_id, who.tenant, svc.db)
    )
    versions = await scripts_api.list_versions(script_id, who.tenant, svc.db)
    return render(
        request, "script.html", {"script": shown, "versions": versions}, who=who
    )


def _diff_rows(old: str, new: str) -> list[tuple[str, int | None, int | None, str]]:
    """(kind, old line, new line, text) for a unified view: kind is same, del, add or gap."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[tuple[str, int | None, int | None, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(3):
        if rows:
            rows.append(("gap", None, None, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(("same", i + 1, j1 + i - i1 + 1, a[i]) for i in range(i1, i2))
                continue
            if tag in ("replace", "delete"):
                rows.extend(("del", i + 1, None, a[i]) for i in range(i1, i2))
            if tag in ("replace", "insert"):
                rows.extend(("add", None, j + 1, b[j]) for j in range(j1, j2))
        if len(rows) > MAX_DIFF_LINES:
            break
    return rows[:MAX_DIFF_LINES]


@router.get("/scripts/{script_id}/diff", response_class=Response)
async def diff_page(
    request: Request,
    script_id: str,
    who: ViewerDep,
    svc: Service = Depends(running),
    a: int = Query(ge=1, le=2**31 - 1),
    b: int = Query(ge=1, le=2**31 - 1),
) -> Response:
    old = await _version(svc, who, script_id, a)
    new = await _version(svc, who, script_id, b)
    versions = await scripts_api.list_versions(script_id, who.tenant, svc.db)
    return render(
        request,
        "diff.html",
        {
            "script_id": script_id,
            "a": a,
            "b": b,
            "versions": versions,
            "rows": _diff_rows(old.source or "", new.source or ""),
        },
        who=who,
    )


@router.get("/editor", response_class=Response)
async def editor_page(
    request: Request,
    who: ViewerDep,
    svc: Service = Depends(running),
    script: str | None = Query(None, max_length=200),
    version: int | None = Query(None, ge=1, le=2**31 - 1),
) -> Response:
    source, base = NEW_SCRIPT, None
    if script:
        found = (
            await _version(svc, who, script, version)
            if version is not None
            else await scripts_api.get_script(script, who.tenant, svc.db)
        )
        source, base = found.source or "", found
    variables = await asyncio.to_thread(sample_variables, source)
    return render(
        request, "editor.html", {"source": source, "base": base, "variables": variables}, who=who
    )


@router.post(
    "/api/validate",
    response_class=JSONResponse,
    dependencies=[Depends(checked_viewer)],  # a signed-in viewer with a valid form token
)
async def validate(request: Request, svc: Service = Depends(running)) -> Any:
    """The editor's checks as you type: `POST /v1/scripts/validate` on the editor's text."""
    checked = await scripts_api.validate_script(request, svc.scripts)
    return checked.model_dump(mode="json")


@router.post("/api/scripts", response_class=JSONResponse, status_code=201)
async def save(
    request: Request, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Any:
    """Save as a new version: `POST /v1/scripts` on the editor's text."""
    saved = await scripts_api.upload_script(request, who.tenant, svc.db, svc.scripts,
                                            svc.dispatch, svc.renders)
    return saved.model_dump(mode="json")


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    script: str = Field(max_length=1_000_000)
    variables: str = Field(default="", max_length=10_000)
    turns: list[str] = Field(default_factory=list, max_length=200)


@router.post("/api/simulate", response_class=JSONResponse)
async def simulate(
    body: ChatRequest, who: CheckedViewerDep, svc: Service = Depends(running)
) -> Any:
    """One more turn of the chat: `POST /v1/simulate` with the unsaved script and every turn
    so far (the simulator keeps no state between requests, like the API's)."""
    try:
        variables = yaml_mapping(body.variables)
    except ValueError as exc:
        raise Invalid(f"variables: {exc}", [{"path": "variables", "message": str(exc)}]) from None
    request = SimulateRequest(script=body.script, variables=variables, turns=body.turns)
    return await simulate_api.simulate(request, who.tenant, svc.webhooks, svc.db, svc.scripts)
