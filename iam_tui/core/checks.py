"""The security recommendations (CIS AWS Foundations Benchmark v5, IAM section), as pure functions.

Inputs are gathered by the service layer with account-wide calls only (no call per user); each input is either
its value or an :class:`Unavailable` that says which permission was missing, so one denied call turns only the
checks that need it into ``unknown``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from .accepted import Acceptance, acceptance_of, full_admin_principals, ignored_markers
from .account_settings import AlternateContact, ContactInformation
from .ago import ago
from .authz import AuthorizationDetails, allows_full_admin
from .credential_report import ReportRow
from .mfa_gate import gates_everything
from .password_policy import PasswordPolicy
from .scan_inputs import ScanInputs
from .unavailable import Unavailable

UNUSED_DAYS = 45
ROTATION_DAYS = 90
ROOT_RECENT_DAYS = 90
CIS_MIN_LENGTH = 14
CIS_REUSE = 24
SUPPORT_POLICY_ARN_SUFFIX = ":iam::aws:policy/AWSSupportAccess"
CLOUDSHELL_POLICY_ARN_SUFFIX = ":iam::aws:policy/AWSCloudShellFullAccess"
GOVCLOUD = "aws-us-gov"


class CheckId(StrEnum):
    """The checks' stable ids (what ``iam-tui check --json`` names, in the order the checks run)."""

    CALLER_NOT_ROOT = "caller-not-root"
    CONTACT_DETAILS = "contact-details"
    SECURITY_CONTACT = "security-contact"
    ROOT_MFA = "root-mfa"
    ROOT_HARDWARE_MFA = "root-hardware-mfa"
    ROOT_ACCESS_KEYS = "root-access-keys"
    ROOT_RECENT_USE = "root-recent-use"
    PASSWORD_POLICY_LENGTH = "password-policy-length"
    PASSWORD_POLICY_REUSE = "password-policy-reuse"
    CONSOLE_USERS_MFA = "console-users-mfa"
    SETUP_KEYS_UNUSED = "setup-keys-unused"
    UNUSED_CREDENTIALS = "unused-credentials"
    ONE_ACTIVE_KEY = "one-active-key"
    KEY_ROTATION = "key-rotation"
    PERMISSIONS_VIA_GROUPS = "permissions-via-groups"
    NO_FULL_ADMIN_POLICY = "no-full-admin-policy"
    SUPPORT_ROLE = "support-role"
    EXPIRED_SERVER_CERTIFICATES = "expired-server-certificates"
    ACCESS_ANALYZER = "access-analyzer"
    CLOUDSHELL_FULL_ACCESS = "cloudshell-full-access"
    ADMIN_KEYS_MFA = "admin-keys-mfa"

T = TypeVar("T")


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "n/a"


@dataclass(frozen=True)
class CheckSpec:
    id: CheckId
    title: str
    why: str
    fix: str
    cis: str | None = None
    security_hub: str | None = None
    security_hub_note: str | None = None  # when the Security Hub control covers less than the check


@dataclass(frozen=True)
class CheckResult:
    spec: CheckSpec
    status: Status
    detail: str
    resources: tuple[str, ...] = ()
    users: tuple[str, ...] = ()  # the IAM users a per-user finding names (for the users screen)
    # The finding's acceptance, lapsed or not (the status stays as it is); see core.accepted.
    acceptance: Acceptance | None = None
    groups: tuple[str, ...] = ()  # the IAM groups a finding names (a fix reads them here, not from the text)

    @property
    def accepted(self) -> str | None:
        """The reason the user typed, while the acceptance is in effect (not lapsed, covering every holder)."""
        return self.acceptance.reason if self.acceptance is not None and self.acceptance.in_effect else None

    @property
    def id(self) -> CheckId:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.spec.id,
            "status": self.status.value,
            "title": self.spec.title,
            "detail": self.detail,
            "cis": self.spec.cis,
            "security_hub": self.spec.security_hub,
            "security_hub_note": self.spec.security_hub_note,
            "resources": list(self.resources),
            "accepted": self.accepted,
            "acceptance": self.acceptance.to_json() if self.acceptance is not None else None,
            "why": self.spec.why,
            "how_to_fix": self.spec.fix,
        }


