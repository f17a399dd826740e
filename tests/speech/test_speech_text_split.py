"""Splitting long text for engines with a length limit (SpeechKit: 250 characters)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asr_tts.tts.text_split import split_text


def test_short_text_is_one_part() -> None:
    assert split_text("  Да,   конечно. ", 250) == ["Да, конечно."]
    assert split_text("   ", 250) == []


def test_splits_at_sentence_boundaries() -> None:
    sentences = [f"Это предложение номер {i}, и оно довольно длинное." for i in range(12)]
    parts = split_text(" ".join(sentences), 250)
    assert len(parts) > 1
    assert all(len(p) <= 250 for p in parts)
    assert all(p.endswith(".") for p in parts)  # no sentence was cut
    assert " ".join(parts) == " ".join(sentences)


def test_long_sentence_splits_at_commas_then_spaces() -> None:
    sentence = ", ".join(["очень длинная часть фразы"] * 30) + "."
    parts = split_text(sentence, 100)
    assert all(len(p) <= 100 for p in parts)
    assert " ".join(parts) == sentence


def test_single_huge_word_is_cut() -> None:
    assert split_text("а" * 25, 10) == ["а" * 10, "а" * 10, "а" * 5]


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_text("x", 0)


@given(st.text(alphabet=st.sampled_from("аб .,!?"), max_size=600), st.integers(5, 300))
def test_parts_respect_limit_and_keep_every_word(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
