"""Entities read from a reply at a fixed moment, each checked to cover its own words: the
readers the entity class tests share (each file fixes its own call time)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from bot_engine.nlu import Entity, EntityType, extract_entities

Found = Callable[[str, str, list[EntityType]], list[Entity]]
FirstDate = Callable[[str, str], str]


def entity_readers(now: Mapping[str, datetime]) -> tuple[Found, FirstDate]:
    """``found(text, lang, kinds)`` and ``first_date(text, lang)`` at ``now[lang]``."""

    def found(text: str, lang: str, kinds: list[EntityType]) -> list[Entity]:
        out = extract_entities(text, lang, kinds, now=now[lang])
        for entity in out:
            assert text[entity.start : entity.end] == entity.text
        return out

    def first_date(text: str, lang: str) -> str:
        out = found(text, lang, ["date"])
        assert out, text
        return str(out[0].value)

    return found, first_date
