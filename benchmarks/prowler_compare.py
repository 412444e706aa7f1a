"""Findings of `iam-tui check` and of Prowler's CIS v5 IAM checks on the same seeded moto server, check by check.

    BENCH_PROWLER=/path/to/prowler .venv/bin/python benchmarks/prowler_compare.py [users]

Writes benchmarks/prowler-comparison.md (and prints it). Prowler is not a dependency of iam-tui: install it in a
virtual environment of its own (`python -m venv /tmp/p && /tmp/p/bin/pip install prowler`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import bench

# Prowler check -> iam-tui check, and how a finding names what it is about.
MAPPING: dict[str, tuple[str, str]] = {
    "account_maintain_current_contact_details": ("contact-details", "account"),
    "account_security_contact_information_is_registered": ("security-contact", "account"),
    "iam_no_root_access_key": ("root-access-keys", "account"),
    "iam_root_mfa_enabled": ("root-mfa", "account"),
    "iam_root_hardware_mfa_enabled": ("root-hardware-mfa", "account"),
    "iam_avoid_root_usage": ("root-recent-use", "account"),
    "iam_password_policy_minimum_length_14": ("password-policy-length", "account"),
    "iam_password_policy_reuse_24": ("password-policy-reuse", "account"),
    "iam_user_mfa_enabled_console_access": ("console-users-mfa", "user"),
    "iam_user_no_setup_initial_access_key": ("setup-keys-unused", "user"),
    "iam_user_accesskey_unused": ("unused-credentials", "user"),
    "iam_user_console_access_unused": ("unused-credentials", "user"),
    "iam_user_two_active_access_key": ("one-active-key", "user"),
    "iam_rotate_access_key_90_days": ("key-rotation", "user"),
    "iam_policy_attached_only_to_group_or_roles": ("permissions-via-groups", "user"),
    "iam_aws_attached_policy_no_administrative_privileges": ("no-full-admin-policy", "policy"),
    "iam_customer_attached_policy_no_administrative_privileges": ("no-full-admin-policy", "policy"),
    "iam_inline_policy_no_administrative_privileges": ("no-full-admin-policy", "policy"),
    "iam_support_role_created": ("support-role", "account"),
    "iam_no_expired_server_certificates_stored": ("expired-server-certificates", "account"),
    "accessanalyzer_enabled": ("access-analyzer", "account"),
    "iam_policy_cloudshell_admin_not_attached": ("cloudshell-full-access", "account"),
}

assert set(MAPPING) == set(bench.PROWLER_CHECKS)

# Why a row differs, where it is known (read from both tools' sources and this run's output).
NOTES: dict[str, str] = {
    "contact-details": "Prowler marks CIS 1.1 MANUAL; iam-tui reads account:GetContactInformation and asks the "
                       "user to confirm it is current.",
    "security-contact": "Prowler 5.46 marks it MANUAL; iam-tui reads account:GetAlternateContact (SECURITY).",
    "root-access-keys": "moto's credential report has no root row and its GetAccountSummary always says no root "
                        "key: Prowler (report) is silent, iam-tui (summary) passes. The demo sandbox adds both.",
    "root-mfa": "moto's GetAccountSummary says root MFA is off: iam-tui fails it; Prowler reads the report's root "
                "row, which moto lacks, and says nothing.",
    "root-hardware-mfa": "moto says root has no MFA at all: iam-tui fails 1.5 too; Prowler reads the report's root "
                         "row, which moto lacks, and says nothing.",
    "root-recent-use": "moto's credential report has no root row: iam-tui says unknown, Prowler says nothing.",
    "no-full-admin-policy": "Same policy; Prowler reports the policy once, iam-tui each attachment of it.",
    "permissions-via-groups": "Same users; Prowler reports each (user, policy) pair, iam-tui each user.",
    "unused-credentials": "moto writes no last-used dates: nothing is old enough for either tool.",
    "expired-server-certificates": "No certificate is stored: Prowler reports nothing, iam-tui passes.",
}


def iam_tui_findings(endpoint: str, env: dict[str, str]) -> dict[str, tuple[str, set[str]]]:
    out = subprocess.run([str(bench.BIN / "iam-tui"), "check", "--json", "--endpoint-url", endpoint], env=env,
                         capture_output=True, text=True, timeout=300)
    checks = json.loads(out.stdout)["checks"]
    return {c["id"]: (c["status"], {_subject(r) for r in c["resources"]} if c["status"] == "fail" else set())
            for c in checks}


def _subject(resource: str) -> str:
    """`user00002 (key 1, never used)` -> user00002; `AdministratorAccess (AWS managed) attached to ...` ->
    AdministratorAccess; `user00000: IAMUserChangePassword` -> user00000."""
    return re.split(r"[ :]", resource, maxsplit=1)[0]


def prowler_findings(prowler: str, endpoint: str, env: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(bench.prowler_argv(prowler, Path(folder)), env={**env, "AWS_ENDPOINT_URL": endpoint},
                       capture_output=True, timeout=3600)
        found = next(Path(folder).glob("*.ocsf.json"))
        data = json.loads(found.read_text())
    by_check: dict[str, list[dict[str, Any]]] = {}
    for finding in data:
        by_check.setdefault(finding["metadata"]["event_code"], []).append(finding)
    return by_check


def _prowler_subject(finding: dict[str, Any], kind: str) -> str:
    resource = finding["resources"][0] if finding["resources"] else {}
    if kind == "user":
        return str(resource.get("uid", "")).rsplit("/", 1)[-1]
    if kind == "policy":
        return str(resource.get("name", "")).split("/")[-1]
    return "account"


def compare(ours: dict[str, tuple[str, set[str]]], theirs: dict[str, list[dict[str, Any]]]) -> list[str]:
    rows: dict[str, dict[str, Any]] = {}
    for check, (our_id, kind) in MAPPING.items():
        row = rows.setdefault(our_id, {"prowler": [], "statuses": set(), "fails": set(), "kind": kind})
        row["prowler"].append(check)
        for finding in theirs.get(check, []):
            row["statuses"].add(finding["status_code"])
            if finding["status_code"] == "FAIL":
                row["fails"].add(_prowler_subject(finding, kind))
    lines = ["| iam-tui check | Prowler check(s) | iam-tui | Prowler | same findings? | why they differ |",
             "|---|---|---|---|---|---|"]
    for our_id, row in rows.items():
        status, subjects = ours.get(our_id, ("(not in this iam-tui)", set()))
        prowler_status = ("FAIL" if row["fails"] else "/".join(sorted(row["statuses"]))) or "no finding"
        ours_text = f"{status}" + (f" ({len(subjects)})" if subjects and row["kind"] != "account" else "")
        theirs_text = prowler_status + (f" ({len(row['fails'])})" if row["fails"] and row["kind"] != "account"
                                        else "")
        same = (status == "fail") == bool(row["fails"]) and (row["kind"] == "account" or subjects == row["fails"])
        if "MANUAL" in row["statuses"] or not row["statuses"]:
            same = False
        lines.append(f"| `{our_id}` | {', '.join(f'`{c}`' for c in row['prowler'])} | {ours_text} | "
                     f"{theirs_text} | {'yes' if same else 'no'} | {NOTES.get(our_id, '') if not same else ''} |")
    extra = [i for i in ours if i not in rows]
    if extra:
        lines.append("")
        lines.append("iam-tui checks with no Prowler counterpart: " + ", ".join(f"`{i}`" for i in extra) + ".")
    return lines


def main() -> None:
    prowler = os.environ.get("BENCH_PROWLER")
    if not prowler:
        raise SystemExit("set BENCH_PROWLER to the prowler executable")
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    server = bench.CountingServer()
    tmp = Path(tempfile.mkdtemp())
    env = bench.bench_env(tmp)
    try:
        bench.seed(0, users)
        ours = iam_tui_findings(server.endpoint, env)
        theirs = prowler_findings(prowler, server.endpoint, env)
    finally:
        server.stop()
    version = subprocess.run([prowler, "--version"], capture_output=True, text=True).stdout.strip()
    text = "\n".join([
        "# iam-tui check vs Prowler, finding by finding",
        "",
        f"Generated by `benchmarks/prowler_compare.py {users}`: one moto server on loopback, seeded by "
        f"`bench.seed` with {users} users (passwords, keys, MFA, groups, inline and attached policies, a support "
        f"role); {version}; Access Analyzer and GetContactInformation answered as AWS answers a fresh account "
        "(moto has neither). Counts are of distinct users or policies; `fail` subjects are compared by name.",
        "",
        *compare(ours, theirs),
        "",
    ])
    Path(__file__).with_name("prowler-comparison.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
