"""The import contract of `media_gateway`: no cycles, nothing from `bot_engine` or
`asr_tts`, and the SIP core and its parts free of I/O (no asyncio, sockets or clocks)."""

from __future__ import annotations

from tests.architecture.import_graph import cycles, graph

FORBIDDEN = ("bot_engine", "asr_tts")
IO_MODULES = ("asyncio", "socket", "selectors", "time", "threading", "subprocess")
SANS_IO = (
    "media_gateway.sip.core",
    "media_gateway.sip.core_state",
    "media_gateway.sip.uas",
    "media_gateway.sip.uac",
    "media_gateway.sip.in_dialog",
    "media_gateway.sip.registration",
    "media_gateway.sip.transaction_table",
    "media_gateway.sip.call_state",
    "media_gateway.sip.checks",
    "media_gateway.sip.deadlines",
    "media_gateway.sip.dialog",
    "media_gateway.sip.events",
    "media_gateway.sip.message",
    "media_gateway.sip.address",
    "media_gateway.sip.grammar",
    "media_gateway.sip.transaction",
    "media_gateway.sip.builders",
    "media_gateway.sip.auth",
    "media_gateway.sip.peer",
)


def test_media_gateway_has_no_import_cycles() -> None:
    assert cycles(graph("media_gateway")) == []


def test_media_gateway_imports_neither_bot_engine_nor_asr_tts() -> None:
    offending = sorted(
        f"{module} imports {target}"
        for module, targets in graph("media_gateway").items()
        for target in targets
        if target.split(".")[0] in FORBIDDEN
    )
    assert offending == []


def test_the_sip_core_and_its_parts_do_no_io() -> None:
    edges = graph("media_gateway")
    offending = sorted(
        f"{module} imports {target}"
        for module in SANS_IO
        for target in edges[module]
        if target.split(".")[0] in IO_MODULES
    )
    assert offending == []


def test_the_check_sees_cycles_including_hidden_ones() -> None:
    """The checker itself: a cycle through a function-level or TYPE_CHECKING import counts."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": set()}
    assert cycles(edges) == [["a", "b", "c"]]
