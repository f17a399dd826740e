"""Fixtures of the campaign tests: the service's app on both storage backends (the same
fixtures as tests/service, the backends from tests/conftest.py), and a lead-qualification
script with a callback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.conftest import (  # noqa: F401 - the service tests' app fixture and helpers
    Api,
    api,
    make_settings,
    silent_speaker,
    upload,
)

HERE = Path(__file__).parent
CALLBACK_SCRIPT = (HERE / "scripts" / "callback_check.en.yaml").read_text()


@pytest.fixture
def callback_script() -> str:
    return CALLBACK_SCRIPT
