"""The curated paraphrase tests as rows of the reply classifier.

Every round of the understanding left tests of the form (script, step, reply, branch) under
`tests/nlu`: the classes a careful operator decided ("sorry what was that company" asks who
is calling, «я на пассажирском еду» is time to talk, «посмотрим что жена скажет» is no
answer yet). They are labelled replies like the eval set's, and the classifier that learns
them keeps those decisions where it reads a turn. `collect` finds them through pytest's own
collection; `bench/nlu_eval.py --write-memory` writes them to `bench/nlu_eval/curated.json`
(the rows, per language) and trains on them beside the eval set's tuned splits.

    .venv/bin/python bench/nlu_eval.py --write-memory
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "bench" / "nlu_eval" / "curated.json"
PARAMS = {"script_file", "step", "text", "branch"}


class _Cases:
    """A pytest plugin that keeps the parameters of the tests that take a reply at a step."""

    def __init__(self) -> None:
        self.cases: set[tuple[str, str, str, str]] = set()

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        for item in items:
            params = getattr(getattr(item, "callspec", None), "params", {})
            if params.keys() >= PARAMS and isinstance(params["text"], str):
                branch = params["branch"] or "no_match"
                self.cases.add((params["script_file"], params["step"], params["text"],
                                str(branch)))


def collect() -> list[tuple[str, str, str, str]]:
    """(script file, step, reply, branch) of every such test under `tests/nlu`."""
    import pytest

    plugin = _Cases()
    code = pytest.main(["-q", "--collect-only", "-p", "no:cacheprovider",
                        str(ROOT / "tests" / "nlu")], plugins=[plugin])
    if code != 0:
        raise SystemExit(f"collecting tests/nlu failed ({code})")
    return sorted(plugin.cases)


def label(branch: str) -> str:
    """A test's branch as an eval label: "handler:repeat" is repeat, a re-ask no_match."""
    if branch.startswith("no_match"):
        return "no_match"
    return branch.split(":", 1)[1] if branch.startswith("handler:") else branch


def write(rows: dict[str, list[tuple[str, str, str, str]]]) -> Path:
    """Write the rows per language, a row a line."""
    parts = []
    for lang in sorted(rows):
        lines = ",\n".join(json.dumps(list(row), ensure_ascii=False) for row in rows[lang])
        parts.append(f"{json.dumps(lang)}: [\n{lines}\n]")
    FILE.write_text("{" + ",\n".join(parts) + "}\n", encoding="utf-8")
    return FILE


def read(lang: str) -> list[tuple[str, str, str, str]]:
    """The curated rows of ``lang`` (none before the file is written)."""
    if not FILE.exists():
        return []
    data = json.loads(FILE.read_text(encoding="utf-8"))
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in data.get(lang, [])]
