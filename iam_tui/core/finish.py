"""The guide's finish line: what iam-tui made, what the checks say now, and what only the console can do.

Pure: the screen (``screens/finish.py``) renders :func:`summary_text` from what the session recorded and the last
scan's results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .checks import CheckId, CheckResult, Status
from .plan import PlanStep


@dataclass(frozen=True)
class Made:
    """Something iam-tui made in AWS or on disk (a guide step or a fix), as the person would name it (no secrets: names
    and IDs)."""

    kind: str  # "IAM user", "group", "MFA device", "account alias", "access key", "AWS CLI profile", "file", ...
    name: str
    note: str = ""  # e.g. the policies a group has, or what a file holds
    user: str | None = None  # the IAM user it belongs to: it goes from the summary when that user is removed
    gone: bool = False  # something the guide removed (a user, the root access key): listed as removed


def made_by_steps(steps: Iterable[PlanStep]) -> list[Made]:
    """What a plan's done steps made, as the summary names it (the steps that only change or delete something are
    left out: a removed user is said by :func:`without_user`). One analyzer name made in several regions is one
    line."""
    made: list[Made] = []
    analyzer_regions: dict[str, list[str]] = {}
    for step in steps:
        p = step.params
        if step.operation == "CreateUser":
            made.append(Made("IAM user", p["UserName"], user=p["UserName"]))
        elif step.operation == "CreateLoginProfile":
            change = "to be changed at first sign-in" if p.get("PasswordResetRequired") else ""
            made.append(Made("console password", p["UserName"], change, user=p["UserName"]))
        elif step.operation == "CreateGroup":
            made.append(Made("group", p["GroupName"]))
        elif step.operation == "AttachGroupPolicy":
            made.append(Made("group policy", f"{_policy_name(p['PolicyArn'])} on {p['GroupName']}"))
        elif step.operation == "PutGroupPolicy":
            made.append(Made("group inline policy", f"{p['PolicyName']} on {p['GroupName']}"))
        elif step.operation == "AttachUserPolicy":
            made.append(Made("user policy", f"{_policy_name(p['PolicyArn'])} on {p['UserName']}",
                             user=p["UserName"]))
        elif step.operation == "AddUserToGroup":
            made.append(Made("group membership", f"{p['UserName']} in {p['GroupName']}", user=p["UserName"]))
        elif step.operation == "CreateRole":
            made.append(Made("role", p["RoleName"]))
        elif step.operation == "AttachRolePolicy":
            made.append(Made("role policy", f"{_policy_name(p['PolicyArn'])} on {p['RoleName']}"))
        elif step.operation == "CreatePolicy":
            made.append(Made("policy", p["PolicyName"], "customer managed"))
        elif step.operation == "CreateAnalyzer":
            analyzer_regions.setdefault(p["analyzerName"], []).append(step.region or "the default region")
    for name, regions in analyzer_regions.items():
        made.append(Made("Access Analyzer", name, f"in {len(regions)} region(s): {', '.join(regions)}"))
    return made


def removed_by_steps(steps: Iterable[PlanStep]) -> list[Made]:
    """What a plan's done steps took from users, for "What was removed": console passwords (a fix of unused
    credentials), and the policies and memberships a user's permissions were moved off. A user the plan deleted is
    said by :func:`without_user`; deleted access keys come as a change (``Changed``), from every way iam-tui deletes
    one."""
    steps = list(steps)
    users_deleted = {step.params["UserName"] for step in steps if step.operation == "DeleteUser"}
    removed: list[Made] = []
    for step in steps:
        p = step.params
        user = p.get("UserName")
        if user is None or user in users_deleted:
            continue
        if step.operation == "DeleteLoginProfile":
            removed.append(Made("console password", user, "deleted in this session", user=user, gone=True))
        elif step.operation == "DetachUserPolicy":
            removed.append(Made("user policy", f"{_policy_name(p['PolicyArn'])} on {user}", "detached in this session",
                                user=user, gone=True))
        elif step.operation == "DeleteUserPolicy":
            removed.append(Made("user inline policy", f"{p['PolicyName']} on {user}", "deleted in this session",
                                user=user, gone=True))
        elif step.operation == "RemoveUserFromGroup":
            removed.append(Made("group membership", f"{user} in {p['GroupName']}", "ended in this session", user=user,
                                gone=True))
    return removed


def _policy_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


# Checks whose fix has no API: the console steps are in the check's own fix text.
CONSOLE_ONLY = frozenset({CheckId.ROOT_MFA, CheckId.ROOT_HARDWARE_MFA})
MARK = {Status.PASS: "✓", Status.FAIL: "✗", Status.WARN: "!", Status.UNKNOWN: "?", Status.NOT_APPLICABLE: "-"}


def _gone(made: Iterable[Made]) -> set[tuple[str, str]]:
    """The kinds and names recorded as removed: what was made of them before is no longer there."""
    return {(m.kind, m.name) for m in made if m.gone}


def without_user(made: Iterable[Made], user: str) -> list[Made]:
    """What iam-tui made once ``user`` is removed: what belonged to the user goes, and one line says the user was
    removed (with what went with it)."""
    made = list(made)
    gone = _gone(made)  # removed before: not among what went with the user
    kept = [m for m in made if m.user != user]
    went = sorted({m.kind for m in made if m.user == user and m.kind != "IAM user" and (m.kind, m.name) not in gone})
    note = "removed in this session" + (f", with its {', '.join(went)}" if went else "")
    return [*kept, Made("IAM user", user, note, gone=True)]


def without_key(made: Iterable[Made], key_id: str, user: str | None) -> list[Made]:
    """What iam-tui made once the access key ``key_id`` of ``user`` (None: root) was deleted in this session: listed
    as removed, the key iam-tui made as well as one it found (every deletion is said: none can be undone)."""
    made = list(made)
    kinds = ("access key", "root access key")
    if any(m.kind in kinds and m.name == key_id and m.gone for m in made):
        return made  # already said (e.g. step 5's retired root key, in its words)
    if any(m.kind in kinds and m.name == key_id for m in made):
        return [Made(m.kind, m.name, ", ".join(filter(None, (m.note, "deleted in this session"))), m.user, gone=True)
                if m.kind in kinds and m.name == key_id else m for m in made]
    if user is None:
        return [*made, Made("root access key", key_id, "deleted in this session", gone=True)]
    return [*made, Made("access key", key_id, f"of {user}, deleted in this session", user=user, gone=True)]


PASSWORD_POLICY, SECURITY_CONTACT = "password policy", "security contact"
SETTINGS = (PASSWORD_POLICY, SECURITY_CONTACT)  # set, not made: said apart, the latest of each
ONE_PER_ACCOUNT = frozenset({"account alias", *SETTINGS})  # a new one replaces the one before: only the latest


def made_lines(made: Iterable[Made]) -> list[str]:
    """One line per thing made, the latest record of each kind and name (a profile written twice is listed once),
    and of each kind the account has only one of (an alias set twice is listed as the second)."""
    latest: dict[tuple[str, str], Made] = {}
    for item in made:
        key = (item.kind, "" if item.kind in ONE_PER_ACCOUNT else item.name)
        latest.pop(key, None)
        latest[key] = item
    return [f"  • {m.kind}: {m.name}" + (f" ({m.note})" if m.note else "") for m in latest.values()]


CLI_ACCESS = "CLI access"  # the kind of record each way of step 5 leaves: whose, and how it is protected


def cli_access(user: str, way: str) -> Made:
    """How ``user``'s AWS CLI is protected, in words, for the way step 5 set up (``login``, ``login-pending``,
    ``mfa-key``, ``key``)."""
    words = {
        "login": "aws login: no long-term key exists; the CLI holds short-lived credentials from a console sign-in "
                 "with MFA, refreshed for at most 12 hours",
        "login-pending": "aws login chosen and its profile written, but no sign-in was verified here: until "
                         "aws login --profile runs with AWS CLI 2.32+, the CLI has no credentials at all",
        "mfa-key": "an access key that MFA gates: the key alone is refused every call but MFA set-up; daily work "
                   "uses 12-hour sessions made with an MFA code (aws configure mfa-login)",
        "key": "a long-term access key that works without MFA: whoever copies ~/.aws/credentials has the user's "
               "permissions until the key is deleted (the check 'Administrators' CLI access is short-lived or "
               "MFA-gated' fails for an admin)",
    }
    return Made(CLI_ACCESS, user, words[way])


def cli_access_lines(made: Iterable[Made]) -> list[str]:
    """The latest way per user, as a sentence."""
    latest = {m.name: m for m in made if m.kind == CLI_ACCESS}
    return [f"  • {user}: {m.note}." for user, m in latest.items()]


def counts_line(results: Sequence[CheckResult]) -> str:
    order = (Status.PASS, Status.FAIL, Status.WARN, Status.UNKNOWN, Status.NOT_APPLICABLE)
    counts = {s: sum(r.status is s for r in results) for s in order}
    return " · ".join(f"{n} {s.value}" for s, n in counts.items() if n)


def summary_text(made: Sequence[Made], results: Sequence[CheckResult] | None, steps_done: int,
                 steps_total: int) -> str:
    lines = [f"Guide steps done: {steps_done} of {steps_total}.", "", "What iam-tui made"]
    gone = _gone(made)  # made, then removed: listed as removed only
    lines += made_lines([m for m in made if m.kind != CLI_ACCESS and m.kind not in SETTINGS
                         and (m.kind, m.name) not in gone]) or ["  nothing yet in this session"]
    settings = made_lines([m for m in made if m.kind in SETTINGS])
    if settings:
        lines += ["", "Account settings iam-tui set", *settings]
    protection = cli_access_lines(made)
    if protection:
        lines += ["", "How the admin's AWS CLI is protected", *protection]
    removed = made_lines([m for m in made if m.kind != CLI_ACCESS and m.gone])
    if removed:
        lines += ["", "What was removed", *removed]
    lines += ["", "What the checks say now"]
    if results is None:
        lines.append("  not scanned yet: the dashboard scans when you go back to it (r rescans)")
        return "\n".join(lines)
    lines.append("  " + counts_line(results))
    open_results = [r for r in results if r.status in (Status.FAIL, Status.WARN, Status.UNKNOWN)]
    for result in open_results:
        where = " (console only)" if result.id in CONSOLE_ONLY else ""
        cis = f"{result.spec.cis} " if result.spec.cis else ""
        lines.append(f"  {MARK[result.status]} {cis}{result.title}{where}")
    console = [r for r in open_results if r.id in CONSOLE_ONLY]
    lines += ["", "Left for the console (no API exists)"]
    if console:
        lines += [f"  • {r.title}: {r.spec.fix}" for r in console]
    else:
        lines.append("  nothing: every check that only the console can fix passes")
    return "\n".join(lines)
