"""UpdateAccountPasswordPolicy as AWS answers it: values outside the published bounds (botocore's model: length
6-128, expiry 1-1095 days, reuse 1-24) are rejected with a ValidationError that names each one.

botocore itself refuses values *below* the minimum before sending (ParamValidationError, unless the client turns
parameter validation off); values above the maximum reach AWS, which answers ValidationError. moto 5.2.5 happens
to check the maxima too; this rule does not depend on that and also covers the minima.
"""

from __future__ import annotations

from typing import Any

from . import responses
from .fidelity import Caller, params_of


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def bound_violations(model: Any, params: dict[str, Any]) -> list[str]:
    """AWS's wording for each integer parameter outside its [min, max] in the operation's model."""
    problems = []
    for name, shape in model.input_shape.members.items():
        value = params.get(name)
        if shape.type_name != "integer" or not isinstance(value, int) or isinstance(value, bool):
            continue
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            constraint = f"Member must have value greater than or equal to {low}"
        elif high is not None and value > high:
            constraint = f"Member must have value less than or equal to {high}"
        else:
            continue
        problems.append(f"Value '{value}' at '{_camel(name)}' failed to satisfy constraint: {constraint}")
    return problems


def _update_policy(model: Any, context: dict[str, Any], **_: Any) -> Any:
    problems = bound_violations(model, params_of(context))
    if not problems:
        return None
    count = len(problems)
    message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems)
    return responses.error("ValidationError", message, 400)


def register(events: Any, caller: Caller) -> None:
    events.register("before-call.iam.UpdateAccountPasswordPolicy", _update_policy)
