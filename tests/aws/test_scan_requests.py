"""What one scan asks AWS, and how often: page sizes, the credential report read before it is generated, AWS
managed policy documents read once per version, and timestamps parsed like botocore's own parser."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber
from botocore.utils import parse_timestamp as botocore_parse_timestamp
from hypothesis import given
from hypothesis import strategies as st

from iam_tui.aws import scan
from iam_tui.aws.calls import AwsCaller
from iam_tui.aws.errors import AwsError
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.aws.session import AwsContext
from iam_tui.aws.timestamps import parse_timestamp
from iam_tui.core.checks import CheckId, Status
from iam_tui.core.identity import CallerIdentity
from iam_tui.settings import ConnectionSettings
from tests.helpers import FakeTime, inject_error, operations

from ..helpers import IamClient


async def test_a_list_call_asks_for_the_largest_page_aws_allows() -> None:
    """Real AWS pages GetAccountAuthorizationDetails at 100 by default (moto answers in one page): 10,000 users
    would be 100 sequential requests. Asking for 1,000 a page makes it 10; the stub counts them."""
    ctx = AwsContext.create(ConnectionSettings(region="us-east-1"))
    client = ctx.client("iam")
    user = {"UserName": "u", "UserId": "AIDAEXAMPLEEXAMPLE000", "Arn": "arn:aws:iam::123456789012:user/u",
            "Path": "/", "CreateDate": datetime(2024, 1, 1, tzinfo=UTC)}
    with Stubber(client) as stub:
        for page in range(10):
            last = page == 9
            expected = {"Filter": ["User"], "MaxItems": 1000, **({"Marker": f"m{page}"} if page else {})}
            stub.add_response("get_account_authorization_details",
                              {"UserDetailList": [user], "IsTruncated": not last,
                               **({} if last else {"Marker": f"m{page + 1}"})}, expected)
        pages = await AwsCaller(ctx).paginate("iam", "GetAccountAuthorizationDetails", ("UserDetailList",),
                                              Filter=["User"])
        stub.assert_no_pending_responses()
    assert len(pages["UserDetailList"]) == 10


async def test_an_existing_credential_report_is_read_without_generating_one(service: IamService) -> None:
    seen = operations(service)
    await service.scan.credential_report()
    assert seen[0] == "GetCredentialReport" and "GenerateCredentialReport" in seen  # none yet: made
    seen.clear()
    await service.scan.credential_report()
    assert seen == ["GetCredentialReport"]  # AWS keeps it four hours: nothing to generate


async def test_aws_managed_policy_documents_come_with_the_authorization_details(
        service: IamService, admin: IamClient) -> None:
    """GetAccountAuthorizationDetails with AWSManagedPolicy lists the attached AWS managed policies with their
    versions: no ListPolicies, and no call per policy."""
    for policy in ("AdministratorAccess", "AWSSupportAccess", "IAMUserChangePassword"):
        admin.create_group(GroupName=f"g-{policy}")
        admin.attach_group_policy(GroupName=f"g-{policy}", PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    seen = operations(service)
    result = await service.scan.scan()
    assert seen.count("GetAccountAuthorizationDetails") == 1
    assert not {"ListPolicies", "GetPolicy", "GetPolicyVersion"} & set(seen)
    assert result.result(CheckId.NO_FULL_ADMIN_POLICY).resources == (
        "AdministratorAccess (AWS managed) attached to group g-AdministratorAccess",)


async def test_the_sandbox_lists_only_the_attached_aws_managed_policies_as_aws_does(service: IamService,
                                                                                   admin: IamClient) -> None:
    admin.create_user(UserName="u")
    admin.attach_user_policy(UserName="u", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    details = service.ctx.client("iam").get_account_authorization_details(Filter=["AWSManagedPolicy"])
    assert [(p["PolicyName"], p["AttachmentCount"]) for p in details["Policies"]] == [("ReadOnlyAccess", 1)]
    assert details["UserDetailList"] == []  # only what the filter asked for
    (version,) = details["Policies"][0]["PolicyVersionList"]
    assert version["IsDefaultVersion"] and version["Document"]["Statement"]


async def test_an_attached_policy_the_pages_did_not_list_is_read_directly(
        service: IamService, admin: IamClient) -> None:
    admin.create_group(GroupName="admins")
    admin.attach_group_policy(GroupName="admins", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

    def drop_policies(response_dict: dict[str, Any], **_: Any) -> None:  # attached after the page was written, say
        response_dict["body"] = re.sub(rb"<Policies>.*</Policies>", b"<Policies/>", response_dict["body"],
                                       flags=re.DOTALL)

    service.ctx.client("iam").meta.events.register("before-parse.iam.GetAccountAuthorizationDetails", drop_policies)
    seen = operations(service)
    first = await service.scan.scan()
    assert seen.count("GetPolicy") == 1 and seen.count("GetPolicyVersion") == 1
    seen.clear()
    again = await service.scan.scan()
    assert seen.count("GetPolicy") == 1 and seen.count("GetPolicyVersion") == 0  # a version never changes
    admin_check = CheckId.NO_FULL_ADMIN_POLICY
    assert again.result(admin_check).resources == first.result(admin_check).resources == (
        "AdministratorAccess (AWS managed) attached to group admins",)


def seed_users(start: int, stop: int) -> None:
    """Users straight into moto (quick), as the benchmark seeds them: passwords, keys, groups, inline and AWS
    managed policies on some."""
    from moto.iam.models import iam_backends

    iam = iam_backends["123456789012"]["aws"]
    inline = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
    if start == 0:
        iam.create_group("Readers")
        iam.attach_group_policy("arn:aws:iam::aws:policy/ReadOnlyAccess", "Readers")
    for i in range(start, stop):
        name = f"user{i:05d}"
        iam.create_user("us-east-1", name)
        if i % 2 == 0:
            iam.create_login_profile(name, "Bench-Passw0rd!")
        if i % 3 == 0:
            iam.create_access_key(name)
        if i % 4 == 0:
            iam.add_user_to_group("Readers", name)
        if i % 7 == 0:
            iam.put_user_policy(name, "s3", inline)
        if i % 11 == 0:
            iam.attach_user_policy("arn:aws:iam::aws:policy/IAMUserChangePassword", name)


async def test_a_check_makes_the_same_few_iam_and_sts_requests_for_20_and_300_users(sandbox: Sandbox) -> None:
    """At most 10 IAM and STS requests per scan, whatever the number of users (a counter on every call the SDK
    makes, each page one call); the account API and Access Analyzer come on top and are counted apart."""
    def count_scan() -> Counter[str]:
        ctx = AwsContext(sandbox.session(), ConnectionSettings(demo=True), source="demo sandbox")
        counted: Counter[str] = Counter()

        def count(model: Any, **_: Any) -> None:
            counted[f"{model.service_model.endpoint_prefix}:{model.name}"] += 1

        # emitted for every call (each page one call), even those the sandbox answers itself in before-call
        ctx.session.get_component("event_emitter").register("before-parameter-build", count)
        asyncio.run(IamService(ctx, sandbox).scan.scan())
        return counted

    sandbox.plain_client("iam").generate_credential_report()  # AWS keeps one four hours: read, not made
    seed_users(0, 20)
    small = await asyncio.to_thread(count_scan)
    seed_users(20, 300)
    large = await asyncio.to_thread(count_scan)
    iam_sts = {k: v for k, v in small.items() if k.split(":")[0] in {"iam", "sts"}}
    assert small == large, (small, large)
    assert sum(iam_sts.values()) <= 10, iam_sts


async def test_who_am_i_does_not_wait_for_a_round_trip_of_its_own(service: IamService,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """GetCallerIdentity is answered only once the account summary was asked: in a scan that asked who-am-I
    before everything else, that never happens (the wait times out)."""
    loop = asyncio.get_running_loop()
    summary_asked = asyncio.Event()

    def on_call(_service: str, operation: str) -> None:
        if operation == "GetAccountSummary":
            loop.call_soon_threadsafe(summary_asked.set)

    service.ctx.call_listeners.append(on_call)
    ask = service.account.caller_identity

    async def caller_identity() -> CallerIdentity:
        await asyncio.wait_for(summary_asked.wait(), 5)
        return await ask()

    monkeypatch.setattr(service.account, "caller_identity", caller_identity)
    result = await service.scan.scan()
    assert result.identity.caller.is_root


async def test_the_scan_fails_with_the_identity_error_when_credentials_do_not_work(service: IamService,
                                                                                   sandbox: Sandbox) -> None:
    from iam_tui.aws.errors import AwsError

    sandbox.state.root_keys.clear()  # the key the demo runs on is deleted: AWS rejects every call
    with pytest.raises(AwsError) as caught:
        await service.scan.scan()
    assert caught.value.code == "InvalidClientTokenId"


ISO = st.builds(
    lambda d, frac, tz: d.strftime("%Y-%m-%dT%H:%M:%S") + frac + tz,
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["", ".1", ".123", ".123456"]),
    st.sampled_from(["Z", "+00:00", "+02:00", "-05:30", ""]),
)


@given(ISO)
def test_timestamps_parse_as_botocore_parses_them(text: str) -> None:
    ours, theirs = parse_timestamp(text), botocore_parse_timestamp(text)
    assert ours == theirs and ours.utcoffset() == theirs.utcoffset()


@pytest.mark.parametrize("value", ["Tue, 29 Apr 2014 18:30:38 GMT", "1398796238", 1398796238.5])
def test_other_timestamp_forms_go_to_botocore(value: object) -> None:
    assert parse_timestamp(value) == botocore_parse_timestamp(value)


async def test_virtual_mfa_devices_are_listed_only_when_root_has_mfa(service: IamService, sandbox: Sandbox) -> None:
    """The list has a page per 1,000 users with virtual MFA: a root without MFA (a new account) needs none."""
    seen = operations(service)
    result = await service.scan.scan()
    assert "ListVirtualMFADevices" not in seen
    assert result.result(CheckId.ROOT_HARDWARE_MFA).status is Status.FAIL  # no MFA at all
    sandbox.state.root_mfa_enabled = True
    seen.clear()
    await service.scan.scan()
    assert seen.count("ListVirtualMFADevices") == 1


async def test_a_credential_report_still_being_made_is_waited_for_then_given_up_on(service: IamService) -> None:
    """The poll is Patience's: it asks again while the report is not ready, and says so after the time limit."""
    fake = FakeTime()
    fake.install(service)
    seen = operations(service)
    inject_error(service, "iam", "GetCredentialReport", "ReportInProgress", "in progress", 410, times=3)
    await service.scan.credential_report()
    assert seen.count("GetCredentialReport") == 4
    assert fake.slept == [scan.REPORT_FIRST_POLL_S * 2**i for i in range(3)]  # doubling, on Patience's clock
    fake.slept.clear()
    inject_error(service, "iam", "GetCredentialReport", "ReportInProgress", "in progress", 410, times=100)
    with pytest.raises(AwsError) as caught:
        await service.scan.credential_report(timeout=10)
    assert caught.value.code == "ReportInProgress" and "not ready after 10 s" in caught.value.message
    assert fake.slept and sum(fake.slept) <= 10 and max(fake.slept) == scan.REPORT_MAX_POLL_S
