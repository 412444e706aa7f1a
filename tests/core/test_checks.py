from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iam_tui.core.account_settings import AlternateContact, AnalyzerCoverage, ContactInformation, ServerCertificate
from iam_tui.core.authz import AuthorizationDetails, InlinePolicy, PolicyRef, Principal, allows_full_admin
from iam_tui.core.checks import CHECK_IDS, CheckId, CheckResult, Status, any_failed, run_checks
from iam_tui.core.credential_report import parse_report
from iam_tui.core.identity import CallerIdentity, parse_caller
from iam_tui.core.password_policy import PasswordPolicy
from iam_tui.core.scan_inputs import AccountSummary, LiveKey, LiveUser, ScanInputs
from iam_tui.core.unavailable import Unavailable

from .reports import report, root_row, row

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ADMIN = PolicyRef("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")
ADMIN_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
SUPPORT = PolicyRef("AWSSupportAccess", "arn:aws:iam::aws:policy/AWSSupportAccess")


def iso(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat()


def inputs(**overrides: Any) -> ScanInputs:
    base = ScanInputs(
        identity=parse_caller("arn:aws:iam::123456789012:user/admin", "123456789012"),
        now=NOW,
        summary=AccountSummary(root_mfa_enabled=True, root_access_keys_present=False),
        password_policy=PasswordPolicy(minimum_length=14, reuse_prevention=24),
        report=parse_report(report(root_row(password_last_used=iso(200)))),
        authz=AuthorizationDetails(roles=(Principal("role", "support", "arn:role", (SUPPORT,)),)),
        contact_information=ContactInformation("Jane Doe", "+1 206-555-0100", "Example Corp", "US"),
        security_contact=AlternateContact("Security team", "security@example.com", "+1 206-555-0199", "CISO"),
        server_certificates=(),
        analyzers=AnalyzerCoverage({"us-east-1": ("account",)}),
    )
    return replace(base, **overrides)


def by_id(scan: ScanInputs) -> dict[CheckId, CheckResult]:
    return {r.id: r for r in run_checks(scan)}


def test_every_check_has_a_stable_id_and_runs_once() -> None:
    results = run_checks(inputs())
    assert [r.id for r in results] == list(CHECK_IDS)
    assert len(set(CHECK_IDS)) == len(CHECK_IDS) == 21
    assert all(r.status is Status.PASS for r in results), [(r.id, r.detail) for r in results]
    assert not any_failed(results)


def test_root_caller_is_a_warning_not_a_failure() -> None:
    root = parse_caller("arn:aws:iam::123456789012:root", "123456789012")
    result = by_id(inputs(identity=root))[CheckId.CALLER_NOT_ROOT]
    assert result.status is Status.WARN and result.resources == ("arn:aws:iam::123456789012:root",)


def test_root_mfa_and_keys_come_from_the_live_summary() -> None:
    results = by_id(inputs(summary=AccountSummary(root_mfa_enabled=False, root_access_keys_present=True)))
    assert results[CheckId.ROOT_MFA].status is Status.FAIL
    assert results[CheckId.ROOT_ACCESS_KEYS].status is Status.FAIL
    assert "console" in results[CheckId.ROOT_MFA].detail.lower()


ROOT_CALLER = parse_caller("arn:aws:iam::123456789012:root", "123456789012")
ROOT_CHECKS = ("root-mfa", "root-hardware-mfa", "root-access-keys", "root-recent-use")


@pytest.mark.parametrize("identity", [ROOT_CALLER, parse_caller("arn:aws:iam::123456789012:user/admin",
                                                                 "123456789012")])
def test_central_root_management_is_a_note_never_n_a_or_a_pass(identity: CallerIdentity) -> None:
    """A delegated-admin account's own root can still have keys and no MFA: the checks run and fail."""
    results = by_id(inputs(identity=identity, root_centrally_managed=True,
                           summary=AccountSummary(root_mfa_enabled=False, root_access_keys_present=True)))
    for check_id in ("root-mfa", "root-hardware-mfa", "root-access-keys"):
        assert results[CheckId(check_id)].status is Status.FAIL, check_id
        assert "central root management" in results[CheckId(check_id)].detail
    assert results[CheckId.ROOT_RECENT_USE].status is Status.PASS
    assert "central root management" in results[CheckId.ROOT_RECENT_USE].detail
    assert not any(r.status is Status.NOT_APPLICABLE for r in results.values())


def test_root_virtual_mfa_fails_cis_1_5_and_hardware_passes() -> None:
    virtual = by_id(inputs(root_virtual_mfa=True))[CheckId.ROOT_HARDWARE_MFA]
    assert virtual.status is Status.FAIL and "virtual" in virtual.detail
    assert virtual.spec.cis == "1.5" and virtual.spec.security_hub == "IAM.6"
    assert "Security key or Hardware TOTP token" in virtual.spec.fix
    assert by_id(inputs(root_virtual_mfa=False))[CheckId.ROOT_HARDWARE_MFA].status is Status.PASS
    no_mfa = AccountSummary(root_mfa_enabled=False, root_access_keys_present=False)
    assert by_id(inputs(summary=no_mfa, root_virtual_mfa=False))[CheckId.ROOT_HARDWARE_MFA].status is Status.FAIL
    denied = Unavailable("AccessDenied", "no", "iam:ListVirtualMFADevices")
    unknown = by_id(inputs(root_virtual_mfa=denied))[CheckId.ROOT_HARDWARE_MFA]
    assert unknown.status is Status.UNKNOWN and "iam:ListVirtualMFADevices" in unknown.detail


def test_running_on_a_root_access_key_is_said_only_for_long_term_keys() -> None:
    keys = AccountSummary(root_mfa_enabled=True, root_access_keys_present=True)
    long_term = by_id(inputs(identity=ROOT_CALLER, summary=keys, caller_long_term_key=True))[CheckId.ROOT_ACCESS_KEYS]
    assert "running on a root access key" in long_term.detail
    temporary = by_id(inputs(identity=ROOT_CALLER, summary=keys, caller_long_term_key=False))[CheckId.ROOT_ACCESS_KEYS]
    assert temporary.status is Status.FAIL and "running on" not in temporary.detail


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov"])
def test_root_console_checks_are_n_a_in_govcloud_only(partition: str) -> None:
    root = parse_caller(f"arn:{partition}:iam::123456789012:root", "123456789012")
    results = by_id(inputs(identity=root, summary=AccountSummary(root_mfa_enabled=False,
                                                                 root_access_keys_present=True)))
    console = {results[c].status for c in (CheckId.ROOT_MFA, CheckId.ROOT_HARDWARE_MFA)}
    if partition == "aws-us-gov":
        assert console == {Status.NOT_APPLICABLE}
        assert "cannot sign in to the console" in results[CheckId.ROOT_MFA].detail
    else:
        assert console == {Status.FAIL}
    assert results[CheckId.ROOT_ACCESS_KEYS].status is Status.FAIL


def test_security_hub_ids_follow_the_cis_v5_table() -> None:
    """AWS Security Hub's CIS v5.0.0 controls: IAM.20 was retired (April 2024); IAM.1 covers customer managed
    policies only."""
    hub = {r.id: r.spec.security_hub for r in run_checks(inputs())}
    assert hub == {
        "caller-not-root": None, "root-mfa": "IAM.9", "root-hardware-mfa": "IAM.6", "root-access-keys": "IAM.4",
        "root-recent-use": None, "password-policy-length": "IAM.15", "password-policy-reuse": "IAM.16",
        "console-users-mfa": "IAM.5", "setup-keys-unused": None, "unused-credentials": "IAM.22",
        "one-active-key": None, "key-rotation": "IAM.3", "permissions-via-groups": "IAM.2",
        "no-full-admin-policy": "IAM.1", "support-role": "IAM.18", "contact-details": None,
        "security-contact": "Account.1", "expired-server-certificates": "IAM.26", "access-analyzer": "IAM.28",
        "cloudshell-full-access": "IAM.27", "admin-keys-mfa": None,
    }
    admin = by_id(inputs())[CheckId.NO_FULL_ADMIN_POLICY].to_json()
    assert "customer managed policies only" in admin["security_hub_note"]


def test_recent_root_use_is_reported_with_what_and_when() -> None:
    text = report(root_row(password_last_used=iso(0.2), access_key_1_active="true",
                           access_key_1_last_used_date=iso(3)))
    result = by_id(inputs(report=parse_report(text)))[CheckId.ROOT_RECENT_USE]
    assert result.status is Status.WARN
    assert "password used 4 h ago" in result.detail and "access key 1 used 3 days ago" in result.detail


def test_root_not_used_since_long_passes_and_never_used_passes() -> None:
    assert by_id(inputs())[CheckId.ROOT_RECENT_USE].status is Status.PASS
    never = parse_report(report(root_row(password_last_used="no_information")))
    assert by_id(inputs(report=never))[CheckId.ROOT_RECENT_USE].status is Status.PASS


def test_missing_root_row_is_unknown() -> None:
    result = by_id(inputs(report=parse_report(report(row("bob")))))[CheckId.ROOT_RECENT_USE]
    assert result.status is Status.UNKNOWN


@pytest.mark.parametrize("policy, length, reuse", [
    (None, Status.FAIL, Status.FAIL),
    (PasswordPolicy(minimum_length=13, reuse_prevention=23), Status.FAIL, Status.FAIL),
    (PasswordPolicy(minimum_length=14, reuse_prevention=24), Status.PASS, Status.PASS),
    (PasswordPolicy(minimum_length=20, reuse_prevention=None), Status.PASS, Status.FAIL),
])
def test_password_policy(policy: PasswordPolicy | None, length: Status, reuse: Status) -> None:
    results = by_id(inputs(password_policy=policy))
    assert results[CheckId.PASSWORD_POLICY_LENGTH].status is length
    assert results[CheckId.PASSWORD_POLICY_REUSE].status is reuse


@pytest.mark.parametrize("check_id, field, missing, resource", [
    ("password-policy-length", "password_policy", "No password policy is set: AWS's default allows 8 characters.",
     "account password policy"),
    ("password-policy-reuse", "password_policy", "No password policy is set: old passwords can be reused.",
     "account password policy"),
    ("contact-details", "contact_information", "The account has no contact information.", "account"),
    ("security-contact", "security_contact", "No security contact is registered.", "account"),
])
def test_an_account_wide_input_unread_is_unknown_and_absent_fails(check_id: str, field: str, missing: str,
                                                                  resource: str) -> None:
    denied = Unavailable("AccessDenied", "not allowed", "iam:Read")
    unknown = by_id(inputs(**{field: denied}))[CheckId(check_id)]
    assert unknown.status is Status.UNKNOWN and unknown.detail == denied.describe() and unknown.resources == ()
    absent = by_id(inputs(**{field: None}))[CheckId(check_id)]
    assert (absent.status, absent.detail, absent.resources) == (Status.FAIL, missing, (resource,))


def test_console_user_without_mfa_fails_and_is_named() -> None:
    text = report(root_row(), row("alice", password_enabled="true", mfa_active="false"),
                  row("bob", password_enabled="true", mfa_active="true"), row("svc", password_enabled="false"))
    result = by_id(inputs(report=parse_report(text)))[CheckId.CONSOLE_USERS_MFA]
    assert result.status is Status.FAIL and result.resources == ("alice",)


def test_setup_key_never_used_by_console_user() -> None:
    text = report(root_row(),
                  row("alice", password_enabled="true", mfa_active="true", password_last_used=iso(1),
                      access_key_1_active="true", access_key_1_last_rotated=iso(1)),
                  row("svc", access_key_1_active="true", access_key_1_last_rotated=iso(1)))
    result = by_id(inputs(report=parse_report(text)))[CheckId.SETUP_KEYS_UNUSED]
    assert result.status is Status.FAIL
    assert result.resources == ("alice (key 1, never used)",)


def test_unused_credentials_45_days() -> None:
    text = report(
        root_row(),
        row("old-pw", password_enabled="true", mfa_active="true", password_last_used=iso(46)),
        row("fresh-pw", password_enabled="true", mfa_active="true", password_last_used=iso(44)),
        row("never-pw", password_enabled="true", mfa_active="true", password_last_changed=iso(50)),
        row("old-key", access_key_1_active="true", access_key_1_last_rotated=iso(100),
            access_key_1_last_used_date=iso(45)),
        row("inactive-key", access_key_1_active="false", access_key_1_last_rotated=iso(100)),
    )
    result = by_id(inputs(report=parse_report(text)))[CheckId.UNUSED_CREDENTIALS]
    assert result.status is Status.FAIL
    names = [r.split(" ")[0] for r in result.resources]
    assert names == ["never-pw", "old-key", "old-pw"]


def test_two_active_keys_and_rotation() -> None:
    text = report(root_row(), row("two", access_key_1_active="true", access_key_1_last_rotated=iso(91),
                                  access_key_1_last_used_date=iso(1), access_key_2_active="true",
                                  access_key_2_last_rotated=iso(10), access_key_2_last_used_date=iso(1)))
    results = by_id(inputs(report=parse_report(text)))
    one_key = results[CheckId.ONE_ACTIVE_KEY]
    assert one_key.status is Status.FAIL and one_key.resources == ("two",)
    assert results[CheckId.KEY_ROTATION].status is Status.FAIL
    assert results[CheckId.KEY_ROTATION].resources == ("two (key 1, 91 days ago)",)


def test_policies_on_users_and_full_admin() -> None:
    authz = AuthorizationDetails(
        users=(Principal("user", "alice", "arn:u", (PolicyRef("IAMUserChangePassword", "arn:aws:iam::aws:policy/"
                                                              "IAMUserChangePassword"),)),
               Principal("user", "bob", "arn:b", inline=(InlinePolicy("mine", {}),))),
        groups=(Principal("group", "PowerUsers", "arn:g", (ADMIN,)),),
        roles=(Principal("role", "support", "arn:r", (SUPPORT,)),),
        documents={ADMIN.arn: ADMIN_DOC},
    )
    results = by_id(inputs(authz=authz))
    assert results[CheckId.PERMISSIONS_VIA_GROUPS].resources == ("alice: IAMUserChangePassword", "bob: mine (inline)")
    assert results[CheckId.NO_FULL_ADMIN_POLICY].status is Status.FAIL
    assert results[CheckId.NO_FULL_ADMIN_POLICY].resources == (
        "AdministratorAccess (AWS managed) attached to group PowerUsers",)
    assert results[CheckId.SUPPORT_ROLE].status is Status.PASS


def test_no_support_role_fails() -> None:
    assert by_id(inputs(authz=AuthorizationDetails()))[CheckId.SUPPORT_ROLE].status is Status.FAIL


def test_unreadable_policy_documents_make_only_the_admin_check_unknown() -> None:
    gap = Unavailable("AccessDenied", "no", "iam:GetPolicyVersion")
    results = by_id(inputs(authz=AuthorizationDetails(documents_error=gap)))
    assert results[CheckId.NO_FULL_ADMIN_POLICY].status is Status.UNKNOWN
    assert "iam:GetPolicyVersion" in results[CheckId.NO_FULL_ADMIN_POLICY].detail
    assert results[CheckId.PERMISSIONS_VIA_GROUPS].status is Status.PASS


def test_denied_inputs_make_their_checks_unknown_and_name_the_permission() -> None:
    denied = Unavailable("AccessDenied", "User is not authorized", "iam:GenerateCredentialReport")
    results = by_id(inputs(report=denied))
    for check_id in ("root-recent-use", "console-users-mfa", "setup-keys-unused", "unused-credentials",
                     "one-active-key", "key-rotation"):
        assert results[CheckId(check_id)].status is Status.UNKNOWN
        assert "iam:GenerateCredentialReport" in results[CheckId(check_id)].detail
    assert results[CheckId.ROOT_MFA].status is Status.PASS  # the others still run


def test_live_state_of_touched_users_overrides_the_stale_report() -> None:
    stale = parse_report(report(root_row(), row("gone", password_enabled="true")))
    live = {
        "gone": LiveUser("gone", "", exists=False),
        "admin": LiveUser("admin", "arn:admin", created=NOW, password_enabled=True, mfa_active=False,
                          keys=(LiveKey("AKIA1", True, NOW),)),
    }
    results = by_id(inputs(report=stale, live_users=live))
    assert results[CheckId.CONSOLE_USERS_MFA].resources == ("admin",)
    assert results[CheckId.SETUP_KEYS_UNUSED].resources == ("admin (key 1, never used)",)
    live["admin"] = replace(live["admin"], mfa_active=True, keys=(LiveKey("AKIA1", True, NOW, last_used=NOW),))
    results = by_id(inputs(report=stale, live_users=live))
    assert results[CheckId.CONSOLE_USERS_MFA].status is Status.PASS
    assert results[CheckId.SETUP_KEYS_UNUSED].status is Status.PASS


@pytest.mark.parametrize("document, expected", [
    ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, True),
    ({"Statement": {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}}, True),
    ({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, False),
    ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, False),
    ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]}, False),
    ({}, False),
    (None, False),
])
def test_full_admin_detection(document: dict[str, Any] | None, expected: bool) -> None:
    assert allows_full_admin(document) is expected


