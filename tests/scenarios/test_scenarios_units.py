"""The scenarios' pure parts: name inflection, menus from hostile lists, connect results in
the Dialog, script validation of the new steps, and the media relay's bounds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog import menu as menus
from bot_engine.dialog.engine import Dialog, DialogState
from bot_engine.nlu.inflect import inflect_name, name_gender
from bot_engine.script import ScriptError, load_script
from bot_engine.script.model import Menu
from bot_engine.script.templates import TemplateProblem, render
from media_gateway.bridge import LegRelay
from media_gateway.call_leg import CallInfo, CallLeg, InboundDtmf, InboundEvent, InboundFrame
from media_gateway.playback import PlaybackQueue, QueuedPlayback


@pytest.mark.parametrize(("name", "case", "expected"), [
    ("Евгения Чулкова", "ablt", "Евгенией Чулковой"),
    ("Дмитрий Масленников", "ablt", "Дмитрием Масленниковым"),
    ("Дмитрий Масленников", "gent", "Дмитрия Масленникова"),
    ("Ольга Вишневская", "accs", "Ольгу Вишневскую"),
    ("Пётр Чайковский", "datv", "Петру Чайковскому"),
    ("Наталья Петровна Голованова", "ablt", "Натальей Петровной Головановой"),
    ("Мария Ким", "ablt", "Марией Ким"),  # a woman's foreign surname does not decline
    ("Олег Ким", "ablt", "Олегом Кимом"),
    ("Мария-Анна Смит", "gent", "Марии-Анны Смит"),
    ("John Smith", "ablt", "John Smith"),
    ("Евгения Чулкова", "nomn", "Евгения Чулкова"),
])
def test_names_decline_in_the_case_asked(name: str, case: str, expected: str) -> None:
    assert inflect_name(name, case) == expected


def test_gender_and_the_template_filters() -> None:
    assert (name_gender("Евгения Чулкова"), name_gender("Дмитрий Масленников")) == (
        "femn", "masc")
    assert name_gender("Отдел продаж") is None
    assert render("с {{ m | inflect('творительный') }}", {"m": "Анна Иванова"}) == (
        "с Анной Ивановой")
    assert render("{{ m | gender }}", {"m": "Анна Иванова"}) == "femn"
    with pytest.raises(TemplateProblem):
        render("{{ m | inflect('vocative') }}", {"m": "Анна"})


MENU = Menu(items="contacts", each="{{ item.name }} — {{ number_word }}.",
            default=[{"name": "Отдел продаж"}], max_items=3)


@pytest.mark.parametrize(("contacts", "names"), [
    ([{"name": "Анна"}, {"name": "Олег"}], ["Анна", "Олег"]),
    (["Анна", {"name": 42}, {"phone": "1"}, None, {"name": " "}, {"name": "Олег"}],
     ["Анна", "Олег"]),  # entries without a usable label are dropped
    ([{"name": f"Имя {i}"} for i in range(9)], ["Имя 0", "Имя 1", "Имя 2"]),  # max_items
    ([{"name": "x" * 121}], ["Отдел продаж"]),  # a label too long for a menu line
    ([{"name": "a"}] * 51, ["Отдел продаж"]),  # too many: the list is refused whole
    ([[[[{"name": "deep"}]]]], ["Отдел продаж"]),  # nested too deep
    ("not a list", ["Отдел продаж"]),
    (None, ["Отдел продаж"]),
])
def test_menu_entries_from_a_hostile_list_are_bounded(contacts: Any, names: list[str]) -> None:
    assert [e["name"] for e in menus.entries(MENU, {"contacts": contacts})] == names


def test_a_name_from_the_backend_is_read_as_text_never_as_a_template() -> None:
    items = menus.entries(MENU, {"contacts": [{"name": "{{ 7*7 }} {% raw %}"}]})
    assert menus.lines(MENU, items, {}, "ru") == ["{{ 7*7 }} {% raw %} — один."]


@pytest.mark.parametrize(("said", "index"), [
    ("Евгению, пожалуйста", 0), ("соедините с Масленниковым", 1), ("два", 1),
    ("второй", 1), ("3", 2), ("Анну", 2), ("Евгению или Дмитрия", None), ("семь", None),
    ("никого", None),
])
def test_menu_choice_by_name_or_number(said: str, index: int | None) -> None:
    items = [{"name": "Евгения Чулкова"}, {"name": "Дмитрий Масленников"},
             {"name": "Анна Иванова"}]
    assert menus.choose_words(items, "name", said) == index



def test_a_long_menu_reply_reads_each_distinct_word_once() -> None:
    """A hostile reply of one word said hundreds of times costs one morphology lookup per
    distinct word, not one per word and entry (it was ~0.4 s a turn)."""
    from bot_engine.nlu.morph import ru_normal_forms

    items = [{"name": "Евгения Чулкова"}, {"name": "Дмитрий Масленников"},
             {"name": "Анна Иванова"}]
    ru_normal_forms.cache_clear()
    assert menus.choose_words(items, "name", "а вы " + "по " * 700 + "что ли") is None
    distinct = {"а", "вы", "по", "что", "ли", "евгения", "чулкова", "дмитрий", "масленников",
                "анна", "иванова"}
    assert ru_normal_forms.cache_info().misses <= len(distinct)

SCRIPT = """
id: connect_units
language: ru-RU
variables: {target: {type: string, default: "201"}}
result:
  outcomes: [connected, fallback, hangup, error]
  endings: {hangup: hangup, error: error}
