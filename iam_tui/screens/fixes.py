"""Fix a failing check in place: one entry point, :func:`open_fix`, for ``enter``/``f`` on a failing check.

Per ``core.fixes.fix_for(result)`` it asks what the fix needs (which user of the finding, which key, a group or role
name validated as typed), builds the plan with ``service.fixes``, shows the review and runs it with progress
(``plan_review`` / ``plan_progress``). The password policy and MFA open their own screens; root MFA, which has no
API, shows the console's clicks as a checklist that is ticked off once ``GetAccountSummary`` shows it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget

from ..aws.errors import AwsError
from ..core.accepted import MARKER_NAME, REASON_MAX, reason_problem
from ..core.access_keys import last_use_text
from ..core.changes import Changed
from ..core.checks import CheckResult
from ..core.console_checklist import checklist_text, console_checklist
from ..core.display_text import visible
from ..core.fix_plan import FixPlan, FixProblem
from ..core.fixes import Fix, FixId, fix_for
from ..core.group_move import GroupTarget
from ..core.plan_review import review_of_fix
from ..core.scan_inputs import LiveKey
from ..core.validation import name_taken, validate_group_name
from ..widgets.data_text import Static
from .base import REFUSED, AppScreen, Say, failure_text
from .confirm import ConfirmScreen
from .dialogs import ChoiceDialog, NameDialog, NoticeDialog
from .plan_progress import review_then_run


class ConsoleChecklistScreen(AppScreen[bool]):
    """Root MFA (CIS 1.4, 1.5) has no API: the console's clicks, and ``t`` ticks it off once GetAccountSummary shows
    root MFA. Dismisses with True when ticked off."""

    HELP = ("AWS has no API to give the root user an MFA device: follow the clicks in the AWS console (signed in as "
            "root). Then t reads GetAccountSummary: once it shows root MFA, the item is ticked off and the checks run "
            "again. esc goes back.")
    BINDINGS = [Binding("t", "tick", "Tick off"), Binding("escape", "back", "Back")]
    WAIT_WHILE_BUSY = frozenset({"tick"})
    AUTO_FOCUS = "#checklist-body"
    DEFAULT_CSS = """
    ConsoleChecklistScreen #checklist-title { padding: 0 2; height: auto; text-style: bold; }
    ConsoleChecklistScreen #checklist-body { height: 1fr; padding: 1 2; }
    ConsoleChecklistScreen #checklist-status { padding: 0 2; height: auto; }
    """

    def __init__(self, result: CheckResult) -> None:
        super().__init__()
        self.result = result

    def compose_body(self) -> Iterable[Widget]:
        yield Static(f"{self.result.title}: only the AWS console can do this", id="checklist-title", markup=False)
        with VerticalScroll(id="checklist-body"):
            yield Static(checklist_text(console_checklist(self.result.spec.fix)), id="checklist-text", markup=False)
        yield Static("When you are done in the console: t ticks it off (read from GetAccountSummary) · esc back",
                     id="checklist-status", markup=False)

    def action_tick(self) -> None:
        self.tick()

    @work(exclusive=True, group="checklist")
    async def tick(self) -> None:
        status = self.query_one("#checklist-status", Static)
        status.update("Reading GetAccountSummary…")
        # The change was made in the console; the app learns of it here, when the summary shows it.
        summary = await self.act("reading the account summary", self.iam.service.account.summary(),
                                 changed=lambda read: Changed.setting("root MFA") if read.root_mfa_enabled else None,
                                 status=status, failed="Could not read the account summary.")
        if summary is REFUSED:
            return
        if not summary.root_mfa_enabled:
            status.update("GetAccountSummary does not show root MFA yet (AccountMFAEnabled is 0). Finish the clicks "
                          "above as root, then t again · esc back")
            return
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


# --- the entry point --------------------------------------------------------------------------------------------


def open_fix(screen: AppScreen[Any], result: CheckResult) -> None:
    """Start the fix the app offers for ``result`` (``core.fixes.fix_for``) over ``screen`` (the dashboard): it asks
    what it needs, reviews and runs it. Does nothing for a check without a fix (not failing, or none offered)."""
    fix = fix_for(result)
    if fix is None or screen.session.busy:
        return
    screen.start_flow(_fix_flow(screen, fix, result), group="fix")


async def _fix_flow(screen: AppScreen[Any], fix: Fix, result: CheckResult) -> None:
    try:
        await FLOWS[fix.id](screen, result)
    except (AwsError, FixProblem) as err:
        text = failure_text(err).plain if isinstance(err, AwsError) else str(err)
        await screen.app.push_screen_wait(NoticeDialog(f"{fix.title}: cannot go on", text))


def _refused_notice(screen: AppScreen[Any], result: CheckResult) -> Say:
    """Where a fix's one call says AWS refused it: the dialog a fix that cannot go on shows."""
    fix = fix_for(result)
    title = f"{fix.title}: cannot go on" if fix is not None else result.title
    return lambda text: screen.app.push_screen(NoticeDialog(title, text.plain))