SPECS: dict[CheckId, CheckSpec] = {
    spec.id: spec
    for spec in (
        CheckSpec(
            CheckId.CALLER_NOT_ROOT,
            "Work as an IAM user or role, not as root",
            "Root can do anything, including closing the account; the point of this guide is to stop using it.",
            "Finish the guide, then sign in as the new admin user (or with `aws login` / IAM Identity Center).",
        ),
        CheckSpec(
            CheckId.CONTACT_DETAILS,
            "The account's contact details are set",
            "AWS uses the account's contact details to reach you about abuse or a compromise of the account; "
            "outdated details mean the warning reaches nobody.",
            "Review them: console > account menu > Account > Contact information (or `aws account "
            "put-contact-information`). CIS asks you to keep them current; only you can tell that they are.",
            cis="1.1",
        ),
        CheckSpec(
            CheckId.SECURITY_CONTACT,
            "A security contact is registered",
            "Without one, AWS's security notifications go only to the root user's email address, which is often "
            "an unwatched mailbox.",
            "Press `s` on the dashboard to set it, or: console > account menu > Account > Alternate contacts > "
            "Security, or `aws account put-alternate-contact --alternate-contact-type SECURITY ...`.",
            cis="1.2",
            security_hub="Account.1",
        ),
        CheckSpec(
            CheckId.ROOT_MFA,
            "Root user has MFA",
            "A stolen root password alone would hand over the whole account.",
            "Console only (no API exists): sign in as root > account menu > Security credentials > "
            "Multi-factor authentication > Assign MFA device.",
            cis="1.4",
            security_hub="IAM.9",
        ),
        CheckSpec(
            CheckId.ROOT_HARDWARE_MFA,
            "Root user's MFA is a hardware device",
            "A virtual MFA app lives on a phone that can be lost, cloned or backed up elsewhere; CIS asks for a "
            "hardware device (FIDO security key or hardware TOTP token) on the one unrestricted identity.",
            "Console only: sign in as root > account menu > Security credentials > Multi-factor authentication > "
            "Assign MFA device > Security key or Hardware TOTP token; then remove root's virtual device "
            "(root-account-mfa-device), if it has one.",
            cis="1.5",
            security_hub="IAM.6",
        ),
        CheckSpec(
            CheckId.ROOT_ACCESS_KEYS,
            "Root user has no access keys",
            "A root access key is a password to everything that never expires and cannot be limited.",
            "Finish this setup with an admin user's key, then delete the root key (iam-tui offers it at the "
            "end, or: root > Security credentials > Access keys > Delete).",
            cis="1.3",
            security_hub="IAM.4",
        ),
        CheckSpec(
            CheckId.ROOT_RECENT_USE,
            "Root user is not used for everyday tasks",
            "Every root sign-in or key use is a chance for the one unrestricted identity to be misused.",
            "After this setup, use the admin user; keep root for the few tasks that need it.",
            cis="1.6",  # no current Security Hub control: IAM.20 was retired in April 2024 (it was CIS 1.2.0's)
        ),
        CheckSpec(
            CheckId.PASSWORD_POLICY_LENGTH,
            "Password policy requires 14 or more characters",
            "Short passwords are guessed; CIS asks for a minimum length of 14.",
            "Set the account password policy's minimum length to 14 or more (Password policy screen, `p`).",
            cis="1.7",
            security_hub="IAM.15",
        ),
        CheckSpec(
            CheckId.PASSWORD_POLICY_REUSE,
            "Password policy prevents reuse of the last 24 passwords",
            "Reused passwords bring back credentials that may already have leaked.",
            "Set the account password policy's reuse prevention to 24 (Password policy screen, `p`).",
            cis="1.8",
            security_hub="IAM.16",
        ),
        CheckSpec(
            CheckId.CONSOLE_USERS_MFA,
            "Every user with a console password has MFA",
            "A password alone is phished or guessed; MFA stops that.",
            "Assign a virtual MFA device to each listed user (guide step 3).",
            cis="1.9",
            security_hub="IAM.5",
        ),
        CheckSpec(
            CheckId.SETUP_KEYS_UNUSED,
            "No unused access keys created at setup for console users",
            "Keys created 'just in case' for a console user are long-lived secrets nobody watches.",
            "Use the key (e.g. configure the AWS CLI) or delete it; prefer `aws login` for the CLI.",
            cis="1.10",
        ),
        CheckSpec(
            CheckId.UNUSED_CREDENTIALS,
            f"Credentials unused for {UNUSED_DAYS} days or more are disabled",
            "Forgotten passwords and keys are the ones nobody notices being misused.",
            "Deactivate or delete the listed access keys; remove the console password of inactive users.",
            cis="1.11",
            security_hub="IAM.22",
        ),
        CheckSpec(
            CheckId.ONE_ACTIVE_KEY,
            "Each user has at most one active access key",
            "Two active keys usually means one forgotten key.",
            "Deactivate the older key once the newer one is in use.",
            cis="1.12",
        ),
        CheckSpec(
            CheckId.KEY_ROTATION,
            f"Active access keys are rotated every {ROTATION_DAYS} days",
            "Old keys have had more time to leak.",
            "Create a new key, switch to it, then deactivate and delete the old one.",
            cis="1.13",
            security_hub="IAM.3",
        ),
        CheckSpec(
            CheckId.PERMISSIONS_VIA_GROUPS,
            "Users get permissions only through groups",
            "Policies attached to single users are hard to review and easy to forget.",
            "Move each listed policy to a group and add the user to it; for IAMUserChangePassword, allow users "
            "to change their own password in the account password policy instead.",
            cis="1.14",
            security_hub="IAM.2",
        ),
        CheckSpec(
            CheckId.NO_FULL_ADMIN_POLICY,
            'No attached policy allows full "*:*" administrative privileges',
            "A policy that allows every action on every resource gives away the account, IAM included.",
            "Grant least privilege; if you keep an admin group on purpose (as the guide does), keep it small and "
            "every member on MFA.",
            cis="1.15",
            security_hub="IAM.1",
            security_hub_note="customer managed policies only; AWS managed ones such as AdministratorAccess have "
            "no Security Hub control",
        ),
        CheckSpec(
            CheckId.SUPPORT_ROLE,
            "A support role exists to manage incidents with AWS Support",
            "Someone must be able to open AWS Support cases during an incident without root.",
            "Create a role with the AWS managed policy AWSSupportAccess attached and decide who may assume it.",
            cis="1.16",
            security_hub="IAM.18",
        ),
        CheckSpec(
            CheckId.EXPIRED_SERVER_CERTIFICATES,
            "No expired TLS certificates are stored in IAM",
            "An expired certificate deployed by mistake (to a load balancer, say) breaks the site and looks like "
            "an attack to its users.",
            "Delete each listed certificate: `aws iam delete-server-certificate --server-certificate-name NAME` "
            "(check first that nothing uses it); prefer AWS Certificate Manager, which renews certificates.",
            cis="1.18",
            security_hub="IAM.26",
        ),
        CheckSpec(
            CheckId.ACCESS_ANALYZER,
            "IAM Access Analyzer is enabled",
            "Access Analyzer finds resources (buckets, keys, roles) shared with someone outside the account.",
            "Press f: iam-tui creates one (type ACCOUNT, free) in each listed region. Or: console > IAM > Access "
            "analyzer > Create analyzer in each region, or `aws accessanalyzer create-analyzer --analyzer-name "
            "account --type ACCOUNT --region REGION`.",
            cis="1.19",
            security_hub="IAM.28",
        ),
        CheckSpec(
            CheckId.CLOUDSHELL_FULL_ACCESS,
            "No one has AWSCloudShellFullAccess",
            "It lets its holders upload and download files to and from CloudShell: a way to move data out of "
            "the account past other controls.",
            "Detach AWSCloudShellFullAccess from each listed user, group or role; grant only the CloudShell "
            "actions they need.",
            cis="1.21",
            security_hub="IAM.27",
        ),
        CheckSpec(
            CheckId.ADMIN_KEYS_MFA,  # beyond CIS: iam-tui's own
            "Administrators' CLI access is short-lived or MFA-gated",
            "An administrator's access key that works without MFA is the whole account to whoever copies it "
            "(malware, a backup, a repository): leaked long-term keys are the most common way AWS accounts are "
            "taken over. Beyond CIS: iam-tui's own check.",
            "Move the user to `aws login` (AWS CLI 2.32+, short-lived credentials, no key) and delete the key; or "
            "keep the key but gate it: a policy that denies everything unless aws:MultiFactorAuthPresent (AWS's "
            "documented self-manage-MFA example), with `aws configure mfa-login` for daily sessions (f does it).",
        ),
    )
}

