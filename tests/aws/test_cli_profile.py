"""Writing the AWS CLI profile on temporary HOMEs, and verifying it (with retries) in the sandbox."""

from __future__ import annotations

import os
import pwd
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import botocore.configloader
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iam_tui.aws import cli_profile
from iam_tui.aws.cli_profile import ProfileExists, ProfileWriteError, existing_profile, write_profile
from iam_tui.aws.errors import AwsError
from iam_tui.aws.patience import Patience
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core import aws_config
from iam_tui.core.aws_config import CliPaths, profile_options
from iam_tui.core.secret import Secret
from iam_tui.files import file_mode
from tests.helpers import inject_error

from ..helpers import IamClient

SECRET = Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

EXISTING_CREDENTIALS = "# keys\n[default]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n"
EXISTING_CONFIG = "[default]\nregion = eu-west-1\n\n# work\n[profile work]\nsso_session = corp\n"


def _write(paths: CliPaths, **kwargs: Any) -> None:
    write_profile(paths, "alice", "AKIANEWKEY", SECRET, region="us-east-1", **kwargs)


def _config_replace_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The config file's replace fails (a full disk) after the credentials file's went through."""
    real_replace = os.replace

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == "config":
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)  # the os module iam_tui.files uses


def test_paths_from_env_vars_and_home(tmp_path: Path) -> None:
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "c"), "AWS_CONFIG_FILE": str(tmp_path / "k")}
    assert cli_profile.default_paths(env, tmp_path) == CliPaths(tmp_path / "c", tmp_path / "k")
    assert cli_profile.default_paths({}, tmp_path) == CliPaths(tmp_path / ".aws/credentials", tmp_path / ".aws/config")


def test_paths_expand_variables_and_home_as_botocore_does(tmp_path: Path) -> None:
    env = {"AWS_SHARED_CREDENTIALS_FILE": "$HOME/.aws/credentials", "AWS_CONFIG_FILE": "${IAM_TUI_CFG}/config",
           "HOME": str(tmp_path / "home"), "IAM_TUI_CFG": "~/cfg"}
    paths = cli_profile.default_paths(env, tmp_path / "home")
    assert paths == CliPaths(tmp_path / "home/.aws/credentials", tmp_path / "home/cfg/config")
    root_home = Path(pwd.getpwnam("root").pw_dir)
    assert cli_profile.default_paths({"AWS_CONFIG_FILE": "~root/c"}, tmp_path).config == root_home / "c"


def test_new_files_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    paths = cli_profile.default_paths({}, tmp_path)
    _write(paths, endpoint_url="http://localhost:5000")
    assert file_mode(tmp_path / ".aws") == 0o700
    assert file_mode(paths.credentials) == 0o600 and file_mode(paths.config) == 0o600
    assert paths.credentials.read_text() == (
        "[alice]\naws_access_key_id = AKIANEWKEY\naws_secret_access_key = " + SECRET.reveal() + "\n")
    assert paths.config.read_text() == (
        "[profile alice]\nregion = us-east-1\noutput = json\nendpoint_url = http://localhost:5000\n")


def test_existing_profiles_and_comments_are_kept(tmp_path: Path) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    paths.credentials.write_text(EXISTING_CREDENTIALS)
    paths.config.write_text(EXISTING_CONFIG)
    _write(paths, output="table")
    assert paths.credentials.read_text().startswith(EXISTING_CREDENTIALS)
    assert paths.config.read_text().startswith(EXISTING_CONFIG)
    assert profile_options(paths.config.read_text(), "alice", config_file=True) == {
        "region": "us-east-1", "output": "table"}


def test_an_existing_files_mode_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 0400 credentials file (its owner made it read-only) stays 0400, a 0640 config file 0640: rewritten, never
    silently widened or narrowed; and a write that is put back keeps them too."""
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    paths.credentials.write_text(EXISTING_CREDENTIALS)
    paths.config.write_text(EXISTING_CONFIG)
    os.chmod(paths.credentials, 0o400)
    os.chmod(paths.config, 0o640)
    _write(paths)
    assert "AKIANEWKEY" in paths.credentials.read_text()
    assert (file_mode(paths.credentials), file_mode(paths.config)) == (0o400, 0o640)
    _config_replace_fails(monkeypatch)
    with pytest.raises(ProfileWriteError):
        _write(paths, output="table", replace=True)
    assert (file_mode(paths.credentials), file_mode(paths.config)) == (0o400, 0o640)


