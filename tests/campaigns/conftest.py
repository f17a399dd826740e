"""Fixtures of the campaign tests: the service's app on both storage backends (the same
fixtures as tests/service), and a lead-qualification script with a callback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.conftest import (  # noqa: F401 - fixtures, shared with the service tests
    Api,
    api,
    db_url,
    make_settings,
    pg_server,
    silent_speaker,
    upload,
)

HERE = Path(__file__).parent
CALLBACK_SCRIPT = (HERE / "scripts" / "callback_check.en.yaml").read_text()


@pytest.fixture
def callback_script() -> str:
    return CALLBACK_SCRIPT
