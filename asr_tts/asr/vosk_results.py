"""Pure parsing of Vosk's JSON results into `AsrResult` (no model needed to test it).

Vosk has two final formats: with `SetMaxAlternatives(0)` a `result` list of words with
per-word `conf`; with alternatives, an `alternatives` list whose `confidence` is a lattice
score, not a probability, so it is kept only to rank alternatives.
"""

from __future__ import annotations

import json
from typing import Any

from asr_tts.asr.base import AsrAlternative, AsrResult, WordTiming


def _words(items: list[dict[str, Any]]) -> tuple[WordTiming, ...]:
    return tuple(
        WordTiming(
            word=str(w["word"]),
            start_s=float(w["start"]),
            end_s=float(w["end"]),
            conf=float(w["conf"]) if "conf" in w else None,
        )
        for w in items
    )


def parse_final(raw: str, engine: str = "vosk") -> AsrResult | None:
    """A final result, or None when Vosk heard nothing."""
    data = json.loads(raw)
    if "alternatives" in data:
        alts = data["alternatives"] or [{"text": ""}]
        best = alts[0]
        text = str(best.get("text", "")).strip()
        words = _words(best.get("result", []))
        confidence = None
        others = tuple(
            AsrAlternative(text=str(a.get("text", "")).strip())
            for a in alts[1:]
            if str(a.get("text", "")).strip()
        )
    else:
        text = str(data.get("text", "")).strip()
        words = _words(data.get("result", []))
        confs = [w.conf for w in words if w.conf is not None]
        confidence = sum(confs) / len(confs) if confs else None
        others = ()
    if not text:
        return None
    return AsrResult(
        text=text,
        is_final=True,
        confidence=confidence,
        alternatives=others,
        words=words,
        engine=engine,
    )


def parse_partial(raw: str, engine: str = "vosk") -> AsrResult | None:
    """A partial result, or None when it is empty."""
    data = json.loads(raw)
    text = str(data.get("partial", "")).strip()
    if not text:
        return None
    return AsrResult(
        text=text, is_final=False, words=_words(data.get("partial_result", [])), engine=engine
    )


def grammar_json(phrases: list[str]) -> str:
    """Vosk grammar: the phrase list plus `[unk]` so out-of-grammar speech is not forced
    onto a phrase. `ensure_ascii=False`: Vosk matches words literally, and escaped Cyrillic
    (`\\u0434\\u0430`) would match nothing."""
    cleaned = [p.strip().lower() for p in phrases if p.strip()]
    return json.dumps([*cleaned, "[unk]"], ensure_ascii=False)
