"""One lead row → a lead to store, or the row's error (pure; no I/O).

Columns: `phone` (required), `external_id`, `timezone`, `region`, and the script's
variables. Each row is checked as a call would be: the number is normalised to E.164 (the
campaign's `default_region` for numbers without +country), the variables (the campaign's,
overridden by the row's) are validated against the script, and the lead's candidate zones
are found (`zones.lead_zones`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_jsonable_python

from bot_engine.campaigns.phones import BadPhone, e164, parse_phone
from bot_engine.campaigns.zones import BadZone, NumberingLookup, lead_zones
from bot_engine.script import ScriptError, validate_variables
from bot_engine.script.model import Script

RESERVED = ("phone", "external_id", "timezone", "region")
MAX_VALUE_CHARS = 2000
MAX_EXTERNAL_ID = 200


@dataclass(frozen=True)
class LeadRow:
    row: int
    phone: str
    external_id: str | None
    variables: dict[str, Any]
    zones: tuple[str, ...]
    zone_source: str


@dataclass(frozen=True)
class RowError:
    row: int
    error: str


class BadHeader(ValueError):
    pass


class LeadReader:
    def __init__(
        self,
        script: Script,
        campaign_variables: Mapping[str, Any],
        *,
        default_region: str | None,
        default_zone: str,
        numbering: NumberingLookup | None = None,
    ) -> None:
        self.script = script
        self.campaign_variables = dict(campaign_variables)
        self.default_region = default_region
        self.default_zone = default_zone
        self.numbering = numbering

    def check_columns(self, columns: Iterable[str]) -> None:
        """A CSV header: `phone` is required; every other column is a reserved name or a
        variable of the script."""
        names = list(columns)
        if "phone" not in names:
            raise BadHeader(
                "row 1: no `phone` column (the header names the columns: phone, "
                "then variables, optionally external_id, timezone, region)"
            )
        seen: set[str] = set()
        for index, name in enumerate(names, start=1):
            if name in seen:
                raise BadHeader(f"row 1, column {index}: {name!r} appears twice")
            seen.add(name)
            if name not in RESERVED and name not in self.script.variables:
                declared = ", ".join(self.script.variables) or "none"
                raise BadHeader(
                    f"row 1, column {index}: {name!r} is not a variable of script "
                    f"{self.script.id!r} (it declares: {declared})"
                )

    def read(self, row: int, values: Mapping[str, Any]) -> LeadRow | RowError:
        raw_phone = values.get("phone")
        if raw_phone is None or str(raw_phone).strip() == "":
            return RowError(row, "phone: missing")
        try:
            number = parse_phone(str(raw_phone), self.default_region)
        except BadPhone as exc:
            return RowError(row, f"phone: {exc}")
        external = values.get("external_id")
        external_id = None if external is None or str(external) == "" else str(external)
        if external_id is not None and len(external_id) > MAX_EXTERNAL_ID:
            return RowError(row, f"external_id: longer than {MAX_EXTERNAL_ID} characters")
        own: dict[str, Any] = {}
        nested = values.get("variables")
        if isinstance(nested, dict) and "variables" not in self.script.variables:
            own.update(nested)
        for name, value in values.items():
            if name in RESERVED or (name == "variables" and isinstance(nested, dict)):
                continue
            own[name] = value
        for name, value in own.items():
            if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
                return RowError(row, f"{name}: longer than {MAX_VALUE_CHARS} characters")
            if isinstance(value, dict | list):
                return RowError(
                    row, f"{name}: expected a plain value, not a {type(value).__name__}"
                )
        given = {k: v for k, v in own.items() if v is not None and v != ""}
        try:
            typed = validate_variables(self.script, {**self.campaign_variables, **given})
        except ScriptError as exc:
            return RowError(
                row, "; ".join(_issue_text(issue.path, issue.message) for issue in exc.issues)
            )
        try:
            zones = lead_zones(
                number,
                timezone=_text(values.get("timezone")),
                region=_text(values.get("region")),
                numbering=self.numbering,
                default=self.default_zone,
            )
        except BadZone as exc:
            return RowError(row, str(exc))
        return LeadRow(
            row=row,
            phone=e164(number),
            external_id=external_id,
            variables=to_jsonable_python({name: typed[name] for name in given if name in typed}),
            zones=zones.zones,
            zone_source=zones.source,
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:200] or None


def _issue_text(path: str, message: str) -> str:
    name = path.removeprefix("variables.")
    return message if message.startswith(f"variable {name!r}") else f"{name}: {message}"
