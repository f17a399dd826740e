"""Building a language's tables before the first caller turn (`nlu.ready`, `nlu.warm_up`):
after `ready`, no turn builds a language-wide table of its own."""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import bot_engine.nlu as nlu_package
import bot_engine.nlu.warmup as warmup
from bot_engine import nlu
from bot_engine.simulator import dialog_tests

DIALOGS = Path(__file__).parents[2] / "dialogs"


def _modules() -> list[ModuleType]:
    return [importlib.import_module(found.name)
            for found in pkgutil.walk_packages(nlu_package.__path__, "bot_engine.nlu.")]


def _tables(modules: list[ModuleType]) -> dict[str, int]:
    """Every language-wide table of the NLU and how many it holds: the small memo caches
    (a table per language, or one for all) and the `_loaded` dicts (vectors, memory,
    classifier). Per-word and per-reply caches are far larger and left out."""
    found: dict[str, int] = {}
    for module in modules:
        for name, value in vars(module).items():
            if callable(getattr(value, "cache_info", None)) and (
                    value.__module__ == module.__name__):
                size = value.cache_parameters()["maxsize"]
                if size is None or size <= 8:
                    found[f"{module.__name__}.{name}"] = value.cache_info().currsize
            elif name == "_loaded" and isinstance(value, dict):
                found[f"{module.__name__}._loaded"] = len(value)
    return found


def _settle() -> None:
    """Wait for the background builds earlier script loads started (`warm_up`): one under
    way would fill the tables a test has just replaced."""
    for thread in threading.enumerate():
        if thread.name.startswith("nlu-ready-"):
            thread.join(10)


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch) -> list[ModuleType]:
    """The NLU as a fresh process has it: no table built, no language ready (the tables
    built so far come back after the test)."""
    _settle()
    modules = _modules()
    for module in modules:
        for name, value in list(vars(module).items()):
            if callable(getattr(value, "cache_info", None)) and (
                    value.__module__ == module.__name__):
                size = value.cache_parameters()["maxsize"]
                if size is None or size <= 8:
                    value.cache_clear()
            elif name == "_loaded" and isinstance(value, dict):
                monkeypatch.setattr(module, "_loaded", {})
    monkeypatch.setattr(warmup, "_ready", set())
    return modules


@pytest.mark.parametrize("lang", ["en", pytest.param("ru", marks=pytest.mark.slow)])
def test_after_ready_no_turn_builds_a_table(cold: list[ModuleType], lang: str) -> None:
    nlu.ready(lang)
    built = _tables(cold)
    assert nlu.is_ready(lang)
    for path in sorted(DIALOGS.glob(f"*.{lang}.test.yaml")):
        dialog_tests.run_file(path)
    assert _tables(cold) == built


def test_ready_builds_the_reply_memory_and_the_classifier(cold: list[ModuleType]) -> None:
    import bot_engine.nlu.polar as polar
    import bot_engine.nlu.reply_classifier as reply_classifier
    import bot_engine.nlu.reply_memory as reply_memory

    nlu.ready("en-US")
    assert "en" in reply_memory._loaded and "en" in reply_classifier._loaded
    assert polar._compiled.cache_info().currsize == 1


def _counting(monkeypatch: pytest.MonkeyPatch,
              build: Callable[[Any], None] = lambda code: None) -> list[str]:
    _settle()
    builds: list[str] = []

    def counted(code: Any) -> None:
        builds.append(code)
        build(code)

    monkeypatch.setattr(warmup, "_ready", set())
    monkeypatch.setattr(warmup, "_build", counted)
    return builds


def test_ready_builds_once_whoever_asks_at_the_same_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    builds = _counting(monkeypatch, lambda code: release.wait(10))
    start = threading.Barrier(5)

    def ask() -> None:
        start.wait(10)
        nlu.ready("ru-RU")

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    start.wait(10)
    release.set()
    for thread in threads:
        thread.join(10)
    nlu.ready("ru")
    assert builds == ["ru"]


def test_a_failed_build_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(code: Any) -> None:
        raise OSError("disk")

    _counting(monkeypatch, broken)
    with pytest.raises(OSError):
        nlu.ready("en")
    assert not nlu.is_ready("en")
    builds = _counting(monkeypatch)
    nlu.ready("en")
    assert builds == ["en"] and nlu.is_ready("en")


def test_warm_up_builds_the_cheap_tables_and_starts_ready_in_the_background(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot_engine.nlu.entities.lexicon import lexicon

    builds = _counting(monkeypatch)
    monkeypatch.setattr(warmup, "_started", set())
    lexicon.cache_clear()
    nlu.warm_up("ru-RU")
    assert lexicon.cache_info().currsize == 1
    for thread in threading.enumerate():
        if thread.name == "nlu-ready-ru":
            thread.join(10)
    assert builds == ["ru"]
    nlu.warm_up("ru")  # once per process
    assert builds == ["ru"]
    with pytest.raises(ValueError):
        nlu.warm_up("xx")
