"""The users at a glance from a real scan of the sandbox: no call beyond the scan's own."""

from __future__ import annotations

from iam_tui.aws.service import IamService

from ..core.test_users_overview import user_of
from ..helpers import IamClient


async def test_the_scan_result_gives_every_user_at_a_glance(service: IamService, admin: IamClient) -> None:
    admin.create_group(GroupName="PowerUsers")
    for name in ("alice", "bob"):
        admin.create_user(UserName=name)
    admin.add_user_to_group(GroupName="PowerUsers", UserName="alice")
    admin.create_login_profile(UserName="alice", Password="Str0ng-Enough-Pass!")
    admin.create_access_key(UserName="bob")
    admin.attach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    calls: list[str] = []
    result = await service.scan.scan()
    service.ctx.call_listeners.append(lambda _service, operation: calls.append(operation))
    view = result.users_overview()
    assert calls == []  # built from the scan's reads alone
    alice, bob = user_of(view, "alice"), user_of(view, "bob")
    assert alice.console_access is True and alice.mfa is False and alice.groups == ("PowerUsers",)
    assert "console-users-mfa" in alice.failing
    assert bob.console_access is False and [k.active for k in bob.keys] == [True]
    assert bob.policies == ("ReadOnlyAccess",) and "permissions-via-groups" in bob.failing