async def _notice(screen: AppScreen[Any], title: str, text: str) -> None:
    await screen.app.push_screen_wait(NoticeDialog(title, text))


async def _run_fix(screen: AppScreen[Any], plan: FixPlan, confirm_name: str | None = None) -> bool | None:
    """Review ``plan``, run it with progress. None when the person left at the review."""
    if plan.empty:
        await _notice(screen, plan.title, "Nothing to do: AWS shows nothing left to change for this fix. r on the "
                      "dashboard scans again.")
        return None
    fixes = screen.iam.service.fixes
    return await review_then_run(screen, review_of_fix(plan, confirm_name), fixes.start(plan),
                                 partial(fixes.run, plan), partial(fixes.rollback, plan))


async def _choose_user(screen: AppScreen[Any], result: CheckResult, question: str) -> str | None:
    """The user of the finding the fix is for: asked only when the finding names more than one."""
    users = list(result.users)
    if len(users) <= 1:
        return users[0] if users else None
    return await screen.app.push_screen_wait(ChoiceDialog(question, [(u, u) for u in users]))


# --- per fix ----------------------------------------------------------------------------------------------------


async def _root_keys(screen: AppScreen[Any], _result: CheckResult) -> None:
    plan = await screen.iam.service.fixes.root_keys()
    await _run_fix(screen, plan, _typed_keys([step.params["AccessKeyId"] for step in plan.steps]))


async def _unused_credentials(screen: AppScreen[Any], result: CheckResult) -> None:
    user = await _choose_user(screen, result, "Whose unused credentials?")
    if user is None:
        return
    plan = await screen.iam.service.fixes.unused_credentials(user)
    if await _run_fix(screen, plan, None if plan.reversible else user):
        await _offer_delete(screen, user, plan)


async def _one_active_key(screen: AppScreen[Any], result: CheckResult) -> None:
    service = screen.iam.service
    user = await _choose_user(screen, result, "Whose second active key?")
    if user is None:
        return
    keys = [k for k in await service.keys.list_keys(user) if k.active]
    if len(keys) < 2:
        await _notice(screen, f"{user}'s access keys", f"{user} has {len(keys)} active key(s) now: nothing to do.")
        return
    key = await screen.app.push_screen_wait(ChoiceDialog(
        f"Which of {user}'s active keys to deactivate? The other stays active.",
        [(k.access_key_id, f"{k.access_key_id}  {_key_line(k)}") for k in keys]))
    if key is None:
        return
    plan = await service.fixes.one_active_key(user, key)
    if await _run_fix(screen, plan, key):
        await _offer_delete(screen, user, plan)


