"""The removal plan: AWS's order, what can be undone, the typed confirmation."""

from __future__ import annotations

import json

from iam_tui.core.authz import InlinePolicy, PolicyRef
from iam_tui.core.identity import parse_caller
from iam_tui.core.plan import irreversible
from iam_tui.core.user_removal import (
    MfaDeviceRef,
    ServiceCredential,
    UserDependents,
    build_removal_plan,
    confirmation_problem,
    removal_notes,
)

DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
EVERYTHING = UserDependents(
    "alice", login_profile=True, access_keys=("AKIA1", "AKIA2"), signing_certificates=("CERT1",),
    ssh_public_keys=("APKA1",), service_credentials=(ServiceCredential("ACCA1", "codecommit.amazonaws.com"),),
    mfa_devices=(MfaDeviceRef("arn:aws:iam::123456789012:mfa/alice-phone"), MfaDeviceRef("GAHT12345678")),
    groups=("PowerUsers", "Ops"), attached_policies=(PolicyRef("ReadOnlyAccess", "arn:aws:iam::aws:policy/ROA"),),
    inline_policies=(InlinePolicy("extra", DOC),))


def test_every_dependent_goes_before_the_user_in_the_consoles_order() -> None:
    plan = build_removal_plan(EVERYTHING)
    assert [s.operation for s in plan] == [
        "DeleteLoginProfile", "DeleteAccessKey", "DeleteAccessKey", "DeleteSigningCertificate", "DeleteSSHPublicKey",
        "DeleteServiceSpecificCredential", "DeactivateMFADevice", "DeleteVirtualMFADevice", "DeactivateMFADevice",
        "RemoveUserFromGroup", "RemoveUserFromGroup", "DetachUserPolicy", "DeleteUserPolicy", "DeleteUser"]
    assert plan[7].params == {"SerialNumber": "arn:aws:iam::123456789012:mfa/alice-phone"}
    assert plan[8].params["SerialNumber"] == "GAHT12345678"  # a hardware device is deactivated, not deleted


def test_the_undo_puts_back_memberships_and_policies_and_the_rest_says_why_not() -> None:
    plan = build_removal_plan(EVERYTHING)
    undos = {s.operation: (s.undo_operation, s.undo_params) for s in plan if s.undoable}
    assert undos == {
        "RemoveUserFromGroup": ("AddUserToGroup", {"GroupName": "Ops", "UserName": "alice"}),
        "DetachUserPolicy": ("AttachUserPolicy", {"UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/ROA"}),
        "DeleteUserPolicy": ("PutUserPolicy", {"UserName": "alice", "PolicyName": "extra",
                                               "PolicyDocument": json.dumps(DOC, separators=(",", ":"))}),
    }
    kept = irreversible(plan)
    assert [s.operation for s in kept] == [s.operation for s in plan[:9]] + ["DeleteUser"]
    assert all(s.undo_text().startswith("cannot be undone: ") and len(s.no_undo) > 20 for s in kept)
    assert plan[-4].undo_text() == "iam:AddUserToGroup(GroupName=Ops, UserName=alice)"


def test_a_user_with_nothing_is_one_step() -> None:
    assert [s.operation for s in build_removal_plan(UserDependents("bob"))] == ["DeleteUser"]


def test_the_typed_confirmation_is_the_exact_user_name() -> None:
    assert confirmation_problem("Alice.Smith", "Alice.Smith") is None
    assert "case" in (confirmation_problem("alice.smith", "Alice.Smith") or "")
    assert "spaces" in (confirmation_problem(" Alice.Smith ", "Alice.Smith") or "")
    assert "Type the user name" in (confirmation_problem("", "Alice.Smith") or "")
    assert "not the user name" in (confirmation_problem("Alice", "Alice.Smith") or "")


def test_the_notes_name_what_cannot_be_undone_and_removing_yourself() -> None:
    me = parse_caller("arn:aws:iam::123456789012:user/admins/alice", "123456789012")
    other = parse_caller("arn:aws:iam::123456789012:user/bob", "123456789012")
    notes = removal_notes(EVERYTHING, me)
    assert "running as alice" in notes[0]
    assert "console password, access keys" in notes[1] and "MFA devices" in notes[1]
    assert not any("running as" in n for n in removal_notes(EVERYTHING, other))
    assert removal_notes(UserDependents("bob")) == []
    assert removal_notes(UserDependents("bob", login_profile=True))[0].startswith(
        "Cannot be undone: the console password is deleted for good.")  # it said "are"


def test_the_review_line_of_a_step_keeps_arns_and_shortens_documents() -> None:
    long_arn = "arn:aws:iam::aws:policy/service-role/AWSSupportServiceRolePolicy"
    deps = UserDependents("alice", attached_policies=(PolicyRef("AWSSupportServiceRolePolicy", long_arn),),
                          inline_policies=(InlinePolicy("extra", DOC),))
    detach, delete_inline, _ = build_removal_plan(deps)
    assert long_arn in detach.call_text()
    assert delete_inline.undo_text().endswith("PolicyDocument=<policy document, 96 characters>)")
