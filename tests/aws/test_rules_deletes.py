"""The sandbox answers DeleteConflict as AWS does: for every kind of dependent a user, group or policy can have."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from iam_tui.aws.sandbox import Sandbox

from ..helpers import IamClient

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
DOC = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
SSH_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDtest alice@example"


def certificate() -> str:
    """A self-signed certificate in PEM, as UploadSigningCertificate wants (moto parses it)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "alice")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _conflict(call: Callable[[], object]) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "DeleteConflict"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    return str(caught.value.response["Error"]["Message"])


@pytest.mark.parametrize("arrange, message", [
    (lambda iam, sandbox: iam.upload_signing_certificate(UserName="alice", CertificateBody=certificate()),
     "Cannot delete entity, must delete certificates first."),
    (lambda iam, sandbox: iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=SSH_KEY),
     "Cannot delete entity, must remove referenced objects first."),
    (lambda iam, sandbox: sandbox.session().create_client("iam").create_service_specific_credential(
        UserName="alice", ServiceName="codecommit.amazonaws.com"),
     "Cannot delete entity, must remove referenced objects first."),
])
def test_deleting_a_user_with_credentials_moto_ignores_is_a_conflict(sandbox: Sandbox, admin: IamClient,
                                                                      arrange: Callable[[IamClient, Sandbox], object],
                                                                      message: str) -> None:
    admin.create_user(UserName="alice")
    arrange(admin, sandbox)
    iam = sandbox.session().create_client("iam")
    assert _conflict(lambda: iam.delete_user(UserName="alice")) == message
    assert admin.get_user(UserName="alice")["User"]["UserName"] == "alice"


def test_service_specific_credentials_are_listed_and_deleted(sandbox: Sandbox, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    iam = sandbox.session().create_client("iam")
    made = iam.create_service_specific_credential(UserName="alice", ServiceName="codecommit.amazonaws.com")
    credential_id = made["ServiceSpecificCredential"]["ServiceSpecificCredentialId"]
    listed = iam.list_service_specific_credentials(UserName="alice")["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in listed] == [credential_id]
    assert "ServicePassword" not in listed[0]
    iam.delete_service_specific_credential(UserName="alice", ServiceSpecificCredentialId=credential_id)
    assert iam.list_service_specific_credentials(UserName="alice")["ServiceSpecificCredentials"] == []
    iam.delete_user(UserName="alice")
    with pytest.raises(ClientError) as caught:
        iam.list_service_specific_credentials(UserName="alice")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


@pytest.mark.parametrize("arrange, message", [
    (lambda iam: (iam.create_user(UserName="alice"), iam.add_user_to_group(GroupName="admins", UserName="alice")),
     "Cannot delete entity, must remove users from group first."),
    (lambda iam: iam.attach_group_policy(GroupName="admins", PolicyArn=READ_ONLY),
     "Cannot delete entity, must detach all policies first."),
    (lambda iam: iam.put_group_policy(GroupName="admins", PolicyName="p", PolicyDocument=DOC),
     "Cannot delete entity, must delete policies first."),
])
def test_deleting_a_group_that_still_has_things_is_a_conflict(sandbox: Sandbox, admin: IamClient,
                                                              arrange: Callable[[IamClient], object],
                                                              message: str) -> None:
    admin.create_group(GroupName="admins")
    arrange(admin)
    iam = sandbox.session().create_client("iam")
    assert _conflict(lambda: iam.delete_group(GroupName="admins")) == message
    assert admin.get_group(GroupName="admins")["Group"]["GroupName"] == "admins"


def test_an_empty_group_is_deleted(sandbox: Sandbox, admin: IamClient) -> None:
    admin.create_group(GroupName="admins")
    sandbox.session().create_client("iam").delete_group(GroupName="admins")
    assert admin.list_groups()["Groups"] == []


def test_deleting_an_attached_policy_is_a_conflict(sandbox: Sandbox, admin: IamClient) -> None:
    arn = admin.create_policy(PolicyName="mine", PolicyDocument=DOC)["Policy"]["Arn"]
    admin.create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    admin.attach_role_policy(RoleName="r", PolicyArn=arn)
    iam = sandbox.session().create_client("iam")
    assert _conflict(lambda: iam.delete_policy(PolicyArn=arn)) == "Cannot delete a policy attached to entities."
    # moto's own answer for a role with a policy matches AWS's
    assert _conflict(lambda: iam.delete_role(RoleName="r")) == "Cannot delete entity, must detach all policies first."
    iam.detach_role_policy(RoleName="r", PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)
    iam.delete_role(RoleName="r")