CHECK_IDS: tuple[CheckId, ...] = tuple(SPECS)


def _result(check_id: CheckId, status: Status, detail: str, resources: Iterable[str] = ()) -> CheckResult:
    return CheckResult(SPECS[check_id], status, detail, tuple(resources))


# --- the checks ------------------------------------------------------------------------------------------------


def check_caller(inputs: ScanInputs) -> CheckResult:
    ident = inputs.identity
    if ident.is_root:
        return _result(CheckId.CALLER_NOT_ROOT, Status.WARN, "You are signed in as the root user.", [ident.arn])
    return _result(CheckId.CALLER_NOT_ROOT, Status.PASS, f"You are {ident.kind.value} {ident.name}.", [ident.arn])


CENTRAL_ROOT_NOTE = (" Note: AWS Organizations' central root management is on; it does not remove existing root "
                     "credentials by itself.")


def _root_check(check_id: CheckId, *, console: bool = False) -> Callable[[Callable[[ScanInputs], CheckResult]],
                                                                      Callable[[ScanInputs], CheckResult]]:
    """A check of the root user: ``n/a`` for console matters in GovCloud (root cannot use the console there);
    when Organizations manages root credentials centrally, the result says so as a note, never as a pass."""

    def wrap(check: Callable[[ScanInputs], CheckResult]) -> Callable[[ScanInputs], CheckResult]:
        def run(inputs: ScanInputs) -> CheckResult:
            if console and inputs.identity.partition == GOVCLOUD:
                return _result(check_id, Status.NOT_APPLICABLE, "In AWS GovCloud (US) the root user cannot sign in "
                               "to the console; root MFA belongs to the associated standard AWS account.")
            result = check(inputs)
            if inputs.root_centrally_managed and result.status is not Status.UNKNOWN:
                return dataclasses.replace(result, detail=result.detail + CENTRAL_ROOT_NOTE)
            return result

        return run

    return wrap


