"""Editing the AWS CLI's files as text: one section changes, everything else stays byte for byte."""

from __future__ import annotations

import configparser
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_tui.core import aws_config
from iam_tui.core.aws_config import (
    cli_paths,
    config_profile,
    config_section,
    profile_options,
    profile_values,
    set_profile,
    split_lines,
    validate_profile_name,
    validate_region,
)
from iam_tui.core.secret import Secret

CONFIG = """\
# my AWS config
[default]
region = eu-west-1
output = json

; work account
[profile work]
sso_session = corp
sso_account_id = 111122223333
s3 =
  max_concurrent_requests = 20

[profile other]
region = us-west-2
"""

REGIONS = {"aws": frozenset({"us-east-1", "eu-west-1", "us-west-2"}), "aws-cn": frozenset({"cn-north-1"})}


def _parse(text: str) -> dict[str, dict[str, str]]:
    """The file as configparser reads it from a text-mode file (universal newlines), as botocore does."""
    parser = configparser.RawConfigParser()
    parser.read_file(io.StringIO(text, newline=None))
    return {name: dict(parser[name]) for name in parser.sections()}


def test_sections_are_named_as_the_cli_expects() -> None:
    assert aws_config.credentials_section("alice") == "alice"
    assert config_section("alice") == "profile alice"
    assert config_section("default") == "default"
    assert config_profile("profile alice") == "alice" and config_profile('profile  "alice"') == "alice"
    assert config_profile("default") == "default" and config_profile("sso-session corp") is None


def test_a_new_profile_is_appended_and_nothing_else_changes() -> None:
    out = set_profile(CONFIG, "alice", {"region": "us-east-1", "output": "json"}, config_file=True)
    assert out == CONFIG + "\n[profile alice]\nregion = us-east-1\noutput = json\n"
    parsed = _parse(out)
    assert parsed["profile alice"]["region"] == "us-east-1" and parsed["profile work"]["sso_session"] == "corp"


def test_replacing_a_profile_drops_its_old_settings_but_keeps_its_comments() -> None:
    text = CONFIG.replace("sso_session = corp", "# keep me\nsso_session = corp")
    out = set_profile(text, "work", {"region": "us-east-1"}, config_file=True)
    assert profile_options(out, "work", config_file=True) == {"region": "us-east-1"}
    assert "# keep me" in out and "max_concurrent_requests" not in out
    assert out.split("[profile work]")[0] == text.split("[profile work]")[0]
    assert out.split("[profile other]")[1] == text.split("[profile other]")[1]
    assert "[profile work]\nregion = us-east-1\n# keep me\n" in out


def test_the_section_botocore_uses_is_the_one_edited() -> None:
    text = '[profile alice]\nregion = a\n\n[profile  "alice"]\nregion = b\n'  # botocore takes the last one
    out = set_profile(text, "alice", {"region": "c"}, config_file=True)
    assert out == '[profile alice]\nregion = a\n\n[profile  "alice"]\nregion = c\n'
    assert profile_options(out, "alice", config_file=True) == {"region": "c"}
    assert profile_options("[alice]\nk = v\n", "alice", config_file=True) is None


def test_line_endings_are_botocores_and_each_line_keeps_its_own() -> None:
    text = "# a\x85b\x0cc\u2028[evil]\r\n[default]\rregion = x\n"
    assert split_lines(text) == ["# a\x85b\x0cc\u2028[evil]\r\n", "[default]\r", "region = x\n"]
    assert set_profile(text, "alice", {"k": "v"}, config_file=False) == text + "\n[alice]\nk = v\n"
    crlf = "[default]\r\nregion = eu-west-1\r\n"
    assert set_profile(crlf, "alice", {"k": "v"}, config_file=False) == crlf + "\r\n[alice]\r\nk = v\r\n"
    assert set_profile("[x]\na = 1", "x", {"a": "2"}, config_file=False) == "[x]\na = 2\n"
    assert set_profile("", "alice", {"k": "v"}, config_file=False) == "[alice]\nk = v\n"


def test_an_indented_next_section_stays_a_section() -> None:
    text = "[alice]\n# only a comment\n  [bob]\n  k = v\n"
    out = set_profile(text, "alice", {"k": "new"}, config_file=False)
    assert out == "[alice]\n  k = new\n# only a comment\n  [bob]\n  k = v\n"
    assert _parse(out) == {"alice": {"k": "new"}, "bob": {"k": "v"}}


