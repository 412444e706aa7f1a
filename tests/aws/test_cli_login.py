"""aws login's profile and its proof through botocore's LoginProvider, from a cached login token."""

from __future__ import annotations

from pathlib import Path

import pytest

from iam_tui.aws import cli_login
from iam_tui.aws.cli_profile import ProfileExists, write_profile
from iam_tui.aws.errors import AwsError
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core.aws_config import CliPaths
from iam_tui.core.secret import Secret
from tests.login_fixtures import ALICE, cached_token, stand_in_aws


@pytest.fixture
def paths(tmp_path: Path) -> CliPaths:
    return CliPaths(tmp_path / "credentials", tmp_path / "config")


def test_version_and_command(tmp_path: Path) -> None:
    assert cli_login.parse_version("aws-cli/2.32.7 Python/3.13.7 Linux") == (2, 32, 7)
    assert cli_login.parse_version("aws-cli/1.45.11 Python/3.11.7") == (1, 45, 11)
    assert cli_login.parse_version("command not found") is None
    assert cli_login.login_command("alice", {}) == ["aws", "login", "--profile", "alice"]
    assert cli_login.login_command("alice", {"SSH_CONNECTION": "10.0.0.1 22 10.0.0.2 22"})[-1] == "--remote"
    stand_in_aws(tmp_path / "bin")
    found = cli_login.find_cli({"PATH": str(tmp_path / "bin")})
    assert found.version == (2, 32, 7) and found.can_login
    stand_in_aws(tmp_path / "old", version="aws-cli/2.31.9 Python/3.13.7")
    assert not cli_login.find_cli({"PATH": str(tmp_path / "old")}).can_login
    assert cli_login.find_cli({"PATH": str(tmp_path / "none")}).path is None


def test_profile_written_with_every_other_byte_kept(paths: CliPaths) -> None:
    before = "# mine\r\n[default]\r\nregion = eu-west-1\r\n\r\n[profile alice]\r\nlogin_session = arn:x\r\n"
    paths.config.write_text(before, newline="")
    cli_login.write_login_profile(paths, "alice", region="us-east-2")
    after = paths.config.read_bytes().decode()
    assert after.startswith("# mine\r\n[default]\r\nregion = eu-west-1\r\n\r\n[profile alice]\r\n")
    assert "login_session = arn:x\r\n" in after and "region = us-east-2\r\n" in after and "output = json" in after
    assert not paths.credentials.exists()


def test_a_profile_with_a_key_is_refused_as_aws_login_refuses_it(paths: CliPaths) -> None:
    write_profile(paths, "alice", "AKIAEXAMPLE", Secret("s"), region="us-east-1")
    before = paths.config.read_text()
    with pytest.raises(ProfileExists):
        cli_login.write_login_profile(paths, "alice", region="us-east-1")
    assert paths.config.read_text() == before
    assert cli_login.existing_credentials(paths, "alice") == "aws_access_key_id"


async def test_verified_through_the_login_provider(service: IamService, sandbox: Sandbox, paths: CliPaths,
                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "login-cache"
    monkeypatch.setenv("AWS_LOGIN_CACHE_DIRECTORY", str(cache))
    sandbox.plain_client("iam").create_user(UserName="alice")
    expires = cached_token(sandbox, cache)
    cli_login.write_login_profile(paths, "alice", region="us-east-1")
    with pytest.raises(AwsError) as err:  # no login_session yet: nothing signed in
        await cli_login.verify_login(service, paths, "alice")
    assert err.value.code == "NotALoginProfile"
    paths.config.write_text(paths.config.read_text() + f"login_session = {ALICE}\n")
    verified = await cli_login.verify_login(service, paths, "alice")
    assert verified.arn == ALICE and verified.expires == expires


async def test_an_expired_token_without_refresh_is_not_verified(service: IamService, sandbox: Sandbox, paths: CliPaths,
                                                                tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore tries to refresh an expired token with the signin service; the sandbox has none: never verified."""
    cache = tmp_path / "login-cache"
    monkeypatch.setenv("AWS_LOGIN_CACHE_DIRECTORY", str(cache))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    cached_token(sandbox, cache, hours=-1)
    cli_login.write_login_profile(paths, "alice", region="us-east-1")
    paths.config.write_text(paths.config.read_text() + f"login_session = {ALICE}\n")
    with pytest.raises(AwsError):
        await cli_login.verify_login(service, paths, "alice")
