"""Campaigns in a real browser: create one from the form with a lead file that has a bad row
and see the row reported by its number; start it and watch its page follow the calls (the
service's own dispatcher placing simulated calls that the test answers through the API); pause
and resume; download the report; another tenant's campaign is a 404; the do-not-call page.

The dispatcher runs on the system clock here, so the campaign's windows are opened all day and
every wait is for something the page shows (polling), never for time to pass."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import PHONE, SCREENSHOTS, TOO_WIDE, UNLABELLED, Browser, screenshot
from .server import LEAD_SCRIPT, ConsoleServer

pytestmark = pytest.mark.slow

LEADS = """phone,lead_name,external_id
+74957770001,Ann,L1
+74957770002,Boris,L2
12345,Bad,B1
+74957770003,Clara,L3
"""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ANSWERS = {
    "+74957770001": ["yes", "about 5000 dollars"],
    "+74957770002": ["no"],
    "+74957770003": ["yes", "about 12000 dollars"],
}
"""What each lead says when called (whichever the dispatcher calls first)."""


@dataclass
class Seeded:
    key: str
    other_key: str


@pytest.fixture(scope="module")
def seeded(server: ConsoleServer) -> Seeded:
    key = server.tenant("acme")
    other_key = server.tenant("globex")
    server.upload("acme", LEAD_SCRIPT)
    server.upload("globex", LEAD_SCRIPT)
    return Seeded(key, other_key)


def answer_next_call(server: ConsoleServer, campaign_id: str) -> tuple[str, str]:
    """The campaign's call in progress, answered as its lead would (`ANSWERS`) through the
    API (the simulated dialer's caller), and waited for to its end: (call id, phone)."""
    with server.api("acme") as client:
        def talking() -> tuple[str, str] | None:
            calls = client.get(
                "/v1/calls", params={"campaign": campaign_id, "status": "in_progress"}
            ).json()
            return (calls[0]["id"], calls[0]["to"]) if calls else None

        call_id, phone = server._until(talking)
        for line in ANSWERS[phone]:
            sent = client.post(f"/v1/calls/{call_id}/input", json={"text": line})
            assert sent.status_code == 202, sent.text
        server._until(
            lambda: client.get(f"/v1/calls/{call_id}").json()["status"] in ("completed", "failed")
        )
    return call_id, phone


def draft_by_api(server: ConsoleServer, name: str) -> str:
    with server.api("acme") as client:
        made = client.post("/v1/campaigns", json={
            "name": name, "script_id": "lead_qualification_en", "default_region": "RU",
        })
    assert made.status_code == 201, made.text
    campaign_id: str = made.json()["id"]
    return campaign_id


def campaign_api(server: ConsoleServer, campaign_id: str) -> dict[str, Any]:
    with server.api("acme") as client:
        body: dict[str, Any] = client.get(f"/v1/campaigns/{campaign_id}").json()
    return body


def wait_for_count(page: Any, state: str, count: int) -> None:
    """The live part of the page (it polls) shows `count` leads in `state`."""
    page.wait_for_function(
        "([state, count]) => { const td = document.querySelector("
        "`#lead-states td[data-state=\"${state}\"]`); return td && td.textContent.trim() === "
        "String(count); }",
        arg=[state, count],
    )


def fill_campaign_form(page: Any, name: str, leads: str | None) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Script").select_option("lead_qualification_en")
    for day in DAYS:  # all day, every day: the test does not depend on when it runs
        page.locator(f"#c-window-{day}").fill("00:00-24:00")
    page.get_by_label("Calls at once").fill("1")
    page.get_by_label("Calls per minute").fill("600")
    if leads is not None:
        page.get_by_label("Lead file (CSV)").set_input_files(
            {"name": "november.csv", "mimeType": "text/csv", "buffer": leads.encode()}
        )


def test_a_campaign_from_a_csv_with_a_bad_row_runs_pauses_resumes_and_reports(
    browser: Browser, server: ConsoleServer, seeded: Seeded, tmp_path: Path
) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key, "/ui/campaigns")
    page.get_by_role("link", name="New campaign").click()
    page.wait_for_url("**/ui/campaigns/new")
    fill_campaign_form(page, "november leads", LEADS)
    screenshot(page, "campaign-new")
    page.get_by_role("button", name="Create campaign").click()
    page.wait_for_url(re.compile(r".*/ui/campaigns/[0-9a-f]+$"))
    campaign_id = page.url.rsplit("/", 1)[1]
    assert page.locator("#import-summary").inner_text() == "Accepted rows: 3; rejected: 1."
    rejected = page.locator("#rejected-rows tbody tr")
    assert rejected.count() == 1
    assert rejected.locator("td").nth(0).inner_text() == "4"  # the header is row 1
    assert rejected.locator("td").nth(1).inner_text() == (
        "phone: not a valid number for its country"
    )
    assert page.locator("#campaign-status").inner_text() == "Draft"
    wait_for_count(page, "pending", 3)
    expected = {"+74957770001": "qualified", "+74957770002": "not_qualified",
                "+74957770003": "qualified"}
    screenshot(page, "campaign-created")

    page.get_by_role("button", name="Start").click()
    page.locator("#campaign-status[data-status='running']").wait_for()
    page.wait_for_function("() => document.getElementById('calling-count').textContent === '1'")
    first, first_phone = answer_next_call(server, campaign_id)
    wait_for_count(page, "done", 1)  # the page follows without a reload
    page.locator(f"#outcomes tr[data-outcome='{expected[first_phone]}']").wait_for()
    assert page.locator("#calls-placed").inner_text() in ("1", "2")
    screenshot(page, "campaign-running")
    page.screenshot(path=str(SCREENSHOTS / "campaign-top.png"))  # 1280x800, for the README

    page.get_by_role("button", name="Pause").click()
    page.locator("#campaign-status[data-status='paused']").wait_for()
    assert page.locator("#campaign-status").inner_text() == "Paused"
    placed = campaign_api(server, campaign_id)["counts"]["calls"]
    if placed == 2:  # the next lead was dialled before the pause: its call still finishes
        answer_next_call(server, campaign_id)
    server.run(server.service.campaigns.run_once())  # a dispatch round while paused
    held = campaign_api(server, campaign_id)
    assert held["status"] == "paused" and held["counts"]["calls"] == placed
    assert held["counts"]["states"]["calling"] == 0
    wait_for_count(page, "pending", 3 - placed)
    wait_for_count(page, "calling", 0)
    page.locator("#campaign-live").screenshot(path=str(SCREENSHOTS / "campaign-progress.png"))

    page.get_by_role("button", name="Resume").click()
    page.locator("#campaign-status[data-status='running'], #campaign-status[data-status="
                 "'finished']").wait_for()
    for _ in range(3 - placed):
        answer_next_call(server, campaign_id)
    page.locator("#campaign-status[data-status='finished']").wait_for()  # reloaded when done
    assert page.locator("#campaign-status").inner_text() == "Complete"
    wait_for_count(page, "done", 3)
    outcomes = page.locator("#outcomes tbody tr")
    assert outcomes.count() == 2
    assert outcomes.nth(0).get_attribute("data-outcome") == "qualified"  # largest first
    assert outcomes.nth(0).locator("td.num").inner_text() == "2"
    assert page.locator("#action-start, #action-pause, #action-resume, #more-leads").count() == 0
    screenshot(page, "campaign")

    with page.expect_download() as download:
        page.locator("#report-link").click()
    report = tmp_path / "report.csv"
    download.value.save_as(report)
    assert download.value.suggested_filename == f"campaign-{campaign_id}.csv"
    with report.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["external_id"]: (r["state"], r["outcome"]) for r in rows} == {
        "L1": ("done", "qualified"), "L2": ("done", "not_qualified"),
        "L3": ("done", "qualified"),
    }
    assert next(r for r in rows if r["external_id"] == "L1")["budget"] in ("5000", "5000.0")

    page.locator("#outcomes a", has_text="qualified").first.click()
    page.wait_for_url("**/leads?outcome=qualified")
    assert page.locator("table.leads tbody tr").count() == 2
    page.get_by_label("Outcome").select_option("not_qualified")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**outcome=not_qualified*")
    leads = page.locator("table.leads tbody tr")
    assert leads.count() == 1 and "+74957770002" in leads.inner_text()
    screenshot(page, "campaign-leads")

    page.goto(f"{browser.base}/ui/calls?campaign={campaign_id}")
    assert page.locator("table.list tbody tr").count() == 3
    assert page.get_by_label("Campaign").input_value() == campaign_id
    page.get_by_role("link", name=first).click()
    page.wait_for_url(f"**/ui/calls/{first}")
    facts = page.locator("#call-campaign").inner_text()
    assert "november leads" in facts and "attempt 1" in facts
    assert f"L{first_phone[-1]}" in facts  # the lead's external id
    page.locator("#call-campaign a", has_text="november leads").click()
    page.wait_for_url(f"**/ui/campaigns/{campaign_id}")

    page.set_viewport_size(PHONE)
    for path in (
        f"/ui/campaigns/{campaign_id}", f"/ui/campaigns/{campaign_id}/leads",
        "/ui/campaigns/new", "/ui/campaigns", "/ui/dnc",
    ):
        page.goto(f"{browser.base}{path}")
        wide = page.evaluate(TOO_WIDE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, (
            path, wide,
        )
    screenshot(page, "campaigns-phone")


def test_cancel_asks_first_and_a_start_without_leads_is_explained(
    browser: Browser, server: ConsoleServer, seeded: Seeded
) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key, "/ui/campaigns/new")
    fill_campaign_form(page, "no leads yet", None)
    page.get_by_role("button", name="Create campaign").click()
    page.wait_for_url(re.compile(r".*/ui/campaigns/[0-9a-f]+$"))
    browser.allow(r"status of 409")  # the refusal this test asks for
    page.get_by_role("button", name="Start").click()
    assert "upload leads first" in page.locator("#campaign-error").inner_text()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Cancel").click()
    assert page.locator("#campaign-status").inner_text() == "Draft"  # said no: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel").click()
    page.locator("#campaign-status[data-status='cancelled']").wait_for()
    page.goto(f"{browser.base}/ui/campaigns?status=cancelled")
    assert page.locator("table.campaigns tbody tr").count() == 1
    assert "no leads yet" in page.locator("table.campaigns").inner_text()
    screenshot(page, "campaigns")


