"""Removing a user that holds every kind of dependent, against the sandbox (which answers DeleteConflict as AWS
does); the resulting IAM state is read through a plain client. Failures at each step rolled back, lost answers read
back, IAM's propagation waited out."""

from __future__ import annotations

import json

import pytest
from botocore.stub import Stubber

from iam_tui.aws.errors import AwsError
from iam_tui.aws.plan_runner import PlanRun, PlanRunner
from iam_tui.aws.readers import read_service_credentials
from iam_tui.aws.sandbox import Sandbox, responses
from iam_tui.aws.service import IamService

from ..helpers import FakeTime, IamClient, error_of, inject_error, lose_answers
from .test_rules_deletes import SSH_KEY, certificate

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
OPS = ["DeleteLoginProfile", "DeleteAccessKey", "DeleteAccessKey", "DeleteSigningCertificate", "DeleteSSHPublicKey",
       "DeleteServiceSpecificCredential", "DeactivateMFADevice", "DeleteVirtualMFADevice", "RemoveUserFromGroup",
       "RemoveUserFromGroup", "DetachUserPolicy", "DeleteUserPolicy", "DeleteUser"]


def arrange_alice(sandbox: Sandbox, admin: IamClient) -> str:
    """alice with every dependent AWS knows of; bob shares her groups. Returns her MFA device's serial."""
    for group in ("PowerUsers", "Ops"):
        admin.create_group(GroupName=group)
    for user in ("alice", "bob"):
        admin.create_user(UserName=user)
        for group in ("PowerUsers", "Ops"):
            admin.add_user_to_group(GroupName=group, UserName=user)
    admin.create_login_profile(UserName="alice", Password="Str0ng-Enough-Pass!")
    admin.create_access_key(UserName="alice")
    admin.create_access_key(UserName="alice")
    admin.upload_signing_certificate(UserName="alice", CertificateBody=certificate())
    admin.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=SSH_KEY)
    sandbox.session().create_client("iam").create_service_specific_credential(
        UserName="alice", ServiceName="codecommit.amazonaws.com")
    serial = admin.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    admin.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456",
                            AuthenticationCode2="654321")  # the plain client has no code check
    admin.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
    admin.put_user_policy(UserName="alice", PolicyName="extra", PolicyDocument=json.dumps(DOC))
    return str(serial)


def members(admin: IamClient, group: str) -> list[str]:
    return sorted(u["UserName"] for u in admin.get_group(GroupName=group)["Users"])


def assert_alice_gone(sandbox: Sandbox, admin: IamClient, serial: str) -> None:
    assert [u["UserName"] for u in admin.list_users()["Users"]] == ["bob"]
    assert all(d["SerialNumber"] != serial for d in admin.list_virtual_mfa_devices()["VirtualMFADevices"])
    assert sandbox.service_credentials.get("alice") == []
    assert members(admin, "PowerUsers") == members(admin, "Ops") == ["bob"]  # the groups stay, with bob
    assert admin.get_policy(PolicyArn=READ_ONLY)["Policy"]["AttachmentCount"] == 0


def assert_alice_put_back(admin: IamClient) -> None:
    """What a roll back can undo is undone: memberships and policies."""
    assert members(admin, "PowerUsers") == members(admin, "Ops") == ["alice", "bob"]
    attached = admin.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [READ_ONLY]
    assert admin.get_user_policy(UserName="alice", PolicyName="extra")["PolicyDocument"] == DOC


async def test_deleting_the_user_first_is_a_delete_conflict(service: IamService, sandbox: Sandbox,
                                                            admin: IamClient) -> None:
    arrange_alice(sandbox, admin)
    with pytest.raises(AwsError) as caught:
        await service.aws.call("iam", "DeleteUser", UserName="alice")
    assert caught.value.code == "DeleteConflict"
    assert admin.get_user(UserName="alice")["User"]["UserName"] == "alice"


