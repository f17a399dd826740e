"""The pure dialogue engine: events in, actions out, one valid result per dialog."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog, DialogState
from bot_engine.script import load_script
from bot_engine.script.model import Script
from bot_engine.script.values import coerce

MSK = timezone(timedelta(hours=3))
T0 = datetime(2026, 11, 21, 12, 0, tzinfo=MSK)

SCRIPT = """\
id: engine_test
language: ru-RU
settings:
  max_turns: 12
  no_match: {retries: 1, prompts: ["Не поняла."]}
  no_input: {retries: 1, prompts: ["Не слышу."]}
variables:
  name: {type: string, required: true}
  min_budget: {type: number, default: 100}
intents:
  busy: {examples: ["я занят", "сейчас неудобно"], patterns: ['\\bзанят']}
handlers:
  who_is_this: {say: "Это тестовая компания.", resume: true}
  opt_out: {say: "Больше не позвоним.", outcome: opted_out, hangup: true}
  operator: {say: "Соединяю.", outcome: operator, transfer: "sip:op@example.org"}
result:
  outcomes: [qualified, cheap, refused, callback, opted_out, operator, unclear, hangup,
             voicemail, no_answer, crm_down]
  fields: {relevant: bool, budget: number, code: string, when: datetime, note: string}
  endings: {hangup: hangup, error: unclear, voicemail: voicemail, no_answer: no_answer}
start: relevant
steps:
  relevant:
    ask: "{{ name }}, заявка актуальна?"
    reprompt: "Вам ещё интересно?"
    expect: {type: confirm, save: relevant, intents: [busy], also: {budget: money}}
    on:
      yes: budget
      no: {outcome: refused, goto: bye}
      busy: when
  when:
    ask: "Когда перезвонить?"
    expect: {type: datetime, save: when}
    on: {ok: {outcome: callback, goto: bye}}
  budget:
    ask: "Какой бюджет?"
    expect: {type: money, save: budget}
    on:
      ok:
        - {if: "budget >= min_budget", outcome: qualified, goto: code}
        - {outcome: cheap, goto: code}
  code:
    ask: "Введите код."
    expect: {type: dtmf, save: code, max_digits: 4, terminator: "#"}
    on: {ok: crm}
  crm:
    webhook:
      url: "http://127.0.0.1:9/crm/{{ code }}"
      body: {budget: "{{ budget }}", name: "{{ name }}"}
      timeout: 2
    on:
      success: {set: {note: "{{ response.status }}"}, goto: bye}
      error: {outcome: crm_down, goto: bye}
  bye:
    say: "Спасибо, {{ name }}!"
    hangup: true
