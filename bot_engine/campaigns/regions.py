"""Russian regions (federal subjects) and their time zones: our own table, for the
`region` column of a lead file and for the regulator's numbering plan.

The regulator writes regions in free text ("г. Москва и Московская область", "Республика
Саха /Якутия/", "Кемеровская область - Кузбасс"), so each subject is found by a pattern;
a text naming several subjects gets all their zones. A subject that spans zones (Yakutia)
has all of them: such a lead is called only when every one of them is inside the window.
ISO 3166-2 codes (`RU-MOW`) work too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MSK = "Europe/Moscow"
EKB = "Asia/Yekaterinburg"
KRS = "Asia/Krasnoyarsk"
IRK = "Asia/Irkutsk"
VLA = "Asia/Vladivostok"


@dataclass(frozen=True)
class Region:
    code: str
    pattern: re.Pattern[str]
    zones: tuple[str, ...]


def _r(code: str, pattern: str, *zones: str) -> Region:
    return Region(code, re.compile(pattern, re.IGNORECASE), zones)


REGIONS: tuple[Region, ...] = (
    _r("RU-KGD", r"калининград", "Europe/Kaliningrad"),
    # MSK
    _r("RU-MOW", r"\bмосква\b|\bг\.?\s*москв", MSK),
    _r("RU-MOS", r"московск", MSK),
    _r("RU-SPE", r"санкт[- ]?петербург", MSK),
    _r("RU-LEN", r"ленинградск", MSK),
    _r("RU-AD", r"адыге", MSK),
    _r("RU-ARK", r"архангельск", MSK),
    _r("RU-BEL", r"белгородск", MSK),
    _r("RU-BRY", r"брянск", MSK),
    _r("RU-VLA", r"владимирск", MSK),
    _r("RU-VLG", r"вологодск", MSK),
    _r("RU-VOR", r"воронежск", MSK),
    _r("RU-IVA", r"ивановск", MSK),
    _r("RU-KLU", r"калужск", MSK),
    _r("RU-KR", r"карели", MSK),
    _r("RU-KOS", r"костромск", MSK),
    _r("RU-KDA", r"краснодарск", MSK),
    _r("RU-KRS", r"курск", MSK),
    _r("RU-LIP", r"липецк", MSK),
    _r("RU-MUR", r"мурманск", MSK),
    _r("RU-NEN", r"^(?!.*ямало).*ненецк", MSK),
    _r("RU-NIZ", r"нижегородск", MSK),
    _r("RU-NGR", r"новгородск", MSK),
    _r("RU-ORL", r"орловск", MSK),
    _r("RU-PNZ", r"пензенск", MSK),
    _r("RU-PSK", r"псковск", MSK),
    _r("RU-ROS", r"ростовск", MSK),
    _r("RU-RYA", r"рязанск", MSK),
    _r("RU-SMO", r"смоленск", MSK),
    _r("RU-STA", r"ставропольск", MSK),
    _r("RU-TAM", r"тамбовск", MSK),
    _r("RU-TVE", r"тверск", MSK),
    _r("RU-TUL", r"тульск", MSK),
    _r("RU-YAR", r"ярославск", MSK),
    _r("RU-KO", r"\bкоми\b(?!-)", MSK),
    _r("RU-ME", r"марий", MSK),
    _r("RU-MO", r"мордови", MSK),
    _r("RU-CU", r"чуваш", MSK),
    _r("RU-TA", r"татарстан", MSK),
    _r("RU-KIR", r"кировск", "Europe/Kirov"),
    _r("RU-VGG", r"волгоградск", "Europe/Volgograd"),
    _r("RU-KL", r"калмыки", MSK),
    _r("RU-DA", r"дагестан", MSK),
    _r("RU-IN", r"ингушети", MSK),
    _r("RU-KB", r"кабардин", MSK),
    _r("RU-KC", r"карачаев", MSK),
    _r("RU-SE", r"осети", MSK),
    _r("RU-CE", r"чеч(ен|н)", MSK),
    _r("UA-43", r"\bкрым", "Europe/Simferopol"),
    _r("UA-40", r"севастопол", "Europe/Simferopol"),
    # MSK+1
    _r("RU-SAM", r"самарск", "Europe/Samara"),
    _r("RU-UD", r"удмурт", "Europe/Samara"),
    _r("RU-ULY", r"ульяновск", "Europe/Ulyanovsk"),
    _r("RU-SAR", r"саратовск", "Europe/Saratov"),
    _r("RU-AST", r"астраханск", "Europe/Astrakhan"),
    # MSK+2
    _r("RU-SVE", r"свердловск", EKB),
    _r("RU-CHE", r"челябинск", EKB),
    _r("RU-KGN", r"курганск", EKB),
    _r("RU-TYU", r"тюменск", EKB),
    _r("RU-KHM", r"ханты|югра", EKB),
    _r("RU-YAN", r"ямало", EKB),
    _r("RU-PER", r"пермск", EKB),
    _r("RU-BA", r"башк", EKB),
    _r("RU-ORE", r"оренбургск", EKB),
    # MSK+3, +4
    _r("RU-OMS", r"(?<!т)омск", "Asia/Omsk"),
    _r("RU-NVS", r"новосибирск", "Asia/Novosibirsk"),
    _r("RU-TOM", r"томск", "Asia/Tomsk"),
    _r("RU-ALT", r"алтайский", "Asia/Barnaul"),
    _r("RU-AL", r"республика алтай|алтай,? республика|\bгорно-алтай", "Asia/Barnaul"),
    _r("RU-KEM", r"кемеровск|кузбасс", "Asia/Novokuznetsk"),
    _r("RU-KYA", r"красноярск", KRS),
    _r("RU-TY", r"\bтыва\b|\bтува\b", KRS),
    _r("RU-KK", r"хакаси", KRS),
    # MSK+5 .. +9
    _r("RU-IRK", r"иркутск", IRK),
    _r("RU-BU", r"бурят", IRK),
    _r("RU-ZAB", r"забайкальск|читинск", "Asia/Chita"),
    _r("RU-AMU", r"амурск", "Asia/Yakutsk"),
    _r("RU-SA", r"\bсаха\b|якути", "Asia/Yakutsk", "Asia/Ust-Nera", "Asia/Srednekolymsk"),
    _r("RU-PRI", r"приморск", VLA),
    _r("RU-KHA", r"хабаровск", VLA),
    _r("RU-YEV", r"еврейск", VLA),
    _r("RU-MAG", r"магаданск", "Asia/Magadan"),
    _r("RU-SAK", r"сахалинск", "Asia/Sakhalin"),
    _r("RU-KAM", r"камчатск", "Asia/Kamchatka"),
    _r("RU-CHU", r"чукотск", "Asia/Anadyr"),
)
_BY_CODE = {region.code: region for region in REGIONS}


@lru_cache(maxsize=4096)
def zones_for_region(text: str) -> tuple[str, ...] | None:
    """The zones of a region code or name (several subjects: all their zones), or None
    when no subject is recognised (e.g. "Российская Федерация" for federal ranges)."""
    key = text.strip()
    if not key:
        return None
    by_code = _BY_CODE.get(key.upper())
    if by_code is not None:
        return by_code.zones
    folded = key.lower().replace("ё", "е")
    zones: set[str] = set()
    for region in REGIONS:
        if region.pattern.search(folded):
            zones.update(region.zones)
    return tuple(sorted(zones)) or None
