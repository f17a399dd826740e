"""Every command prints through `bot_engine.cli.console`: a Rich `Console` made anywhere
else wraps and styles output to a pipe by the terminal's width (a campaign table cut the
campaign's id to fit 80 columns)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGES = [Path(__file__).resolve().parents[2] / name
            for name in ("bot_engine", "asr_tts", "media_gateway")]
HOME = Path("bot_engine/cli/console.py")


def _consoles_made(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and (
                (isinstance(node.func, ast.Name) and node.func.id == "Console")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "Console"))]


def test_only_the_cli_console_makes_rich_consoles() -> None:
    root = PACKAGES[0].parent
    found = {str(path.relative_to(root)): lines
             for package in PACKAGES for path in sorted(package.rglob("*.py"))
             if path.relative_to(root) != HOME and (lines := _consoles_made(path))}
    assert found == {}
