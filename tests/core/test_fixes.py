"""The registry of fixes the app offers per failing check, and the checks' structured ``users``."""

from __future__ import annotations

from dataclasses import replace

from iam_tui.core.authz import AuthorizationDetails, Principal
from iam_tui.core.checks import CHECK_IDS, SPECS, CheckId, CheckResult, Status, run_checks
from iam_tui.core.credential_report import parse_report
from iam_tui.core.fixes import FIXES, fix_for

from .reports import report, root_row, row
from .test_checks import ADMIN, ADMIN_DOC, NOW, SUPPORT, inputs, iso

# Check -> the fix the app offers.
FIX_TABLE = {
    "admin-keys-mfa": "gate-admin-key",  # beyond CIS: way 2 of step 5 for that user
    "root-access-keys": "delete-root-keys",
    "password-policy-length": "password-policy-cis",
    "password-policy-reuse": "password-policy-cis",
    "console-users-mfa": "user-mfa",
    "setup-keys-unused": "remove-unused-credentials",
    "unused-credentials": "remove-unused-credentials",
    "one-active-key": "deactivate-extra-key",
    "key-rotation": "rotate-key",
    "permissions-via-groups": "move-policies-to-group",
    "support-role": "create-support-role",
    "no-full-admin-policy": "accept-guide-admin-group",
    "root-mfa": "console-checklist",
    "root-hardware-mfa": "console-checklist",
    "access-analyzer": "create-access-analyzer",  # the demo's "all pass" needs it
}


def failing(check_id: str, resources: tuple[str, ...] = ("x",)) -> CheckResult:
    return CheckResult(SPECS[CheckId(check_id)], Status.FAIL, "failed", resources)


def fix_id(result: CheckResult) -> str | None:
    """The id of the fix offered for ``result``, if any."""
    fix = fix_for(result)
    return fix.id if fix else None


def test_every_check_of_the_table_has_its_fix_and_no_other_check_has_one() -> None:
    assert {check: fix.id for check, fix in FIXES.items()} == FIX_TABLE
    assert set(FIXES) <= set(CHECK_IDS)
    assert all(fix.title and "\n" not in fix.title for fix in FIXES.values())


def test_a_fix_is_offered_for_failing_checks_only() -> None:
    assert fix_id(failing("key-rotation")) == "rotate-key"
    for status in (Status.PASS, Status.WARN, Status.UNKNOWN, Status.NOT_APPLICABLE):
        assert fix_for(replace(failing("key-rotation"), status=status)) is None
    assert fix_for(failing("caller-not-root")) is None  # no fix in the app for it (it is how you sign in)


def test_accepting_the_admin_group_is_offered_only_when_it_is_the_only_finding() -> None:
    """The group comes from the check's result (``groups``), never from the display text."""
    def full_admin(*holders: Principal) -> CheckResult:
        authz = AuthorizationDetails(groups=tuple(h for h in holders if h.kind == "group"),
                                     users=tuple(h for h in holders if h.kind == "user"),
                                     documents={ADMIN.arn: ADMIN_DOC})
        return next(r for r in run_checks(inputs(authz=authz)) if r.id == "no-full-admin-policy")

    guide = full_admin(Principal("group", "PowerUsers", "arn:g:PowerUsers", (ADMIN,)))
    assert guide.groups == ("PowerUsers",) and fix_id(guide) == "accept-guide-admin-group"
    other = full_admin(Principal("group", "Admins", "arn:g:Admins", (ADMIN,)))
    assert other.groups == ("Admins",) and fix_for(other) is None
    both = full_admin(Principal("group", "PowerUsers", "arn:g:PowerUsers", (ADMIN,)),
                      Principal("user", "bob", "arn:u:bob", (ADMIN,)))
    assert both.groups == ("PowerUsers",) and fix_for(both) is None
    worded_alike = failing("no-full-admin-policy", ("AdministratorAccess (AWS managed) attached to group PowerUsers",))
    assert fix_for(worded_alike) is None  # text alone names no group


def test_per_user_findings_name_their_users() -> None:
    text = report(root_row(),
                  row("alice", password_enabled="true", mfa_active="false", access_key_1_active="true",
                      access_key_1_last_rotated=iso(100), access_key_2_active="true",
                      access_key_2_last_rotated=iso(1)),
                  row("bob", access_key_1_active="true", access_key_1_last_rotated=iso(60),
                      access_key_1_last_used_date=iso(50)))
    authz = AuthorizationDetails(
        users=(Principal("user", "carol", "arn:u:carol", (ADMIN,)),),
        roles=(Principal("role", "support", "arn:role", (SUPPORT,)),),
        documents={ADMIN.arn: ADMIN_DOC})
    results = {r.id: r for r in run_checks(inputs(report=parse_report(text), authz=authz, now=NOW))}
    assert results[CheckId.CONSOLE_USERS_MFA].users == ("alice",)
    assert results[CheckId.SETUP_KEYS_UNUSED].users == ("alice",)  # both of alice's keys: named once
    assert results[CheckId.ONE_ACTIVE_KEY].users == ("alice",)
    assert results[CheckId.KEY_ROTATION].users == ("alice",)
    assert results[CheckId.UNUSED_CREDENTIALS].users == ("alice", "bob")
    assert results[CheckId.PERMISSIONS_VIA_GROUPS].users == ("carol",)
    assert results[CheckId.NO_FULL_ADMIN_POLICY].users == ("carol",)
    assert results[CheckId.PASSWORD_POLICY_LENGTH].users == ()
