"""Where a lead is: its own columns, the numbering plan, `phonenumbers` (with its Kaliningrad
error corrected), the campaign's default; and the regulator's CSV read in both formats."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest

from bot_engine.campaigns.numbering import (
    NumberingFormatError,
    NumberingPlan,
    NumberRange,
    RangeError,
    decode,
    parse_ranges,
)
from bot_engine.campaigns.regions import zones_for_region
from bot_engine.campaigns.zones import BadZone, lead_zones

DATA = Path(__file__).parent / "data"


def zones(number: str, **kwargs: object) -> tuple[tuple[str, ...], str]:
    found = lead_zones(phonenumbers.parse(number), default="Europe/Moscow", **kwargs)  # type: ignore[arg-type]
    return found.zones, found.source


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+74957770001", ("Europe/Moscow",)),
        ("+74232123456", ("Asia/Vladivostok",)),
        ("+73832123456", ("Asia/Novosibirsk",)),
        ("+74012123456", ("Europe/Kaliningrad",)),  # phonenumbers says Europe/Bucharest
        ("+12125551234", ("America/New_York",)),
    ],
)
def test_landlines_have_one_zone(number: str, expected: tuple[str, ...]) -> None:
    assert zones(number) == (expected, "phonenumbers")


def test_a_russian_mobile_number_could_be_anywhere_in_russia_but_only_there() -> None:
    found, source = zones("+79161234567")
    assert source == "phonenumbers"
    assert {"Europe/Kaliningrad", "Europe/Moscow", "Asia/Kamchatka", "Asia/Anadyr"} <= set(found)
    assert not {"Europe/Bucharest", "Asia/Almaty", "Asia/Aqtobe"} & set(found)


def test_a_kazakh_mobile_number_keeps_kazakh_zones() -> None:
    found, _ = zones("+77011234567")
    assert found and all(zone.startswith("Asia/") for zone in found)
    assert "Europe/Moscow" not in found


def test_the_lead_columns_come_first() -> None:
    assert zones("+79161234567", timezone="Asia/Omsk") == (("Asia/Omsk",), "timezone")
    assert zones("+79161234567", region="RU-KAM") == (("Asia/Kamchatka",), "region")
    assert zones("+79161234567", region="Новосибирская обл.") == (("Asia/Novosibirsk",), "region")
    with pytest.raises(BadZone, match="timezone: unknown time zone"):
        zones("+79161234567", timezone="Europe/Atlantis")
    with pytest.raises(BadZone, match="region: unknown region"):
        zones("+79161234567", region="Narnia")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("г. Москва и Московская область", ("Europe/Moscow",)),
        ("Калининградская обл.", ("Europe/Kaliningrad",)),
        ("Республика Саха /Якутия/", ("Asia/Srednekolymsk", "Asia/Ust-Nera", "Asia/Yakutsk")),
        ("Сахалинская область", ("Asia/Sakhalin",)),
        ("Ямало-Ненецкий автономный округ", ("Asia/Yekaterinburg",)),
        ("Ненецкий автономный округ", ("Europe/Moscow",)),
        ("Томская обл.", ("Asia/Tomsk",)),
        ("Омская обл.", ("Asia/Omsk",)),
        ("Кемеровская область - Кузбасс", ("Asia/Novokuznetsk",)),
        ("Ханты - Мансийский - Югра АО", ("Asia/Yekaterinburg",)),
        ("Краснодарский край|Республика Адыгея", ("Europe/Moscow",)),
        ("Самарская обл.|Ульяновская обл.", ("Europe/Samara", "Europe/Ulyanovsk")),
        ("rU-mow", ("Europe/Moscow",)),
        ("Российская Федерация", None),
        ("", None),
    ],
)
def test_regions_to_zones(text: str, expected: tuple[str, ...] | None) -> None:
    assert zones_for_region(text) == expected


def _parsed(name: str) -> list[NumberRange | RangeError]:
    text = decode((DATA / name).read_bytes())
    return list(parse_ranges(text.splitlines()))


def test_the_regulators_csv_in_both_formats() -> None:
    new = _parsed("DEF-9xx-sample.csv")
    ranges = [r for r in new if isinstance(r, NumberRange)]
    errors = [r for r in new if isinstance(r, RangeError)]
    assert [e.row for e in errors] == [9]
    sverdlovsk = next(r for r in ranges if r.code == 912)
    assert (sverdlovsk.first, sverdlovsk.last) == (9122000000, 9122999999)
    assert sverdlovsk.zones == ("Asia/Yekaterinburg",)
    assert next(r for r in ranges if r.code == 900).zones is None  # federal: no zone
    old = _parsed("ABC-4xx-sample-cp1251.csv")  # cp1251, no ГАР/ИНН columns
    assert [(r.code, r.zones) for r in old if isinstance(r, NumberRange)] == [
        (401, ("Europe/Kaliningrad",)),
        (423, ("Asia/Vladivostok",)),
        (495, ("Europe/Moscow",)),
    ]
    with pytest.raises(NumberingFormatError, match="line 1"):
        list(parse_ranges(["phone,name", "1,2"]))


def test_the_numbering_plan_narrows_mobile_numbers() -> None:
    ranges = [r for r in _parsed("DEF-9xx-sample.csv") if isinstance(r, NumberRange)]
    plan = NumberingPlan((r.first, r.last, r.zones) for r in ranges)
    assert zones("+79122500000", numbering=plan.zones_for) == (("Asia/Yekaterinburg",), "numbering")
    assert zones("+79147123456", numbering=plan.zones_for) == (("Asia/Vladivostok",), "numbering")
    # Outside every range, or a federal range with no region: phonenumbers decides.
    assert zones("+79131234567", numbering=plan.zones_for)[1] == "phonenumbers"
    assert zones("+79000012345", numbering=plan.zones_for)[1] == "phonenumbers"
    # A timezone column still wins.
    assert (
        zones("+79122500000", numbering=plan.zones_for, timezone="Europe/Moscow")[1] == "timezone"
    )
    assert plan.zones_for_national(9122000000 - 1) is None
    assert plan.zones_for_national(9122999999) == ("Asia/Yekaterinburg",)
