"""The async service layer against the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from iam_tui.aws.sandbox import Sandbox, responses
from iam_tui.aws.scan import POLICY_READS_AT_ONCE, SCAN_INPUTS, ScanService
from iam_tui.aws.service import IamService
from iam_tui.core.checks import CheckId, Status

from ..authz_pages import group, page
from ..helpers import IamClient, inject_error


async def test_identity_is_root_with_no_alias(service: IamService) -> None:
    identity = await service.account.identity()
    assert identity.caller.is_root and identity.account_id == "123456789012"
    assert identity.alias is None and identity.region == "us-east-1"
    assert identity.signin_url == "https://123456789012.signin.aws.amazon.com/console"


async def test_alias_is_read(service: IamService, admin: IamClient) -> None:
    admin.create_account_alias(AccountAlias="my-company")
    identity = await service.account.identity(refresh=True)
    assert identity.alias == "my-company"
    assert identity.signin_url == "https://my-company.signin.aws.amazon.com/console"


async def test_scan_of_a_new_account(service: IamService) -> None:
    result = await service.scan.scan()
    status = {r.id: r.status for r in result.results}
    assert status[CheckId.CALLER_NOT_ROOT] is Status.WARN
    assert status[CheckId.ROOT_MFA] is Status.FAIL and status[CheckId.ROOT_ACCESS_KEYS] is Status.FAIL
    assert status[CheckId.PASSWORD_POLICY_LENGTH] is Status.FAIL
    assert status[CheckId.SUPPORT_ROLE] is Status.FAIL
    assert status[CheckId.CONSOLE_USERS_MFA] is Status.PASS
    assert result.report_generated_at is not None


async def test_scan_sees_admin_groups_user_policies_and_support_roles(service: IamService, admin: IamClient) -> None:
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    admin.create_user(UserName="alice")
    admin.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    admin.create_role(RoleName="support", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')
    admin.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    result = await service.scan.scan()
    assert result.result(CheckId.NO_FULL_ADMIN_POLICY).resources == (
        "AdministratorAccess (AWS managed) attached to group PowerUsers",)
    assert result.result(CheckId.PERMISSIONS_VIA_GROUPS).resources == ("alice: IAMUserChangePassword",)
    assert result.result(CheckId.SUPPORT_ROLE).status is Status.PASS


async def test_scan_calls_do_not_grow_with_users(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="u0")
    few = await service.scan.scan()
    for i in range(1, 40):
        admin.create_user(UserName=f"u{i}")
        admin.create_login_profile(UserName=f"u{i}", Password="Aa1!aaaaaaaa")
    many = await service.scan.scan()
    assert many.api_calls <= few.api_calls
    # who-am-I 2, summary, password policy, report 3-4 (none yet: read, generate, read), authorization details,
    # organization, contact details, security contact, server certificates, the regions, then access analyzer in
    # each of the 17 enabled regions
    assert few.api_calls <= 16 + 17


async def test_users_changed_by_the_app_are_read_live(service: IamService, admin: IamClient) -> None:
    await service.scan.scan()  # the report is now fixed for four hours, as in AWS
    admin.create_user(UserName="newbie")
    admin.create_login_profile(UserName="newbie", Password="Aa1!aaaaaaaa")
    stale = await service.scan.scan()
    assert stale.result(CheckId.CONSOLE_USERS_MFA).status is Status.PASS  # the report does not know newbie yet
    service.scan.touch("newbie")
    live = await service.scan.scan()
    assert live.result(CheckId.CONSOLE_USERS_MFA).resources == ("newbie",)


async def test_progress_is_reported(service: IamService) -> None:
    seen: list[tuple[int, int, str]] = []
    await service.scan.scan(progress=lambda done, total, what: seen.append((done, total, what)))
    assert [d for d, _, _ in seen] == list(range(1, SCAN_INPUTS + 1))
    assert {t for _, t, _ in seen} == {SCAN_INPUTS}
    assert {w for _, _, w in seen} >= {"credential report", "account summary"}


def test_sandbox_ownership_moves_with_the_service(sandbox: Sandbox) -> None:
    from iam_tui.aws.service import IamService
    from iam_tui.aws.session import AwsContext
    from iam_tui.settings import ConnectionSettings

    first = IamService(AwsContext(sandbox.session(), ConnectionSettings(demo=True)), sandbox, owns_sandbox=True)
    second = IamService(AwsContext(sandbox.session(), ConnectionSettings(demo=True)), sandbox)
    first.hand_over_sandbox(second)
    first.close()
    assert sandbox._started  # the old service no longer stops it
    second.close()
    assert not sandbox._started


async def test_root_virtual_mfa_device_fails_the_hardware_mfa_check(service: IamService, sandbox: Sandbox) -> None:
    sandbox.state.root_mfa_enabled = True
    sandbox.state.root_mfa_virtual = True
    virtual = await service.scan.scan()
    assert virtual.result(CheckId.ROOT_MFA).status is Status.PASS
    assert virtual.result(CheckId.ROOT_HARDWARE_MFA).status is Status.FAIL
    sandbox.state.root_mfa_virtual = False  # a hardware device: nothing in ListVirtualMFADevices
    assert (await service.scan.scan()).result(CheckId.ROOT_HARDWARE_MFA).status is Status.PASS


async def test_root_key_wording_in_the_sandbox_which_runs_on_a_long_term_root_key(service: IamService) -> None:
    result = (await service.scan.scan()).result(CheckId.ROOT_ACCESS_KEYS)
    assert "running on a root access key" in result.detail


class _CountingCaller:
    """Answers the authorization details with many attached AWS managed policies and counts how many policy
    reads are in flight at once."""

    def __init__(self, policies: int) -> None:
        self.arns = [f"arn:aws:iam::aws:policy/P{i}" for i in range(policies)]
        self.in_flight = 0
        self.most = 0

    async def read_pages(self, _service: str, _operation: str, reader: Callable[[bytes], object],
                         **_: object) -> None:
        reader(page(groups=[group(f"g{i}", attached=[arn]) for i, arn in enumerate(self.arns)]))

    async def paginate(self, _service: str, _operation: str, keys: Iterable[str],
                       **_: object) -> dict[str, list[Any]]:
        return {key: [] for key in keys}

    async def call(self, _service: str, operation: str, **params: object) -> dict[str, Any]:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        for _ in range(3):
            await asyncio.sleep(0)  # let every other read start, if nothing holds it back
        self.in_flight -= 1
        if operation == "GetPolicy":
            return {"Policy": {"DefaultVersionId": "v1"}}
        return {"PolicyVersion": {"Document": {"Statement": []}}}


async def test_policy_document_reads_are_bounded() -> None:
    caller = _CountingCaller(20)
    details = await ScanService(caller, None).authorization_details()  # type: ignore[arg-type]
    assert set(details.documents) == set(caller.arns)
    assert caller.most == POLICY_READS_AT_ONCE == 4


@pytest.mark.parametrize("partition, domain", [("aws", "signin.aws.amazon.com"), ("aws-cn", "signin.amazonaws.cn"),
                                               ("aws-us-gov", "signin.amazonaws-us-gov.com")])
async def test_each_partition_from_a_stubbed_identity(service: IamService, partition: str, domain: str) -> None:
    arn = f"arn:{partition}:iam::123456789012:root"
    service.ctx.client("sts").meta.events.register_first(
        "before-call.sts.GetCallerIdentity",
        lambda **_: responses.ok({"UserId": "123456789012", "Account": "123456789012", "Arn": arn}))
    identity = await service.account.identity(refresh=True)
    assert identity.caller.partition == partition
    assert identity.signin_url == f"https://123456789012.{domain}/console"
    result = await service.scan.scan()
    console = result.result(CheckId.ROOT_MFA).status
    assert console is (Status.NOT_APPLICABLE if partition == "aws-us-gov" else Status.FAIL)
    assert result.result(CheckId.ROOT_ACCESS_KEYS).status is Status.FAIL


async def test_denied_alias_is_unknown_not_absent(service: IamService) -> None:
    inject_error(service, "iam", "ListAccountAliases", "AccessDenied", "not authorized", 403)
    identity = await service.account.identity(refresh=True)
    assert identity.alias is None and identity.alias_text == "alias unknown (no permission)"
    assert identity.signin_url == "https://123456789012.signin.aws.amazon.com/console"
    assert (await service.account.with_alias("acme")).alias_text == "acme"


async def test_organizations_not_in_use_is_the_normal_path(service: IamService) -> None:
    result = (await service.scan.scan()).result(CheckId.ROOT_MFA)
    assert result.status is Status.FAIL and "central root management" not in result.detail


async def test_central_root_management_seen_from_a_delegated_admin_is_a_note(service: IamService) -> None:
    """Seen from IAM's delegated administrator (not the management account), whose own root still has a key."""
    org = {"Organization": {"Id": "o-1", "MasterAccountId": "999999999999"}}
    service.ctx.client("organizations").meta.events.register_first(
        "before-call.organizations.DescribeOrganization", lambda **_: responses.ok(org))
    service.ctx.client("iam").meta.events.register_first(
        "before-call.iam.ListOrganizationsFeatures",
        lambda **_: responses.ok({"OrganizationId": "o-1", "EnabledFeatures": ["RootCredentialsManagement"]}))
    result = await service.scan.scan()
    for check_id in ("root-mfa", "root-access-keys"):
        assert result.result(CheckId(check_id)).status is Status.FAIL
        assert "central root management" in result.result(CheckId(check_id)).detail


async def test_a_standalone_account_is_answered_by_iam_alone(service: IamService) -> None:
    """The usual case, a fresh standalone account: ListOrganizationsFeatures says there is no organization, and
    neither an Organizations client nor a DescribeOrganization request is made."""
    seen = []
    service.ctx.call_listeners.append(lambda aws_service, operation: seen.append((aws_service, operation)))
    assert await service.account.root_centrally_managed("123456789012") is False
    assert seen == [("iam", "ListOrganizationsFeatures")]
    assert "organizations" not in service.ctx._clients


async def test_the_management_account_and_a_plain_member_see_no_central_root_management(service: IamService,
                                                                                        sandbox: Sandbox) -> None:
    org = sandbox.plain_client("organizations").create_organization(FeatureSet="ALL")["Organization"]
    assert org["MasterAccountId"] == "123456789012"
    assert await service.account.root_centrally_managed("123456789012") is False  # no feature enabled in moto
    service.ctx.client("iam").meta.events.register_first(
        "before-call.iam.ListOrganizationsFeatures",
        lambda **_: responses.ok({"OrganizationId": org["Id"], "EnabledFeatures": ["RootCredentialsManagement"]}))
    assert await service.account.root_centrally_managed("123456789012") is False  # its own root: never managed