@_root_check(CheckId.ROOT_MFA, console=True)
def check_root_mfa(inputs: ScanInputs) -> CheckResult:
    summary = inputs.summary
    if isinstance(summary, Unavailable):
        return _result(CheckId.ROOT_MFA, Status.UNKNOWN, summary.describe())
    if summary.root_mfa_enabled:
        return _result(CheckId.ROOT_MFA, Status.PASS, "The root user has an MFA device (live, GetAccountSummary).")
    return _result(CheckId.ROOT_MFA, Status.FAIL, "The root user has no MFA device (live, GetAccountSummary). "
                   "AWS offers no API for root MFA: assign it in the console.", ["root user"])


@_root_check(CheckId.ROOT_HARDWARE_MFA, console=True)
def check_root_hardware_mfa(inputs: ScanInputs) -> CheckResult:
    summary, virtual = inputs.summary, inputs.root_virtual_mfa
    if isinstance(summary, Unavailable):
        return _result(CheckId.ROOT_HARDWARE_MFA, Status.UNKNOWN, summary.describe())
    if not summary.root_mfa_enabled:
        return _result(CheckId.ROOT_HARDWARE_MFA, Status.FAIL, "The root user has no MFA device at all.", ["root user"])
    if isinstance(virtual, Unavailable):
        return _result(CheckId.ROOT_HARDWARE_MFA, Status.UNKNOWN, virtual.describe())
    if virtual:
        return _result(CheckId.ROOT_HARDWARE_MFA, Status.FAIL, "The root user's MFA is a virtual device "
                       "(root-account-mfa-device, ListVirtualMFADevices).", ["root user"])
    return _result(CheckId.ROOT_HARDWARE_MFA, Status.PASS, "The root user's MFA is not a virtual device.")


@_root_check(CheckId.ROOT_ACCESS_KEYS)
def check_root_keys(inputs: ScanInputs) -> CheckResult:
    summary = inputs.summary
    if isinstance(summary, Unavailable):
        return _result(CheckId.ROOT_ACCESS_KEYS, Status.UNKNOWN, summary.describe())
    if not summary.root_access_keys_present:
        return _result(CheckId.ROOT_ACCESS_KEYS, Status.PASS, "The root user has no access keys (live).")
    running = (" iam-tui is running on a root access key right now."
               if inputs.identity.is_root and inputs.caller_long_term_key else "")
    return _result(CheckId.ROOT_ACCESS_KEYS, Status.FAIL, "The root user has at least one access key (live)." + running,
                   ["root user"])


@_root_check(CheckId.ROOT_RECENT_USE)
def check_root_recent_use(inputs: ScanInputs) -> CheckResult:
    report = inputs.report
    if isinstance(report, Unavailable):
        return _result(CheckId.ROOT_RECENT_USE, Status.UNKNOWN, report.describe())
    root = report.root
    if root is None:
        return _result(CheckId.ROOT_RECENT_USE, Status.UNKNOWN, "The credential report has no root row.")
    uses = [("password", root.password_last_used)] + [
        (f"access key {k.slot}", k.last_used) for k in root.keys
    ]
    recent = [(what, when) for what, when in uses
              if when is not None and inputs.now - when < timedelta(days=ROOT_RECENT_DAYS)]
    if not recent:
        return _result(CheckId.ROOT_RECENT_USE, Status.PASS, f"Root not used in the last {ROOT_RECENT_DAYS} days "
                       "(per the credential report).")
    text = ", ".join(f"{what} used {ago(when, inputs.now)}" for what, when in recent)
    return _result(CheckId.ROOT_RECENT_USE, Status.WARN, f"Root {text} (credential report). Setting up an admin user "
                   "is a fair reason; afterwards, stop using root.", ["root user"])


