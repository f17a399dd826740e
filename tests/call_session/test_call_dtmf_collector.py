"""DTMF entry rules of a Listen: a count, a terminator, an inter-digit timeout."""

from __future__ import annotations

from bot_engine.call.dtmf import DtmfCollector
from bot_engine.dialog.actions import DtmfSpec


def test_one_key_menu_completes_on_the_first_key() -> None:
    collector = DtmfCollector(DtmfSpec(max_digits=1))
    assert collector.push("2", 0.0) == "2"
    assert collector.digits == ""


def test_terminator_ends_the_entry_and_is_kept_for_the_dialog() -> None:
    collector = DtmfCollector(DtmfSpec(max_digits=8, terminator="#"))
    assert collector.push("1", 0.0) is None
    assert collector.push("2", 0.5) is None
    assert collector.push("#", 0.9) == "12#"


def test_count_ends_the_entry_even_with_a_terminator() -> None:
    collector = DtmfCollector(DtmfSpec(max_digits=3, terminator="#"))
    assert [collector.push(d, i * 0.1) for d in "123" for i in [0]] == [None, None, "123"]


def test_inter_digit_timeout_takes_what_was_typed() -> None:
    collector = DtmfCollector(DtmfSpec(max_digits=None, inter_digit_timeout_ms=2000))
    assert collector.deadline is None
    assert collector.push("4", 10.0) is None
    assert collector.push("2", 11.0) is None
    assert collector.deadline == 13.0
    assert collector.expire(12.9) is None
    assert collector.expire(13.0) == "42"
    assert collector.expire(20.0) is None
