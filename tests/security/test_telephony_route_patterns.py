"""Route patterns from tenants: overlap between tenants is never missed, patterns the
linear-time engine cannot run are refused at creation, and matching is kept off the event
loop with answers that never depend on the machine's load."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot_engine.call import route_patterns
from bot_engine.call.route_patterns import literal_prefix, matches, may_overlap
from bot_engine.service import route_lookup
from bot_engine.service.app import create_app
from bot_engine.service.inbound import CallRefused
from bot_engine.storage import inbound_routes as route_repo
from media_gateway.call_leg import CallInfo
from tests.service.conftest import Api, make_settings, silent_speaker, upload

SCRIPT = (Path(__file__).parents[1] / "service" / "scripts" / "inbound_check.en.yaml").read_text()
EVIL = "^(\\d|\\d\\d)+$"


def test_literal_prefixes() -> None:
    assert literal_prefix("^\\+7812\\d{7}$") == "+7812"
    assert literal_prefix("\\A\\+7495") == "+7495"
    assert literal_prefix("+74951234567") == "+74951234567"  # text is its own prefix
    assert literal_prefix("^\\+78?1") == "+7"  # the quantifier takes the 8 with it
    assert literal_prefix("^\\+7|^8") == ""  # alternation: no common text
    assert literal_prefix("(?i)^abc") == ""  # case-insensitive: unknown
    assert literal_prefix("^[+]7") == "+7"  # a one-character class is that character
    assert literal_prefix("^[+8]7") == ""


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("+74951234567", "+74951234567", True),
        ("+74951234567", "+74951234568", False),
        ("^\\+7812\\d{7}$", "^\\+78.*$", True),  # the reported takeover
        ("^\\+7812\\d{7}$", "+78121234567", True),
        ("^\\+7812\\d{7}$", "+7812123456", False),  # one digit short
        ("^\\+7812\\d{7}$", "^\\+7495\\d{7}$", False),
        ("^\\+7\\d{10}$", "^\\+7812\\d{7}$", True),
        ("^\\+7812\\d{7}$", "^\\+7812[a-z]+$", True),  # conservative: same prefix
        ("^\\+7812\\d{3}$", "^\\+78\\d{1}$", False),  # the shorter cannot continue +7812
        ("^\\d+$", "^\\+7\\d+$", False),  # digits never start with "+"
        ("^.*$", "+1", True),
    ],
)
def test_overlap(a: str, b: str, overlap: bool) -> None:
    assert may_overlap(a, b) is overlap
    assert may_overlap(b, a) is overlap


_PIECES = st.sampled_from(["1", "2", "7", "8", "\\+", "\\d", "\\d{2}", "[0-5]", "[5-9]", ".",
                           ".*", "\\d*", "1?", "(1|2)", "(12|7)", "[0-9]{1,3}"])
_PATTERNS = st.lists(_PIECES, min_size=1, max_size=6).map(lambda p: "^" + "".join(p) + "$")
_NUMBERS = st.text(alphabet="+1278", min_size=0, max_size=8)


@settings(max_examples=400, deadline=None)
@given(_PATTERNS, _PATTERNS, st.lists(_NUMBERS, min_size=1, max_size=20))
def test_overlap_is_never_missed(a: str, b: str, values: list[str]) -> None:
    """Soundness: any value both patterns match means `may_overlap` said so."""
    if any(matches(a, v) and matches(b, v) for v in values):
        assert may_overlap(a, b) and may_overlap(b, a)


def test_a_catastrophic_pattern_gets_its_meaning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the load: the old per-pattern time limit, set to nothing, changes nothing."""
    monkeypatch.setattr(route_patterns, "MATCH_TIMEOUT_S", 0.0, raising=False)
    assert matches(EVIL, "1" * 5000)
    assert not matches(EVIL, "1" * 5000 + "x")
    assert matches("+1555", "+1555") and not matches("^\\+1555$", "+15550")


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}", tmp_path,
                             inbound_routes_per_tenant=3)
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        yield Api(app)


@pytest.mark.parametrize(("pattern", "construct"), [
    ("^(\\+7)\\1\\d+$", "backreference"), ("^(?!\\+7)\\d+$", "lookahead"),
    ("^\\+(?<!0)\\d+$", "lookbehind"), ("^\\+\\d++$", "possessive quantifier"),
])
async def test_a_pattern_that_needs_backtracking_is_refused(
    api: Api, pattern: str, construct: str
) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, SCRIPT)
        refused = await client.post("/v1/inbound-routes", json={
            "script_id": "inbound_check", "match": {"from": pattern}})
        assert refused.status_code == 422, refused.text
        issue = refused.json()["issues"][0]
        assert issue["path"] == "body.match.from"
        assert f"unsupported {construct}" in issue["message"]
        assert "linear-time engine" in issue["message"]


async def test_too_many_routes_and_bad_variables_are_refused(api: Api) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, SCRIPT)
        evil = await client.post("/v1/inbound-routes",
                                 json={"script_id": "inbound_check", "match": {"to": EVIL}})
        assert evil.status_code == 201  # runs in linear time: nothing to refuse
        await client.delete(f"/v1/inbound-routes/{evil.json()['id']}")
        typed = await client.post("/v1/inbound-routes", json={
            "script_id": "inbound_check", "match": {"to": "+1"},
            "variables": {"lead_name": {"not": "a string"}}})
        assert typed.status_code == 422 and "lead_name" in typed.text
        for n in range(3):
            created = await client.post("/v1/inbound-routes", json={
                "script_id": "inbound_check", "match": {"to": f"+1{n}"}})
            assert created.status_code == 201
        over = await client.post("/v1/inbound-routes", json={
            "script_id": "inbound_check", "match": {"to": "+19"}})
        assert over.status_code == 409 and "limit" in over.text


async def test_routing_runs_off_the_loop_with_the_same_answer_under_load(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20 catastrophic routes (a backtracking engine needs seconds for each): each call's
    matching happens on the routing thread, and its answer is the patterns' meaning even
    with the old per-pattern limit set to nothing (a loaded machine)."""
    tenant, _ = await api.tenant("acme")
    async with api.service.db.write() as session:
        for n in range(20):
            await route_repo.create_route(
                session, tenant_id=tenant, match={"to": EVIL}, exact_to=None,
                script_name="inbound_check", version=None, variables={}, variable_headers={},
                webhook=None, priority=n, token=f"t{n}",
            )
    threads: list[str] = []
    real_choose = route_lookup.choose

    def spy(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_choose(*args)

    monkeypatch.setattr(route_lookup, "choose", spy)
    monkeypatch.setattr(route_patterns, "MATCH_TIMEOUT_S", 0.0, raising=False)
    info = CallInfo("c1", "inbound", "+1", "1" * 40 + "x", "sip")
    with pytest.raises(CallRefused) as refused:
        await api.service.inbound.find(info)
    assert refused.value.sip_status == 404
    found = await api.service.inbound.find(CallInfo("c2", "inbound", "+1", "1" * 40, "sip"))
    assert found is not None and found.tenant_id == tenant
    assert threads and all(name.startswith("inbound-routing") for name in threads)
    assert threading.current_thread().name not in threads