async def _offer_delete(screen: AppScreen[Any], user: str, done: FixPlan) -> None:
    """After keys were deactivated: deleting them is a separate plan, offered now (the default answer: later)."""
    keys = [step.params["AccessKeyId"] for step in done.steps if step.operation == "UpdateAccessKey"]
    if not keys or not await screen.app.push_screen_wait(ConfirmScreen(
            f"Deactivated {', '.join(keys)}. Delete now as well? A deleted key is gone for good: delete it only once "
            "nothing that used it broke. Later, the access keys step (5) deletes it with d.",
            yes="Review the delete", no="Later")):
        return
    await _run_fix(screen, await screen.iam.service.fixes.delete_inactive_keys(user, keys), _typed_keys(keys))


def _typed_keys(keys: list[str]) -> str:
    """What the person types to delete keys: the key ID, or for several "delete N keys"."""
    return keys[0] if len(keys) == 1 else f"delete {len(keys)} keys"


def _key_line(key: LiveKey) -> str:
    made = f"created {key.created:%Y-%m-%d}" if key.created else "creation date unknown"
    return f"{made}, last used {last_use_text(key.last_used, key.last_used_service, key.last_used_region)}"


async def _move_to_group(screen: AppScreen[Any], result: CheckResult) -> None:
    fixes = screen.iam.service.fixes
    user = await _choose_user(screen, result, "Whose policies move to a group?")
    if user is None:
        return
    authz = await fixes.authorization_details()
    detach = await fixes.change_password_detach(user, authz)
    if detach is not None:  # the password policy already does what the policy grants: no group needed
        await _run_fix(screen, detach)
        return
    groups = [g.name for g in authz.groups]

    def rule(name: str) -> str | None:  # an existing group's name uses it; the same name in other case is taken
        return None if name in groups else validate_group_name(name) or name_taken(name, groups)

    problem, typed = "", fixes.suggested_group(authz, user)
    while True:
        name = await screen.app.push_screen_wait(NameDialog(
            f"Move {user}'s policies to which group?", typed, rule, problem=problem,
            hint="A new name creates the group; an existing group's name uses it"
                 + (f" ({', '.join(groups)})." if groups else ".")))
        if name is None:
            return
        try:
            plan = await fixes.permissions_via_group(user, GroupTarget(name, create=name not in groups), authz)
        except FixProblem as err:  # asked again, with the name as typed and why it cannot be used
            problem, typed = str(err), name
            continue
        await _run_fix(screen, plan)
        return


async def _support_role(screen: AppScreen[Any], _result: CheckResult) -> None:
    fixes = screen.iam.service.fixes
    existing = await fixes.role_names()
    name = await screen.app.push_screen_wait(NameDialog(
        "Name of the support role (it gets AWSSupportAccess and trusts this account):",
        fixes.suggested_support_role_name(existing), partial(fixes.support_role_name_problem, existing=existing)))
    if name is not None:
        await _run_fix(screen, await fixes.support_role(name))


async def _access_analyzer(screen: AppScreen[Any], _result: CheckResult) -> None:
    """An analyzer in every enabled region without one: read now, reviewed and run as a plan (one call a region)."""
    await _run_fix(screen, await screen.iam.service.fixes.access_analyzers())


async def _accept_admin_group(screen: AppScreen[Any], result: CheckResult) -> None:
    """Accept no-full-admin-policy on the guide's admin group with a reason the user types; the record is bound to
    the members and policies shown here, and lapses when they change."""
    accepted = screen.iam.service.accepted
    subject = await accepted.acceptable_subject()
    if subject is None:
        raise AwsError("NotAcceptable", "The guide's admin group is no longer the one finding of "
                       "no-full-admin-policy.", "Rescan with r and look at the finding again.")
    group = subject.group
    reason = await screen.app.push_screen_wait(NameDialog(
        f"{group} is the guide's admin group: its AdministratorAccess is how your admin user administers the "
        "account, so CIS 1.15 fails on purpose. Accepting records on the group (an inline policy that grants "
        f"nothing, {MARKER_NAME}) your reason, who you are and when, bound to what it holds now. The check stays "
        "'fail', shown as accepted here and in iam-tui check --json; when a member or a policy changes, or another "
        "\"*:*\" policy appears, the acceptance no longer holds and says so.",
        "", reason_problem,
        hint=visible(f"Members: {', '.join(subject.members) or 'none'}. Policies: {', '.join(subject.policies)}."),
        placeholder=f"Why do you accept it? (your words, at most {REASON_MAX} characters)",
        keys="enter accepts · esc cancels", max_length=REASON_MAX))
    if reason is None:
        return
    await screen.act(f"accepting the finding on {group}", accepted.accept_admin_group(subject, reason),
                     changed=Changed.group(group), status=_refused_notice(screen, result))


