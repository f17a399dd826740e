"""Script templates cannot compute or allocate without bound (issue 12, section 3): the
sandbox refuses big powers, products and repetitions, wide format and filter arguments,
and long output, and loops share a work budget; ordinary prompts render as before."""

from __future__ import annotations

import tracemalloc

import pytest

from bot_engine.script import ScriptError, load_script
from bot_engine.script.templates import TemplateProblem, evaluate, render, value_of
from bot_engine.simulator import run_conversation
from bot_engine.simulator.session import TextSession

from .stall_kit import BASE_SCRIPT

ATTACKS = [
    "{{ (10**(10**7)) > 1 }}",
    "{{ ('x'*300000000)|length }}",
    "{{ [0] * 300000000 }}",
    "{{ 'x'|center(300000000) }}",
    "{{ 'x'|indent(300000000) }}",
    "{{ 'x'.ljust(300000000) }}",
    "{{ '{:>300000000}'.format('x') }}",
    "{{ '%300000000s' % 'x' }}",
    "{{ '%s'|format('x') ~ ('%0300000000d'|format(1)) }}",
    "{{ ('a'*1000)|replace('', 'b'*1000) }}",
    "{% set x = 'a'*90000 %}{{ (x ~ x ~ x)|length }}",
    "{{ ([('a'*90000)]*10000)|map('upper')|join|length }}",
    "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
    "{{ range(300000000)|list|length }}",
    "{% for i in range(100) %}{{ 'x' * 1000 }}{% endfor %}",
    "{{ 12345 ** 100000 }}",
    "{{ (2 ** 4000) * (2 ** 4000) }}",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_unbounded_templates_are_refused_without_allocating(source: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(TemplateProblem):
            render(source, {"name": "Ann"})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30_000_000, f"{peak:,} bytes at peak"


@pytest.mark.parametrize("expression", ["10**(10**7) > 1", "('x'*300000000)|length"])
def test_conditions_and_set_values_are_bounded_too(expression: str) -> None:
    with pytest.raises(TemplateProblem):
        evaluate(expression, {})
    with pytest.raises(TemplateProblem):
        value_of("{{ " + expression + " }}", {})


def test_ordinary_templates_render_as_before() -> None:
    context = {"name": "Ann", "budget": 200000, "n": 3, "items": ["a", "b"]}
    assert render("Hello {{ name }}!", context) == "Hello Ann!"
    assert render("{{ name|upper }} {{ '%05.1f'|format(3.14159) }} {{ 2 ** 10 }}",
                  context) == "ANN 003.1 1024"
    assert render("{% if budget > 100000 %}big{% else %}small{% endif %}", context) == "big"
    assert render("{% for i in items %}{{ loop.index }}{{ i }} {% endfor %}", context) == \
        "1a 2b"
    assert render("{{ name ~ '-' ~ n }} {{ 'ab' * n }} {{ [1] + [2] }}", context) == \
        "Ann-3 ababab [1, 2]"
    assert render("{{ '%s has %d' % (name, n) }} {{ '{}!'.format(name) }}", context) == \
        "Ann has 3 Ann!"
    assert evaluate("budget * 2 >= 400000 and n % 2 == 1", context) is True
    assert value_of("{{ budget // 1000 }}", context) == 200


@pytest.mark.parametrize("statement", [
    "{% macro f() %}x{% endmacro %}{{ f() }}",
    "{% set x %}text{% endset %}{{ x }}",
    "{% filter upper %}x{% endfilter %}",
    "{% for x in [1] recursive %}{{ loop([]) }}{% endfor %}",
])
def test_statements_that_build_text_outside_the_checks_are_refused_at_upload(
    statement: str,
) -> None:
    text = BASE_SCRIPT.replace('"Hello {{ lead_name }}, this is a short test call."',
                               repr(statement))
    with pytest.raises(ScriptError) as caught:
        load_script(text)
    assert any("not allowed in script templates" in i.message for i in caught.value.issues)


def test_a_call_whose_prompt_is_a_bomb_ends_with_an_error_result() -> None:
    text = BASE_SCRIPT.replace('"Hello {{ lead_name }}, this is a short test call."',
                               "\"{{ (10**(10**7)) > 1 }}\"")
    script = load_script(text).script
    session = run_conversation(script, {"lead_name": "Ann"}, [], webhooks=_no_webhooks)
    assert session.result is not None
    assert session.result.ending == "error"
    assert "bits" in (session.result.error or "")


def test_templates_of_one_event_share_one_budget() -> None:
    """A loop that fits in a template's budget once does not fit sixty times in a row:
    the gotos of one event spend one budget."""
    loop = "{% for i in range(5000) %}{% endfor %}"
    chain = "".join(
        f"  s{i}:\n    say: \"{loop}x\"\n    goto: s{i + 1}\n" for i in range(10)
    )
    text = BASE_SCRIPT.replace(
        "start: greet", "start: s0"
    ) + chain + "  s10:\n    say: done\n    hangup: true\n"
    script = load_script(text).script
    session = TextSession(script, {"lead_name": "Ann"}, webhooks=_no_webhooks)
    session.start()
    assert session.result is not None and session.result.ending == "error"
    assert "operations" in (session.result.error or "")


def _no_webhooks(action: object) -> object:
    raise AssertionError("no webhook expected")
