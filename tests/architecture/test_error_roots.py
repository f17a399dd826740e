"""One error root per package (`asr_tts/errors.py` is the model): every public exception
class a package defines derives from its root, so one `except` catches the package's
failures, and each failure that crosses a package's edge keeps the base (`ValueError`, ...)
its callers already catch."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from asr_tts.errors import SpeechError
from bot_engine.call.errors import CallError
from bot_engine.delivery.errors import DeliveryError
from bot_engine.dialog.errors import DialogError
from bot_engine.net.errors import NetError
from bot_engine.nlu.errors import NluError
from bot_engine.script.errors import ScriptLanguageError
from bot_engine.simulator.errors import SimulatorError
from bot_engine.storage.errors import StorageError
from media_gateway.errors import GatewayError
from tests.architecture.import_graph import modules

ROOTS: dict[str, type[Exception]] = {
    "asr_tts": SpeechError,
    "media_gateway": GatewayError,
    "bot_engine.script": ScriptLanguageError,
    "bot_engine.nlu": NluError,
    "bot_engine.dialog": DialogError,
    "bot_engine.simulator": SimulatorError,
    "bot_engine.delivery": DeliveryError,
    "bot_engine.storage": StorageError,
    "bot_engine.net": NetError,
    "bot_engine.call": CallError,
}


def _public_exceptions(package: str) -> list[type[BaseException]]:
    top = package.partition(".")[0]
    found: list[type[BaseException]] = []
    for name in modules(top):
        if not (name == package or name.startswith(package + ".")) or ".migrations" in name:
            continue
        module = importlib.import_module(name)
        found += [
            value
            for attr, value in vars(module).items()
            if isinstance(value, type)
            and issubclass(value, BaseException)
            and value.__module__ == name
            and not attr.startswith("_")
        ]
    return found


@pytest.mark.parametrize("package", sorted(ROOTS))
def test_every_exception_of_a_package_derives_from_its_root(package: str) -> None:
    classes = _public_exceptions(package)
    assert classes, f"{package} defines no exception at all"
    strays = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes
                    if not issubclass(cls, ROOTS[package]))
    assert strays == []


def _rasa() -> Any:
    from bot_engine.nlu import load_rasa_nlu

    return load_rasa_nlu("version: '3.1'\nnlu: [{intent: a, examples: 42}]\n")


def _lang() -> Any:
    from bot_engine.nlu.lang import lang_of

    return lang_of("xx-XX")


def _pattern() -> Any:
    from bot_engine.nlu import IntentMatcher

    return IntentMatcher({"a": {"patterns": ["(unclosed"]}}, lang="en")


def _state() -> Any:
    from bot_engine.dialog.engine import Dialog
    from bot_engine.script import load_script_file
    from tests.architecture.import_graph import ROOT

    script = load_script_file(ROOT / "dialogs" / "lead_qualification.en.yaml").script
    state = {**Dialog(script, {"name": "J", "product": "p", "company": "c",
                               "min_budget": "1"}).state.model_dump(mode="json"),
             "script_id": "another"}
    return Dialog.restore(script, state)


def _command() -> Any:
    from datetime import UTC, datetime

    from bot_engine.simulator.session import TextSession

    return TextSession.parse("/teleport", datetime.now(UTC))


def _secret_box() -> Any:
    from bot_engine.storage.sealing import SecretBox

    return SecretBox(["not a key"])


def _twiml() -> Any:
    from media_gateway.twilio_rest import dial_twiml

    return dial_twiml("  ")


@pytest.mark.parametrize(
    ("fails", "root"),
    [
        (_rasa, NluError),
        (_lang, NluError),
        (_pattern, NluError),
        (_state, DialogError),
        (_command, SimulatorError),
        (_secret_box, StorageError),
        (_twiml, GatewayError),
    ],
    ids=["rasa-file", "language", "tenant-pattern", "dialog-state", "simulator-command",
         "encryption-key", "transfer-target"],
)
def test_a_failure_at_a_package_edge_is_its_root_and_still_a_value_error(
    fails: Callable[[], Any], root: type[Exception]
) -> None:
    with pytest.raises(root) as raised:
        fails()
    assert isinstance(raised.value, ValueError)
    assert str(raised.value)