def test_another_tenants_campaign_is_404(
    browser: Browser, server: ConsoleServer, seeded: Seeded
) -> None:
    campaign_id = draft_by_api(server, "acme only")
    page = browser.page()
    browser.sign_in(page, seeded.other_key, "/ui/campaigns")
    assert "acme only" not in page.content()
    browser.allow(r"status of 404")
    for path in (
        f"/ui/campaigns/{campaign_id}",
        f"/ui/campaigns/{campaign_id}/leads",
        f"/ui/campaigns/{campaign_id}/report.csv",
        f"/ui/calls?campaign={campaign_id}",
    ):
        response = page.goto(f"{browser.base}{path}")
        assert response is not None and response.status == 404, path
    assert "Not found" in page.locator("h1").inner_text()


def test_do_not_call_page_in_russian(
    browser: Browser, server: ConsoleServer, seeded: Seeded
) -> None:
    page = browser.page()
    browser.sign_in(page, seeded.key, "/ui/dnc")
    page.get_by_role("link", name="RU").click()
    page.wait_for_url("**/ui/dnc")
    page.locator("#d-phone").fill("8 495 777-00-09")
    page.locator("#d-reason").fill("просил по телефону")
    page.get_by_role("button", name="Добавить").click()
    page.wait_for_url("**/ui/dnc?added=%2B74957770009")
    assert "+74957770009 внесён в список." in page.locator("#dnc-notice").inner_text()
    page.locator("#d-check").fill("+7 495 777 00 09")
    page.get_by_role("button", name="Проверить").click()
    assert "+74957770009 в списке" in page.locator("#check-result").inner_text()
    page.locator("#d-file").set_input_files(
        {"name": "dnc.csv", "mimeType": "text/csv",
         "buffer": "phone,reason\n+74957770010,суд\nне номер,x\n".encode()}
    )
    page.get_by_role("button", name="Загрузить").click()
    assert page.locator("#import-summary").inner_text() == "Принято строк: 1; отклонено: 1."
    assert page.locator("#rejected-rows td").nth(0).inner_text() == "3"
    entries = page.locator("#dnc-entries tbody")
    assert "+74957770010" in entries.inner_text() and "+74957770009" in entries.inner_text()
    screenshot(page, "dnc")
    page.get_by_role("button", name="Убрать +74957770009").click()
    page.wait_for_url("**/ui/dnc?removed=%2B74957770009")
    assert "+74957770009" not in page.locator("#dnc-entries").inner_text()


def test_campaign_pages_are_labelled(
    browser: Browser, server: ConsoleServer, seeded: Seeded
) -> None:
    campaign_id = draft_by_api(server, "labels")
    page = browser.page()
    browser.sign_in(page, seeded.key, "/ui/campaigns")
    for path in (
        "/ui/campaigns", "/ui/campaigns/new", f"/ui/campaigns/{campaign_id}",
        f"/ui/campaigns/{campaign_id}/leads", "/ui/dnc",
    ):
        page.goto(f"{browser.base}{path}")
        assert page.evaluate(UNLABELLED) == [], path
        assert page.locator("h1").count() == 1, path