def test_json_shape() -> None:
    data = by_id(inputs())[CheckId.ROOT_MFA].to_json()
    assert set(data) >= {"id", "status", "title", "detail", "cis", "security_hub", "resources"}
    assert data["id"] == "root-mfa" and data["cis"] == "1.4" and data["security_hub"] == "IAM.9"


# --- account-level checks (CIS 1.1, 1.2, 1.18, 1.19, 1.21) ---------------------------------------------------------


def test_no_security_contact_fails_and_a_missing_permission_is_unknown() -> None:
    missing = by_id(inputs(security_contact=None))[CheckId.SECURITY_CONTACT]
    assert missing.status is Status.FAIL and missing.spec.cis == "1.2" and missing.spec.security_hub == "Account.1"
    denied = Unavailable("AccessDeniedException", "no", "account:GetAlternateContact")
    unknown = by_id(inputs(security_contact=denied))[CheckId.SECURITY_CONTACT]
    assert unknown.status is Status.UNKNOWN and "account:GetAlternateContact" in unknown.detail
    ok = by_id(inputs())[CheckId.SECURITY_CONTACT]
    assert ok.status is Status.PASS and "security@example.com" in ok.detail


def test_contact_details_are_shown_for_review() -> None:
    ok = by_id(inputs())[CheckId.CONTACT_DETAILS]
    assert ok.status is Status.PASS and "Jane Doe" in ok.detail and "current" in ok.detail
    assert by_id(inputs(contact_information=None))[CheckId.CONTACT_DETAILS].status is Status.FAIL


