"""The async service layer against the sandbox."""

from __future__ import annotations

from iam_tui.aws.scan import SCAN_INPUTS
from iam_tui.aws.service import IamService
from iam_tui.core.checks import Status


async def test_identity_is_root_with_no_alias(service: IamService) -> None:
    identity = await service.account.identity()
    assert identity.caller.is_root and identity.account_id == "123456789012"
    assert identity.alias is None and identity.region == "us-east-1"
    assert identity.signin_url == "https://123456789012.signin.aws.amazon.com/console"


async def test_alias_is_read(service: IamService, admin) -> None:
    admin.create_account_alias(AccountAlias="my-company")
    identity = await service.account.identity(refresh=True)
    assert identity.alias == "my-company"
    assert identity.signin_url == "https://my-company.signin.aws.amazon.com/console"


async def test_scan_of_a_new_account(service: IamService) -> None:
    result = await service.scan.scan()
    status = {r.id: r.status for r in result.results}
    assert status["caller-not-root"] is Status.WARN
    assert status["root-mfa"] is Status.FAIL and status["root-access-keys"] is Status.FAIL
    assert status["password-policy-length"] is Status.FAIL
    assert status["support-role"] is Status.FAIL
    assert status["console-users-mfa"] is Status.PASS
    assert result.report_generated_at is not None


async def test_scan_sees_admin_groups_user_policies_and_support_roles(service: IamService, admin) -> None:
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    admin.create_user(UserName="alice")
    admin.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    admin.create_role(RoleName="support", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')
    admin.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    result = await service.scan.scan()
    assert result.result("no-full-admin-policy").resources == (
        "AdministratorAccess (AWS managed) attached to group PowerUsers",)
    assert result.result("permissions-via-groups").resources == ("alice: IAMUserChangePassword",)
    assert result.result("support-role").status is Status.PASS


async def test_scan_calls_do_not_grow_with_users(service: IamService, admin) -> None:
    admin.create_user(UserName="u0")
    few = await service.scan.scan()
    for i in range(1, 40):
        admin.create_user(UserName=f"u{i}")
        admin.create_login_profile(UserName=f"u{i}", Password="Aa1!aaaaaaaa")
    many = await service.scan.scan()
    assert many.api_calls <= few.api_calls
    # who-am-I 2, summary, password policy, report 3-4 (none yet: read, generate, read), authorization details,
    # organization, contact details, security contact, server certificates, access analyzer
    assert few.api_calls <= 15


async def test_users_changed_by_the_app_are_read_live(service: IamService, admin) -> None:
    await service.scan.scan()  # the report is now fixed for four hours, as in AWS
    admin.create_user(UserName="newbie")
    admin.create_login_profile(UserName="newbie", Password="Aa1!aaaaaaaa")
    stale = await service.scan.scan()
    assert stale.result("console-users-mfa").status is Status.PASS  # the report does not know newbie yet
    service.scan.touch("newbie")
    live = await service.scan.scan()
    assert live.result("console-users-mfa").resources == ("newbie",)


async def test_progress_is_reported(service: IamService) -> None:
    seen: list[tuple[int, int, str]] = []
    await service.scan.scan(progress=lambda done, total, what: seen.append((done, total, what)))
    assert [d for d, _, _ in seen] == list(range(1, SCAN_INPUTS + 1))
    assert {t for _, t, _ in seen} == {SCAN_INPUTS}
    assert {w for _, _, w in seen} >= {"credential report", "account summary"}


def test_sandbox_ownership_moves_with_the_service(sandbox) -> None:
    from iam_tui.aws.service import IamService
    from iam_tui.aws.session import AwsContext, ConnectionSettings

    first = IamService(AwsContext(sandbox.session(), ConnectionSettings(demo=True)), sandbox, owns_sandbox=True)
    second = IamService(AwsContext(sandbox.session(), ConnectionSettings(demo=True)), sandbox)
    first.hand_over_sandbox(second)
    first.close()
    assert sandbox._started  # the old service no longer stops it
    second.close()
    assert not sandbox._started
