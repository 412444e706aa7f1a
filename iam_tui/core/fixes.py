"""Which fix the app offers for each failing check: a stable id the screens open and
``iam-tui check --json`` names, with a one-line title. The fixes themselves are plans and screens elsewhere; this
is only the registry, so that the JSON and the screens agree on the ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .checks import CheckResult, Status
from .guide_names import DEFAULT_GROUP


@dataclass(frozen=True)
class Fix:
    id: str
    title: str
    # When the fix is offered only for some failures of its check (None: for every failure).
    offered: Callable[[CheckResult], bool] | None = None

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title}


def _only_the_guide_group(result: CheckResult) -> bool:
    """no-full-admin-policy: accepting is offered only when the one finding is the guide's own admin group."""
    return len(result.resources) == 1 and result.groups == (DEFAULT_GROUP,)


CONSOLE_CHECKLIST = Fix("console-checklist", "Follow the console checklist (no API exists), then tick it off")
PASSWORD_POLICY_CIS = Fix("password-policy-cis", "Set the password policy with the CIS preset filled in")
REMOVE_UNUSED = Fix("remove-unused-credentials", "Deactivate or delete unused keys and remove unused passwords")

FIXES: dict[str, Fix] = {
    "root-access-keys": Fix("delete-root-keys", "Delete the root user's access key(s)"),
    "root-mfa": CONSOLE_CHECKLIST,
    "root-hardware-mfa": CONSOLE_CHECKLIST,
    "password-policy-length": PASSWORD_POLICY_CIS,
    "password-policy-reuse": PASSWORD_POLICY_CIS,
    "console-users-mfa": Fix("user-mfa", "Assign an MFA device to the user named in the finding"),
    "setup-keys-unused": REMOVE_UNUSED,
    "unused-credentials": REMOVE_UNUSED,
    "one-active-key": Fix("deactivate-extra-key", "Deactivate the extra access key, choosing which"),
    "key-rotation": Fix("rotate-key", "Rotate the access key: new key, AWS CLI profiles updated, old key retired"),
    "permissions-via-groups": Fix("move-policies-to-group", "Move the user's policies to a group"),
    "support-role": Fix("create-support-role", "Create a support role with AWSSupportAccess"),
    "access-analyzer": Fix("create-access-analyzer",
                           "Create IAM Access Analyzers (external access, free) in the regions without one"),
    "no-full-admin-policy": Fix("accept-guide-admin-group", "Accept the guide's own admin group (PowerUsers)",
                                offered=_only_the_guide_group),
    "admin-keys-mfa": Fix("gate-admin-key", "Require MFA for the administrator's access key (step 5, way 2)"),
}
# A finding accepted on purpose (and the acceptance in effect) offers to clear it instead.
WHEN_ACCEPTED: dict[str, Fix] = {
    "no-full-admin-policy": Fix("clear-acceptance", "Clear the acceptance of the guide's admin group (PowerUsers)"),
}


def fix_for(result: CheckResult) -> Fix | None:
    """The fix the app offers for ``result``: only for a failing check, and only where the fix applies."""
    if result.status is not Status.FAIL:
        return None
    fix = WHEN_ACCEPTED.get(result.id) if result.accepted else FIXES.get(result.id)
    if fix is None or (fix.offered is not None and not fix.offered(result)):
        return None
    return fix
