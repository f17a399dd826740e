"""Inbound routing: which script answers a call, and the call's variables from the request.

A rule matches the called SIP user or number (exact, or a regular expression), the caller,
or a transport parameter. Variables come from the rule's defaults, then from the request:
SIP `X-` headers (named in the rule, or by convention `X-Var-<name>`) and WebSocket
`customParameters` with a variable's name. The script validates them like any call's.

    routes:
      - match: {callee: "sales"}
        script: dialogs/lead_qualification.en.yaml
        variables: {company: "Acme Furniture"}
        headers: {X-Lead-Name: name, X-Product: product}
      - match: {callee: "^\\+7495"}
        script: lead_qualification.ru
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot_engine.call.errors import CallError
from bot_engine.call.route_patterns import check_pattern, matches
from bot_engine.script import ScriptError, load_script_file, validate_variables
from bot_engine.script.model import Script
from media_gateway.call_leg import CallInfo

VAR_HEADER = "x-var-"


class RoutingError(CallError, ValueError):
    """A routing file that cannot be used; the message says where and why."""


class Match(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    callee: str | None = None
    """The called user or number: exact text, or a regular expression (`^…`)."""
    caller: str | None = None
    transport: str | None = None
    request_user: str | None = None
    """The user part of the SIP Request-URI (what a trunk dialled), when it differs from
    the To header's user; other transports match their callee."""

    @field_validator("callee", "caller", "request_user")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            check_pattern(value)
        return value

    def matches(self, info: CallInfo) -> bool:
        """All fields match (regexes in linear time: `route_patterns`)."""
        return (
            (self.transport is None or self.transport == info.transport)
            and matches(self.callee, info.callee)
            and matches(self.request_user, request_user(info))
            and matches(self.caller, info.caller)
        )


def request_user(info: CallInfo) -> str:
    """`user` of `sip:user@host;...` in the INVITE's Request-URI, else the callee."""
    uri = info.params.get("sip.request_uri")
    if not uri:
        return info.callee
    rest = uri.split(":", 1)[1] if ":" in uri else uri
    user, at, _host = rest.partition("@")
    return user.split(";", 1)[0] if at else info.callee


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match: Match = Field(default_factory=Match)
    script: str
    """A script file (relative to the routing file) or a shipped script id."""
    variables: dict[str, Any] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    """Request header (or custom parameter) → variable name."""


class RoutingTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    routes: list[Rule] = Field(min_length=1)


@dataclass(frozen=True)
class Route:
    rule: Rule
    script: Script
    variables: dict[str, Any]


class Router:
    """Rules in order; the first that matches answers the call."""

    def __init__(self, table: RoutingTable, scripts: dict[str, Script]) -> None:
        self.table = table
        self.scripts = scripts

    @classmethod
    def load(cls, path: str | Path, resolve: Callable[[str, Path], Path] | None = None
             ) -> Router:
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise RoutingError(f"{path}: cannot read routes: {exc}") from None
        try:
            table = RoutingTable.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            raise RoutingError(f"{path}: {problems}") from None
        scripts: dict[str, Script] = {}
        for index, rule in enumerate(table.routes):
            if rule.script in scripts:
                continue
            where = (resolve or _resolve)(rule.script, path.parent)
            try:
                scripts[rule.script] = load_script_file(where).script
            except ScriptError as exc:
                raise RoutingError(f"{path}: routes.{index}.script: {exc}") from None
        return cls(table, scripts)

    def route(self, info: CallInfo) -> Route | None:
        """The first matching rule with the call's variables (raises ScriptError when the
        request does not give the script what it requires)."""
        for rule in self.table.routes:
            if rule.match.matches(info):
                script = self.scripts[rule.script]
                values = request_variables(rule, script, info.params)
                return Route(rule, script, validate_variables(script, values))
        return None


def request_variables(rule: Rule, script: Script, params: dict[str, str]) -> dict[str, Any]:
    """Rule defaults, overridden by what the request carries."""
    values: dict[str, Any] = dict(rule.variables)
    lowered = {name.lower(): value for name, value in params.items()}
    for header, variable in rule.headers.items():
        if header.lower() in lowered:
            values[variable] = lowered[header.lower()]
    for name in script.variables:
        conventional = f"{VAR_HEADER}{name}".lower()
        if conventional in lowered:
            values[name] = lowered[conventional]
        elif name in params:  # WebSocket customParameters carry plain names
            values[name] = params[name]
    return values


def _resolve(reference: str, base: Path) -> Path:
    candidate = base / reference
    if candidate.exists():
        return candidate
    shipped = Path(__file__).resolve().parents[2] / "dialogs"
    for suffix in (".yaml", ".yml", ".json"):
        if (shipped / f"{reference}{suffix}").exists():
            return shipped / f"{reference}{suffix}"
    return candidate
