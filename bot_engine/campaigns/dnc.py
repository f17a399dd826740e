"""Do-not-call list uploads: a CSV (`phone`, optional `reason`) or JSON list of numbers."""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot_engine.campaigns.phones import BadPhone, normalize
from bot_engine.campaigns.uploads import ImportResult, Record, UploadError
from bot_engine.storage import Database
from bot_engine.storage import dnc as dnc_repo

COLUMNS = ("phone", "reason")
MAX_REASON = 500
BATCH = 1000


async def import_numbers(
    db: Database,
    tenant_id: str,
    records: AsyncIterator[Record],
    default_region: str | None,
    max_rows: int,
) -> ImportResult:
    """Numbers already listed count as accepted (the list is a set)."""
    result = ImportResult()
    batch: dict[str, str | None] = {}
    rows = 0

    async def flush() -> None:
        if batch:
            async with db.write() as session:
                await dnc_repo.add_many(session, tenant_id, list(batch.items()), "import")
            result.accepted += len(batch)
            batch.clear()

    async for record in records:
        if record.values is not None and "__header__" in record.values:
            header = record.values["__header__"]
            if "phone" not in header:
                raise UploadError("row 1: no `phone` column")
            unknown = [name for name in header if name not in COLUMNS]
            if unknown:
                raise UploadError(f"row 1: unknown column {unknown[0]!r} (phone, reason)")
            continue
        rows += 1
        if rows > max_rows:
            result.reject(
                record.row,
                f"more than {max_rows} numbers in one upload: this row and the rest were not read",
            )
            break
        if record.values is None:
            result.reject(record.row, record.error or "unreadable")
            continue
        try:
            phone = normalize(str(record.values.get("phone") or ""), default_region)
        except BadPhone as exc:
            result.reject(record.row, f"phone: {exc}")
            continue
        reason = record.values.get("reason")
        batch[phone] = str(reason)[:MAX_REASON] if reason not in (None, "") else None
        if len(batch) >= BATCH:
            await flush()
    await flush()
    return result
