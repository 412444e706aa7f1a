"""The fixes of failing security checks, for the screens: each method reads what its fix needs from AWS, then
returns the reviewed plan (a :class:`FixPlan` from the pure builders in ``core``). Running, rolling back and
retrying go through the create-user plan runner (:meth:`FixPlansService.run` / :meth:`rollback`), which also tells
the scan to re-read the users the plan changed. Key rotation has its own service (``aws/key_rotation.py``)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from ..core.analyzer_fix import analyzers_plan
from ..core.authz import AuthorizationDetails
from ..core.credential_fixes import delete_keys_plan, one_active_key_plan, root_keys_plan, unused_credentials_plan
from ..core.credential_report import CredentialReport, ReportRow
from ..core.fix_plan import FixPlan
from ..core.group_move import GroupTarget, change_password_detach_plan, group_move_plan, suggest_group_name
from ..core.scan_inputs import LiveUser, effective_user_rows
from ..core.support_role import role_name_problem, suggest_role_name, support_role_plan
from .account import AccountService
from .account_settings import read_analyzers
from .errors import AwsError
from .keys import KeysService
from .plan_runner import OnChange, PlanRun, PlanRunner
from .scan import ScanService


class FixPlansService:
    def __init__(self, account: AccountService, scan: ScanService, keys: KeysService, plans: PlanRunner) -> None:
        self.aws = plans.aws
        self.account = account
        self.scan = scan
        self.keys = keys
        self.plans = plans

    # --- running -----------------------------------------------------------------------------------------------

    @staticmethod
    def start(plan: FixPlan) -> PlanRun:
        """The run state the progress screen renders (every step pending)."""
        return PlanRun(list(plan.steps))

    async def run(self, plan: FixPlan, run: PlanRun, on_change: OnChange = lambda: None) -> bool:
        """Run (or retry from the failed step) as the create plan does. True when every step is done."""
        try:
            return await self.plans.run(run, on_change)
        finally:
            self._touch(plan)

    async def rollback(self, plan: FixPlan, run: PlanRun, on_change: OnChange = lambda: None) -> bool:
        """Undo the done steps, last first; a step that cannot be undone (a deleted key or password) stays done,
        with a note saying why (``run.kept``). True when nothing of the plan is left."""
        try:
            return await self.plans.rollback(run, on_change)
        finally:
            self._touch(plan)

    def _touch(self, plan: FixPlan) -> None:
        for user in plan.touches:
            self.scan.touch(user)

    # --- reads -------------------------------------------------------------------------------------------------

    async def _running_key(self) -> str | None:
        return await self.keys.running_access_key_id()

    async def user_credentials(self, user_name: str) -> tuple[LiveUser, ReportRow]:
        """The user read directly (keys with IDs, console password) and the user's credential report row
        corrected by that read (the report says when the password was last used). Without a report (denied, or
        not ready) the row holds only what the direct read knows."""
        async def report() -> CredentialReport:
            try:
                return await self.scan.credential_report()
            except AwsError as err:
                if not (err.is_denied or err.code.startswith("Report")):
                    raise
                return CredentialReport(None, ())

        live, found = await asyncio.gather(self.scan.live_user(user_name), report())
        if not live.exists:
            raise AwsError("NoSuchEntity", f"There is no user {user_name} any more.", "Refresh the scan.")
        return live, effective_user_rows(found, {user_name: live})[0]

    # --- CIS 1.10 / 1.11 / 1.12 / 1.3 --------------------------------------------------------------------------

    async def unused_credentials(self, user_name: str, now: datetime | None = None) -> FixPlan:
        """Deactivate the user's unused keys, remove an unused console password (see
        ``core.credential_fixes.unused_credentials_plan``). ``confirm_twice`` names iam-tui's own key."""
        (live, row), running = await asyncio.gather(self.user_credentials(user_name), self._running_key())
        return unused_credentials_plan(live, row, now or datetime.now(UTC), running)

    async def one_active_key(self, user_name: str, deactivate: str) -> FixPlan:
        """Deactivate the key the person chose of a user's two active keys. Raises FixProblem for a wrong key."""
        keys, running = await asyncio.gather(self.keys.list_keys(user_name), self._running_key())
        return one_active_key_plan(user_name, keys, deactivate, running)

    async def delete_inactive_keys(self, user_name: str, key_ids: list[str] | None = None) -> FixPlan:
        """Delete inactive keys (all of the user's, or ``key_ids``), with their description tags."""
        keys = await self.keys.list_keys(user_name)
        return delete_keys_plan(user_name, keys, key_ids, [k.access_key_id for k in keys if k.description])

    async def root_keys(self) -> FixPlan:
        """Delete root's access keys; only root can list and delete them. ``confirm_twice`` names the key
        iam-tui runs on (deleted last)."""
        identity = await self.account.identity()
        if not identity.caller.is_root:
            raise AwsError("NotRoot", "Only the root user can see and delete root's access keys.",
                           "Sign in as root (CloudShell, or `aws login`), or delete them in the console: root > "
                           "Security credentials > Access keys.")
        keys, running = await asyncio.gather(self.keys.list_keys(None), self._running_key())
        return root_keys_plan(keys, running)

    # --- CIS 1.14 ----------------------------------------------------------------------------------------------

    async def authorization_details(self) -> AuthorizationDetails:
        """Users, groups and roles with their policies (one paginated call; what the group picker lists)."""
        return await self.scan.authorization_details()

    @staticmethod
    def suggested_group(authz: AuthorizationDetails, user_name: str) -> str:
        return suggest_group_name(authz, user_name)

    async def users_change_password(self) -> bool:
        """Whether the account password policy lets users change their own password (then IAMUserChangePassword
        on a user grants nothing more). Not readable: False, and the policy moves to a group as any other."""
        try:
            policy = await self.account.password_policy()
        except AwsError:
            return False
        return policy is not None and policy.allow_users_to_change

    async def change_password_detach(self, user_name: str,
                                     authz: AuthorizationDetails | None = None) -> FixPlan | None:
        """The plain detach of IAMUserChangePassword, when it is the user's only policy and the password policy
        already lets users change their own password; None otherwise (the policies move to a group)."""
        plan = change_password_detach_plan(authz or await self.authorization_details(), user_name)
        return plan if plan is not None and await self.users_change_password() else None

    async def permissions_via_group(self, user_name: str, target: GroupTarget,
                                    authz: AuthorizationDetails | None = None) -> FixPlan:
        """Move the user's attached and inline policies to ``target`` (created, or an existing group);
        IAMUserChangePassword is only detached when the password policy makes it needless. Raises FixProblem when
        that cannot work (the message says why)."""
        details, allowed = await asyncio.gather(self._authz(authz), self.users_change_password())
        return group_move_plan(details, user_name, target, users_change_password=allowed)

    async def _authz(self, authz: AuthorizationDetails | None) -> AuthorizationDetails:
        return authz or await self.authorization_details()

    # --- CIS 1.19 ----------------------------------------------------------------------------------------------

    async def access_analyzers(self) -> FixPlan:
        """An external-access analyzer in every enabled region that has no active one, read now."""
        return analyzers_plan((await read_analyzers(self.aws)).regions_without)

    # --- CIS 1.16 ----------------------------------------------------------------------------------------------

    async def role_names(self) -> list[str]:
        pages = await self.aws.paginate("iam", "ListRoles", ("Roles",))
        return [r["RoleName"] for r in pages["Roles"]]

    @staticmethod
    def support_role_name_problem(name: str, existing: list[str]) -> str | None:
        """For the name field, as the person types (``existing`` from :meth:`role_names`)."""
        return role_name_problem(name, existing)

    @staticmethod
    def suggested_support_role_name(existing: list[str]) -> str:
        return suggest_role_name(existing)

    async def support_role(self, role_name: str | None = None) -> FixPlan:
        """Create a role trusted by this account with AWSSupportAccess (name suggested when None); the plan's
        ``documents`` hold the trust policy for the review."""
        identity, existing = await asyncio.gather(self.account.identity(), self.role_names())
        caller = identity.caller
        return support_role_plan(caller.account_id, caller.partition, role_name or suggest_role_name(existing),
                                 existing)
