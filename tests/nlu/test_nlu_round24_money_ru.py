"""Round twenty-four, sums: the budget classes the blind batch ru.round24a showed on the
code before it (and fresh30/31's «две пенсии это тысяч сорок»), with their English
equivalents where the same code reads both. Each example is a paraphrase written for its
class, not a reply of the eval set."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD_RU = "lead_qualification.ru.yaml"
LEAD_EN = "lead_qualification.en.yaml"


def budget(script: str, text: str) -> tuple[str | None, object]:
    branch, slots = step_reply(script, "ask_budget", text)
    return branch, slots.get("budget")


@pytest.mark.parametrize(
    "text",
    ["куме ставили за сто пятьдесят",
     "в соседней фирме насчитали триста двадцать",
     "смеситель уже взяли за пятнадцать тысяч",
     "знакомым делали за двести восемьдесят дорого вышло"],
)  # fmt: skip
def test_somebody_elses_price_alone_is_no_budget(text: str) -> None:
    """A neighbour's or another firm's price, or the price of something bought already:
    told of, not offered."""
    assert budget(LEAD_RU, text) == ("no_match:retry", None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("знакомым за двести пятьдесят делали а мы рассчитываем тысяч на сто восемьдесят", 180000),
     ("конкуренты просят двести восемьдесят а мы думали тысяч двести", 200000),
     ("у кумы за сто сорок ставили а нам бы до ста", 100000),
     # near-misses: the caller's own sum said with a verb of doing or paying
     ("мы бы за двести сделали", 200000),
     ("за сто восемьдесят поставили бы", 180000),
     ("а у кума сто тысяч стоит нам бы тысяч восемьдесят", 80000),
     ("за двести сделаете", 200000),
     ("муж сказал не больше ста тридцати", 130000),
     ("копили два года тысяч двести пятьдесят", 250000),
     ("у брата за сто ставили нам такую же", 100000)],
)  # fmt: skip
def test_the_callers_own_sum_beats_somebody_elses(text: str, value: int) -> None:
    assert budget(LEAD_RU, text) == ("ok", value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("шесть квадратов по двадцать пять тысяч за квадрат", 150000),
     ("метров пять по двадцать тысяч за метр", 100000),
     ("квадратов восемь закладываем тысяч по пятнадцать за квадрат", 120000),
     # near-misses: a sum for the whole, a count of metres beside it
     ("двести тысяч на ванную четыре квадрата", 200000),
     ("сто двадцать тысяч за всё", 120000)],
)  # fmt: skip
def test_a_price_per_unit_with_the_count_is_the_total(text: str, value: int) -> None:
    assert budget(LEAD_RU, text) == ("ok", value)


@pytest.mark.parametrize(
    "text",
    ["тысяч по двадцать пять за метр",
     "по пятнадцать тысяч за квадратный метр",
     "ну тысяч по тридцать за квадрат наверное"],
)  # fmt: skip
def test_a_price_per_unit_without_the_count_is_no_budget(text: str) -> None:
    """Never a thousand (the «тысяч» before «по») nor the bare price: the operator asks
    the total."""
    assert budget(LEAD_RU, text) == ("no_match:retry", None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("миллион шутка тысяч двести", 200000),
     ("ну лям да шучу я сто пятьдесят где-то", 150000),
     ("два ляма а если серьёзно тысяч сто", 100000),
     ("тысяч пятьдесят нет сорок", 40000)],
)  # fmt: skip
def test_a_joke_taken_back_is_corrected_by_the_sum_after_it(text: str, value: int) -> None:
    """The sum after the joke keeps nothing of it: «лям … сто пятьдесят» is not millions."""
    assert budget(LEAD_RU, text) == ("ok", value)


@pytest.mark.parametrize(
    "text",
    ["столешница два сорок длиной",
     "ванна один семьдесят стандартная"],
)  # fmt: skip
def test_metres_and_centimetres_are_no_sum(text: str) -> None:
    assert budget(LEAD_RU, text) == ("no_match:retry", None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("два пятьсот", 2500),
     ("ну семь восемьсот", 7800),
     ("тысяч сто двадцать сто тридцать", 120000)],
)  # fmt: skip
def test_thousands_then_hundreds_is_one_sum(text: str, value: int) -> None:
    """«два пятьсот» read out as prices are: 2 500, not two (nor two sums)."""
    assert budget(LEAD_RU, text) == ("ok", value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("три зарплаты это тысяч девяносто", 90000),
     ("на два этапа тысяч шестьдесят", 60000),
     ("тысяч восемьдесят квартира маленькая", 80000),
     # near-miss: the count alone with a sum said in words only
     ("пол-ляма на две ванные", 500000)],
)  # fmt: skip
def test_the_explicit_sum_beats_a_count_of_things(text: str, value: int) -> None:
    assert budget(LEAD_RU, text) == ("ok", value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("the other guy quoted us 8 grand but we want to spend about 6", 6000),
     ("my buddy got his roof done for 9 grand and we have maybe 7", 7000),
     ("a million dollars just kidding 10 grand", 10000),
     ("1200 square feet at 5 dollars a square foot", 6000),
     # near-misses: the caller's own sum
     ("we want it done for 5000", 5000),
     ("we could do it for 4 grand", 4000),
     ("my neighbor paid 6 grand we want the same", 6000),
     ("my brother paid about four grand so around that", 4000),
     ("we got a credit line for twenty grand", 20000),
     ("the insurance paid out fifteen thousand", 15000)],
)  # fmt: skip
def test_english_sums_of_the_same_classes(text: str, value: int) -> None:
    assert budget(LEAD_EN, text) == ("ok", value)


@pytest.mark.parametrize(
    "text",
    ["my sister paid like 12 grand for hers",
     "we already bought the tile for 800",
     "fifteen dollars a square foot"],
)  # fmt: skip
def test_english_sums_that_name_no_budget(text: str) -> None:
    assert budget(LEAD_EN, text) == ("no_match:retry", None)


@pytest.mark.parametrize(
    "text",
    ["у нас три окна и одна дверь",
     "там одни камни",
     "ему пять лет уже",
     "две пенсии"],
)  # fmt: skip
def test_a_small_count_of_things_alone_is_no_sum(text: str) -> None:
    assert budget(LEAD_RU, text) == ("no_match:retry", None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("полста тыщ", 50000),
     ("ну полста", 50000),
     ("пять штук", 5000),
     ("три сотки", 300000),
     ("восемьдесят ремонт ванной", 80000)],
)  # fmt: skip
def test_sums_said_short_still_count(text: str, value: int) -> None:
    assert budget(LEAD_RU, text) == ("ok", value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("пять с половиной", 5500),
     ("ну семь с половиной где-то", 7500),
     # near-miss: a whole number under ten stays as said
     ("пять", 5)],
)  # fmt: skip
def test_a_fraction_counts_thousands(text: str, value: float) -> None:
    """«шесть с половиной»: no fraction of a rouble is a budget."""
    assert budget(LEAD_RU, text) == ("ok", value)
