"""The password policy service, and the sandbox answering UpdateAccountPasswordPolicy like AWS."""

from __future__ import annotations

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

from iam_tui.aws.errors import AwsError
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core.password_policy import EffectivePolicy, PasswordPolicy
from iam_tui.core.passwords import generate_password, password_problems

from ..helpers import IamClient, inject_error, record_calls

STRONG = PasswordPolicy(minimum_length=14, require_symbols=True, require_numbers=True, require_uppercase=True,
                        require_lowercase=True, allow_users_to_change=True, reuse_prevention=24)


async def test_no_policy_reads_as_none(service: IamService) -> None:
    assert await service.password_policy.current() is None


async def test_update_sends_the_whole_policy_and_reads_back(service: IamService, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=20, MaxPasswordAge=90, HardExpiry=True,
                                         RequireSymbols=True)
    calls = record_calls(service, "iam", "UpdateAccountPasswordPolicy")
    await service.password_policy.update(STRONG)
    assert calls == [{"MinimumPasswordLength": 14, "RequireUppercaseCharacters": True,
                      "RequireLowercaseCharacters": True, "RequireNumbers": True, "RequireSymbols": True,
                      "AllowUsersToChangePassword": True, "HardExpiry": False, "PasswordReusePrevention": 24}]
    assert await service.password_policy.current() == STRONG  # expiry and hard expiry are gone, as asked
    raw = admin.get_account_password_policy()["PasswordPolicy"]
    assert raw["ExpirePasswords"] is False and raw.get("MaxPasswordAge", 0) == 0


async def test_never_expire_reads_as_none_even_when_aws_says_zero(service: IamService, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=10)
    assert admin.get_account_password_policy()["PasswordPolicy"]["MaxPasswordAge"] == 0  # moto's way of saying it
    policy = await service.password_policy.current()
    assert policy is not None and policy.max_age_days is None and policy.reuse_prevention is None


async def test_update_refuses_out_of_bounds_without_calling(service: IamService) -> None:
    calls = record_calls(service, "iam", "UpdateAccountPasswordPolicy")
    with pytest.raises(AwsError) as caught:
        await service.password_policy.update(PasswordPolicy(minimum_length=200))
    assert caught.value.code == "InvalidInput" and "At most 128" in caught.value.message
    assert calls == []


async def test_generator_follows_the_policy_read_back(service: IamService) -> None:
    await service.password_policy.update(PasswordPolicy(minimum_length=40, require_symbols=True))
    effective = EffectivePolicy(await service.password_policy.current())
    password = generate_password(effective).reveal()
    assert len(password) >= 40 and password_problems(password, effective) == []


async def test_delete(service: IamService) -> None:
    assert await service.password_policy.delete() is False  # nothing to remove
    await service.password_policy.update(STRONG)
    assert await service.password_policy.delete() is True
    assert await service.password_policy.current() is None


async def test_update_errors_become_plain_errors(service: IamService) -> None:
    inject_error(service, "iam", "UpdateAccountPasswordPolicy", "AccessDenied", "not authorized", 403)
    with pytest.raises(AwsError) as caught:
        await service.password_policy.update(STRONG)
    assert "iam:UpdateAccountPasswordPolicy" in caught.value.text


# --- the sandbox rule ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "message"), [
    ({"MinimumPasswordLength": 129},
     "1 validation error detected: Value '129' at 'minimumPasswordLength' failed to satisfy constraint: "
     "Member must have value less than or equal to 128"),
    ({"MaxPasswordAge": 1096, "PasswordReusePrevention": 25},
     "2 validation errors detected: Value '1096' at 'maxPasswordAge' failed to satisfy constraint: Member must have "
     "value less than or equal to 1095; Value '25' at 'passwordReusePrevention' failed to satisfy constraint: "
     "Member must have value less than or equal to 24"),
])
def test_sandbox_rejects_values_above_the_bounds(sandbox: Sandbox, params: dict[str, int], message: str) -> None:
    iam = sandbox.session().create_client("iam")
    with pytest.raises(ClientError) as caught:
        iam.update_account_password_policy(**params)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationError", message)
    with pytest.raises(ClientError, match="NoSuchEntity"):
        iam.get_account_password_policy()  # nothing was stored


def test_sandbox_rejects_values_below_the_bounds(sandbox: Sandbox) -> None:
    iam = sandbox.session().create_client("iam")
    with pytest.raises(ParamValidationError):  # botocore refuses before sending, as against AWS
        iam.update_account_password_policy(MinimumPasswordLength=5)
    unchecked = sandbox.session().create_client("iam", config=Config(parameter_validation=False))
    for params, field in (({"MinimumPasswordLength": 5}, "minimumPasswordLength"),
                          ({"MaxPasswordAge": 0}, "maxPasswordAge"),
                          ({"PasswordReusePrevention": 0}, "passwordReusePrevention")):
        with pytest.raises(ClientError, match=f"at '{field}'.*greater than or equal to") as caught:
            unchecked.update_account_password_policy(**params)
        assert caught.value.response["Error"]["Code"] == "ValidationError"


def test_sandbox_accepts_the_extremes(sandbox: Sandbox) -> None:
    iam = sandbox.session().create_client("iam")
    for length, age, reuse in ((6, 1, 1), (128, 1095, 24)):
        iam.update_account_password_policy(MinimumPasswordLength=length, MaxPasswordAge=age,
                                           PasswordReusePrevention=reuse)
        policy = iam.get_account_password_policy()["PasswordPolicy"]
        assert (policy["MinimumPasswordLength"], policy["MaxPasswordAge"], policy["PasswordReusePrevention"]) == (
            length, age, reuse)
