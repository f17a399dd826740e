"""Inbound routes as a tenant resource (SQLite and PostgreSQL), and the routing table that
picks one route per call across tenants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot_engine.service.inbound import CallRefused
from bot_engine.service.inbound_routing import (
    AmbiguousRoute,
    RouteMatch,
    StoredRoute,
    choose,
    conflict_with,
)
from media_gateway.call_leg import CallInfo

from .conftest import Api, upload

SCRIPT = (Path(__file__).parent / "scripts" / "inbound_check.en.yaml").read_text()


async def _setup(api: Api, name: str) -> tuple[str, str]:
    tenant_id, key = await api.tenant(name)
    async with api.client(key) as client:
        await upload(client, SCRIPT)
    return tenant_id, key


def _route(**body: Any) -> dict[str, Any]:
    return {"script_id": "inbound_check", **body}


async def test_routes_are_created_listed_read_and_deleted(api: Api) -> None:
    _, key = await _setup(api, "acme")
    async with api.client(key) as client:
        created = await client.post(
            "/v1/inbound-routes",
            json=_route(
                match={"to": "+74950001122", "from": "^\\+7.*$", "channel": "sip"},
                variables={"account": "A-1"},
                variable_headers={"lead_name": "X-Lead-Name"},
                webhook="http://127.0.0.1:9/hook",
                priority=5,
            ),
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["match"] == {
            "to": "+74950001122",
            "from": "^\\+7.*$",
            "sip_user": None,
            "channel": "sip",
        }
        assert body["webhook"]["type"] == "webhook" and body["priority"] == 5
        assert len(body["token"]) >= 24
        assert body["twilio_stream_url"] == (
            f"ws://127.0.0.1:9/v1/media/twilio/{body['id']}/{body['token']}"
        )
        second = await client.post(
            "/v1/inbound-routes", json=_route(match={"channel": "audiosocket"})
        )
        assert second.status_code == 201
        listed = (await client.get("/v1/inbound-routes")).json()
        assert [r["id"] for r in listed] == [body["id"], second.json()["id"]]  # priority order
        assert all("token" not in r for r in listed)  # the secret is shown once
        one = (await client.get(f"/v1/inbound-routes/{body['id']}")).json()
        assert one["variable_headers"] == {"lead_name": "X-Lead-Name"}
        assert (await client.delete(f"/v1/inbound-routes/{body['id']}")).status_code == 204
        assert (await client.get(f"/v1/inbound-routes/{body['id']}")).status_code == 404
        assert (await client.delete(f"/v1/inbound-routes/{body['id']}")).status_code == 404
        assert [r["id"] for r in (await client.get("/v1/inbound-routes")).json()] == [
            second.json()["id"]
        ]


async def test_routes_need_a_key_and_are_invisible_to_other_tenants(api: Api) -> None:
    _, key_a = await _setup(api, "a")
    _, key_b = await _setup(api, "b")
    async with api.client(key_a) as a, api.client(key_b) as b, api.client() as anonymous:
        route_id = (
            await a.post("/v1/inbound-routes", json=_route(match={"to": "+15550001"}))
        ).json()["id"]
        assert (await anonymous.get("/v1/inbound-routes")).status_code == 401
        assert (
            await anonymous.post("/v1/inbound-routes", json=_route(match={"to": "+1"}))
        ).status_code == 401
        assert (await anonymous.get(f"/v1/inbound-routes/{route_id}")).status_code == 401
        assert (await b.get(f"/v1/inbound-routes/{route_id}")).status_code == 404
        assert (await b.delete(f"/v1/inbound-routes/{route_id}")).status_code == 404
        assert (await b.get("/v1/inbound-routes")).json() == []
        assert (await a.get(f"/v1/inbound-routes/{route_id}")).status_code == 200


async def test_a_number_belongs_to_one_tenant(api: Api) -> None:
    _, key_a = await _setup(api, "a")
    _, key_b = await _setup(api, "b")
    async with api.client(key_a) as a, api.client(key_b) as b:
        assert (
            await a.post("/v1/inbound-routes", json=_route(match={"to": "+15550001"}))
        ).status_code == 201
        taken = await b.post("/v1/inbound-routes", json=_route(match={"to": "+15550001"}))
        assert taken.status_code == 409 and "+15550001" in taken.json()["message"]
        # the same tenant may route its own number twice (e.g. by caller)
        again = await a.post(
            "/v1/inbound-routes", json=_route(match={"to": "+15550001", "from": "+1999"})
        )
        assert again.status_code == 201
        # catch-alls: one per channel across tenants
        assert (
            await a.post("/v1/inbound-routes", json=_route(match={"channel": "audiosocket"}))
        ).status_code == 201
        other = await b.post("/v1/inbound-routes", json=_route(match={"channel": "audiosocket"}))
        assert other.status_code == 409
        assert (
            await b.post("/v1/inbound-routes", json=_route(match={"channel": "websocket"}))
        ).status_code == 201


async def test_racing_creates_of_one_number_by_two_tenants_leave_one_owner(api: Api) -> None:
    """The cross-tenant check reads other tenants' routes, then inserts: two tenants
    creating the same number at once must not both pass it."""
    import asyncio

    _, key_a = await _setup(api, "a")
    _, key_b = await _setup(api, "b")
    numbers = [f"+1555000{i:02d}" for i in range(8)]
    async with api.client(key_a) as a, api.client(key_b) as b:
        replies = await asyncio.gather(*(
            client.post("/v1/inbound-routes", json=_route(match={"to": number}))
            for number in numbers for client in (a, b)
        ))
        owners = {n: sorted(r.status_code for r in replies[2 * i: 2 * i + 2])
                  for i, n in enumerate(numbers)}
        assert all(codes == [201, 409] for codes in owners.values()), owners
        listed_a = {r["match"]["to"] for r in (await a.get("/v1/inbound-routes")).json()}
        listed_b = {r["match"]["to"] for r in (await b.get("/v1/inbound-routes")).json()}
    assert listed_a.isdisjoint(listed_b) and listed_a | listed_b == set(numbers)


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        (_route(match={"to": "("}), 422, "regular expression"),
        (_route(match={"to": ""}), 422, "empty pattern"),
        (_route(match={"channel": "pigeon"}), 422, "channel"),
        (_route(match={"callee": "x"}), 422, "callee"),
        (_route(variables={"colour": "red"}), 422, "colour"),
        (_route(variable_headers={"nope": "X-Nope"}), 422, "nope"),
        (_route(variable_headers={"lead_name": ""}), 422, "header"),
        ({"script_id": "no_such_script"}, 404, "no_such_script"),
        (_route(version=7), 404, "version 7"),
        (_route(webhook="http://10.1.2.3/hook"), 422, "refused"),
        (_route(priority=10**6), 422, "priority"),
    ],
)
async def test_bad_routes_get_clear_errors(
    api: Api, body: dict[str, Any], status: int, text: str
) -> None:
    _, key = await _setup(api, "acme")
    async with api.client(key) as client:
        response = await client.post("/v1/inbound-routes", json=body)
        assert response.status_code == status, response.text
        assert text in response.text
        form = await client.post(
            "/v1/inbound-routes",
            content=b"to=1",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 415


async def test_the_service_finds_the_route_and_opens_the_call(api: Api) -> None:
    tenant_id, key = await _setup(api, "acme")
    async with api.client(key) as client:
        route = (
            await client.post(
                "/v1/inbound-routes",
                json=_route(
                    match={"to": "^\\+7495\\d{7}$", "channel": "sip"},
                    variables={"account": "A-1"},
                    variable_headers={"lead_name": "X-Lead-Name"},
                ),
            )
        ).json()
    inbound = api.service.inbound
    info = CallInfo(
        call_id="sip-1",
        direction="inbound",
        caller="+79001112233",
        callee="+74950001122",
        transport="sip",
        params={"X-Lead-Name": "Mary"},
    )
    found = await inbound.find(info)
    assert found.id == route["id"] and found.tenant_id == tenant_id
    spec = (await inbound.open(found, info)).spec
    assert spec.direction == "inbound" and spec.variables["lead_name"] == "Mary"
    assert spec.variables["account"] == "A-1"
    with pytest.raises(CallRefused) as unknown:
        await inbound.find(CallInfo("sip-2", "inbound", "x", "+4930123", "sip"))
    assert unknown.value.sip_status == 404
    with pytest.raises(CallRefused) as bad:  # the script requires lead_name
        await inbound.open(found, CallInfo("sip-3", "inbound", "x", "+74950001122", "sip"))
    assert bad.value.sip_status == 400 and "lead_name" in str(bad.value)
    assert await inbound.route_with_token(route["id"], route["token"]) is not None
    assert await inbound.route_with_token(route["id"], "wrong") is None
    async with api.client(key) as client:
        calls = (await client.get("/v1/calls", params={"direction": "inbound"})).json()
    assert [c["id"] for c in calls] == [spec.call_id]  # the refused one left no row
    assert calls[0]["status"] == "ringing" and calls[0]["to"] == "+74950001122"


# --- the routing table, pure ------------------------------------------------------------

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def stored(
    route_id: str, tenant: str, priority: int = 0, age: int = 0, **match: Any
) -> StoredRoute:
    return StoredRoute(
        id=route_id,
        tenant_id=tenant,
        match=RouteMatch.model_validate(match),
        script_id="s",
        version=None,
        variables={},
        variable_headers={},
        webhook=None,
        priority=priority,
        created_at=T0 + timedelta(seconds=age),
    )


def sip(callee: str, caller: str = "+100", uri_user: str | None = None) -> CallInfo:
    params = {"sip.request_uri": f"sip:{uri_user}@10.0.0.1;user=phone"} if uri_user else {}
    return CallInfo("c", "inbound", caller, callee, "sip", params)


def test_the_most_specific_route_wins_then_priority_then_age() -> None:
    routes = [
        stored("any", "t1", priority=100),
        stored("pattern", "t1", to="^\\+7495.*$"),
        stored("exact", "t1", to="+74950001122"),
        stored("exact-late", "t1", to="+74950001122", age=5),
        stored("pattern-hi", "t1", priority=3, to="^\\+7495000.*$"),
    ]
    assert choose(routes, sip("+74950001122")).id == "exact"  # type: ignore[union-attr]
    assert choose(routes, sip("+74950009999")).id == "pattern-hi"  # type: ignore[union-attr]
    assert choose(routes, sip("+4930")).id == "any"  # type: ignore[union-attr]
    assert choose(routes[1:3], sip("+4930")) is None


def test_channel_caller_and_request_uri_user_are_matched() -> None:
    routes = [
        stored("ws", "t1", channel="websocket"),
        stored("trunk", "t1", sip_user="2125550100"),
        stored("vip", "t1", to="sales", **{"from": "^\\+7900.*$"}),
    ]
    assert choose(routes, sip("sales", "+79001")).id == "vip"  # type: ignore[union-attr]
    assert choose(routes, sip("sales", "+1555")) is None
    assert choose(routes, sip("x", uri_user="2125550100")).id == "trunk"  # type: ignore[union-attr]
    uuid = "40325ec2-5efd-4bd3-805f-53576e581d13"
    socket = CallInfo(uuid, "inbound", "", uuid, "audiosocket")
    assert choose(routes, socket) is None
    assert choose([*routes, stored("ast", "t1", channel="audiosocket")], socket) is not None


def test_equal_matches_of_two_tenants_are_refused_not_guessed() -> None:
    routes = [stored("a", "t1", to="^\\+1555.*$"), stored("b", "t2", to="^\\+1.*$")]
    with pytest.raises(AmbiguousRoute) as both:
        choose(routes, sip("+15550001"))
    assert both.value.route_ids == ["a", "b"]
    # specificity and priority order one tenant's routes only: an exact number of t2 does
    # not take the call from t1's pattern (that is what let one tenant steal calls)
    with pytest.raises(AmbiguousRoute):
        choose([*routes, stored("c", "t2", priority=1000, to="+15550001")], sip("+15550001"))
    assert choose(routes, sip("+1666")).id == "b"  # type: ignore[union-attr]


def test_conflicts_between_tenants() -> None:
    def m(**kw: Any) -> RouteMatch:
        return RouteMatch.model_validate(kw)

    assert conflict_with(m(to="+1"), m(to="+1")) is not None
    assert conflict_with(m(to="+1", channel="sip"), m(to="+1", channel="audiosocket")) is None
    assert conflict_with(m(to="^\\+1.*$"), m(to="^\\+1.*$")) is not None
    assert conflict_with(m(to="^\\+1.*$"), m(to="^\\+2.*$")) is None
    assert conflict_with(m(sip_user="100"), m(sip_user="100")) is not None
    assert conflict_with(m(), m(channel="sip")) is not None
    assert conflict_with(m(channel="sip"), m(channel="audiosocket")) is None
    # WebSocket streams name their route (id and secret): such routes claim no number
    assert conflict_with(m(to="+1", channel="websocket"), m(to="+1")) is None
    assert conflict_with(m(channel="websocket"), m(channel="websocket")) is None


def test_a_catastrophic_pattern_gives_up_instead_of_stalling_every_call() -> None:
    """One tenant's `^(a|aa)+$` against a long dialled user would backtrack for ages; the
    match gives up (no match, a log line) and the other routes still answer."""
    routes = [stored("evil", "t1", to="^(a|aa)+$"), stored("ok", "t2", to="^a+b$", priority=-1)]
    long_user = "a" * 60 + "b"
    assert choose(routes[:1], sip(long_user)) is None
    assert choose(routes, sip(long_user)).id == "ok"  # type: ignore[union-attr]
