"""A file chosen in a console form (multipart), read the way the API reads an upload's body:
in chunks, never whole, into the same record readers (`campaigns.uploads`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile

CHUNK = 64 * 1024
KINDS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
ACCEPT = ".csv,.json,.jsonl,.ndjson,text/csv,application/json"
"""The file input's `accept`: CSV (the usual), or JSON as the API takes it."""


@dataclass(frozen=True)
class Upload:
    file: UploadFile
    kind: str
    """csv, json or jsonl: by the file's name (a browser's content type for CSV varies)."""

    async def chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self.file.read(CHUNK):
            yield chunk


def chosen_file(form: FormData, field: str) -> Upload | None:
    """The form's file, or None when none was chosen."""
    value = form.get(field)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    name = value.filename.lower()
    kind = next((k for suffix, k in KINDS.items() if name.endswith(suffix)), "csv")
    return Upload(value, kind)


def text_fields(form: FormData) -> dict[str, str]:
    """The form's text fields (a file in a text field's place is ignored)."""
    return {key: value for key, value in form.items() if isinstance(value, str)}