def test_expired_server_certificates_are_listed() -> None:
    certificates = (ServerCertificate("old", "arn:old", NOW - timedelta(days=3)),
                    ServerCertificate("new", "arn:new", NOW + timedelta(days=300)))
    result = by_id(inputs(server_certificates=certificates))[CheckId.EXPIRED_SERVER_CERTIFICATES]
    assert result.status is Status.FAIL and result.resources == ("old (expired 3 days ago)",)
    assert result.spec.security_hub == "IAM.26"
    fine = by_id(inputs(server_certificates=certificates[1:]))[CheckId.EXPIRED_SERVER_CERTIFICATES]
    assert fine.status is Status.PASS and "1 certificate(s)" in fine.detail


def test_access_analyzer_fails_on_every_enabled_region_without_one_and_names_them() -> None:
    coverage = AnalyzerCoverage({"eu-west-1": (), "us-east-1": ("account",), "us-west-2": ()})
    result = by_id(inputs(analyzers=coverage))[CheckId.ACCESS_ANALYZER]
    assert result.status is Status.FAIL and result.resources == ("region eu-west-1", "region us-west-2")
    assert "2 enabled region(s): eu-west-1, us-west-2" in result.detail and result.spec.security_hub == "IAM.28"
    assert "us-east-1: account" in by_id(inputs())[CheckId.ACCESS_ANALYZER].detail