def test_an_existing_profile_is_replaced_only_when_confirmed(tmp_path: Path) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    paths.credentials.write_text("[alice]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n")
    paths.config.write_text("[profile alice]\nrole_arn = arn:aws:iam::1:role/x\n")
    found = existing_profile(paths, "alice")
    assert found is not None and found.access_key_id == "AKIAOLD"
    assert "role_arn" in found.describe() and "old" not in found.describe().replace("AKIAOLD", "")
    with pytest.raises(ProfileExists):
        _write(paths)
    assert "AKIAOLD" in paths.credentials.read_text()
    _write(paths, replace=True)
    assert profile_options(paths.config.read_text(), "alice", config_file=True) == {
        "region": "us-east-1", "output": "json"}
    assert "AKIAOLD" not in paths.credentials.read_text()


def test_the_default_profile_uses_the_default_section(tmp_path: Path) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    write_profile(paths, "default", "AKIANEWKEY", SECRET, region="us-east-1")
    assert paths.config.read_text().startswith("[default]\n")


def test_a_failed_write_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    paths.credentials.write_text(EXISTING_CREDENTIALS)
    paths.config.write_text(EXISTING_CONFIG)
    _config_replace_fails(monkeypatch)
    with pytest.raises(ProfileWriteError) as caught:
        _write(paths)
    assert "No space left" in str(caught.value) and SECRET.reveal() not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert paths.credentials.read_text() == EXISTING_CREDENTIALS  # the first file was put back
    assert paths.config.read_text() == EXISTING_CONFIG
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config", "credentials"]  # no temporary files left


def test_no_traceback_frame_holds_the_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    _config_replace_fails(monkeypatch)
    with pytest.raises(ProfileWriteError) as caught:
        _write(paths)
    tb = caught.value.__traceback__
    assert tb is not None
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            assert SECRET.reveal() not in repr(value)
        tb = tb.tb_next


def test_a_failed_first_write_leaves_no_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", failing_replace)  # the os module iam_tui.files uses
    with pytest.raises(ProfileWriteError, match="Permission denied"):
        _write(paths)
    assert list(tmp_path.iterdir()) == []


def test_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles-config"
    real.write_text(EXISTING_CONFIG)
    link = tmp_path / "config"
    link.symlink_to(real)
    _write(CliPaths(tmp_path / "credentials", link))
    assert link.is_symlink() and "[profile alice]" in real.read_text()


def test_known_regions_come_from_botocore() -> None:
    regions = cli_profile.regions_by_partition()
    assert "us-east-1" in regions["aws"] and "cn-north-1" in regions["aws-cn"]


# --- verification ---------------------------------------------------------------------------------------------


async def _new_user_key(service: IamService, admin: IamClient) -> tuple[str, Secret]:
    admin.create_user(UserName="alice")
    new = await service.keys.create("alice")
    return new.access_key_id, new.secret


async def test_verify_reads_the_written_profile_in_the_demo(service: IamService, admin: IamClient,
                                                            tmp_path: Path) -> None:
    key_id, secret = await _new_user_key(service, admin)
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    write_profile(paths, "alice", key_id, secret, region="us-east-1")
    steps: list[str] = []
    verified = await cli_profile.verify(lambda: cli_profile.service_for_profile(service, paths, "alice"),
                                        "arn:aws:iam::123456789012:user/alice", progress=lambda n, t: steps.append(t))
    identity = await verified.account.identity()
    assert identity.caller.name == "alice" and not identity.caller.is_root
    assert identity.source == "profile alice (demo sandbox)" and verified.settings.profile == "alice"
    assert len(steps) == 1


