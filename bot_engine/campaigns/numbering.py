"""The Russian numbering plan: the regulator's open-data ranges and a fast lookup.

The regulator (Минцифры, formerly Россвязь) publishes the plan as CSV files (`ABC-3xx`,
`ABC-4xx`, `ABC-8xx`, `DEF-9xx`), one row per range, separated by `;`:

    АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН
    495;1000000;1999999;1000000;ПАО "МГТС";г. Москва;г. Москва;7710016640

Older files have no `Территория ГАР` and no `ИНН` column; some are in cp1251. A range's
region names its zones through our own table (`regions`); a region we cannot place gets no
zone, and such numbers fall back to `phonenumbers`. Mobile numbers keep their number when
they move to another operator or region (number portability), so the plan tells where a
number was issued, which is still far better than "anywhere in Russia".
"""

from __future__ import annotations

import bisect
import csv
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from phonenumbers import PhoneNumber

from bot_engine.campaigns.regions import zones_for_region

MAX_FIELD = 1000


@dataclass(frozen=True)
class NumberRange:
    code: int
    first: int
    """The first national (10-digit) number of the range, e.g. 4951000000."""
    last: int
    operator: str
    region: str
    zones: tuple[str, ...] | None


@dataclass(frozen=True)
class RangeError:
    row: int
    error: str


class NumberingFormatError(ValueError):
    pass


_HEADERS = {
    "code": ("abc", "def", "авс", "абс", "код"),
    "from": ("от", "from"),
    "to": ("до", "to"),
    "operator": ("оператор", "operator"),
    "region": ("регион", "region"),
}


def decode(data: bytes) -> str:
    """The files come in UTF-8 (with or without BOM) or, older ones, cp1251."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip().lower().replace(" ", "")
        for key, names in _HEADERS.items():
            if key in found:
                continue
            if (key == "code" and any(n in name for n in names)) or (
                key != "code" and name in names
            ):
                found[key] = index
    missing = [key for key in _HEADERS if key not in found]
    if missing:
        raise NumberingFormatError(
            "line 1: not the regulator's numbering CSV: no column for "
            + ", ".join(missing)
            + f" (header: {';'.join(header)[:200]!r})"
        )
    return found


def parse_ranges(lines: Iterable[str]) -> Iterator[NumberRange | RangeError]:
    """Ranges and per-row errors (row numbers as in a spreadsheet: the header is row 1).
    Raises NumberingFormatError when the header is not the regulator's."""
    reader = csv.reader(lines, delimiter=";", quotechar='"')
    try:
        header = next(reader)
    except StopIteration:
        raise NumberingFormatError("line 1: the file is empty") from None
    cols = _columns(header)
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            code = int(row[cols["code"]].strip())
            first = int(row[cols["from"]].strip())
            last = int(row[cols["to"]].strip())
            operator = row[cols["operator"]].strip()[:MAX_FIELD]
            region = row[cols["region"]].strip()[:MAX_FIELD]
        except (IndexError, ValueError):
            yield RangeError(
                row_number,
                "expected code;from;to;…;operator;region with numbers in the first three columns",
            )
            continue
        if not (100 <= code <= 999 and 0 <= first <= last <= 9_999_999):
            yield RangeError(
                row_number,
                f"a range must be a 3-digit code and 7-digit numbers; got {code};{first};{last}",
            )
            continue
        yield NumberRange(
            code=code,
            first=code * 10_000_000 + first,
            last=code * 10_000_000 + last,
            operator=operator,
            region=region,
            zones=zones_for_region(region),
        )


class NumberingPlan:
    """Ranges in sorted arrays (a few bytes per range), looked up by bisection: the whole
    plan (a few hundred thousand ranges) fits in a few megabytes."""

    def __init__(self, ranges: Iterable[tuple[int, int, tuple[str, ...] | None]]) -> None:
        self._first = array("q")
        self._last = array("q")
        self._zone_index = array("i")
        self._zones: list[tuple[str, ...] | None] = []
        known: dict[tuple[str, ...] | None, int] = {}
        for first, last, zones in sorted(ranges, key=lambda r: r[0]):
            index = known.get(zones)
            if index is None:
                index = known[zones] = len(self._zones)
                self._zones.append(zones)
            self._first.append(first)
            self._last.append(last)
            self._zone_index.append(index)

    def __len__(self) -> int:
        return len(self._first)

    def zones_for_national(self, national: int) -> tuple[str, ...] | None:
        i = bisect.bisect_right(self._first, national) - 1
        if i < 0 or national > self._last[i]:
            return None
        return self._zones[self._zone_index[i]]

    def zones_for(self, number: PhoneNumber) -> tuple[str, ...] | None:
        """Zones of a +7 number with a 10-digit national number; None for anything else."""
        if number.country_code != 7 or not number.national_number:
            return None
        national = int(number.national_number)
        if not 1_000_000_000 <= national <= 9_999_999_999:
            return None
        return self.zones_for_national(national)
