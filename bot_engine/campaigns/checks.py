"""A new campaign checked against its script: the variables it gives every lead, the
outcomes its retries name, and the fields a callback reads its time from."""

from __future__ import annotations

from typing import Any

from bot_engine.campaigns.errors import CampaignError
from bot_engine.campaigns.model import TELEPHONY_OUTCOMES, CampaignCreate, default_retries
from bot_engine.campaigns.outcomes import OPT_OUT_OUTCOMES
from bot_engine.campaigns.ports import ScriptRef
from bot_engine.script.values import ValueProblem, coerce


def checked_against(body: CampaignCreate, ref: ScriptRef) -> CampaignCreate:
    """The campaign with its retries filled in (defaults for the script) and its script
    version pinned; raises CampaignError (invalid) listing every problem with its path."""
    script = ref.script
    issues: list[dict[str, Any]] = []
    for name, value in body.variables.items():
        spec = script.variables.get(name)
        if spec is None:
            issues.append(
                {"path": f"variables.{name}", "message": f"not a variable of script {script.id!r}"}
            )
            continue
        try:
            coerce(value, spec.type)
        except ValueProblem as exc:
            issues.append({"path": f"variables.{name}", "message": str(exc)})
    outcomes = list(script.result.outcomes)
    datetime_fields = [
        name for name, spec in script.result.fields.items() if "datetime" in spec.types()
    ]
    retries = body.retries
    if retries is None:
        retries = default_retries(outcomes, datetime_fields)
    known = set(outcomes) | set(TELEPHONY_OUTCOMES)
    for outcome, rule in retries.items():
        if outcome not in known:
            issues.append(
                {
                    "path": f"retries.{outcome}",
                    "message": f"not an outcome: the script's are {', '.join(outcomes)}; "
                    f"the line's are {', '.join(TELEPHONY_OUTCOMES)}",
                }
            )
        if rule.at is not None and rule.at not in datetime_fields:
            issues.append(
                {
                    "path": f"retries.{outcome}.at",
                    "message": "not a datetime result field of the script (it has: "
                    f"{', '.join(datetime_fields) or 'none'})",
                }
            )
        if outcome in OPT_OUT_OUTCOMES:
            issues.append(
                {
                    "path": f"retries.{outcome}",
                    "message": "a lead who opted out is never called again",
                }
            )
    if issues:
        raise CampaignError("invalid", "the campaign does not match its script", issues)
    return body.model_copy(update={"retries": retries, "version": ref.version})
