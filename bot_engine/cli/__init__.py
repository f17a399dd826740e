"""The `voicebot` command line.

Each command group lives in its own module and registers itself on the one Typer app, so
areas of the product (dialogs, speech, telephony, service) stay independent.
"""

from __future__ import annotations

import typer

from bot_engine.cli import (
    call_commands,
    campaign_commands,
    dialog_commands,
    phone_commands,
    service_commands,
    speech_commands,
)
from bot_engine.cli.console import PlainErrorsGroup

app = typer.Typer(
    name="voicebot",
    help="An open-source voice robot for the telephone.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=PlainErrorsGroup,
)

for _module in (
    dialog_commands,
    speech_commands,
    phone_commands,
    call_commands,
    service_commands,
    campaign_commands,
):
    _module.register(app)


def main() -> None:
    app()
