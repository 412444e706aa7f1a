"""Plans as AWS CLI commands: valid against the IAM model, shell-quoted, no secrets."""

from __future__ import annotations

import shlex

import botocore.session
import pytest

from iam_tui.core.cli_commands import kebab, plan_as_cli
from iam_tui.core.create_plan import ADMINISTRATOR_ACCESS, GroupChoice, NewUserRequest, build_plan
from iam_tui.core.plan import PlanStep
from iam_tui.core.secret import Secret
from iam_tui.core.user_removal import build_removal_plan

from .test_user_removal import EVERYTHING

PASSWORD = "S3cret-Pass'word $(rm -rf ~)"
CREATE = NewUserRequest("alice", GroupChoice("PowerUsers", True, ADMINISTRATOR_ACCESS), password=Secret(PASSWORD))
IAM = botocore.session.get_session().get_service_model("iam")
CLI_NAMES = {kebab(op): op for op in IAM.operation_names}


@pytest.mark.parametrize("name, expected", [
    ("DeleteSSHPublicKey", "delete-ssh-public-key"), ("ListMFADevices", "list-mfa-devices"),
    ("AccessKeyId", "access-key-id"), ("SSHPublicKeyId", "ssh-public-key-id"), ("UserName", "user-name"),
    ("DeactivateMFADevice", "deactivate-mfa-device"), ("ServiceSpecificCredentialId", "service-specific-credential-id"),
])
def test_names_as_the_cli_spells_them(name: str, expected: str) -> None:
    assert kebab(name) == expected


@pytest.mark.parametrize("plan", [build_plan(CREATE), build_removal_plan(EVERYTHING)], ids=["create", "remove"])
def test_every_command_is_a_real_cli_call(plan: list[PlanStep]) -> None:
    script = plan_as_cli(plan)
    assert len(script.commands) == len(plan)
    for command in script.commands:
        words = shlex.split(command)
        assert words[:2] == ["aws", "iam"]
        operation = IAM.operation_model(CLI_NAMES[words[2]])
        members = {kebab(m) for m in operation.input_shape.members}
        options = [w[2:] for w in words[3:] if w.startswith("--")]
        assert all(o in members or (o.startswith("no-") and o[3:] in members) for o in options), command


def test_the_create_plan_without_its_password() -> None:
    script = plan_as_cli(build_plan(CREATE), profile="my admin")
    text = script.text()
    assert PASSWORD not in text and "S3cret" not in text
    login = next(c for c in script.commands if "create-login-profile" in c)
    assert login == ("aws iam create-login-profile --user-name alice --password '<PASSWORD>' "
                     "--password-reset-required --profile 'my admin'")
    assert text.startswith("# CreateLoginProfile: the password is a secret and is not shown; replace <PASSWORD>")
    user = next(c for c in script.commands if "create-user" in c)
    tags = '[{"Key":"user-type","Value":"IAM power user"}]'
    assert shlex.split(user)[3:7] == ["--user-name", "alice", "--tags", tags]


def test_values_are_shell_quoted_and_round_trip() -> None:
    step = PlanStep("x", "PutUserPolicy", {"UserName": "a", "PolicyName": "p", "PolicyDocument": "{\"a\": \"it's\"}"},
                    "DeleteUserPolicy", {"UserName": "a", "PolicyName": "p"})
    words = shlex.split(plan_as_cli([step]).commands[0])
    assert words[-1] == "{\"a\": \"it's\"}"
    assert plan_as_cli([step]).notes == ()


def test_a_plain_text_password_is_never_shown_either() -> None:
    step = PlanStep("x", "UpdateLoginProfile", {"UserName": "a", "Password": "plain-secret"}, "UpdateLoginProfile",
                    {"UserName": "a"})
    script = plan_as_cli([step])
    assert "plain-secret" not in script.text() and "<PASSWORD>" in script.text()
