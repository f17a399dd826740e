"""A lead's candidate time zones, from the best source available.

In order: the lead's own `timezone` column, its `region` column (`regions`), the imported
numbering plan (`numbering`: the regulator's ranges with their region), `phonenumbers`,
then the campaign's default. Two corrections apply to `phonenumbers`:
- it answers `Europe/Bucharest` for Kaliningrad's +7 401, which is wrong half the year
  (Bucharest keeps daylight saving time, Kaliningrad does not): corrected to
  `Europe/Kaliningrad`;
- for numbers it cannot place (every +7 9xx mobile) it lists zones of several countries;
  only the number's own country's zones are kept (from the tz database's zone tables).
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import PhoneNumber
from phonenumbers import timezone as pn_timezone

from bot_engine.campaigns.model import check_zone
from bot_engine.campaigns.regions import zones_for_region

ZoneSource = Literal["timezone", "region", "numbering", "phonenumbers", "default"]
NumberingLookup = Callable[[PhoneNumber], tuple[str, ...] | None]

CORRECTIONS: dict[tuple[str, str], str] = {("RU", "Europe/Bucharest"): "Europe/Kaliningrad"}
"""(country, zone phonenumbers gives) → the zone that is right all year."""


@dataclass(frozen=True)
class LeadZones:
    zones: tuple[str, ...]
    source: ZoneSource

    @property
    def ambiguous(self) -> bool:
        return len(self.zones) > 1


class BadZone(ValueError):
    pass


def lead_zones(
    number: PhoneNumber,
    *,
    timezone: str | None = None,
    region: str | None = None,
    numbering: NumberingLookup | None = None,
    default: str,
) -> LeadZones:
    """Raises BadZone for a `timezone` or `region` value that names no zone."""
    if timezone:
        try:
            return LeadZones((check_zone(timezone.strip()),), "timezone")
        except ValueError as exc:
            raise BadZone(f"timezone: {exc}") from None
    if region:
        zones = zones_for_region(region)
        if zones is None:
            raise BadZone(
                f"region: unknown region {region.strip()[:60]!r} (a Russian region "
                "name or an ISO 3166-2 code such as RU-MOW)"
            )
        return LeadZones(zones, "region")
    if numbering is not None:
        zones = numbering(number)
        if zones:
            return LeadZones(zones, "numbering")
    zones = phonenumbers_zones(number)
    if zones:
        return LeadZones(zones, "phonenumbers")
    return LeadZones((default,), "default")


def phonenumbers_zones(number: PhoneNumber) -> tuple[str, ...] | None:
    found = pn_timezone.time_zones_for_number(number)
    if not found or found == (pn_timezone.UNKNOWN_TIMEZONE,):
        return None
    country = phonenumbers.region_code_for_number(number) or ""
    fixed = {CORRECTIONS.get((country, zone), zone) for zone in found}
    home = country_zones(country)
    kept = {zone for zone in fixed if zone in home} if home else fixed
    return tuple(sorted(kept or fixed))


@lru_cache(maxsize=256)
def country_zones(country: str) -> frozenset[str]:
    """The zones the tz database lists for a country (zone.tab and zone1970.tab)."""
    return _zone_tables().get(country, frozenset())


@lru_cache(maxsize=1)
def _zone_tables() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    try:
        root = importlib.resources.files("tzdata").joinpath("zoneinfo")
        texts = [root.joinpath(name).read_text("utf-8") for name in ("zone.tab", "zone1970.tab")]
    except (ModuleNotFoundError, FileNotFoundError):
        texts = []
        for path in ("/usr/share/zoneinfo/zone.tab", "/usr/share/zoneinfo/zone1970.tab"):
            try:
                with open(path, encoding="utf-8") as handle:
                    texts.append(handle.read())
            except OSError:
                continue
    for text in texts:
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) >= 3:
                for country in parts[0].split(","):
                    table.setdefault(country, set()).add(parts[2])
    return {country: frozenset(zones) for country, zones in table.items()}
