"""The layers of the whole project (docs/DESIGN, "Layers, as they should stay"): the
import-linter contracts in pyproject.toml hold, no module imports another in a cycle
(function-level and TYPE_CHECKING imports count), and the contracts do catch a break."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.architecture.import_graph import ROOT, cycles, graph

PACKAGES = ("bot_engine", "asr_tts", "media_gateway")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_import_contracts_hold() -> None:
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_no_module_of_the_project_is_in_an_import_cycle() -> None:
    edges: dict[str, set[str]] = {}
    for package in PACKAGES:
        edges.update(graph(package))
    assert cycles(edges) == []


def test_the_edges_import_no_bot_engine() -> None:
    offending = sorted(
        f"{module} imports {target}"
        for package, other in (("asr_tts", "media_gateway"), ("media_gateway", "asr_tts"))
        for module, targets in graph(package).items()
        for target in targets
        if target.split(".")[0] in ("bot_engine", other)
    )
    assert offending == []


def test_the_contracts_catch_an_upward_import_and_a_hidden_cycle(tmp_path: Path) -> None:
    """The same contract types on a tiny project: a lower layer importing the service, and
    two modules importing each other from inside a function, are both reported."""
    pkg = tmp_path / "proj"
    for sub in ("service", "storage"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "service" / "app.py").write_text("from proj.storage import db\n")
    (pkg / "storage" / "db.py").write_text("def f():\n    from proj.service import app\n")
    (pkg / "storage" / "a.py").write_text("def f():\n    from proj.storage import b\n")
    (pkg / "storage" / "b.py").write_text("from proj.storage import a\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.importlinter]\nroot_packages = ["proj"]\n'
        '[[tool.importlinter.contracts]]\nname = "layers"\ntype = "layers"\n'
        'containers = ["proj"]\nlayers = ["service", "storage"]\n'
        '[[tool.importlinter.contracts]]\nname = "acyclic"\ntype = "acyclic_siblings"\n'
        'ancestors = ["proj"]\n'
    )
    run = _lint_imports(tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "proj.storage is not allowed to import proj.service" in run.stdout
    assert "No cycles are allowed in proj.storage" in run.stdout
    assert "2 broken" in run.stdout