def _with_input(check_id: CheckId, read: Callable[[ScanInputs], T | Unavailable | None], missing: str,
                resource: str) -> Callable[[Callable[[T], CheckResult]], Callable[[ScanInputs], CheckResult]]:
    """A check of one account-wide input (``read``): unknown when it could not be read, failing (``missing`` says
    so, on ``resource``) when the account has none."""

    def wrap(check: Callable[[T], CheckResult]) -> Callable[[ScanInputs], CheckResult]:
        def run(inputs: ScanInputs) -> CheckResult:
            value = read(inputs)
            if isinstance(value, Unavailable):
                return _result(check_id, Status.UNKNOWN, value.describe())
            if value is None:
                return _result(check_id, Status.FAIL, missing, [resource])
            return check(value)

        return run

    return wrap


PASSWORD_POLICY = "account password policy"


@_with_input(CheckId.PASSWORD_POLICY_LENGTH, lambda inputs: inputs.password_policy,
             "No password policy is set: AWS's default allows 8 characters.", PASSWORD_POLICY)
def check_password_length(policy: PasswordPolicy) -> CheckResult:
    if policy.minimum_length >= CIS_MIN_LENGTH:
        return _result(CheckId.PASSWORD_POLICY_LENGTH, Status.PASS, f"Minimum length is {policy.minimum_length}.")
    return _result(CheckId.PASSWORD_POLICY_LENGTH, Status.FAIL,
                   f"Minimum length is {policy.minimum_length}; CIS asks for {CIS_MIN_LENGTH}.", [PASSWORD_POLICY])


@_with_input(CheckId.PASSWORD_POLICY_REUSE, lambda inputs: inputs.password_policy,
             "No password policy is set: old passwords can be reused.", PASSWORD_POLICY)
def check_password_reuse(policy: PasswordPolicy) -> CheckResult:
    if (policy.reuse_prevention or 0) >= CIS_REUSE:
        return _result(CheckId.PASSWORD_POLICY_REUSE, Status.PASS,
                       f"The last {policy.reuse_prevention} passwords cannot be reused.")
    current = policy.reuse_prevention or "no"
    return _result(CheckId.PASSWORD_POLICY_REUSE, Status.FAIL,
                   f"Reuse prevention remembers {current} passwords; CIS asks for {CIS_REUSE}.", [PASSWORD_POLICY])


def _per_user(check_id: CheckId) -> Callable[[Callable[[ScanInputs, list[ReportRow]], CheckResult]],
                                          Callable[[ScanInputs], CheckResult]]:
    """A check over the users' credential report rows (corrected by live re-reads); unknown without a report."""

    def wrap(check: Callable[[ScanInputs, list[ReportRow]], CheckResult]) -> Callable[[ScanInputs], CheckResult]:
        def run(inputs: ScanInputs) -> CheckResult:
            if isinstance(inputs.report, Unavailable):
                return _result(check_id, Status.UNKNOWN, inputs.report.describe())
            return check(inputs, inputs.user_rows(inputs.report))

        return run

    return wrap


def _verdict(check_id: CheckId, offenders: list[str], ok: str, bad: str, users: Iterable[str] = ()) -> CheckResult:
    if offenders:
        named = tuple(dict.fromkeys(users))  # each user once, in the findings' order
        return dataclasses.replace(_result(check_id, Status.FAIL, bad.format(n=len(offenders)), offenders),
                                   users=named)
    return _result(check_id, Status.PASS, ok)


@_per_user(CheckId.CONSOLE_USERS_MFA)
def check_console_mfa(inputs: ScanInputs, rows: list[ReportRow]) -> CheckResult:
    console = [r for r in rows if r.password_enabled]
    offenders = [r.user for r in console if not r.mfa_active]
    ok = f"All {len(console)} console users have MFA." if console else "No IAM user has a console password."
    return _verdict(CheckId.CONSOLE_USERS_MFA, offenders, ok, "{n} console user(s) without MFA.", offenders)


