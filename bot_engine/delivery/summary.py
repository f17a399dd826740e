"""Plain-text summaries of a result, for CRM notes and activity descriptions."""

from __future__ import annotations

from bot_engine.delivery.payload import ResultDocument


def result_text(doc: ResultDocument, max_turns: int = 60) -> str:
    lines = [f"Outcome: {doc.result.get('outcome')}"]
    for name, value in (doc.result.get("fields") or {}).items():
        lines.append(f"{name}: {value}")
    if doc.recording is not None:
        lines.append(f"Recording: {doc.recording.url}")
    if doc.transcript:
        lines.append("")
        lines.append("Transcript:")
        for turn in doc.transcript[:max_turns]:
            lines.append(f"{turn.role}: {turn.text}")
        if len(doc.transcript) > max_turns:
            lines.append(f"… {len(doc.transcript) - max_turns} more turns")
    return "\n".join(lines)


def duration_s(doc: ResultDocument) -> int:
    call = doc.call
    if call.answered_at is None or call.ended_at is None:
        return 0
    return max(0, round((call.ended_at - call.answered_at).total_seconds()))