async def test_the_plan_is_read_from_aws_and_removes_everything(service: IamService, sandbox: Sandbox,
                                                                admin: IamClient) -> None:
    serial = arrange_alice(sandbox, admin)
    plan = await service.removal.plan("alice")
    assert [s.operation for s in plan.steps] == OPS
    assert plan.dependents.mfa_devices[0].serial == serial and plan.dependents.inline_policies[0].document == DOC
    assert not plan.removes_caller and any("Cannot be undone" in note for note in plan.notes)
    assert "alice" in service.scan.touched  # the next scan re-reads her directly
    run = PlanRun(plan.steps)
    assert await PlanRunner(service.aws, FakeTime().patience()).run(run) is True
    assert_alice_gone(sandbox, admin, serial)


async def test_a_missing_user_is_no_such_entity(service: IamService) -> None:
    with pytest.raises(AwsError) as caught:
        await service.removal.plan("nobody")
    assert caught.value.code == "NoSuchEntity"


def fail_from(service: IamService, operation: str, nth: int) -> None:
    """Every ``operation`` call from the ``nth`` (0-based) on is AccessDenied (two steps may share an operation)."""
    calls: list[int] = []

    def handler(**_: object) -> object:
        calls.append(1)
        return responses.error("AccessDenied", "injected", 403) if len(calls) > nth else None

    service.ctx.client("iam").meta.events.register_first(f"before-call.iam.{operation}", handler)


@pytest.mark.parametrize("failing", range(len(OPS)), ids=[f"{i}-{op}" for i, op in enumerate(OPS)])
async def test_a_failure_at_each_step_is_rolled_back_as_far_as_it_can_be(
        service: IamService, sandbox: Sandbox, admin: IamClient, failing: int) -> None:
    arrange_alice(sandbox, admin)
    plan = await service.removal.plan("alice")
    operation = plan.steps[failing].operation
    fail_from(service, operation, sum(s.operation == operation for s in plan.steps[:failing]))
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(plan.steps)
    assert await runner.run(run) is False
    assert run.failed_index == failing and error_of(run.progress[failing]).code == "AccessDenied"
    clean = await runner.rollback(run)
    kept = [p.step.operation for p in run.kept]
    assert kept == [s.operation for s in plan.steps[:failing] if not s.undoable]
    assert clean is (kept == []) and not run.undo_failed
    assert all(p.note.startswith("Cannot be undone: ") for p in run.kept)
    assert admin.get_user(UserName="alice")["User"]["UserName"] == "alice"
    assert_alice_put_back(admin)


async def test_retry_after_a_roll_back_finishes_the_removal(service: IamService, sandbox: Sandbox,
                                                            admin: IamClient) -> None:
    serial = arrange_alice(sandbox, admin)
    plan = await service.removal.plan("alice")
    inject_error(service, "iam", "DeleteUserPolicy", "AccessDenied", "injected", 403, times=1)
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(plan.steps)
    assert await runner.run(run) is False
    assert await runner.rollback(run) is False  # keys, password, MFA... stay deleted
    assert_alice_put_back(admin)
    assert admin.list_access_keys(UserName="alice")["AccessKeyMetadata"] == []
    assert run.can_retry and plan.steps[run.next_index].operation == "RemoveUserFromGroup"
    assert await runner.run(run) is True
    assert_alice_gone(sandbox, admin, serial)


# The sandbox's service-specific credentials answer before any request is sent, where an answer cannot be lost:
# that step has its own test below.
@pytest.mark.parametrize("operation", [op for op in dict.fromkeys(OPS) if op != "DeleteServiceSpecificCredential"])
async def test_a_lost_answer_at_each_step_is_read_back(service: IamService, sandbox: Sandbox, admin: IamClient,
                                                       operation: str) -> None:
    serial = arrange_alice(sandbox, admin)
    plan = await service.removal.plan("alice")
    fired = lose_answers(service, operation, then="error")
    run = PlanRun(plan.steps)
    assert await PlanRunner(service.aws, FakeTime().patience()).run(run) is True
    assert fired and "read back from AWS: done" in run.progress[OPS.index(operation)].note
    assert_alice_gone(sandbox, admin, serial)