start: connect
steps:
  connect:
    connect: {to: "{{ target }}", after: resume}
    on:
      answered: {outcome: connected, goto: after}
      failed: {say: "Никто не ответил.", outcome: fallback, hangup: true}
  after:
    say: "Разговор окончен."
    hangup: true
"""


def _dialog(**variables: Any) -> tuple[Dialog, act.Connect]:
    script = load_script(SCRIPT, source="connect.yaml").script
    dialog = Dialog(script, {"target": "201", **variables})
    actions = dialog.start()
    [connect] = [a for a in actions if isinstance(a, act.Connect)]
    return dialog, connect


def test_a_busy_operator_falls_back_to_the_failed_branch_with_its_status() -> None:
    dialog, connect = _dialog()
    assert dialog.handle(ev.ConnectResult(request_id="stale", outcome="answered")) == []
    actions = dialog.handle(ev.ConnectResult(request_id=connect.request_id, outcome="busy",
                                             sip_status=486, target="201"))
    assert [a.text for a in actions if isinstance(a, act.Say)] == ["Никто не ответил."]
    result = dialog.result
    assert result is not None and result.outcome == "fallback"
    assert result.transfers[0]["outcome"] == "busy" and result.transfers[0]["sip_status"] == 486


def test_a_bridge_the_caller_ends_keeps_the_answered_outcome_and_ends_as_a_transfer() -> None:
    dialog, connect = _dialog()
    state = DialogState.model_validate_json(dialog.state.model_dump_json())  # mid-connect
    restored = Dialog.restore(dialog.script, state)
    actions = restored.handle(ev.ConnectResult(request_id=connect.request_id,
                                               outcome="answered", sip_status=200,
                                               ended_by="caller", caller_gone=True))
    assert not any(isinstance(a, act.Say) for a in actions)  # the caller is gone
    result = restored.result
    assert result is not None
    assert (result.outcome, result.ending) == ("connected", "transfer")


def test_an_operator_who_hangs_up_first_returns_the_caller_to_the_script() -> None:
    dialog, connect = _dialog()
    actions = dialog.handle(ev.ConnectResult(request_id=connect.request_id,
                                             outcome="answered", ended_by="operator"))
    assert [a.text for a in actions if isinstance(a, act.Say)] == ["Разговор окончен."]
    assert dialog.result is not None and dialog.result.ending == "completed"


def test_an_empty_target_takes_the_fallback_without_dialling() -> None:
    script = load_script(SCRIPT, source="connect.yaml").script
    dialog = Dialog(script, {"target": ""})
    actions = dialog.start()
    assert not any(isinstance(a, act.Connect) for a in actions)
    assert dialog.result is not None and dialog.result.outcome == "fallback"


@pytest.mark.parametrize(("step", "message"), [
    ("connect: {to: '1'}\n    on: {answered: {hangup: true}}", "needs on.failed"),
    ("connect: {to: '1', mode: refer, whisper: hi}\n    on: {answered: {hangup: true}, "
     "failed: {hangup: true}}", "whisper and accept need mode: bridge"),
    ("connect: {to: '1'}\n    on: {answered: {hangup: true}, failed: {hangup: true}, "
     "yes: {hangup: true}}", "unknown branch 'yes'"),
    ("menu: {items: x, each: '{{ item.name }}'}\n    on: {ok: {hangup: true}}",
     "a `default` list or on.empty"),
    ("menu: {default: [a], each: '{{ item.name }}', save: s}\n    on: {ok: {hangup: true}}",
     "give it type json"),
    ("menu: {default: [a], each: '{{ item.nam }} {{ nope }}'}\n    on: {ok: {hangup: true}}",
     "undeclared variable 'nope'"),
])
def test_bad_connect_and_menu_steps_are_named(step: str, message: str) -> None:
    text = f"""
id: bad
language: ru-RU
variables: {{x: string}}
slots: {{s: string}}
result: {{outcomes: [a], endings: {{hangup: a, error: a}}}}
start: one
steps:
  one:
    {step}
