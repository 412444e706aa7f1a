"""The service the screens talk to: one object, built once at startup and handed to the App, grouping the
async services by area. No Textual import here or below."""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..settings import ConnectionSettings
from .account import AccountService
from .calls import AwsCaller
from .errors import AwsError
from .mfa_refused import session_context
from .patience import Patience
from .scan import ScanService
from .session import AwsContext
from .translate import from_botocore_error

if TYPE_CHECKING:
    from .accepted import AcceptedFindingsService
    from .account_settings import AccountSettingsService
    from .fix_plans import FixPlansService
    from .groups import GroupsService
    from .keys import KeysService
    from .mfa import MfaService
    from .password_policy import PasswordPolicyService
    from .plan_runner import PlanRunner
    from .signin import SigninService
    from .user_removal import UserRemovalService
    from .users import UsersService


class IamService:
    def __init__(self, ctx: AwsContext, sandbox: Any = None, *, owns_sandbox: bool = False) -> None:
        self.ctx = ctx
        self.sandbox = sandbox  # the demo sandbox, when running with --demo
        self._owns_sandbox = owns_sandbox
        self.aws = AwsCaller(ctx)
        self.patience = Patience()  # every bounded wait's clock and sleep (tests give a fake one)
        self.account = AccountService(self.aws)
        self.scan = ScanService(self.aws, self.account, self.patience)

    # The other areas are built (and their modules imported) on first use: `iam-tui check` needs only the scan.

    @cached_property
    def users(self) -> UsersService:
        from .users import UsersService

        return UsersService(self.aws)

    @cached_property
    def groups(self) -> GroupsService:
        from .groups import GroupsService

        return GroupsService(self.aws)

    @cached_property
    def plans(self) -> PlanRunner:
        from .plan_runner import PlanRunner

        return PlanRunner(self.aws, self.patience, users_changed=self.users.names_changed)

    @cached_property
    def password_policy(self) -> PasswordPolicyService:
        from .password_policy import PasswordPolicyService

        return PasswordPolicyService(self.aws, self.account)

    @cached_property
    def mfa(self) -> MfaService:
        from .mfa import MfaService

        return MfaService(self.aws, self.scan.touch, self.patience)

    @cached_property
    def keys(self) -> KeysService:
        from .keys import KeysService

        return KeysService(self.aws, self.scan.touch)

    @cached_property
    def signin(self) -> SigninService:
        from .signin import SigninService

        return SigninService(self.aws, self.account)

    @cached_property
    def account_settings(self) -> AccountSettingsService:
        from .account_settings import AccountSettingsService

        return AccountSettingsService(self.aws)

    @cached_property
    def removal(self) -> UserRemovalService:
        from .user_removal import UserRemovalService

        return UserRemovalService(self.aws, self.scan)

    @cached_property
    def accepted(self) -> AcceptedFindingsService:
        from .accepted import AcceptedFindingsService

        return AcceptedFindingsService(self.aws, self.scan)

    @cached_property
    def fixes(self) -> FixPlansService:
        from .fix_plans import FixPlansService

        return FixPlansService(self.account, self.scan, self.keys, self.plans)

    @property
    def settings(self) -> ConnectionSettings:
        return self.ctx.settings

    @property
    def is_demo(self) -> bool:
        return self.sandbox is not None

    def hand_over_sandbox(self, successor: IamService) -> None:
        """When the app goes on with other credentials on the same sandbox, the successor stops it at exit."""
        if self.sandbox is not None and successor.sandbox is self.sandbox:
            successor._owns_sandbox, self._owns_sandbox = self._owns_sandbox or successor._owns_sandbox, False

    def close(self) -> None:
        """Stop the demo sandbox if this service started it."""
        if self._owns_sandbox and self.sandbox is not None:
            self.sandbox.stop()


def build_service(settings: ConnectionSettings) -> IamService:
    """Create the session (and the demo sandbox with ``settings.demo``). Blocking: call it off the UI thread.

    Raises AwsError for problems found before any call (unknown profile, ...)."""
    if settings.demo:
        from .sandbox import start_sandbox  # moto is imported only here

        sandbox = start_sandbox()
        ctx = AwsContext(sandbox.session(), settings, source="demo sandbox")  # the banner says the rest
        return IamService(ctx, sandbox, owns_sandbox=True)
    try:
        ctx = AwsContext.create(settings)
    except Exception as exc:
        raise from_botocore_error(exc) from None
    return IamService(ctx)


async def connect(settings: ConnectionSettings, *, scan_early: bool = False) -> IamService:
    """Build the service and prove the credentials work (``sts:GetCallerIdentity``); an IAM user's access key that
    AWS refuses for lack of MFA goes on with an MFA session asked in the app. ``scan_early``: start the first scan
    alongside (aws/early_scan.py), for an app that shows it as soon as it is connected."""
    service = await asyncio.to_thread(build_service, settings)
    if scan_early:
        # Credentials first, as who-am-I does: a role's MFA code is asked once, and what goes wrong is connecting's.
        await service.aws.ready()
        service.scan.start_early()
    try:
        await service.account.identity()
        gated = await session_if_refused(service)
    except BaseException:
        service.scan.drop_early()
        raise
    if gated is not service:
        service.scan.drop_early()  # its calls were refused: the app scans with the session
    return gated


async def session_if_refused(service: IamService) -> IamService:
    """``service``, or when AWS refuses its IAM user's access key for lack of MFA, a service on an MFA session asked
    in the app (aws/mfa_refused.py)."""
    ctx = await session_context(service.aws, service.account, service.sandbox)
    if ctx is None:
        return service
    gated = IamService(ctx, service.sandbox)
    if service.sandbox is not None:
        service.hand_over_sandbox(gated)
    await gated.account.identity()  # the session's identity, as connecting reads the key's
    return gated


__all__ = ["AwsError", "IamService", "build_service", "connect"]
