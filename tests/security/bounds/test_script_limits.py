"""A tenant's script cannot make the parser or the validator do unbounded work (issue 12,
section 3): alias bombs, deep nesting, huge step counts and oversize documents are refused
with a 422 that names the limit and points at the line and column; the work itself runs in
worker processes with a time limit, and the CLI applies the same limits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot_engine.cli import app as cli
from bot_engine.script import ScriptError, load_script, load_script_file
from bot_engine.script.limits import ScriptLimits
from bot_engine.service.app import create_app
from bot_engine.service.script_worker import ScriptWorkers

from .conftest import BoundedApi, settings_for, started
from .stall_kit import (
    BASE_SCRIPT,
    alias_bomb,
    heavy_valid_script,
    many_steps,
    nested_json,
    nested_yaml,
)

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
ATTACKS = {
    "alias bomb": (alias_bomb(), "max_aliases", (5, 20)),
    "nested JSON": (nested_json(), "max_depth", (1, 34)),
    "nested YAML (flow)": (nested_yaml(), "max_depth", (1, 40)),
    "nested YAML (block)": ("steps:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 60)),
                            "max_depth", (32, 32)),
    "10,000 steps": (many_steps(), "max_steps", (506, 2)),
}


def refused(text: str, limits: ScriptLimits | None = None) -> ScriptError:
    with pytest.raises(ScriptError) as caught:
        if limits is None:
            load_script(text, source="attack.yaml")
        else:
            load_script(text, source="attack.yaml", limits=limits)
    return caught.value


@pytest.mark.parametrize("name", list(ATTACKS))
def test_each_attack_is_refused_naming_its_limit_and_position(name: str) -> None:
    text, limit, (line, column) = ATTACKS[name]
    [issue] = refused(text).issues
    assert issue.limit == limit
    assert f"({limit})" in issue.message
    assert (issue.line, issue.column) == (line, column)


def test_aliases_within_the_budget_still_cannot_expand_past_max_nodes() -> None:
    [issue] = refused(alias_bomb(), ScriptLimits(max_aliases=1000)).issues
    assert issue.limit == "max_nodes"


def test_a_document_over_max_bytes_is_refused_before_parsing() -> None:
    [issue] = refused("# " + "x" * 300_000 + "\n").issues
    assert issue.limit == "max_bytes"


def test_a_yaml_escape_for_a_lone_surrogate_is_refused_with_its_position() -> None:
    text = BASE_SCRIPT.replace('"Hello {{ lead_name }}', '"Hello \\ud800 {{ lead_name }}')
    [issue] = refused(text).issues
    assert "surrogate" in issue.message
    assert (issue.line, issue.column) == (11, 10)


def test_shipped_dialogs_are_well_within_the_limits() -> None:
    tight = ScriptLimits(max_bytes=20_000, max_depth=12, max_aliases=0, max_nodes=3_000,
                         max_steps=60)
    for path in sorted(DIALOGS.glob("*.yaml")):
        if not path.name.endswith(".test.yaml"):
            load_script_file(path, limits=tight)


def test_voicebot_validate_applies_the_same_limits(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    result = CliRunner().invoke(cli, ["validate", str(bomb)])
    assert result.exit_code == 1
    assert "max_aliases" in result.stdout and "bomb.yaml:5:20" in result.stdout


@pytest.mark.parametrize("name", list(ATTACKS))
async def test_upload_answers_422_with_the_limit(bounded_api: BoundedApi, name: str) -> None:
    text, limit, (line, column) = ATTACKS[name]
    response = await bounded_api.upload(text)
    assert response.status_code == 422, response.text
    [issue] = response.json()["issues"]
    assert (issue["limit"], issue["line"], issue["column"]) == (limit, line, column)
    async with bounded_api.client() as client:
        checked = await client.post("/v1/scripts/validate", content=text,
                                    headers={"content-type": "application/yaml"})
        inline = await client.post("/v1/simulate", json={"script": text})
    assert checked.status_code == 200 and checked.json()["valid"] is False
    assert checked.json()["issues"][0]["limit"] == limit
    assert inline.status_code == 422 and inline.json()["issues"][0]["limit"] == limit


async def test_nested_json_upload_as_json_is_refused(bounded_api: BoundedApi) -> None:
    async with bounded_api.client() as client:
        response = await client.post("/v1/scripts", content=nested_json(),
                                     headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["issues"][0]["limit"] == "max_depth"


async def test_limits_come_from_the_service_settings(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, script_limits=ScriptLimits(max_steps=1))
    async for api in started(create_app(settings)):
        two_steps = BASE_SCRIPT + '  bye:\n    say: "Bye"\n    hangup: true\n'
        response = await api.upload(two_steps)
        assert response.status_code == 422
        assert response.json()["issues"][0]["limit"] == "max_steps"


async def test_a_script_that_takes_too_long_is_refused_and_the_worker_replaced() -> None:
    workers = ScriptWorkers(timeout_s=0.05, workers=1)
    try:
        with pytest.raises(ScriptError) as caught:
            await workers.load(heavy_valid_script(), "heavy.yaml")
        assert caught.value.issues[0].limit == "script_timeout_s"
        loaded = await workers.load(BASE_SCRIPT, "base.yaml")
        assert loaded.script.id == "stall_base"
    finally:
        await workers.close()


async def test_a_script_worker_holds_the_script_package_and_not_the_service() -> None:
    """Workers start from the forkserver that preloaded `bot_engine.script`; whatever else
    they import costs every (re)started worker its start-up and part of its memory cap.
    Its initializer once lived in `bot_engine.service` and pulled in SQLAlchemy and Alembic."""
    workers = ScriptWorkers(workers=1)
    try:
        await workers.load(BASE_SCRIPT, "base.yaml")
        # `eval` pickles by name, so the probe needs no module of ours in the worker
        probe = "sorted(__import__('sys').modules)"
        loaded = set(await asyncio.wrap_future(workers._started().schedule(eval, (probe,))))
    finally:
        await workers.close()
    assert "bot_engine.script.loader" in loaded
    assert not {m for m in loaded if m.split(".")[0] in {"sqlalchemy", "alembic", "fastapi"}}
    assert not {m for m in loaded if m.startswith(("bot_engine.service", "bot_engine.storage"))}


def test_too_many_intent_examples_are_refused() -> None:
    """Each example is lemmatized when the script is first used (a millisecond each for
    unknown words): 5,500 of them took 6 s on the event loop."""
    examples = ", ".join(f"example number {i}" for i in range(2_001))
    text = BASE_SCRIPT.replace("result:", f"intents:\n  many: [{examples}]\nresult:")
    [issue] = refused(text).errors
    assert issue.limit == "max_examples" and issue.path == "intents"
