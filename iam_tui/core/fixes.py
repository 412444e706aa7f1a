"""Which fix the app offers for each failing check: a stable id the screens open and
``iam-tui check --json`` names, with a one-line title. The fixes themselves are plans and screens elsewhere; this
is only the registry, so that the JSON and the screens agree on the ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from .checks import CheckId, CheckResult, Status
from .guide_names import DEFAULT_GROUP


class FixId(StrEnum):
    """The fixes' stable ids (what ``iam-tui check --json`` names, and what the dashboard opens)."""

    CONSOLE_CHECKLIST = "console-checklist"
    PASSWORD_POLICY_CIS = "password-policy-cis"
    REMOVE_UNUSED_CREDENTIALS = "remove-unused-credentials"
    DELETE_ROOT_KEYS = "delete-root-keys"
    USER_MFA = "user-mfa"
    DEACTIVATE_EXTRA_KEY = "deactivate-extra-key"
    ROTATE_KEY = "rotate-key"
    MOVE_POLICIES_TO_GROUP = "move-policies-to-group"
    CREATE_SUPPORT_ROLE = "create-support-role"
    CREATE_ACCESS_ANALYZER = "create-access-analyzer"
    ACCEPT_GUIDE_ADMIN_GROUP = "accept-guide-admin-group"
    GATE_ADMIN_KEY = "gate-admin-key"
    CLEAR_ACCEPTANCE = "clear-acceptance"


@dataclass(frozen=True)
class Fix:
    id: FixId
    title: str
    # When the fix is offered only for some failures of its check (None: for every failure).
    offered: Callable[[CheckResult], bool] | None = None

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title}


def _only_the_guide_group(result: CheckResult) -> bool:
    """no-full-admin-policy: accepting is offered only when the one finding is the guide's own admin group."""
    return len(result.resources) == 1 and result.groups == (DEFAULT_GROUP,)


CONSOLE_CHECKLIST = Fix(FixId.CONSOLE_CHECKLIST, "Follow the console checklist (no API exists), then tick it off")
PASSWORD_POLICY_CIS = Fix(FixId.PASSWORD_POLICY_CIS, "Set the password policy with the CIS preset filled in")
REMOVE_UNUSED = Fix(FixId.REMOVE_UNUSED_CREDENTIALS, "Deactivate or delete unused keys and remove unused passwords")

FIXES: dict[CheckId, Fix] = {
    CheckId.ROOT_ACCESS_KEYS: Fix(FixId.DELETE_ROOT_KEYS, "Delete the root user's access key(s)"),
    CheckId.ROOT_MFA: CONSOLE_CHECKLIST,
    CheckId.ROOT_HARDWARE_MFA: CONSOLE_CHECKLIST,
    CheckId.PASSWORD_POLICY_LENGTH: PASSWORD_POLICY_CIS,
    CheckId.PASSWORD_POLICY_REUSE: PASSWORD_POLICY_CIS,
    CheckId.CONSOLE_USERS_MFA: Fix(FixId.USER_MFA, "Assign an MFA device to the user named in the finding"),
    CheckId.SETUP_KEYS_UNUSED: REMOVE_UNUSED,
    CheckId.UNUSED_CREDENTIALS: REMOVE_UNUSED,
    CheckId.ONE_ACTIVE_KEY: Fix(FixId.DEACTIVATE_EXTRA_KEY, "Deactivate the extra access key, choosing which"),
    CheckId.KEY_ROTATION: Fix(FixId.ROTATE_KEY,
                              "Rotate the access key: new key, AWS CLI profiles updated, old key retired"),
    CheckId.PERMISSIONS_VIA_GROUPS: Fix(FixId.MOVE_POLICIES_TO_GROUP, "Move the user's policies to a group"),
    CheckId.SUPPORT_ROLE: Fix(FixId.CREATE_SUPPORT_ROLE, "Create a support role with AWSSupportAccess"),
    CheckId.ACCESS_ANALYZER: Fix(FixId.CREATE_ACCESS_ANALYZER,
                           "Create IAM Access Analyzers (external access, free) in the regions without one"),
    CheckId.NO_FULL_ADMIN_POLICY: Fix(FixId.ACCEPT_GUIDE_ADMIN_GROUP, "Accept the guide's own admin group (PowerUsers)",
                                offered=_only_the_guide_group),
    CheckId.ADMIN_KEYS_MFA: Fix(FixId.GATE_ADMIN_KEY, "Require MFA for the administrator's access key (step 5, way 2)"),
}
# A finding accepted on purpose (and the acceptance in effect) offers to clear it instead.
WHEN_ACCEPTED: dict[CheckId, Fix] = {
    CheckId.NO_FULL_ADMIN_POLICY: Fix(FixId.CLEAR_ACCEPTANCE,
                                      "Clear the acceptance of the guide's admin group (PowerUsers)"),
}


def fix_for(result: CheckResult) -> Fix | None:
    """The fix the app offers for ``result``: only for a failing check, and only where the fix applies."""
    if result.status is not Status.FAIL:
        return None
    fix = WHEN_ACCEPTED.get(result.id) if result.accepted else FIXES.get(result.id)
    if fix is None or (fix.offered is not None and not fix.offered(result)):
        return None
    return fix