async def test_verify_retries_until_the_key_works(service: IamService, admin: IamClient, tmp_path: Path) -> None:
    key_id, secret = await _new_user_key(service, admin)
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    write_profile(paths, "alice", key_id, secret, region="us-east-1")
    failures: list[list[int]] = []

    def build() -> IamService:
        new = cli_profile.service_for_profile(service, paths, "alice")
        failures.append(inject_error(new, "sts", "GetCallerIdentity", "InvalidClientTokenId", status=403, times=3))
        return new

    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    steps: list[str] = []
    verified = await cli_profile.verify(build, "arn:aws:iam::123456789012:user/alice", patience=Patience(sleep=sleep),
                                        progress=lambda n, t: steps.append(t))
    assert len(failures[0]) == 3 and slept == [1.0, 2.0, 4.0]
    assert (await verified.account.identity()).caller.name == "alice"
    assert sum("retrying" in s for s in steps) == 3 and "Attempt 4" in steps[-1]


async def test_verify_gives_up_after_the_time_limit(service: IamService, admin: IamClient, tmp_path: Path) -> None:
    key_id, secret = await _new_user_key(service, admin)
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    write_profile(paths, "alice", key_id, secret, region="us-east-1")
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    def build() -> IamService:
        new = cli_profile.service_for_profile(service, paths, "alice")
        inject_error(new, "sts", "GetCallerIdentity", "InvalidClientTokenId", status=403)
        return new

    with pytest.raises(AwsError) as caught:
        await cli_profile.verify(build, "arn:aws:iam::123456789012:user/alice",
                                 patience=Patience(clock=lambda: now[0], sleep=sleep), timeout=20)
    assert caught.value.code == "InvalidClientTokenId" and now[0] <= 20
    assert "not active yet, AWS is still propagating it" in caught.value.message.replace(":", ",")
    assert caught.value.fix == "Try again in a minute." and "mistyped" not in caught.value.text


async def test_verify_refuses_another_identity(service: IamService, admin: IamClient, tmp_path: Path) -> None:
    key_id, secret = await _new_user_key(service, admin)
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    write_profile(paths, "alice", key_id, secret, region="us-east-1")
    with pytest.raises(AwsError) as caught:
        await cli_profile.verify(lambda: cli_profile.service_for_profile(service, paths, "alice"),
                                 "arn:aws:iam::123456789012:user/bob")
    assert caught.value.code == "WrongIdentity"


async def test_other_errors_are_not_retried(service: IamService, admin: IamClient, tmp_path: Path) -> None:
    key_id, secret = await _new_user_key(service, admin)
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    write_profile(paths, "alice", key_id, secret, region="us-east-1")

    def build() -> IamService:
        new = cli_profile.service_for_profile(service, paths, "alice")
        inject_error(new, "sts", "GetCallerIdentity", "AccessDenied", status=403)
        return new

    with pytest.raises(AwsError, match="AccessDenied"):
        await cli_profile.verify(build, "arn:aws:iam::123456789012:user/alice")


def test_a_missing_profile_is_a_plain_error(service: IamService, tmp_path: Path) -> None:
    with pytest.raises(AwsError) as caught:
        cli_profile.service_for_profile(service, CliPaths(tmp_path / "c", tmp_path / "k"), "nobody")
    assert caught.value.code == "ProfileNotFound"


def test_demo_profiles_go_to_a_private_temporary_folder(service: IamService) -> None:
    paths = cli_profile.paths_for(service)
    assert paths.credentials.parent == paths.config.parent
    assert paths.credentials.parent != Path.home() / ".aws" and file_mode(paths.credentials.parent) == 0o700
    assert cli_profile.paths_for(service) == paths