def test_secret_values_are_revealed_only_in_the_file_text() -> None:
    creds, config = profile_values("AKIAEXAMPLE", Secret("s3cr3t/+"), region="us-east-1", output="json",
                                   endpoint_url="http://localhost:5000")
    assert "s3cr3t" not in repr(creds)
    out = set_profile("", "alice", creds, config_file=False)
    assert "aws_secret_access_key = s3cr3t/+" in out
    assert config == {"region": "us-east-1", "output": "json", "endpoint_url": "http://localhost:5000"}
    assert "endpoint_url" not in profile_values("AKIA", Secret("x"), region="us-east-1", output="json")[1]


def test_values_cannot_inject_lines_or_lose_white_space() -> None:
    for value in ("us-east-1\n[evil]", "a\rb", " padded"):
        with pytest.raises(ValueError, match="region"):
            set_profile("", "alice", {"region": value}, config_file=True)


def test_paths_honour_the_environment_variables_as_botocore_expands_them() -> None:
    home = Path("/home/me")
    assert cli_paths({}, home) == aws_config.CliPaths(home / ".aws/credentials", home / ".aws/config")
    env = {"AWS_SHARED_CREDENTIALS_FILE": "~/x/creds", "AWS_CONFIG_FILE": "/etc/aws/conf"}
    assert cli_paths(env, home) == aws_config.CliPaths(home / "x/creds", Path("/etc/aws/conf"))
    env = {"AWS_SHARED_CREDENTIALS_FILE": "$HOME/.aws/c", "AWS_CONFIG_FILE": "${XDG}/aws/$NOPE", "HOME": "/h",
           "XDG": "~/cfg"}
    assert cli_paths(env, home) == aws_config.CliPaths(Path("/h/.aws/c"), home / "cfg/aws/$NOPE")


def test_validation_messages() -> None:
    assert validate_profile_name("alice") is None and validate_profile_name("a.b-c_d@e") is None
    assert validate_profile_name("")
    assert "no spaces" in (validate_profile_name("my profile") or "")
    assert validate_profile_name("x]") and validate_profile_name("a" * 129)
    assert "special" in (validate_profile_name("DEFAULT") or "")
    assert validate_region("us-east-1", REGIONS) is None
    assert "Did you mean us-east-1" in (validate_region("us-est-1", REGIONS) or "")
    assert "aws-cn partition" in (validate_region("cn-north-1", REGIONS) or "")
    assert validate_region("cn-north-1", REGIONS, "aws-cn") is None
    assert validate_region("", REGIONS)


def test_options_are_read_back() -> None:
    assert profile_options(CONFIG, "default", config_file=True) == {"region": "eu-west-1", "output": "json"}
    assert profile_options(CONFIG, "work", config_file=True) == {
        "sso_session": "corp", "sso_account_id": "111122223333", "s3": ""}
    assert profile_options(CONFIG, "work", config_file=False) is None


_key = st.from_regex(r"[a-z_]{1,10}", fullmatch=True)
_value = st.from_regex(r"[A-Za-z0-9/+=._-]{0,20}", fullmatch=True)


@given(st.dictionaries(_key, _value, min_size=1, max_size=4), st.sampled_from(["default", "work", "new"]))
def test_any_edit_parses_and_leaves_other_sections_alone(values: dict[str, str], profile: str) -> None:
    out = set_profile(CONFIG, profile, values, config_file=True)
    parsed, before = _parse(out), _parse(CONFIG)
    assert parsed[config_section(profile)] == values
    assert {k: v for k, v in parsed.items() if k != config_section(profile)} == {
        k: v for k, v in before.items() if k != config_section(profile)}


def test_removing_a_profile_keeps_every_other_byte() -> None:
    from iam_tui.core.aws_config import remove_profile

    text = ("# my keys\r\n[work]\r\naws_access_key_id = AKIAOLD\r\n# inside\r\naws_secret_access_key = s\r\n\r\n"
            "# the personal one\r\n[personal]\r\naws_access_key_id=AKIAOTHER\r\n")
    assert remove_profile(text, "work", config_file=False) == (
        "# my keys\r\n# the personal one\r\n[personal]\r\naws_access_key_id=AKIAOTHER\r\n")
    assert remove_profile(text, "personal", config_file=False) == text[:text.index("[personal]")]
    assert remove_profile(text, "nope", config_file=False) == text
    config = "[default]\nregion = x\n[profile work]\nregion = y\n  nested = 1\n[profile  \"work\"]\noutput = json"
    assert remove_profile(config, "work", config_file=True) == "[default]\nregion = x\n"