@dataclass(frozen=True)
class UnusedCredential:
    """An enabled credential of one user that a check finds unused: the password (``slot`` None) or the access key
    in credential report slot ``slot``; ``why`` in words, as the check's finding says it."""

    check_id: CheckId  # setup-keys-unused (CIS 1.10) or unused-credentials (CIS 1.11)
    user: str
    slot: int | None
    why: str

    @property
    def finding(self) -> str:
        what = "password" if self.slot is None else f"key {self.slot}"
        sep = ", " if self.check_id == CheckId.SETUP_KEYS_UNUSED else " "
        return f"{self.user} ({what}{sep}{self.why})"


def setup_keys_unused(row: ReportRow) -> list[UnusedCredential]:
    """CIS 1.10: a console user's active keys that were never used."""
    if not row.password_enabled:
        return []
    return [UnusedCredential(CheckId.SETUP_KEYS_UNUSED, row.user, k.slot, "never used") for k in row.active_keys
            if k.last_used is None]


def unused_credentials(row: ReportRow, now: datetime) -> list[UnusedCredential]:
    """CIS 1.11: the user's password and active keys unused for ``UNUSED_DAYS`` days or more."""
    limit = timedelta(days=UNUSED_DAYS)
    found: list[UnusedCredential] = []
    if row.password_enabled:
        last = row.password_last_used or row.password_last_changed or row.created
        if last is not None and now - last >= limit:
            how = "last used" if row.password_last_used else "set, never used,"
            found.append(UnusedCredential(CheckId.UNUSED_CREDENTIALS, row.user, None, f"{how} {ago(last, now)}"))
    for key in row.active_keys:
        last = key.last_used or key.last_rotated
        if last is not None and now - last >= limit:
            how = "last used" if key.last_used else "created, never used,"
            found.append(UnusedCredential(CheckId.UNUSED_CREDENTIALS, row.user, key.slot, f"{how} {ago(last, now)}"))
    return found


@_per_user(CheckId.SETUP_KEYS_UNUSED)
def check_setup_keys(inputs: ScanInputs, rows: list[ReportRow]) -> CheckResult:
    found = [u for r in rows for u in setup_keys_unused(r)]
    return _verdict(CheckId.SETUP_KEYS_UNUSED, [u.finding for u in found], "No console user has an active key that was "
                    "never used.", "{n} active key(s) of console users were never used.", [u.user for u in found])


@_per_user(CheckId.UNUSED_CREDENTIALS)
def check_unused_credentials(inputs: ScanInputs, rows: list[ReportRow]) -> CheckResult:
    found = [u for r in rows for u in unused_credentials(r, inputs.now)]
    offenders, users = [u.finding for u in found], [u.user for u in found]
    return _verdict(CheckId.UNUSED_CREDENTIALS, offenders, f"No enabled credential is unused for {UNUSED_DAYS} days.",
                    f"{{n}} enabled credential(s) unused for {UNUSED_DAYS}+ days.", users)


@_per_user(CheckId.ONE_ACTIVE_KEY)
def check_one_active_key(inputs: ScanInputs, rows: list[ReportRow]) -> CheckResult:
    offenders = [r.user for r in rows if len(r.active_keys) > 1]
    return _verdict(CheckId.ONE_ACTIVE_KEY, offenders, "No user has two active access keys.",
                    "{n} user(s) with two active access keys.", offenders)


@_per_user(CheckId.KEY_ROTATION)
def check_key_rotation(inputs: ScanInputs, rows: list[ReportRow]) -> CheckResult:
    limit = timedelta(days=ROTATION_DAYS)
    found = [(r.user, f"{r.user} (key {k.slot}, {ago(k.last_rotated, inputs.now)})") for r in rows
             for k in r.active_keys if k.last_rotated is not None and inputs.now - k.last_rotated > limit]
    return _verdict(CheckId.KEY_ROTATION, [text for _, text in found],
                    f"Every active key is younger than {ROTATION_DAYS} days.",
                    f"{{n}} active key(s) older than {ROTATION_DAYS} days.", [user for user, _ in found])


def _with_authz(check_id: CheckId) -> Callable[[Callable[[ScanInputs, AuthorizationDetails], CheckResult]],
                                           Callable[[ScanInputs], CheckResult]]:
    """A check over who has which policies; unknown when the authorization details could not be read."""

    def wrap(check: Callable[[ScanInputs, AuthorizationDetails], CheckResult]) -> Callable[[ScanInputs], CheckResult]:
        def run(inputs: ScanInputs) -> CheckResult:
            if isinstance(inputs.authz, Unavailable):
                return _result(check_id, Status.UNKNOWN, inputs.authz.describe())
            return check(inputs, inputs.authz)

        return run

    return wrap