async def test_off_the_demo_botocore_signs_with_the_profile_itself(service: IamService, admin: IamClient,
                                                                   sandbox: Sandbox, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The real-AWS path (no sandbox): a botocore session for the profile, read from the files just written.
    moto's in-process mock still answers, and it knows the new key."""
    from iam_tui.aws.sandbox import _session
    from iam_tui.aws.session import AwsContext
    from iam_tui.settings import ConnectionSettings

    monkeypatch.delenv("AWS_DEFAULT_REGION")  # else it wins over the profile's region, as in the AWS CLI
    key_id, secret = await _new_user_key(service, admin)
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    write_profile(paths, "alice", key_id, secret, region="eu-west-1")
    real = IamService(AwsContext(_session("AKIAOTHERCALLER00000", "x"), ConnectionSettings(region=None)))
    verified = await cli_profile.verify(lambda: cli_profile.service_for_profile(real, paths, "alice"),
                                        "arn:aws:iam::123456789012:user/alice")
    identity = await verified.account.identity()
    assert verified.sandbox is None and verified.settings.profile == "alice"
    assert identity.region == "eu-west-1"  # from the profile's config section
    assert identity.source == "profile alice (shared credentials file)"  # not the AWS_ACCESS_KEY_ID env vars


def test_an_unreadable_file_is_an_error_that_never_shows_its_content(tmp_path: Path) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    paths.credentials.write_bytes(b"[work]\naws_secret_access_key = caf\xe9-SECRET-OF-ANOTHER-PROFILE\n")
    with pytest.raises(ProfileWriteError) as caught:
        existing_profile(paths, "alice")
    assert "not UTF-8" in str(caught.value) and "SECRET-OF-ANOTHER-PROFILE" not in str(caught.value)
    assert caught.value.__suppress_context__


def test_a_fifo_in_place_of_a_file_is_refused_without_blocking(tmp_path: Path) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    os.mkfifo(paths.config)
    with pytest.raises(ProfileWriteError, match="FIFO"):
        _write(paths)
    assert not paths.credentials.exists() and stat.S_ISFIFO(os.lstat(paths.config).st_mode)


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    paths.credentials.write_bytes(b"[default]\r\naws_access_key_id = AKIAOLD\r\naws_secret_access_key = old\r\n")
    _write(paths)
    data = paths.credentials.read_bytes()
    assert data.startswith(b"[default]\r\naws_access_key_id = AKIAOLD\r\n") and b"[alice]\r\n" in data
    assert all(line.endswith(b"\r") for line in data.split(b"\n")[:-1])  # every line, old and new, ends in CRLF


# --- every byte outside the profile's section is kept; botocore still reads every other profile ------------------

_ODD = "\x85\x0c\x0b\x1c\x1d\x1e\u2028\u2029"  # line breaks to str.splitlines, not to botocore
_ending = st.sampled_from(["\n", "\r\n", "\r"])
_words = st.text(alphabet=st.sampled_from([*"ab =:[]#;", *_ODD]), max_size=12)
_comment = st.builds(lambda pad, mark, text: pad + mark + text, st.sampled_from(["", " ", "\t"]),
                     st.sampled_from("#;"), _words)
_blank = st.sampled_from(["", " ", "\t", "\x0c", "\x85"])
_value = st.text(alphabet=st.sampled_from([*"ab12/+=-", *_ODD]), max_size=10)
_plain = st.text(alphabet=st.sampled_from("ab12/+=-"), max_size=10)
_assign = st.sampled_from([" = ", "=", " : ", "= "])
_indent = st.sampled_from(["  ", "\t", " \x0c "])
_KEYS = ("region", "output", "aws_access_key_id", "x_y", "Mixed_Case", "s3")


@st.composite
def _section_body(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    for key in draw(st.lists(st.sampled_from(_KEYS), unique_by=str.lower, max_size=4)):
        lines += draw(st.lists(st.one_of(_comment, _blank), max_size=2))
        if draw(st.booleans()):  # a nested value (s3 = / max_concurrent_requests = 20)
            lines.append(f"{key} =")
            # botocore splits nested values with str.splitlines, so no odd separators in them
            lines += [f"{draw(_indent)}n{i} = {draw(_plain)}" for i in range(draw(st.integers(1, 2)))]
        else:
            lines.append(f"{key}{draw(_assign)}{draw(_value)}")
            if draw(st.booleans()):  # a value that continues on a deeper line
                lines[-1] = lines[-1].rstrip() + "x"
                lines.append(f"{draw(_indent)}more{draw(_value)}")
    return lines + draw(st.lists(st.one_of(_comment, _blank), max_size=2))


@st.composite
def _ini_file(draw: st.DrawFn, names: list[str]) -> tuple[list[str], list[str]]:
    """(segments, section names): the text before the first section, then one segment per section."""
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)).flatmap(st.permutations))
    raw = [draw(st.lists(st.one_of(_comment, _blank), max_size=3))]
    raw += [[f"[{name}]", *draw(_section_body())] for name in chosen]
    segments = ["".join(line + draw(_ending) for line in lines) for lines in raw]
    if draw(st.booleans()) and segments[-1]:  # no line ending at the very end
        segments[-1] = segments[-1].rstrip("\r\n")
    return segments, chosen


