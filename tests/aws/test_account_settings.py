"""The account-level checks against the sandbox (which answers as a fresh AWS account does: contact details from
sign-up, no security contact, no Access Analyzer) and AWS's errors through botocore's event hooks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.stub import Stubber

from iam_tui.aws.account_settings import read_server_certificates
from iam_tui.aws.errors import AwsError
from iam_tui.aws.sandbox import responses
from iam_tui.aws.service import IamService
from iam_tui.core.account_settings import AlternateContact
from iam_tui.core.checks import Status


async def test_a_fresh_account_has_contact_details_but_no_security_contact_and_no_analyzer(
        service: IamService) -> None:
    result = await service.scan.scan()
    assert result.result("contact-details").status is Status.PASS
    assert result.result("security-contact").status is Status.FAIL
    assert result.result("access-analyzer").status is Status.FAIL
    assert result.result("access-analyzer").resources == ("region us-east-1",)
    assert result.result("expired-server-certificates").status is Status.PASS
    assert result.result("cloudshell-full-access").status is Status.PASS


async def test_the_fixes_can_be_tried_in_the_demo(service: IamService) -> None:
    await service.aws.call("account", "PutAlternateContact", AlternateContactType="SECURITY", Name="Sec Team",
                           Title="CISO", EmailAddress="security@example.com", PhoneNumber="+1 206-555-0199")
    await service.aws.call("accessanalyzer", "CreateAnalyzer", analyzerName="account", type="ACCOUNT")
    await service.aws.call("accessanalyzer", "CreateAnalyzer", analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
    result = await service.scan.scan()
    assert result.result("security-contact").status is Status.PASS
    analyzer = result.result("access-analyzer")
    assert analyzer.status is Status.PASS and "us-east-1: account" in analyzer.detail  # the unused-access one
    assert "unused" not in analyzer.detail                                             # does not count


async def test_cloudshell_full_access_is_found_in_the_authorization_details(service: IamService, admin) -> None:
    admin.create_group(GroupName="Ops")
    admin.attach_group_policy(GroupName="Ops", PolicyArn="arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
    result = await service.scan.scan()
    assert result.result("cloudshell-full-access").resources == ("group Ops",)


async def test_a_denied_read_names_the_iam_action(service: IamService) -> None:
    def deny(**_: Any) -> Any:
        return responses.error("AccessDeniedException", "User is not authorized", 403)

    service.ctx.client("accessanalyzer").meta.events.register_first("before-call.accessanalyzer.ListAnalyzers",
                                                                    deny)
    result = await service.scan.scan()
    analyzer = result.result("access-analyzer")
    assert analyzer.status is Status.UNKNOWN and "access-analyzer:ListAnalyzers" in analyzer.detail
    assert result.result("security-contact").status is Status.FAIL  # the other checks still run


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


async def test_the_analyzer_fix_makes_1_19_pass_and_a_second_attempt_reads_back(service: IamService) -> None:
    assert await service.account_settings.create_analyzer() == "us-east-1"
    assert await service.account_settings.create_analyzer() == "us-east-1"  # ConflictException: already there
    result = await service.scan.scan()
    assert result.result("access-analyzer").status is Status.PASS
    assert "iam-tui-external-access" in result.result("access-analyzer").detail


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
    contact, security = result.result("contact-details"), result.result("security-contact")
    assert contact.status is Status.UNKNOWN and "account:GetContactInformation" in contact.detail
    assert security.status is Status.UNKNOWN and "account:GetAlternateContact" in security.detail
    assert result.result("root-access-keys").status is not Status.UNKNOWN  # the others still run