@_with_authz(CheckId.PERMISSIONS_VIA_GROUPS)
def check_via_groups(inputs: ScanInputs, authz: AuthorizationDetails) -> CheckResult:
    offenders = []
    users = []
    for user in authz.users:
        names = [p.name for p in user.attached] + [f"{p.name} (inline)" for p in user.inline]
        if names:
            offenders.append(f"{user.name}: {', '.join(names)}")
            users.append(user.name)
    return _verdict(CheckId.PERMISSIONS_VIA_GROUPS, offenders, "No user has policies of their own.",
                    "{n} user(s) with policies attached directly.", users)


@_with_authz(CheckId.NO_FULL_ADMIN_POLICY)
def check_full_admin(inputs: ScanInputs, authz: AuthorizationDetails) -> CheckResult:
    if authz.documents_error is not None:
        return _result(CheckId.NO_FULL_ADMIN_POLICY, Status.UNKNOWN, authz.documents_error.describe())
    offenders: list[str] = []
    groups: list[str] = []
    holders = full_admin_principals(authz)
    for principal in holders:
        found = len(offenders)
        for ref in principal.attached:
            if allows_full_admin(authz.documents.get(ref.arn)):
                owner = "AWS managed" if ref.aws_managed else "customer managed"
                offenders.append(f"{ref.name} ({owner}) attached to {principal.kind} {principal.name}")
        for inline in principal.inline:
            if allows_full_admin(inline.document):
                offenders.append(f"{inline.name} (inline) on {principal.kind} {principal.name}")
        if principal.kind == "group" and len(offenders) > found:
            groups.append(principal.name)
    result = _verdict(CheckId.NO_FULL_ADMIN_POLICY, offenders, 'No attached policy allows "*:*".',
                      '{n} attachment(s) of policies that allow "*:*".',
                      [p.name for p in holders if p.kind == "user"])
    if not offenders:
        return result
    acceptance = acceptance_of(authz, holders)
    ignored = ignored_markers(holders, acceptance)
    detail = result.detail + (f" Not an acceptance (ignored): {'; '.join(ignored)}." if ignored else "")
    return dataclasses.replace(result, detail=detail, acceptance=acceptance, groups=tuple(groups))


@_with_authz(CheckId.SUPPORT_ROLE)
def check_support_role(inputs: ScanInputs, authz: AuthorizationDetails) -> CheckResult:
    roles = [r.name for r in authz.roles if any(p.arn.endswith(SUPPORT_POLICY_ARN_SUFFIX) for p in r.attached)]
    if roles:
        return _result(CheckId.SUPPORT_ROLE, Status.PASS, f"Support role(s): {', '.join(roles)}.", roles)
    return _result(CheckId.SUPPORT_ROLE, Status.FAIL, "No role has AWSSupportAccess attached.", ["(no support role)"])


@_with_input(CheckId.CONTACT_DETAILS, lambda inputs: inputs.contact_information,
             "The account has no contact information.", "account")
def check_contact_details(info: ContactInformation) -> CheckResult:
    who = ", ".join(part for part in (info.full_name, info.company, info.phone, info.country) if part)
    return _result(CheckId.CONTACT_DETAILS, Status.PASS, f"Primary contact: {who}. Make sure it is current.")


@_with_input(CheckId.SECURITY_CONTACT, lambda inputs: inputs.security_contact, "No security contact is registered.",
             "account")
def check_security_contact(contact: AlternateContact) -> CheckResult:
    return _result(CheckId.SECURITY_CONTACT, Status.PASS, f"Security contact: {contact.name} <{contact.email}>.")


def check_server_certificates(inputs: ScanInputs) -> CheckResult:
    certificates = inputs.server_certificates
    if isinstance(certificates, Unavailable):
        return _result(CheckId.EXPIRED_SERVER_CERTIFICATES, Status.UNKNOWN, certificates.describe())
    expired = [f"{c.name} (expired {ago(c.expires, inputs.now)})" for c in certificates
               if c.expires is not None and c.expires <= inputs.now]
    stored = f"{len(certificates)} certificate(s) stored, none expired." if certificates else \
        "No server certificates are stored in IAM."
    return _verdict(CheckId.EXPIRED_SERVER_CERTIFICATES, expired, stored, "{n} expired certificate(s) stored in IAM.")