def test_a_region_whose_analyzers_cannot_be_read_is_unknown_and_names_the_call() -> None:
    denied = "Not allowed to call access-analyzer:ListAnalyzers (AccessDeniedException); grant it to see this check."
    coverage = AnalyzerCoverage({"us-east-1": ("account",)}, {"eu-west-1": denied})
    result = by_id(inputs(analyzers=coverage))[CheckId.ACCESS_ANALYZER]
    assert result.status is Status.UNKNOWN and f"eu-west-1: {denied}" in result.detail
    coverage = AnalyzerCoverage({"us-east-1": ()}, {"eu-west-1": denied})
    failing = by_id(inputs(analyzers=coverage))[CheckId.ACCESS_ANALYZER]
    assert failing.status is Status.FAIL and failing.resources == ("region us-east-1",) and "eu-west-1" in \
        failing.detail


def test_when_the_regions_cannot_be_listed_the_check_says_only_one_was_read() -> None:
    coverage = AnalyzerCoverage({"us-east-1": ("account",)}, regions_error="Not allowed to call account:ListRegions")
    result = by_id(inputs(analyzers=coverage))[CheckId.ACCESS_ANALYZER]
    assert result.status is Status.UNKNOWN and "Only us-east-1 was read" in result.detail
    assert "account:ListRegions" in result.detail


def test_cloudshell_full_access_holders_fail() -> None:
    cloudshell = PolicyRef("AWSCloudShellFullAccess", "arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
    authz = AuthorizationDetails(users=(Principal("user", "bob", "arn:bob", (cloudshell,)),),
                                 roles=(Principal("role", "support", "arn:role", (SUPPORT,)),))
    result = by_id(inputs(authz=authz))[CheckId.CLOUDSHELL_FULL_ACCESS]
    assert result.status is Status.FAIL and result.resources == ("user bob",)
    assert (result.spec.cis, result.spec.security_hub) == ("1.21", "IAM.27")
