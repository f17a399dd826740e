"""Streamed uploads (lead lists, do-not-call lists): CSV or JSON, record by record, never
the whole body in memory.

CSV: a header row, then one record per row; row numbers are as in a spreadsheet (the header
is row 1). A quoted field may span lines: a record ends at a line break outside quotes
(RFC 4180 doubles quotes inside a quoted field, so counting them tells). JSON: an array of
objects, or JSON lines (one object per line); a record's number is its position (1-based).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

MAX_RECORD_CHARS = 64 * 1024
MAX_COLUMNS = 100
MAX_REPORTED_ERRORS = 1000
CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain"})
JSON_TYPES = frozenset({"application/json"})
JSON_LINES_TYPES = frozenset(
    {"application/x-ndjson", "application/jsonl", "application/x-jsonl", "application/json-lines"}
)


class UploadError(ValueError):
    """The upload as a whole cannot be read (a 4xx for the request), with where."""


@dataclass
class ImportResult:
    """What an upload did: rows kept, and the first rejected rows with their reasons."""

    accepted: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_count: int = 0

    def reject(self, row: int, error: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REPORTED_ERRORS:
            self.rejected.append({"row": row, "error": error})


@dataclass(frozen=True)
class Record:
    row: int
    values: dict[str, Any] | None
    error: str | None = None


def upload_kind(media_type: str) -> str | None:
    if media_type in CSV_TYPES:
        return "csv"
    if media_type in JSON_TYPES:
        return "json"
    if media_type in JSON_LINES_TYPES:
        return "jsonl"
    return None


async def decoded(chunks: AsyncIterable[bytes]) -> AsyncIterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset = 0
    async for chunk in chunks:
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise UploadError(f"byte {offset + exc.start + 1}: not UTF-8 text") from None
        offset += len(chunk)
        if text:
            yield text
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UploadError(f"byte {offset}: the text ends inside a UTF-8 character") from None
    if tail:
        yield tail


async def _csv_lines(chunks: AsyncIterable[bytes]) -> AsyncIterator[str]:
    """Whole CSV records (one or more physical lines each), line ends included."""
    pending = ""
    record = ""
    quotes = 0
    async for text in decoded(chunks):
        pending += text
        start = 0
        while True:
            end = pending.find("\n", start)
            if end < 0:
                break
            line = pending[start : end + 1]
            start = end + 1
            record += line
            quotes += line.count('"')
            if quotes % 2 == 0:
                yield record
                record, quotes = "", 0
            elif len(record) > MAX_RECORD_CHARS:
                raise UploadError(
                    "a quoted field is never closed (or a record is longer "
                    f"than {MAX_RECORD_CHARS} characters)"
                )
        pending = pending[start:]
        if len(pending) + len(record) > MAX_RECORD_CHARS:
            raise UploadError(f"a record is longer than {MAX_RECORD_CHARS} characters")
    record += pending
    if (quotes + pending.count('"')) % 2:
        raise UploadError("a quoted field is never closed")
    if record.strip():
        yield record


async def csv_records(chunks: AsyncIterable[bytes]) -> AsyncIterator[Record]:
    """The header row (row 1, as a record whose values map column index → name is not
    needed: callers get `header()` first), then records as dicts by column name."""
    header: list[str] | None = None
    row = 0

    def parse(lines: list[str]) -> list[list[str]]:
        try:
            return list(csv.reader(lines, strict=True))
        except csv.Error as exc:
            raise UploadError(f"row {row}: {exc}") from None

    async for line in _csv_lines(chunks):
        row += 1
        [fields] = parse([line]) or [[]]
        if header is None:
            header = [name.strip() for name in fields]
            if not any(header):
                raise UploadError("row 1: the first row must name the columns (phone, …)")
            if len(header) > MAX_COLUMNS:
                raise UploadError(f"row 1: more than {MAX_COLUMNS} columns")
            yield Record(1, {"__header__": header})
            continue
        if not any(field.strip() for field in fields):
            continue
        if len(fields) > len(header):
            yield Record(row, None, f"{len(fields)} values for {len(header)} columns")
            continue
        yield Record(row, dict(zip(header, fields, strict=False)))
    if header is None:
        raise UploadError("row 1: the file is empty")


async def json_lines(chunks: AsyncIterable[bytes]) -> AsyncIterator[Record]:
    """One JSON object per line; a bad line is that record's error."""
    pending = ""
    count = 0

    def one(line: str) -> Record:
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            return Record(count, None, "not JSON")
        if not isinstance(value, dict):
            return Record(count, None, 'expected an object such as {"phone": "+7…"}')
        return Record(count, value)

    async for text in decoded(chunks):
        pending += text
        *complete, pending = pending.split("\n")
        for line in complete:
            if line.strip():
                count += 1
                yield (
                    one(line)
                    if len(line) <= MAX_RECORD_CHARS
                    else Record(count, None, f"longer than {MAX_RECORD_CHARS} characters")
                )
        if len(pending) > MAX_RECORD_CHARS:
            raise UploadError(f"record {count + 1}: longer than {MAX_RECORD_CHARS} characters")
    if pending.strip():
        count += 1
        yield one(pending)


async def json_array(chunks: AsyncIterable[bytes]) -> AsyncIterator[Record]:
    """The objects of a JSON array, one at a time: a record that does not parse yet waits
    for more text, up to the record size limit."""
    decoder = json.JSONDecoder()
    buffer = ""
    state = "before"  # before the [, inside, after the ]
    count = 0

    def items(final: bool) -> list[Record]:
        nonlocal buffer, state, count
        out: list[Record] = []
        pos = 0
        try:
            while True:
                pos = _skip(buffer, pos, state == "inside")
                if pos >= len(buffer):
                    return out
                if state == "before":
                    if buffer[pos] != "[":
                        raise UploadError(
                            "expected a JSON array of leads (or send JSON lines "
                            "as application/x-ndjson)"
                        )
                    state, pos = "inside", pos + 1
                    continue
                if state == "after":
                    raise UploadError(f"text after the end of the array (after record {count})")
                if buffer[pos] == "]":
                    state, pos = "after", pos + 1
                    continue
                try:
                    value, end = decoder.raw_decode(buffer, pos)
                except (json.JSONDecodeError, RecursionError):
                    end = -1
                if end < 0 or (end >= len(buffer) and not final):
                    if final or len(buffer) - pos > MAX_RECORD_CHARS:
                        raise UploadError(
                            f"record {count + 1}: not JSON, or longer than "
                            f"{MAX_RECORD_CHARS} characters"
                        ) from None
                    return out
                count += 1
                pos = end
                if isinstance(value, dict):
                    out.append(Record(count, value))
                else:
                    out.append(Record(count, None, 'expected an object such as {"phone": "+7…"}'))
        finally:
            buffer = buffer[pos:]

    async for text in decoded(chunks):
        buffer += text
        for record in items(final=False):
            yield record
    for record in items(final=True):
        yield record
    if state != "after":
        raise UploadError(
            "the JSON array is not closed with ]" if state == "inside" else "the body is empty"
        )


def _skip(buffer: str, index: int, commas: bool) -> int:
    while index < len(buffer) and (buffer[index] in " \t\r\n" or (commas and buffer[index] == ",")):
        index += 1
    return index


async def records(chunks: AsyncIterable[bytes], kind: str) -> AsyncIterator[Record]:
    if kind == "csv":
        async for record in csv_records(chunks):
            yield record
    elif kind == "jsonl":
        async for record in json_lines(chunks):
            yield record
    else:
        async for record in json_array(chunks):
            yield record
