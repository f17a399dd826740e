"""Inbound routing: a rule picks the script, the request supplies the variables."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from bot_engine.call.answerer import Answerer
from bot_engine.call.dialer import OperatorDialing
from bot_engine.call.inbound import routed
from bot_engine.call.memory_sink import MemorySink
from bot_engine.call.report import CallReport
from bot_engine.call.routing import Router, RoutingError
from bot_engine.call.simulated_caller import SimulatedCaller
from bot_engine.call.speech import CallSpeech
from bot_engine.script import ScriptError
from bot_engine.script.model import Script
from media_gateway.call_leg import CallInfo
from media_gateway.sip import CallFailed, SipConfig, SipUserAgent
from tests.call_session.call_session_helpers import HERE, turns

ROUTES = f"""
routes:
  - match: {{callee: "sales"}}
    script: lead_qualification.en
    variables: {{company: "Acme Furniture", product: "a custom kitchen"}}
    headers: {{X-Lead-Name: name}}
  - match: {{callee: "^\\\\+1555\\\\d+$"}}
    script: {HERE / "scripts" / "call_features.en.yaml"}
"""


def info(callee: str, **params: str) -> CallInfo:
    return CallInfo(call_id="c1", direction="inbound", caller="+15550000", callee=callee,
                    transport="sip", params=params)


@pytest.fixture
def router(tmp_path: Path) -> Router:
    path = tmp_path / "routes.yaml"
    path.write_text(ROUTES)
    return Router.load(path)


def test_a_rule_maps_the_callee_to_a_script_with_variables_from_headers(router: Router) -> None:
    route = router.route(info("sales", **{"X-Lead-Name": "Mary"}))
    assert route is not None and route.script.id == "lead_qualification"
    assert route.variables["name"] == "Mary"
    assert route.variables["company"] == "Acme Furniture"


def test_conventional_headers_and_custom_parameters_fill_variables(router: Router) -> None:
    route = router.route(info("sales", **{"x-var-name": "Ann", "X-Var-Product": "a sofa"}))
    assert route is not None
    assert (route.variables["name"], route.variables["product"]) == ("Ann", "a sofa")
    ws = router.route(CallInfo(call_id="c2", direction="inbound", caller="a", callee="sales",
                               transport="websocket", params={"name": "Bob"}))
    assert ws is not None and ws.variables["name"] == "Bob"


def test_regular_expressions_match_numbers_and_unknown_callees_get_no_route(
    router: Router,
) -> None:
    route = router.route(info("+15551234"))
    assert route is not None and route.script.id == "call_features"
    assert router.route(info("+4930123")) is None
    assert router.route(info("salesperson")) is None


def test_missing_required_variables_are_a_clear_error(router: Router) -> None:
    with pytest.raises(ScriptError, match="name"):
        router.route(info("sales"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("routes: []", "routes"),
        ("routes: [{script: x, colour: red}]", "colour"),
        ("routes: [{match: {callee: '('}, script: x}]", "regular expression"),
        ("routes: [{script: no_such_script}]", "script"),
        (": : :", "cannot read"),
    ],
)
def test_bad_routing_files_name_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "routes.yaml"
    path.write_text(text)
    with pytest.raises(RoutingError, match=problem):
        Router.load(path)


@pytest.mark.slow
async def test_an_inbound_call_is_routed_and_answered_with_header_variables(
    router: Router, make_speech: Callable[[Script], CallSpeech]
) -> None:
    speeches = {script.id: make_speech(script) for script in router.scripts.values()}
    robot = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="robot", tcp=False))
    phone = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="caller", tcp=False))
    try:
        reports: list[CallReport] = []
        sink = MemorySink(reports.append)
        answerer = Answerer(sink, lambda script: speeches[script.id], policy=OperatorDialing(None))

        async def serve() -> list[CallReport | None]:
            results: list[CallReport | None] = []
            async for incoming in robot.incoming():
                before = len(reports)
                await answerer.answer_sip(incoming, routed(router, sink))
                results.append(reports[-1] if len(reports) > before else None)
                if len(results) == 2:
                    return results
            return results

        serving = asyncio.get_running_loop().create_task(serve())
        with pytest.raises(CallFailed) as refused:
            await phone.call(f"sip:nobody@127.0.0.1:{robot.local_port}", timeout_s=10)
        assert refused.value.status == 404
        leg = await phone.call(f"sip:+15557777@127.0.0.1:{robot.local_port}", timeout_s=30,
                               headers={"X-Var-Backend": "http://127.0.0.1:9/x"})
        caller = SimulatedCaller(leg, speeches[next(iter(speeches))])
        await caller.run(["/dtmf 2"])
        await caller.close()
        results = await asyncio.wait_for(serving, 30)
    finally:
        await phone.close()
        await robot.close()
    [refused_call, report] = results
    assert refused_call is None and report is not None
    assert report.result.outcome == "agent"
    assert report.variables["backend"] == "http://127.0.0.1:9/x"
    assert [t.text for t in turns(report, "caller")] == ["[dtmf 2]"]