"""
    with pytest.raises(ScriptError) as caught:
        load_script(text, source="bad.yaml")
    assert message in str(caught.value)


class _SlowLeg(CallLeg):
    """A leg whose sender never takes frames (a stalled far end) and records keys."""

    def __init__(self) -> None:
        self.info = CallInfo("x", "outbound", "a", "b", "test")
        self.sample_rate = 8000
        self.queue = PlaybackQueue(320, 16)
        self.keys: list[str] = []

    async def events(self) -> AsyncIterator[InboundEvent]:
        if False:
            yield

    def play(self, pcm: bytes) -> QueuedPlayback:
        return self.queue.enqueue(pcm)

    async def send_dtmf(self, digits: str) -> None:
        await asyncio.sleep(0)
        self.keys.append(digits)

    async def transfer(self, target: str, *, wait_s: float | None = None) -> bool:
        return False

    async def hangup(self) -> None:
        return None


async def test_the_relay_bounds_the_delay_and_keeps_keys_in_order() -> None:
    leg = _SlowLeg()
    relay = LegRelay(leg, max_lag_ms=200)
    for i in range(50):
        relay.push(InboundFrame(bytes(320), i * 20))
    assert relay.frames == 50 and relay.dropped == 40
    assert sum(1 for p in leg.queue._queue if not p.done) == 10  # at most 200 ms behind
    for digit in "123#":
        relay.push(InboundDtmf(digit, 0))
    for _ in range(20):
        await asyncio.sleep(0)
    assert leg.keys == ["1", "2", "3", "#"]
    await relay.close()
    relay.push(InboundFrame(bytes(320), 0))
    assert relay.frames == 50


def test_the_default_menu_is_pre_rendered_with_the_static_prompts() -> None:
    from pathlib import Path

    from bot_engine.call.prompts import script_prompts
    from bot_engine.script import load_script_file

    script = load_script_file(Path(__file__).parents[2] / "dialogs" /
                              "contact_menu.ru.yaml").script
    prompts = script_prompts(script)
    assert {"Если вам нужен Отдел продаж, нажмите или скажите один.", "Бухгалтерия — два.",
            "Сервисная служба — три."} <= set(prompts)


async def test_a_guarded_leg_dials_only_the_targets_its_rules_permit() -> None:
    from dataclasses import dataclass

    from bot_engine.call.transfer import leg_dialer
    from media_gateway.sip import CallFailed, SipConfig, SipUserAgent

    @dataclass
    class Rules:
        allowed: set[str]

        def permits(self, target: str) -> bool:
            return target in self.allowed

    from tests.scenarios.scenario_peers import Phone

    busy = await Phone.start("allowed", mode="busy")
    ua = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="robot",
                                            tcp=False))
    try:
        class Guarded:  # what a transfer-guarding wrapper forwards
            user_agent = ua
            rules = Rules({busy.uri})
            info = CallInfo("c1", "inbound", "a", "b", "sip")

        dial = leg_dialer(Guarded())  # type: ignore[arg-type]
        assert dial is not None
        with pytest.raises(CallFailed) as refused:
            await dial("+79990000000", 5)
        assert refused.value.reason == "not an allowed transfer target"
        assert not busy.offered.is_set()
        with pytest.raises(CallFailed) as tried:  # permitted: really dialled
            await dial(busy.uri, 5)
        assert (tried.value.kind, tried.value.status) == ("busy", 486)
        assert leg_dialer(_SlowLeg()) is None  # not a SIP call: no second call
    finally:
        await ua.close()
        await busy.close()


class _ReferLeg(_SlowLeg):
    """A far end that takes the REFER and reports `status` as the new call's outcome."""

    def __init__(self, status: int | None) -> None:
        super().__init__()
        self.refer_status = status
        self.waits: list[float | None] = []

    async def transfer(self, target: str, *, wait_s: float | None = None) -> bool:
        self.waits.append(wait_s)
        return self.refer_status == 200


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(200, "answered"), (486, "busy"), (603, "declined"), (408, "no_answer"),
     (480, "no_answer"), (487, "no_answer"), (500, "failed"), (None, "failed")],
)
async def test_a_blind_transfer_waits_the_ring_timeout_and_reports_no_answer_as_such(
    status: int | None, outcome: str
) -> None:
    """The REFER's outcome is waited for as long as the script rings a target, and a
    target that did not answer (408: no NOTIFY in time; 480, 487) takes the script's
    `no_answer` branch rather than `failed`."""
    from bot_engine.call.transfer import Connector
    from bot_engine.dialog import actions as act

    leg = _ReferLeg(status)
    action = act.Connect(request_id="r1", step="s", targets=["+74951234567"], mode="refer",
                         ring_timeout_s=7.0)
    result = await Connector(action, leg, None, None).run()  # type: ignore[arg-type]
    assert leg.waits == [7.0]
    assert result.outcome == outcome
    assert [a.outcome for a in result.attempts] == [outcome]