def check_access_analyzer(inputs: ScanInputs) -> CheckResult:
    """CIS 1.19 asks for an external-access analyzer in every enabled region (an analyzer sees only its region)."""
    coverage = inputs.analyzers
    if isinstance(coverage, Unavailable):
        return _result(CheckId.ACCESS_ANALYZER, Status.UNKNOWN, coverage.describe())
    missing = coverage.regions_without
    unknown = "; ".join(f"{region}: {why}" for region, why in coverage.unreadable.items())
    notes = " ".join(part for part in (
        f"Not read: {unknown}" if unknown else "",
        f"Only {', '.join(coverage.regions)} was read: {coverage.regions_error}" if coverage.regions_error else "",
    ) if part)
    if missing:
        detail = f"No active external-access analyzer in {len(missing)} enabled region(s): {', '.join(missing)}."
        return _result(CheckId.ACCESS_ANALYZER, Status.FAIL, " ".join(part for part in (detail, notes) if part),
                       [f"region {region}" for region in missing])
    names = "; ".join(f"{region}: {', '.join(found)}" for region, found in coverage.active.items() if found)
    if notes:
        return _result(CheckId.ACCESS_ANALYZER, Status.UNKNOWN, f"{notes} Active analyzers: {names or 'none read'}.")
    return _result(CheckId.ACCESS_ANALYZER, Status.PASS,
                   f"An active analyzer in each of the {len(coverage.active)} enabled region(s): {names}.")


@_with_authz(CheckId.CLOUDSHELL_FULL_ACCESS)
def check_cloudshell(inputs: ScanInputs, authz: AuthorizationDetails) -> CheckResult:
    holders = [f"{p.kind} {p.name}" for p in authz.principals()
               if any(ref.arn.endswith(CLOUDSHELL_POLICY_ARN_SUFFIX) for ref in p.attached)]
    return _verdict(CheckId.CLOUDSHELL_FULL_ACCESS, holders, "AWSCloudShellFullAccess is attached to no one.",
                    "AWSCloudShellFullAccess is attached to {n} principal(s).")


def check_admin_cli(inputs: ScanInputs) -> CheckResult:
    """Every user who can do everything (a ``*:*`` policy of their own or of a group) and holds an active access
    key fails, unless one of those policies denies work without MFA (``core.mfa_gate``)."""
    for source in (inputs.authz, inputs.report):
        if isinstance(source, Unavailable):
            return _result(CheckId.ADMIN_KEYS_MFA, Status.UNKNOWN, source.describe())
    authz, report = inputs.authz, inputs.report
    assert not isinstance(authz, Unavailable) and not isinstance(report, Unavailable)
    if authz.documents_error is not None:
        return _result(CheckId.ADMIN_KEYS_MFA, Status.UNKNOWN, authz.documents_error.describe())
    groups = {g.name: g for g in authz.groups}
    rows = {row.user: row for row in inputs.user_rows(report)}
    offenders, users, admins = [], [], 0
    for user in authz.users:
        principals = [user, *(groups[name] for name in user.groups if name in groups)]
        documents = [authz.documents.get(ref.arn) for p in principals for ref in p.attached]
        documents += [inline.document for p in principals for inline in p.inline]
        if not any(allows_full_admin(d) for d in documents):
            continue
        admins += 1
        row = rows.get(user.name)
        active = row.active_keys if row is not None else []
        if active and not any(gates_everything(d) for d in documents):
            offenders.append(f"{user.name}: {len(active)} active access key(s) that work without MFA")
            users.append(user.name)
    ok = (f"No administrator ({admins}) holds an access key that works without MFA." if admins
          else "No IAM user can do everything.")
    return _verdict(CheckId.ADMIN_KEYS_MFA, offenders, ok,
                    "{n} administrator(s) with an access key that works without MFA.", users)


CHECKS: tuple[Callable[[ScanInputs], CheckResult], ...] = (
    check_caller,
    check_contact_details,
    check_security_contact,
    check_root_mfa,
    check_root_hardware_mfa,
    check_root_keys,
    check_root_recent_use,
    check_password_length,
    check_password_reuse,
    check_console_mfa,
    check_setup_keys,
    check_unused_credentials,
    check_one_active_key,
    check_key_rotation,
    check_via_groups,
    check_full_admin,
    check_support_role,
    check_server_certificates,
    check_access_analyzer,
    check_cloudshell,
    check_admin_cli,
)


def run_checks(inputs: ScanInputs) -> list[CheckResult]:
    return [check(inputs) for check in CHECKS]


def any_failed(results: Iterable[CheckResult]) -> bool:
    return any(r.status is Status.FAIL for r in results)