async def _clear_acceptance(screen: AppScreen[Any], result: CheckResult) -> None:
    acceptance = result.acceptance
    if acceptance is None:
        return
    group = acceptance.group
    if not await screen.app.push_screen_wait(ConfirmScreen(Text(
            f"This finding is {visible(acceptance.text())}. Clear the acceptance? The check then fails without a "
            f"reason (the marker policy {MARKER_NAME} on {group} is deleted; nothing else changes)."),
            yes="Clear it", no="Keep it")):
        return
    await screen.act(f"clearing the acceptance on {group}", screen.iam.service.accepted.clear_acceptance(group),
                     changed=Changed.group(group), status=_refused_notice(screen, result))


async def _password_policy(screen: AppScreen[Any], _result: CheckResult) -> None:
    from .password_policy import PasswordPolicyScreen

    policy = PasswordPolicyScreen()
    await screen.app.push_screen(policy)
    # The screen reads the policy in AWS first (its preset keeps the length when it is longer): fill in the preset
    # once that read is done.
    await screen.app.workers.wait_for_complete([w for w in screen.app.workers if w.node is policy])
    if policy.is_attached and policy.loaded:
        policy.action_cis_preset()


async def _user_mfa(screen: AppScreen[Any], result: CheckResult) -> None:
    from .mfa import MfaScreen

    user = await _choose_user(screen, result, "Which console user gets an MFA device?")
    if user is None:
        return
    await screen.app.push_screen(MfaScreen(user))


async def _gate_admin_key(screen: AppScreen[Any], result: CheckResult) -> None:
    """Way 2 of step 5 for the administrator named in the finding; the other way (aws login, then deleting the
    key) is on step 5's first screen."""
    from .mfa_key import MfaKeyScreen

    user = await _choose_user(screen, result, "Whose access key gets MFA required?")
    if user is not None:
        await screen.app.push_screen(MfaKeyScreen(user))


async def _console_checklist(screen: AppScreen[Any], result: CheckResult) -> None:
    await screen.app.push_screen_wait(ConsoleChecklistScreen(result))


async def _rotate_key(screen: AppScreen[Any], result: CheckResult) -> None:
    """Guided rotation (screens/key_rotation.py) of the chosen user's oldest active key that a profile uses."""
    from .key_rotation import KeyRotationScreen

    user = await _choose_user(screen, result, "Whose access key is rotated?")
    if user is not None:
        await screen.app.push_screen(KeyRotationScreen(user))


FLOWS: dict[FixId, Callable[[AppScreen[Any], CheckResult], Awaitable[None]]] = {
    FixId.CREATE_ACCESS_ANALYZER: _access_analyzer,
    FixId.DELETE_ROOT_KEYS: _root_keys,
    FixId.REMOVE_UNUSED_CREDENTIALS: _unused_credentials,
    FixId.DEACTIVATE_EXTRA_KEY: _one_active_key,
    FixId.MOVE_POLICIES_TO_GROUP: _move_to_group,
    FixId.CREATE_SUPPORT_ROLE: _support_role,
    FixId.ACCEPT_GUIDE_ADMIN_GROUP: _accept_admin_group,
    FixId.CLEAR_ACCEPTANCE: _clear_acceptance,
    FixId.PASSWORD_POLICY_CIS: _password_policy,
    FixId.USER_MFA: _user_mfa,
    FixId.CONSOLE_CHECKLIST: _console_checklist,
    FixId.ROTATE_KEY: _rotate_key,
    FixId.GATE_ADMIN_KEY: _gate_admin_key,
}
