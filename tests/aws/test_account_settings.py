"""The account-level checks against the sandbox (which answers as a fresh AWS account does: contact details from
sign-up, no security contact, no Access Analyzer) and AWS's errors through botocore's event hooks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.stub import Stubber

from iam_tui.aws.account_settings import read_analyzers, read_server_certificates
from iam_tui.aws.errors import AwsError
from iam_tui.aws.plan_runner import PlanRunner
from iam_tui.aws.sandbox import Sandbox, responses
from iam_tui.aws.sandbox.state import REGIONS_ON
from iam_tui.aws.service import IamService
from iam_tui.core.account_settings import AlternateContact
from iam_tui.core.changes import ANALYZERS, Changed
from iam_tui.core.checks import CheckId, Status
from iam_tui.core.unavailable import Unavailable

from ..helpers import FakeTime, IamClient, error_of


async def test_a_fresh_account_has_contact_details_but_no_security_contact_and_no_analyzer(
        service: IamService) -> None:
    result = await service.scan.scan()
    assert result.result(CheckId.CONTACT_DETAILS).status is Status.PASS
    assert result.result(CheckId.SECURITY_CONTACT).status is Status.FAIL
    assert result.result(CheckId.ACCESS_ANALYZER).status is Status.FAIL
    assert result.result(CheckId.ACCESS_ANALYZER).resources == tuple(f"region {r}" for r in sorted(REGIONS_ON))
    assert result.result(CheckId.EXPIRED_SERVER_CERTIFICATES).status is Status.PASS
    assert result.result(CheckId.CLOUDSHELL_FULL_ACCESS).status is Status.PASS


async def test_the_fixes_can_be_tried_in_the_demo(service: IamService) -> None:
    await service.aws.call("account", "PutAlternateContact", AlternateContactType="SECURITY", Name="Sec Team",
                           Title="CISO", EmailAddress="security@example.com", PhoneNumber="+1 206-555-0199")
    await service.aws.call("accessanalyzer", "CreateAnalyzer", analyzerName="account", type="ACCOUNT")
    await service.aws.in_region("eu-west-1").call("accessanalyzer", "CreateAnalyzer", analyzerName="unused",
                                                  type="ACCOUNT_UNUSED_ACCESS")
    result = await service.scan.scan()
    assert result.result(CheckId.SECURITY_CONTACT).status is Status.PASS
    analyzer = result.result(CheckId.ACCESS_ANALYZER)
    assert analyzer.status is Status.FAIL and "region us-east-1" not in analyzer.resources  # an analyzer sees only
    assert "region eu-west-1" in analyzer.resources  # its region; the unused-access one does not count


async def test_cloudshell_full_access_is_found_in_the_authorization_details(
        service: IamService, admin: IamClient) -> None:
    admin.create_group(GroupName="Ops")
    admin.attach_group_policy(GroupName="Ops", PolicyArn="arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
    result = await service.scan.scan()
    assert result.result(CheckId.CLOUDSHELL_FULL_ACCESS).resources == ("group Ops",)


def everywhere(service: IamService, event: str, handler: Any) -> None:
    """``handler`` on ``event`` for the clients of every region (registered before any of them is made)."""
    service.ctx.session.get_component("event_emitter").register_first(event, handler)


def denied(**_: Any) -> Any:
    return responses.error("AccessDeniedException", "User is not authorized", 403)


async def test_a_denied_read_names_the_iam_action(service: IamService) -> None:
    everywhere(service, "before-call.accessanalyzer.ListAnalyzers", denied)
    result = await service.scan.scan()
    analyzer = result.result(CheckId.ACCESS_ANALYZER)
    assert analyzer.status is Status.UNKNOWN and "access-analyzer:ListAnalyzers" in analyzer.detail
    assert result.result(CheckId.SECURITY_CONTACT).status is Status.FAIL  # the other checks still run


async def test_every_enabled_region_is_read_and_one_denied_region_is_unknown(service: IamService) -> None:
    """CIS 1.19 is per region: the enabled regions (account:ListRegions) are read side by side; a region whose
    read is denied is named, with the call."""
    asked: list[str] = []

    def deny_in_eu_west_1(context: dict[str, Any], **_: Any) -> Any:
        asked.append(context["client_region"])
        return denied() if context["client_region"] == "eu-west-1" else None

    everywhere(service, "before-call.accessanalyzer.ListAnalyzers", deny_in_eu_west_1)
    plan = await service.fixes.access_analyzers()
    assert sorted(asked) == sorted(REGIONS_ON) and "eu-west-1" not in [s.region for s in plan.steps]
    assert await PlanRunner(service.aws, FakeTime().patience()).run(service.fixes.start(plan)) is True
    analyzer = (await service.scan.scan()).result(CheckId.ACCESS_ANALYZER)
    assert analyzer.status is Status.UNKNOWN
    assert "eu-west-1: Not allowed to call access-analyzer:ListAnalyzers" in analyzer.detail
    assert "af-south-1" not in analyzer.detail  # an opt-in region the account has not enabled


async def test_without_list_regions_the_enabled_regions_come_from_ec2(service: IamService) -> None:
    everywhere(service, "before-call.account.ListRegions", denied)
    seen: list[str] = []
    service.ctx.call_listeners.append(lambda svc, operation: seen.append(f"{svc}:{operation}"))
    coverage = await read_analyzers(service.aws)
    assert seen.count("ec2:DescribeRegions") == 1 and coverage.regions_error is None
    described = service.ctx.client("ec2").describe_regions()["Regions"]
    enabled = sorted(r["RegionName"] for r in described if r["OptInStatus"] != "not-opted-in")
    assert coverage.regions == tuple(enabled) and "us-west-2" in enabled


async def test_without_any_region_list_only_the_session_region_is_read_and_said_so(service: IamService) -> None:
    everywhere(service, "before-call.account.ListRegions", denied)
    everywhere(service, "before-call.ec2.DescribeRegions", denied)
    await service.aws.call("accessanalyzer", "CreateAnalyzer", analyzerName="account", type="ACCOUNT")
    analyzer = (await service.scan.scan()).result(CheckId.ACCESS_ANALYZER)
    assert analyzer.status is Status.UNKNOWN
    assert "Only us-east-1 was read" in analyzer.detail and "account:ListRegions" in analyzer.detail


async def test_server_certificates_are_read_with_their_expiry(service: IamService) -> None:
    expired = datetime(2020, 1, 1, tzinfo=UTC)
    client = service.ctx.client("iam")
    with Stubber(client) as stub:
        stub.add_response("list_server_certificates", {"ServerCertificateMetadataList": [{
            "Path": "/", "ServerCertificateName": "www", "ServerCertificateId": "ASCAEXAMPLEEXAMPLE0000",
            "Arn": "arn:aws:iam::123456789012:server-certificate/www", "Expiration": expired}],
            "IsTruncated": False}, {"MaxItems": 1000})
        certificates = await read_server_certificates(service.aws)
    assert [(c.name, c.expires) for c in certificates] == [("www", expired)]


async def test_the_analyzer_fix_creates_one_in_every_region_without_and_rolls_back(service: IamService) -> None:
    await service.aws.in_region("eu-north-1").call("accessanalyzer", "CreateAnalyzer", analyzerName="org",
                                                   type="ACCOUNT")
    plan = await service.fixes.access_analyzers()
    regions = sorted(set(REGIONS_ON) - {"eu-north-1"})
    assert [(s.service, s.operation, s.region) for s in plan.steps] == [
        ("accessanalyzer", "CreateAnalyzer", r) for r in regions]
    assert plan.steps[0].call_text() \
        == "access-analyzer:CreateAnalyzer(analyzerName=iam-tui-external-access, type=ACCOUNT) in ap-northeast-1"
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = service.fixes.start(plan)
    assert await runner.run(run) is True
    result = (await service.scan.scan()).result(CheckId.ACCESS_ANALYZER)
    assert result.status is Status.PASS and "iam-tui-external-access" in result.detail
    assert (await service.fixes.access_analyzers()).empty
    assert await runner.rollback(run) is True  # DeleteAnalyzer in each region, read back
    after = (await service.scan.scan()).result(CheckId.ACCESS_ANALYZER)
    assert after.resources == tuple(f"region {r}" for r in regions)


async def test_an_analyzer_made_meanwhile_is_read_back_and_an_old_one_is_a_conflict(service: IamService,
                                                                                    sandbox: Sandbox) -> None:
    """ConflictException: the name is taken in that region. Made a moment ago (another run of the same fix, or a
    resend after a lost answer) it is read back and counted; an old one of that name is the failure it is."""
    plan = await service.fixes.access_analyzers()
    for region in ("us-east-1", "us-west-2"):  # another run, just now
        await service.aws.in_region(region).call("accessanalyzer", "CreateAnalyzer",
                                                 analyzerName="iam-tui-external-access", type="ACCOUNT")
    runner = PlanRunner(service.aws, FakeTime().patience())
    assert await runner.run(service.fixes.start(plan)) is True
    assert all(sandbox.state.analyzers[r] for r in REGIONS_ON)

    plan = await service.fixes.access_analyzers()  # nothing left
    assert plan.empty
    del sandbox.state.analyzers["sa-east-1"]["iam-tui-external-access"]
    plan = await service.fixes.access_analyzers()
    await service.aws.in_region("sa-east-1").call("accessanalyzer", "CreateAnalyzer",
                                                  analyzerName="iam-tui-external-access", type="ACCOUNT")
    sandbox.state.analyzers["sa-east-1"]["iam-tui-external-access"]["createdAt"] = datetime(2020, 1, 1, tzinfo=UTC)
    run = service.fixes.start(plan)
    assert await runner.run(run) is False and error_of(run.progress[0]).code == "ConflictException"


async def test_a_security_contact_without_a_title_is_refused_before_anything_is_sent(service: IamService) -> None:
    """PutAlternateContact requires Name, Title, EmailAddress and PhoneNumber: an empty one is never sent."""
    sent: list[str] = []
    service.ctx.call_listeners.append(lambda _service, operation: sent.append(operation))
    for title in (None, "", "  "):
        try:
            await service.account_settings.set_security_contact(
                AlternateContact("Sec", "security@example.com", "+1 206 555 0100", title))
        except AwsError as err:
            assert err.code == "InvalidParameter" and "Title" in err.message
        else:
            raise AssertionError("an empty title was accepted")
    assert sent == []


async def test_a_caller_that_cannot_read_contacts_gets_unknown_naming_the_account_action(
        service: IamService) -> None:
    """PowerUserAccess has no account:Get*: both contact checks are unknown and name the action to grant."""
    def deny(**_: Any) -> Any:
        return responses.error("AccessDeniedException", "User is not authorized to perform this action", 403)

    events = service.ctx.client("account").meta.events
    events.register_first("before-call.account.GetContactInformation", deny)
    events.register_first("before-call.account.GetAlternateContact", deny)
    result = await service.scan.scan()
    contact, security = result.result(CheckId.CONTACT_DETAILS), result.result(CheckId.SECURITY_CONTACT)
    assert contact.status is Status.UNKNOWN and "account:GetContactInformation" in contact.detail
    assert security.status is Status.UNKNOWN and "account:GetAlternateContact" in security.detail
    assert result.result(CheckId.ROOT_ACCESS_KEYS).status is not Status.UNKNOWN  # the others still run


def analyzer_lists(service: IamService) -> list[str]:
    """The region of every ListAnalyzers the service sends (call it before the first one: each region's client takes
    the handlers it is made with)."""
    asked: list[str] = []
    everywhere(service, "before-call.accessanalyzer.ListAnalyzers",
               lambda context, **_: asked.append(context["client_region"]))
    return asked


async def test_a_rescan_after_a_write_keeps_the_analyzers_unless_it_may_have_changed_them(
        service: IamService, admin: IamClient) -> None:
    """One ListAnalyzers per enabled region (17 in a new account) at each scan: a rescan after a write that names
    what it changed, and names no analyzer, keeps them. The rest of the scan is read again."""
    asked = analyzer_lists(service)
    last = await service.scan.scan()
    asked.clear()
    admin.create_user(UserName="dan")
    admin.attach_user_policy(UserName="dan", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    await service.aws.in_region("eu-west-1").call("accessanalyzer", "CreateAnalyzer", analyzerName="made-elsewhere",
                                                  type="ACCOUNT")
    kept = await service.scan.rescan(last, Changed.user("dan"))
    assert asked == []
    assert kept.inputs is not None and last.inputs is not None and kept.inputs.analyzers == last.inputs.analyzers
    assert kept.result(CheckId.PERMISSIONS_VIA_GROUPS).resources == ("dan: ReadOnlyAccess",)  # the rest is read again

    for change in (Changed(), Changed.setting(ANALYZERS)):
        again = await service.scan.rescan(kept, change)
        assert sorted(asked) == sorted(REGIONS_ON)
        assert "region eu-west-1" not in again.result(CheckId.ACCESS_ANALYZER).resources
        asked.clear()


async def test_a_rescan_reads_the_analyzers_again_when_the_last_scan_could_not_read_them_all(
        service: IamService) -> None:
    fails = [1]

    def first_fails(context: dict[str, Any], **_: Any) -> Any:
        if context["client_region"] == "ap-south-1" and fails:
            fails.clear()
            return responses.error("AccessDeniedException", "not authorized", 403)
        return None

    everywhere(service, "before-call.accessanalyzer.ListAnalyzers", first_fails)
    asked = analyzer_lists(service)
    last = await service.scan.scan()
    assert last.inputs is not None and not isinstance(last.inputs.analyzers, Unavailable)
    assert "ap-south-1" in last.inputs.analyzers.unreadable
    asked.clear()
    again = await service.scan.rescan(last, Changed.user("dan"))
    assert sorted(asked) == sorted(REGIONS_ON)
    assert again.inputs is not None and not isinstance(again.inputs.analyzers, Unavailable)
    assert again.inputs.analyzers.read_whole