async def test_delete_user_waits_out_the_dependents_it_still_counts(service: IamService, sandbox: Sandbox,
                                                                    admin: IamClient) -> None:
    serial = arrange_alice(sandbox, admin)
    plan = await service.removal.plan("alice")
    fake = FakeTime()
    sandbox.propagation = fake.propagation(removed_dependent=3.0)
    notes: list[str] = []
    run = PlanRun(plan.steps)
    runner = PlanRunner(service.aws, fake.patience())
    assert await runner.run(run, lambda: notes.extend(p.note for p in run.progress if p.note)) is True
    assert fake.slept and any("DeleteConflict" in note for note in notes)
    assert_alice_gone(sandbox, admin, serial)


async def test_a_service_credential_deleted_behind_a_failed_answer_is_read_back(service: IamService, sandbox: Sandbox,
                                                                               admin: IamClient) -> None:
    serial = arrange_alice(sandbox, admin)
    plan = await service.removal.plan("alice")
    other = sandbox.session().create_client("iam")
    calls: list[int] = []

    credential_id = plan.dependents.service_credentials[0].id

    def acted_then_failed(**_: object) -> object:
        if calls:
            return None
        calls.append(1)
        other.delete_service_specific_credential(UserName="alice", ServiceSpecificCredentialId=credential_id)
        # AWS acted, then its answer was a 500
        return responses.error("ServiceFailure", "injected", 500)

    service.ctx.client("iam").meta.events.register_first("before-call.iam.DeleteServiceSpecificCredential",
                                                         acted_then_failed)
    run = PlanRun(plan.steps)
    assert await PlanRunner(service.aws, FakeTime().patience()).run(run) is True
    assert calls and "read back from AWS: done" in run.progress[OPS.index("DeleteServiceSpecificCredential")].note
    assert_alice_gone(sandbox, admin, serial)


async def test_a_never_enabled_device_named_after_the_user_is_deleted_too(service: IamService, sandbox: Sandbox,
                                                                          admin: IamClient) -> None:
    """DeleteUser leaves an unassigned virtual device behind, and it keeps the name: the removal deletes those
    named after the user (any case, any path), and no other unassigned device."""
    admin.create_user(UserName="carol")
    own = admin.create_virtual_mfa_device(VirtualMFADeviceName="Carol", Path="/team/")["VirtualMFADevice"]
    other = admin.create_virtual_mfa_device(VirtualMFADeviceName="carol-old")["VirtualMFADevice"]
    plan = await service.removal.plan("carol")
    assert [(s.operation, s.params) for s in plan.steps] == [
        ("DeleteVirtualMFADevice", {"SerialNumber": own["SerialNumber"]}), ("DeleteUser", {"UserName": "carol"})]
    assert any("survive DeleteUser" in note and own["SerialNumber"] in note for note in plan.notes)
    assert await PlanRunner(service.aws, FakeTime().patience()).run(PlanRun(plan.steps)) is True
    left = [d["SerialNumber"] for d in admin.list_virtual_mfa_devices()["VirtualMFADevices"]]
    assert left == [other["SerialNumber"]]
    assert admin.list_users()["Users"] == []


async def test_service_credentials_are_read_from_every_page(service: IamService, admin: IamClient) -> None:
    """ListServiceSpecificCredentials pages (Marker, IsTruncated) and botocore has no paginator for it."""
    def credential(n: int) -> dict[str, object]:
        return {"UserName": "dan", "Status": "Active", "ServiceUserName": f"dan-at-{n}", "CreateDate": "2024-01-01",
                "ServiceSpecificCredentialId": f"ACCAEXAMPLE{n:010d}", "ServiceName": "codecommit.amazonaws.com"}

    with Stubber(service.ctx.client("iam")) as stub:
        stub.add_response("list_service_specific_credentials", {
            "ServiceSpecificCredentials": [credential(1)], "IsTruncated": True, "Marker": "page-2"},
            {"UserName": "dan"})
        stub.add_response("list_service_specific_credentials", {
            "ServiceSpecificCredentials": [credential(2)], "IsTruncated": False}, {"UserName": "dan",
                                                                                    "Marker": "page-2"})
        found = await read_service_credentials(service.aws, "dan")
        stub.assert_no_pending_responses()
    assert [c["ServiceSpecificCredentialId"] for c in found] == ["ACCAEXAMPLE0000000001", "ACCAEXAMPLE0000000002"]
