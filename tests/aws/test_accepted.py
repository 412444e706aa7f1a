"""Accepting the guide's admin group for no-full-admin-policy: stored on the group with the typed reason, who and
when, bound to its members and policies; read back by the scan from the authorization details (no extra call),
shown in the result, the text and the JSON with the status still ``fail``; lapsed once the group changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from iam_tui.aws.errors import AwsError
from iam_tui.aws.models import ScanResult
from iam_tui.aws.service import IamService
from iam_tui.check_command import as_table, to_json
from iam_tui.core.accepted import MARKER_NAME, read_record
from iam_tui.core.checks import CheckId, Status

from ..helpers import IamClient

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
REASON = "Our admin group; reviewed by Jo [EMEA] <jo@example.com>"
AT = datetime(2026, 12, 1, 9, 30, 5, tzinfo=UTC)


def guide_group(admin: IamClient, *members: str) -> None:
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn=ADMIN)
    for name in members:
        admin.create_user(UserName=name)
        admin.add_user_to_group(GroupName="PowerUsers", UserName=name)


def full_admin_json(result: ScanResult) -> dict[str, Any]:
    checks = cast(list[dict[str, Any]], to_json(result)["checks"])  # JSON: a list of objects
    return next(c for c in checks if c["id"] == "no-full-admin-policy")


async def accept(service: IamService, reason: str = REASON) -> None:
    service.accepted.now = lambda: AT
    subject = await service.accepted.acceptable_subject()
    assert subject is not None
    await service.accepted.accept_admin_group(subject, reason)


async def test_accepted_on_the_group_survives_as_a_fail_with_its_reason(service: IamService, admin: IamClient) -> None:
    guide_group(admin, "alice")
    await service.scan.scan()  # the first scan also reads what a session reads once (identity, report, ...)
    before = await service.scan.scan()
    assert before.result(CheckId.NO_FULL_ADMIN_POLICY).accepted is None
    assert full_admin_json(before)["fix"]["id"] == "accept-guide-admin-group"
    subject = await service.accepted.acceptable_subject()
    assert subject is not None and (subject.group, subject.members, subject.policies) == \
        ("PowerUsers", ("alice",), ("AdministratorAccess",))

    await accept(service)
    stored = admin.get_group_policy(GroupName="PowerUsers", PolicyName=MARKER_NAME)["PolicyDocument"]
    record = read_record(stored)
    assert record is not None and record.reason == REASON and record.at == AT
    caller = (await service.scan.account.identity()).caller.arn
    assert record.by == caller
    after = await service.scan.scan()
    result = after.result(CheckId.NO_FULL_ADMIN_POLICY)
    assert result.status is Status.FAIL and result.accepted == REASON
    data = full_admin_json(after)
    assert data["status"] == "fail" and data["accepted"] == REASON
    assert data["acceptance"] == {"group": "PowerUsers", "reason": REASON, "by": caller,
                                  "when": "2026-12-01T09:30:05Z", "lapsed": False, "changed": [], "in_effect": True}
    assert data["fix"]["id"] == "clear-acceptance"
    assert f"accepted on PowerUsers by {caller} on 2026-12-01 09:30 UTC: {REASON}" in as_table(after)
    assert after.api_calls == before.api_calls  # read from the authorization details the scan reads anyway
    assert after.result(CheckId.PERMISSIONS_VIA_GROUPS).status is Status.PASS  # the marker is no user policy

    await service.accepted.clear_acceptance("PowerUsers")
    assert admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"] == []
    assert (await service.scan.scan()).result(CheckId.NO_FULL_ADMIN_POLICY).acceptance is None
    await service.accepted.clear_acceptance("PowerUsers")  # nothing left to clear: no error


async def test_a_forged_marker_on_a_back_door_group_is_not_accepted(service: IamService, admin: IamClient) -> None:
    admin.create_group(GroupName="Shadow")
    admin.attach_group_policy(GroupName="Shadow", PolicyArn=ADMIN)
    admin.put_group_policy(GroupName="Shadow", PolicyName="iam-tui-accepted-approved-by-the-security-team",
                           PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                               {"Effect": "Deny", "NotAction": "*", "Resource": "*"}]}))
    scan = await service.scan.scan()
    data = full_admin_json(scan)
    assert data["status"] == "fail" and data["accepted"] is None and data["acceptance"] is None
    assert "approved by the security team" not in json.dumps(to_json(scan))
    assert "Not an acceptance (ignored): iam-tui-accepted-approved-by-the-security-team (inline) on group Shadow" \
        in data["detail"]
    assert "accepted on" not in as_table(scan)


async def test_the_acceptance_lapses_when_a_member_is_added(service: IamService, admin: IamClient) -> None:
    guide_group(admin, "alice")
    await accept(service)
    admin.create_user(UserName="mallory")
    admin.add_user_to_group(GroupName="PowerUsers", UserName="mallory")
    scan = await service.scan.scan()
    result = scan.result(CheckId.NO_FULL_ADMIN_POLICY)
    assert result.status is Status.FAIL and result.accepted is None
    assert result.acceptance is not None and result.acceptance.lapsed
    data = full_admin_json(scan)
    assert data["accepted"] is None and data["acceptance"]["lapsed"] is True
    assert data["acceptance"]["changed"] == ["members"] and data["acceptance"]["reason"] == REASON
    assert data["fix"]["id"] == "accept-guide-admin-group"
    assert "acceptance lapsed: members of PowerUsers changed since 2026-12-01 09:30 UTC" in as_table(scan)


async def test_the_acceptance_lapses_when_a_policy_is_attached(service: IamService, admin: IamClient) -> None:
    guide_group(admin)
    await accept(service)
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    result = (await service.scan.scan()).result(CheckId.NO_FULL_ADMIN_POLICY)
    assert result.accepted is None and result.acceptance is not None and result.acceptance.changed == ("policies",)
    admin.detach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    assert (await service.scan.scan()).result(CheckId.NO_FULL_ADMIN_POLICY).accepted == REASON  # the state accepted


async def test_only_the_guide_group_as_the_one_finding_can_be_accepted(service: IamService, admin: IamClient) -> None:
    guide_group(admin)
    subject = await service.accepted.acceptable_subject()
    assert subject is not None
    admin.create_user(UserName="bob")
    admin.attach_user_policy(UserName="bob", PolicyArn=ADMIN)
    assert await service.accepted.acceptable_subject() is None
    with pytest.raises(AwsError) as caught:
        await service.accepted.accept_admin_group(subject, REASON)
    assert caught.value.code == "NotAcceptable"
    assert admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"] == []
    admin.detach_user_policy(UserName="bob", PolicyArn=ADMIN)
    admin.create_group(GroupName="Admins")
    admin.attach_group_policy(GroupName="Admins", PolicyArn=ADMIN)
    admin.detach_group_policy(GroupName="PowerUsers", PolicyArn=ADMIN)
    assert await service.accepted.acceptable_group() is None


async def test_a_group_changed_while_the_reason_was_typed_is_not_accepted(
        service: IamService, admin: IamClient) -> None:
    guide_group(admin)
    subject = await service.accepted.acceptable_subject()
    assert subject is not None
    admin.create_user(UserName="mallory")
    admin.add_user_to_group(GroupName="PowerUsers", UserName="mallory")
    with pytest.raises(AwsError) as caught:
        await service.accepted.accept_admin_group(subject, REASON)
    assert caught.value.code == "NotAcceptable" and "changed while you were typing" in caught.value.text
    subject = await service.accepted.acceptable_subject()
    assert subject is not None
    with pytest.raises(AwsError) as caught:
        await service.accepted.accept_admin_group(subject, "  ")
    assert caught.value.code == "InvalidReason"
    assert admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"] == []


async def test_a_new_full_admin_holder_undoes_the_acceptance_in_the_result(
        service: IamService, admin: IamClient) -> None:
    guide_group(admin)
    await accept(service)
    admin.create_user(UserName="bob")
    admin.attach_user_policy(UserName="bob", PolicyArn=ADMIN)
    result = (await service.scan.scan()).result(CheckId.NO_FULL_ADMIN_POLICY)
    assert result.status is Status.FAIL and result.accepted is None
    assert result.acceptance is not None and result.acceptance.text().endswith("it does not cover user bob")
