"""Accepting the guide's admin group for no-full-admin-policy: stored on the group, read back by the scan from the
authorization details (no extra call), shown in the result and the JSON with the status still ``fail``."""

from __future__ import annotations

import pytest

from iam_tui.aws.errors import AwsError
from iam_tui.aws.service import IamService
from iam_tui.check_command import as_table, to_json
from iam_tui.core.accepted import MARKER_DOCUMENT, marker_policy_name
from iam_tui.core.checks import Status

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
MARKER = marker_policy_name("guide-admin-group")


def guide_group(admin) -> None:
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn=ADMIN)


def full_admin_json(result) -> dict:
    return next(c for c in to_json(result)["checks"] if c["id"] == "no-full-admin-policy")


async def test_accepted_on_the_group_survives_as_a_fail_with_its_reason(service: IamService, admin) -> None:
    guide_group(admin)
    await service.scan.scan()  # the first scan also reads what a session reads once (identity, report, ...)
    before = await service.scan.scan()
    assert before.result("no-full-admin-policy").accepted is None
    assert full_admin_json(before)["fix"]["id"] == "accept-guide-admin-group"
    assert await service.accepted.acceptable_group() == "PowerUsers"

    await service.accepted.accept_admin_group("PowerUsers")
    assert admin.get_group_policy(GroupName="PowerUsers", PolicyName=MARKER)["PolicyDocument"] == MARKER_DOCUMENT
    after = await service.scan.scan()
    result = after.result("no-full-admin-policy")
    assert result.status is Status.FAIL and result.accepted == "accepted: the guide's admin group (PowerUsers)"
    data = full_admin_json(after)
    assert data["status"] == "fail" and data["accepted"] == result.accepted
    assert "accepted: the guide's admin group (PowerUsers)" in as_table(after)
    assert after.api_calls == before.api_calls  # read from the authorization details the scan reads anyway
    assert after.result("permissions-via-groups").status is Status.PASS  # the marker is no user policy

    await service.accepted.clear_acceptance("PowerUsers")
    assert admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"] == []
    assert (await service.scan.scan()).result("no-full-admin-policy").accepted is None
    await service.accepted.clear_acceptance("PowerUsers")  # nothing left to clear: no error


async def test_only_the_guide_group_as_the_one_finding_can_be_accepted(service: IamService, admin) -> None:
    guide_group(admin)
    admin.create_user(UserName="bob")
    admin.attach_user_policy(UserName="bob", PolicyArn=ADMIN)
    with pytest.raises(AwsError) as caught:
        await service.accepted.accept_admin_group("PowerUsers")
    assert caught.value.code == "NotAcceptable"
    assert admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"] == []
    admin.detach_user_policy(UserName="bob", PolicyArn=ADMIN)
    admin.create_group(GroupName="Admins")
    admin.attach_group_policy(GroupName="Admins", PolicyArn=ADMIN)
    admin.detach_group_policy(GroupName="PowerUsers", PolicyArn=ADMIN)
    with pytest.raises(AwsError):
        await service.accepted.accept_admin_group("Admins")


async def test_a_new_full_admin_holder_undoes_the_acceptance_in_the_result(service: IamService, admin) -> None:
    guide_group(admin)
    await service.accepted.accept_admin_group("PowerUsers")
    admin.create_user(UserName="bob")
    admin.attach_user_policy(UserName="bob", PolicyArn=ADMIN)
    result = (await service.scan.scan()).result("no-full-admin-policy")
    assert result.status is Status.FAIL and result.accepted is None