"""


def script() -> Script:
    return load_script(SCRIPT).script


def says(actions: list[act.Action]) -> list[str]:
    return [a.text for a in actions if isinstance(a, act.Say)]


def result_of(actions: list[act.Action]) -> act.DialogResult:
    results = [a.result for a in actions if isinstance(a, act.SetResult)]
    assert len(results) == 1
    return results[0]


def said(text: str, minutes: int = 1) -> ev.UserSaid:
    return ev.UserSaid(text=text, at=T0 + timedelta(minutes=minutes))


def test_happy_path_with_webhook_response_mapped_into_a_slot() -> None:
    d = Dialog(script(), {"name": "Иван", "min_budget": 100}, now=T0)
    first = d.start()
    assert says(first) == ["Иван, заявка актуальна?"]
    listen = first[-1]
    assert isinstance(listen, act.Listen) and listen.expect == "confirm"
    assert says(d.handle(said("ага"))) == ["Какой бюджет?"]
    assert says(d.handle(said("двести рублей"))) == ["Введите код."]
    actions = d.handle(ev.Dtmf(digits="1234#"))
    hook = next(a for a in actions if isinstance(a, act.CallWebhook))
    assert hook.url == "http://127.0.0.1:9/crm/1234"
    assert hook.body == {"budget": 200, "name": "Иван"}
    end = d.handle(
        ev.WebhookResult(request_id=hook.request_id, status="success", data={"status": "new"})
    )
    assert says(end) == ["Спасибо, Иван!"]
    result = result_of(end)
    assert result.outcome == "qualified" and result.ending == "completed"
    assert result.fields == {
        "relevant": True,
        "budget": 200,
        "code": "1234",
        "when": None,
        "note": "new",
    }
    assert isinstance(end[-1], act.Hangup)
    assert d.handle(said("алло")) == []  # a finished dialog ignores further events


def test_webhook_timeout_and_stale_answers_take_the_fallback() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    d.handle(said("да"))
    d.handle(said("сто тысяч"))
    hook = next(a for a in d.handle(ev.Dtmf(digits="7#")) if isinstance(a, act.CallWebhook))
    assert d.handle(ev.WebhookResult(request_id="other", status="success")) == []
    result = result_of(d.handle(ev.WebhookResult(request_id=hook.request_id, status="timeout")))
    assert result.outcome == "crm_down"


def test_reprompt_uses_other_words_then_retries_run_out() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    assert says(d.handle(said("синий трактор"))) == ["Не поняла. Вам ещё интересно?"]
    result = result_of(d.handle(said("зелёный слон")))
    assert (result.outcome, result.ending) == ("unclear", "no_match")


def test_no_input_reprompts_then_ends() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    assert says(d.handle(ev.NoInput())) == ["Не слышу. Вам ещё интересно?"]
    assert result_of(d.handle(ev.NoInput())).ending == "no_input"


def test_repeat_and_who_is_this_return_to_the_question() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    assert says(d.handle(said("повторите пожалуйста"))) == ["Иван, заявка актуальна?"]
    assert says(d.handle(said("а кто это?"))) == [
        "Это тестовая компания.",
        "Иван, заявка актуальна?",
    ]
    assert d.state.step == "relevant" and d.state.waiting == "input"
    assert says(d.handle(said("да"))) == ["Какой бюджет?"]


def test_opt_out_wins_over_a_plain_no_and_operator_transfers() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    out = d.handle(said("нет, не звоните мне больше"))
    assert result_of(out).outcome == "opted_out"
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    out = d.handle(said("соедините с оператором"))
    assert result_of(out).outcome == "operator"
    assert [a.target for a in out if isinstance(a, act.Transfer)] == ["sip:op@example.org"]


def test_an_early_answer_fills_a_later_slot_and_skips_its_question() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    out = d.handle(said("да, бюджет около двухсот тысяч"))
    assert says(out) == ["Введите код."]
    understood = next(a for a in out if isinstance(a, act.Understood))
    assert understood.slots == {"relevant": True, "budget": 200000}
    assert d.state.outcome == "qualified"


def test_script_intent_and_relative_datetime_in_the_call_time_zone() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    assert says(d.handle(said("я сейчас занят"))) == ["Когда перезвонить?"]
    result = result_of(d.handle(said("завтра в три")))
    assert result.outcome == "callback"
    assert result.fields["when"] == "2026-11-22T15:00:00+03:00"


def test_low_confidence_asks_again() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    out = d.handle(ev.UserSaid(text="да", confidence=0.1))
    assert says(out) == ["Извините, я не расслышала. Вам ещё интересно?"]
    assert d.state.slots["relevant"] is None


def test_hangup_before_and_after_the_decision() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    out = d.handle(ev.HungUp())
    assert result_of(out).outcome == "hangup" and not any(isinstance(a, act.Hangup) for a in out)
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    d.handle(said("да"))
    d.handle(said("пятьсот рублей"))  # decides "qualified"
    result = result_of(d.handle(ev.HungUp()))
    assert (result.outcome, result.ending) == ("qualified", "hangup")


def test_voicemail_and_unanswered_calls_still_get_results() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    assert result_of(d.handle(ev.MachineDetected())).outcome == "voicemail"
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    assert result_of(d.handle(ev.NotConnected(reason="busy"))).outcome == "no_answer"


def test_too_many_turns_end_the_dialog() -> None:
    d = Dialog(script(), {"name": "Иван"}, now=T0)
    d.start()
    out: list[act.Action] = []
    for _ in range(20):
        out = d.handle(said("повторите"))
        if d.finished:
            break
    assert result_of(out).ending == "max_turns"
    assert d.state.turns == 13


def test_a_goto_loop_ends_with_an_error_result() -> None:
    text = SCRIPT.replace(
        "  bye:\n    say:", "  loop_a: {goto: loop_b}\n  loop_b: {goto: loop_a}\n  bye:\n    say:"
    ).replace("no: {outcome: refused, goto: bye}", "no: loop_a")
    d = Dialog(load_script(text).script, {"name": "Иван"}, now=T0)
    d.start()
    result = result_of(d.handle(said("нет")))
    assert result.ending == "error" and result.outcome == "unclear"
    assert "loops" in (result.error or "")


def test_state_survives_json_and_the_restored_dialog_continues_identically() -> None:
    s = script()
    original = Dialog(s, {"name": "Иван"}, now=T0)
    original.start()
    original.handle(said("да"))
    saved = original.state.model_dump_json()
    restored = Dialog.restore(s, DialogState.model_validate_json(saved))
    for dialog in (original, restored):
        dialog.handle(said("триста рублей"))
        dialog.handle(ev.Dtmf(digits="42#"))
    assert original.state == restored.state


NOW = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(MSK)
)
EVENTS = st.one_of(
    st.builds(
        ev.UserSaid,
        text=st.sampled_from(
            [
                "да",
                "нет",
                "ага",
                "я занят",
                "завтра в три",
                "сто тысяч",
                "кто это",
                "повторите",
                "соедините с оператором",
                "не звоните мне",
                "",
                "ээ ну",
                "12",
                "синий",
            ]
        ),
        confidence=st.floats(0, 1),
    ),
    st.builds(ev.Dtmf, digits=st.sampled_from(["1", "12#", "#", "9999"])),
    st.just(ev.NoInput()),
    st.just(ev.PlaybackDone()),
    st.builds(ev.Interrupted, heard_ms=st.integers(0, 5000)),
    st.builds(
        ev.WebhookResult,
        request_id=st.just("crm-1"),
        status=st.sampled_from(["success", "error", "timeout"]),
        data=st.sampled_from([None, {"status": "ok"}, [1], "x"]),
    ),
    st.just(ev.HungUp()),
    st.just(ev.MachineDetected()),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(EVENTS, max_size=40), now=NOW)
def test_every_dialog_ends_with_exactly_one_valid_result(events: list, now: datetime) -> None:
    s = script()
    d = Dialog(s, {"name": "Иван"}, now=now)
    actions = d.start()
    for event in events:
        actions += d.handle(event)
    actions += d.handle(ev.HungUp())  # the call always ends eventually
    results = [a.result for a in actions if isinstance(a, act.SetResult)]
    assert len(results) == 1
    result = results[0]
    assert result.outcome in s.result.outcomes
    assert set(result.fields) == set(s.result.fields)
    for name, value in result.fields.items():
        assert coerce(value, s.result.fields[name].types()) == value
    assert result.error is None or result.ending == "error"


def test_keypad_branches_on_a_yes_no_question() -> None:
    text = SCRIPT.replace(
        "      busy: when\n",
        '      busy: when\n      "1": budget\n      "2": {outcome: refused, goto: bye}\n',
    )
    d = Dialog(load_script(text).script, {"name": "Иван"}, now=T0)
    first = d.start()
    listen = first[-1]
    assert isinstance(listen, act.Listen) and listen.dtmf is not None
    assert says(d.handle(ev.Dtmf(digits="1"))) == ["Какой бюджет?"]
    assert d.state.slots["relevant"] is None  # a key is a branch, not a yes/no value
    d = Dialog(load_script(text).script, {"name": "Иван"}, now=T0)
    d.start()
    assert result_of(d.handle(ev.Dtmf(digits="2"))).outcome == "refused"


def test_a_step_policy_without_prompts_uses_the_script_wording() -> None:
    text = SCRIPT.replace(
        '    reprompt: "Вам ещё интересно?"\n',
        '    reprompt: "Вам ещё интересно?"\n    no_match: 2\n',
    )
    d = Dialog(load_script(text).script, {"name": "Иван"}, now=T0)
    d.start()
    assert says(d.handle(said("синий трактор"))) == ["Не поняла. Вам ещё интересно?"]