def _botocore(path: Path) -> dict[str, Any]:
    parsed: dict[str, Any] = botocore.configloader.raw_config_parse(str(path))
    return parsed


def _check_file(path: Path, segments: list[str], chosen: list[str], edited: str | None) -> None:
    """Bytes: all segments but the edited one are kept exactly. botocore: every other section reads as before."""
    before_text, after = "".join(segments), path.read_bytes().decode()
    if edited is None:  # appended: the old text (plus a line ending if it had none) comes first
        assert after.startswith(before_text)
    else:
        index = chosen.index(edited) + 1
        prefix, suffix = "".join(segments[:index]), "".join(segments[index + 1:])
        header = aws_config.split_lines(segments[index])[0]
        assert after.startswith(prefix + header.rstrip("\r\n")) and after.endswith(suffix)
        assert len(after) >= len(prefix) + len(suffix)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(creds=_ini_file(["alice", "bob", "default", "profile alice"]),
       conf=_ini_file(["profile alice", "profile  'alice'", "default", "profile bob", "sso-session corp", "alice"]))
def test_writing_keeps_every_other_byte_and_botocore_reads_every_other_profile(
        creds: tuple[list[str], list[str]], conf: tuple[list[str], list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = CliPaths(Path(folder) / "credentials", Path(folder) / "config")
        paths.credentials.write_bytes("".join(creds[0]).encode())
        paths.config.write_bytes("".join(conf[0]).encode())
        creds_before, conf_before = _botocore(paths.credentials), _botocore(paths.config)
        write_profile(paths, "alice", "AKIANEWKEY", SECRET, region="us-east-1", replace=True)

        _check_file(paths.credentials, *creds, "alice" if "alice" in creds[1] else None)
        edited = [name for name in conf[1] if aws_config.config_profile(name) == "alice"]
        _check_file(paths.config, *conf, edited[-1] if edited else None)

        creds_after, conf_after = _botocore(paths.credentials), _botocore(paths.config)
        assert {k: v for k, v in creds_after.items() if k != "alice"} == {
            k: v for k, v in creds_before.items() if k != "alice"}
        assert creds_after["alice"] == {"aws_access_key_id": "AKIANEWKEY", "aws_secret_access_key": SECRET.reveal()}
        unchanged = [name for name in conf_before if name not in edited[-1:]]
        assert {k: conf_after[k] for k in unchanged} == {k: conf_before[k] for k in unchanged}
        profiles = botocore.configloader.build_profile_map(conf_after)["profiles"]
        assert profiles["alice"] == {"region": "us-east-1", "output": "json"}
        assert profiles.get("bob") == botocore.configloader.build_profile_map(conf_before)["profiles"].get("bob")


def test_a_file_botocore_cannot_read_is_not_touched(tmp_path: Path) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    broken = b"[work]\naws_secret_access_key = SECRET-OF-WORK\nnot a setting SECRET-OF-WORK\n"
    paths.credentials.write_bytes(broken)
    with pytest.raises(ProfileWriteError) as caught:
        _write(paths)
    message = str(caught.value)
    assert "line 3" in message and "nothing was written" in message and "SECRET-OF-WORK" not in message
    assert paths.credentials.read_bytes() == broken and not paths.config.exists()


@pytest.mark.parametrize("damage", [lambda text: text + "not a setting\n",
                                    lambda text: text.replace("region = eu-west-1", "region = xx-east-9")])
def test_a_written_file_that_does_not_read_back_is_put_back_and_said(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     damage: Callable[[str], str]) -> None:
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    paths.credentials.write_text(EXISTING_CREDENTIALS)
    paths.config.write_text(EXISTING_CONFIG)
    real = aws_config.set_profile

    def broken_editor(text: str, profile: str, values: Mapping[str, str | Secret], *, config_file: bool) -> str:
        out = real(text, profile, values, config_file=config_file)
        return damage(out) if config_file else out

    monkeypatch.setattr(aws_config, "set_profile", broken_editor)
    with pytest.raises(ProfileWriteError) as caught:
        _write(paths)
    message = str(caught.value)
    assert "not written" in message and str(paths.config) in message and "left as before" in message
    assert SECRET.reveal() not in message
    assert paths.credentials.read_text() == EXISTING_CREDENTIALS and paths.config.read_text() == EXISTING_CONFIG
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config", "credentials"]
