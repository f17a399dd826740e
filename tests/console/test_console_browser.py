"""The console in a real browser: sign in, a finished call's recording plays, the timeline
shows what happened on a live call, the editor marks a mistake on its line and chats with the
fixed script, a dead delivery is retried, and another tenant's ids are 404s."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot_engine.service.console.demo import TENANT_ENV, console_url

from .conftest import PHONE, TOO_WIDE, UNLABELLED, Browser, screenshot
from .server import (
    CONSENT_SCRIPT,
    LEAD_SCRIPT,
    LIVE_SPEECH,
    ConsoleServer,
    live_report,
    write_stereo,
)

pytestmark = pytest.mark.slow


@dataclass
class Seeded:
    key: str
    other_key: str
    simulated_call: str
    live_call: str
    dead_delivery: str
    other_call: str


@pytest.fixture(scope="module")
def seeded(server: ConsoleServer) -> Seeded:
    key = server.tenant("acme")
    other_key = server.tenant("globex")
    server.upload("acme", LEAD_SCRIPT)
    server.upload("acme", CONSENT_SCRIPT)
    server.upload("globex", LEAD_SCRIPT)
    simulated = server.simulated_call("acme", ["yes", "about 5000 dollars"], server.hook_url)
    dead = server.delivery_of("acme", simulated, "dead")
    live = server.live_call("acme")
    other = server.simulated_call("globex", ["no"], None)
    return Seeded(key, other_key, simulated, live, dead, other)


def test_sign_in_wrong_key_then_right_key_then_out(browser: Browser, seeded: Seeded) -> None:
    page = browser.page()
    page.goto(f"{browser.base}/ui/calls")
    page.wait_for_url("**/ui/login?next=/ui/calls")
    screenshot(page, "login")
    browser.allow(r"status of 401")
    page.get_by_label("API key").fill("vb_nothing_wrong")
    page.get_by_role("button", name="Sign in").click()
    assert "That key is not valid." in page.locator("[role=alert]").inner_text()
    page.get_by_label("API key").fill(seeded.key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/ui/calls")
    cookie = next(c for c in browser.context.cookies() if c["name"] == "vb_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/ui"
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 2  # acme's two calls, not globex's
    assert seeded.other_call not in page.content()
    screenshot(page, "calls")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/ui/login")
    page.goto(f"{browser.base}/ui/calls")  # the session is gone, not just the cookie
    page.wait_for_url("**/ui/login?next=/ui/calls")


def test_calls_filters_and_phone_width(browser: Browser, seeded: Seeded) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key)
    page.get_by_label("Direction").select_option("inbound")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**direction=inbound*")
    assert page.locator("table.list tbody tr").count() == 1
    assert seeded.live_call in page.content()
    page.get_by_label("Outcome").fill("qualified")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**outcome=qualified*")
    assert "No calls match." in page.content()
    page.set_viewport_size(PHONE)
    page.goto(f"{browser.base}/ui/calls")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1  # nothing forces the phone to scroll sideways
    screenshot(page, "calls-phone")


def test_finished_call_recording_plays(browser: Browser, seeded: Seeded) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key, f"/ui/calls/{seeded.simulated_call}")
    assert page.locator("#call-status").inner_text() == "completed"
    assert page.locator("#outcome").inner_text() == "qualified"
    transcript = page.locator("table.transcript").inner_text()
    assert "What budget do you have in mind?" in transcript
    assert "about 5000 dollars" in transcript
    assert page.locator("#timeline rect.speech.robot").count() >= 2
    # each line plays from where it is in the recording (not from its wall-clock time)
    budget = page.locator("tr.turn", has_text="What budget").locator("button.seek")
    starts = page.locator("#timeline rect.speech.robot").evaluate_all(
        "rects => rects.map(r => Number(r.dataset.start))"
    )
    line_start = float(budget.get_attribute("data-start") or -1)
    assert min(abs(line_start - s) for s in starts) < 0.4, (line_start, starts)
    assert line_start > 2.0  # after the greeting and the caller's answer
    page.locator("table.transcript button.seek").first.click()
    page.wait_for_function(
        "() => { const a = document.getElementById('player'); return a.currentTime > 0; }"
    )
    page.evaluate("document.getElementById('player').pause()")
    screenshot(page, "call")
    for path in (f"/ui/calls/{seeded.simulated_call}", "/ui/editor?script=lead_qualification_en"):
        page.set_viewport_size(PHONE)
        page.goto(f"{browser.base}{path}")
        wide = page.evaluate(TOO_WIDE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, wide
    screenshot(page, "editor-phone")


def test_live_call_timeline_and_consent_span(browser: Browser, seeded: Seeded) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key, f"/ui/calls/{seeded.live_call}")
    for kind in ("barge_in", "dtmf", "webhook", "transfer"):
        assert page.locator(f"#timeline line.mark.{kind}").count() == 1, kind
    assert page.locator("#timeline rect.mark-span.consent").count() == 1
    caller = page.locator("#timeline rect.speech.caller")
    robot = page.locator("#timeline rect.speech.robot")
    assert caller.count() == 1 and robot.count() == 2
    barge = page.locator("ul.marks button.mark-barge_in")
    assert barge.get_attribute("data-start") == "2.3"
    gaps = page.locator("table.gaps tbody tr")
    assert gaps.count() == 2 and "436" in gaps.nth(1).inner_text()
    assert "0.91" in page.locator("table.transcript").inner_text()
    page.locator("a.play-span").click()  # plays 5.4 s to 6.6 s of the recording
    page.wait_for_function(
        "() => { const a = document.getElementById('player');"
        " return a.currentTime >= 5.4 && a.paused; }"
    )
    assert page.evaluate("document.getElementById('player').currentTime") <= 7.0
    screenshot(page, "call-live")


def _line_of(source: str, needle: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if needle in line)


def test_editor_marks_the_mistake_then_chats_and_saves(
    browser: Browser, seeded: Seeded
) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key, "/ui/editor?script=lead_qualification_en")
    editor = page.locator("#source")
    page.wait_for_function("() => document.querySelectorAll('#chat li.bot').length >= 1")
    assert "Hello lead_name!" in page.locator("#chat").inner_text()  # a sample to edit
    variables = page.get_by_label("Variables (YAML)")
    assert variables.input_value() == 'lead_name: "lead_name"'
    variables.fill("lead_name: Ann")
    variables.press("Tab")
    page.wait_for_function("() => document.getElementById('chat').textContent.includes('Ann!')")
    original = editor.input_value()
    broken = original.replace("goto: ask_budget", "goto: ask_budjet")
    line = _line_of(broken, "ask_budjet")
    editor.fill(broken)
    error_line = page.locator(f"#gutter .ln.has-error[data-line='{line}']")
    error_line.wait_for()
    marked = page.locator(f"#backdrop mark.error[data-line='{line}']").inner_text()
    assert marked.strip() and marked in broken.splitlines()[line - 1]
    assert page.locator("#gutter .ln.has-error").count() == 1
    assert editor.get_attribute("aria-invalid") == "true"
    issue = page.locator("#issues button.issue").first
    assert issue.get_attribute("data-line") == str(line)
    screenshot(page, "editor-error")
    issue.click()  # puts the caret on the mistake
    caret = page.evaluate("document.getElementById('source').selectionStart")
    assert broken[:caret].count("\n") + 1 == line

    editor.fill(original.replace("What budget do you have in mind?", "How much can you spend?"))
    page.wait_for_function(
        "() => document.getElementById('issues-summary').textContent === 'No issues.'"
    )
    assert page.locator("#gutter .ln.has-error").count() == 0
    chat_input = page.get_by_label("Your reply")
    chat_input.fill("yes")
    chat_input.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('chat').textContent.includes('How much can you spend?')"
    )
    chat_input.fill("about 3000 dollars")
    page.get_by_role("button", name="Send").click()
    page.locator("#chat-outcome").wait_for()
    assert page.locator("#chat-outcome").inner_text() == "qualified"
    assert "3000" in page.locator("#chat-result").inner_text()
    screenshot(page, "editor")

    page.get_by_role("button", name="Save as new version").click()
    saved = page.locator("#saved-link")
    saved.wait_for()
    assert saved.inner_text() == "Saved as version 2."
    saved.click()
    page.wait_for_url("**/ui/scripts/lead_qualification_en?version=2")
    assert "How much can you spend?" in page.locator("pre.source").inner_text()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/diff?a=1&b=2")
    assert "What budget do you have in mind?" in page.locator("table.diff tr.del").inner_text()
    assert "How much can you spend?" in page.locator("table.diff tr.add").inner_text()
    screenshot(page, "script-diff")


def test_retry_a_dead_delivery(browser: Browser, server: ConsoleServer, seeded: Seeded) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key, "/ui/deliveries?status=dead")
    row = page.locator("table.list tbody tr", has_text=seeded.dead_delivery)
    assert "down for maintenance" in row.inner_text() or "500" in row.inner_text()
    screenshot(page, "deliveries")
    row.get_by_role("link", name=seeded.dead_delivery).click()
    page.wait_for_url(f"**/ui/deliveries/{seeded.dead_delivery}")
    attempts_before = page.locator("table.attempts tbody tr").count()
    assert attempts_before >= 1
    server.receiver.working = True
    page.get_by_role("button", name="Retry now").click()
    page.wait_for_url("**?retried=1")
    assert page.locator("#retried").is_visible()
    page.locator(".badge.delivery-delivered").wait_for(timeout=60_000)  # the page follows it
    assert page.locator("table.attempts tbody tr").count() == attempts_before + 1
    assert server.receiver.received == 1
    screenshot(page, "delivery")


def test_another_tenants_ids_are_404(browser: Browser, seeded: Seeded) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.other_key)
    browser.allow(r"status of 404")
    for path in (
        f"/ui/calls/{seeded.simulated_call}",
        f"/ui/calls/{seeded.simulated_call}/recording",
        f"/ui/deliveries/{seeded.dead_delivery}",
        "/ui/scripts/consent_confirmation",
    ):
        response = page.goto(f"{browser.base}{path}")
        assert response is not None and response.status == 404, path
    response = page.goto(f"{browser.base}/ui/calls/{seeded.other_call}")
    assert response is not None and response.status == 200


def test_keys_and_routes_in_russian(
    browser: Browser, server: ConsoleServer, seeded: Seeded
) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key, "/ui/keys")
    page.get_by_role("link", name="RU").click()
    page.wait_for_url("**/ui/keys")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("link", name="Звонки").is_visible()
    page.get_by_role("button", name="Создать ключ").click()
    new_key = page.locator("#new-key").inner_text()
    assert new_key.startswith("vb_")
    with server.api("acme") as client:  # the key works on the API
        client.headers["authorization"] = f"Bearer {new_key}"
        assert client.get("/v1/calls").status_code == 200
        key_id = new_key.split("_")[1]
        page.get_by_role("button", name=f"Отозвать {key_id}").click()
        page.wait_for_url("**/ui/keys?revoked=1")
        assert client.get("/v1/calls").status_code == 401
    screenshot(page, "keys")

    page.goto(f"{browser.base}/ui/routes")
    page.get_by_label("Кому").fill(r"^\+7495\d+$")
    page.get_by_label("Сценарий").select_option("consent_confirmation")
    page.get_by_label("Переменные", exact=True).fill("name: Ann\ncompany: Acme")
    page.get_by_role("button", name="Создать").click()
    token = page.locator("#route-token").inner_text()
    assert len(token) > 20
    assert "consent_confirmation" in page.locator("table.list").inner_text()
    screenshot(page, "routes")
    browser.allow(r"status of 422 .* at .*/ui/routes$")  # the refusal this test asks for
    page.get_by_label("Переменные", exact=True).fill("nickname: Bob")
    page.get_by_role("button", name="Создать").click()
    assert "nickname" in page.locator("#route-errors").inner_text()
    page.get_by_role("button", name=re.compile("^Удалить ")).first.click()
    page.wait_for_url("**/ui/routes?deleted=1")
    assert "Маршрут удалён." in page.content()


def test_accept_language_picks_russian(chromium: Any, server: ConsoleServer) -> None:
    context = chromium.new_context(locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/ui/login")
        assert page.locator("h1").inner_text() == "Вход"
        assert page.get_by_label("Ключ API").is_visible()
    finally:
        context.close()


def test_the_demo_call_gets_a_console_link(
    browser: Browser, server: ConsoleServer, seeded: Seeded, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`voicebot demo` with a console serving on the same settings: the finished call is
    stored for the tenant and its page URL is printed."""
    monkeypatch.setenv("VOICEBOT_DATA_DIR", str(server.data_dir))
    monkeypatch.setenv("VOICEBOT_PORT", str(server.port))
    monkeypatch.delenv(TENANT_ENV, raising=False)
    recording = tmp_path / "demo-call.wav"
    write_stereo(recording, *LIVE_SPEECH)
    report = live_report("local", datetime.now(UTC) - timedelta(seconds=20))
    assert console_url(report, CONSENT_SCRIPT, recording) is None  # two tenants: whose?
    monkeypatch.setenv(TENANT_ENV, "acme")
    url = console_url(report, CONSENT_SCRIPT, recording)
    assert url is not None and url.startswith(f"{server.url}/ui/calls/")
    page = browser.page()
    browser.sign_in(page, seeded.key, url.removeprefix(server.url))
    assert "Do you agree?" in page.locator("table.transcript").inner_text()
    assert page.locator("#timeline line.mark.barge_in").count() == 1
    page.locator("ul.marks button.mark-consent").click()
    page.wait_for_function("() => document.getElementById('player').currentTime >= 5.4")
    monkeypatch.setenv("VOICEBOT_PORT", "1")  # nothing serves there: no link
    assert console_url(report, CONSENT_SCRIPT, recording) is None


def test_every_control_is_labelled_and_the_keyboard_gets_in(
    browser: Browser, seeded: Seeded
) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key)
    for path in (
        "/ui/calls", f"/ui/calls/{seeded.live_call}", "/ui/scripts",
        "/ui/scripts/lead_qualification_en", "/ui/editor", "/ui/deliveries",
        f"/ui/deliveries/{seeded.dead_delivery}", "/ui/routes", "/ui/keys",
    ):
        page.goto(f"{browser.base}{path}")
        assert page.evaluate(UNLABELLED) == [], path
        assert page.locator("h1").count() == 1, path
    page.goto(f"{browser.base}/ui/calls")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the first control of the page itself: the status filter
    assert page.evaluate("document.activeElement.id") == "f-status"
