"""``iam-tui check --json`` stays byte for byte what it was for the same account: the ids of checks and fixes are
enum members in the code, plain strings in the JSON. The account below fails nearly every check, so that most fixes
are named too; the expected text is ``tests/golden/check.json``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from iam_tui.aws.models import AccountIdentity, ScanResult
from iam_tui.check_command import to_json
from iam_tui.core.account_settings import AnalyzerCoverage, ServerCertificate
from iam_tui.core.authz import AuthorizationDetails, InlinePolicy, PolicyRef, Principal
from iam_tui.core.checks import run_checks
from iam_tui.core.credential_report import parse_report
from iam_tui.core.identity import parse_caller
from iam_tui.core.scan_inputs import AccountSummary

from .core.reports import report, root_row, row
from .core.test_checks import ADMIN, ADMIN_DOC, NOW, inputs, iso

GOLDEN = Path(__file__).parent / "golden" / "check.json"
CLOUDSHELL = PolicyRef("AWSCloudShellFullAccess", "arn:aws:iam::aws:policy/AWSCloudShellFullAccess")


def failing_account() -> ScanResult:
    caller = parse_caller("arn:aws:iam::123456789012:root", "123456789012")
    text = report(
        root_row(password_last_used=iso(1), access_key_1_active="true", access_key_1_last_used_date=iso(3)),
        row("alice", password_enabled="true", password_last_used=iso(2), access_key_1_active="true",
            access_key_1_last_rotated=iso(100), access_key_1_last_used_date=iso(1), access_key_2_active="true",
            access_key_2_last_rotated=iso(10), access_key_2_last_used_date=iso(60)),
        row("bob", password_enabled="true", password_last_changed=iso(80), access_key_1_active="true",
            access_key_1_last_rotated=iso(5)),
    )
    authz = AuthorizationDetails(
        users=(Principal("user", "alice", "arn:aws:iam::123456789012:user/alice", groups=("PowerUsers",)),
               Principal("user", "bob", "arn:aws:iam::123456789012:user/bob", (CLOUDSHELL,),
                         inline=(InlinePolicy("mine", {}),))),
        groups=(Principal("group", "PowerUsers", "arn:aws:iam::123456789012:group/PowerUsers", (ADMIN,)),),
        documents={ADMIN.arn: ADMIN_DOC},
    )
    scan = replace(inputs(), identity=caller, summary=AccountSummary(root_mfa_enabled=False,
                                                                     root_access_keys_present=True),
                   password_policy=None, report=parse_report(text), authz=authz, contact_information=None,
                   security_contact=None, analyzers=AnalyzerCoverage({"us-east-1": ()}),
                   server_certificates=(ServerCertificate("old", "arn:cert", NOW - timedelta(days=3)),))
    identity = AccountIdentity(caller, "my-company", "us-east-1", "environment")
    return ScanResult(identity, tuple(run_checks(scan)), NOW - timedelta(minutes=30), 29, 1.5)


def test_check_json_is_byte_for_byte_the_same() -> None:
    assert json.dumps(to_json(failing_account()), indent=2) + "\n" == GOLDEN.read_text()
