"""`asr_tts` stays independent: it never imports `bot_engine` or `media_gateway`."""

from __future__ import annotations

import ast
from pathlib import Path

import asr_tts

FORBIDDEN = ("bot_engine", "media_gateway")


def test_asr_tts_imports_no_other_project_package() -> None:
    root = Path(asr_tts.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert len(list(root.rglob("*.py"))) > 10  # the scan really saw the package
