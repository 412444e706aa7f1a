"""Editing the AWS CLI's files as text: one section changes, everything else stays byte for byte."""

from __future__ import annotations

import configparser
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from iam_tui.core import aws_config
from iam_tui.core.aws_config import (
    cli_paths,
    config_section,
    has_section,
    profile_values,
    section_names,
    section_options,
    set_section,
    validate_output,
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


def test_sections_are_named_as_the_cli_expects() -> None:
    assert aws_config.credentials_section("alice") == "alice"
    assert config_section("alice") == "profile alice"
    assert config_section("default") == "default"


def test_a_new_profile_is_appended_and_nothing_else_changes() -> None:
    out = set_section(CONFIG, "profile alice", {"region": "us-east-1", "output": "json"})
    assert out.startswith(CONFIG)
    assert out[len(CONFIG):] == "\n[profile alice]\nregion = us-east-1\noutput = json\n"
    parsed = configparser.RawConfigParser()
    parsed.read_string(out)
    assert parsed["profile alice"]["region"] == "us-east-1"
    assert parsed["profile work"]["sso_session"] == "corp"


def test_setting_keys_in_place_keeps_comments_order_and_other_keys() -> None:
    out = set_section(CONFIG, "profile work", {"region": "us-east-1", "sso_session": "new"})
    assert "# my AWS config" in out and "; work account" in out
    assert "sso_session = new" in out and "sso_session = corp" not in out
    assert "  max_concurrent_requests = 20" in out  # nested settings of other keys stay
    assert section_options(out, "profile work")["region"] == "us-east-1"
    assert out.index("region = us-east-1") < out.index("[profile other]")
    assert section_options(out, "profile other") == {"region": "us-west-2"}


def test_new_keys_go_after_the_last_setting_not_after_the_next_sections_comment() -> None:
    out = set_section(CONFIG, "default", {"cli_pager": ""})
    assert "[default]\nregion = eu-west-1\noutput = json\ncli_pager = \n\n; work account\n[profile work]" in out
    out = set_section(CONFIG, "profile work", {"region": "us-east-1"})
    assert "  max_concurrent_requests = 20\nregion = us-east-1\n\n[profile other]" in out
    out = set_section("[a]\n# only a comment\n\n[b]\n", "a", {"k": "v"})
    assert out == "[a]\nk = v\n# only a comment\n\n[b]\n"


def test_replacing_a_profile_drops_its_old_settings_but_keeps_its_comments() -> None:
    text = CONFIG.replace("sso_session = corp", "# keep me\nsso_session = corp")
    out = set_section(text, "profile work", {"region": "us-east-1"}, replace=True)
    assert section_options(out, "profile work") == {"region": "us-east-1"}
    assert "# keep me" in out and "max_concurrent_requests" not in out
    assert out.split("[profile work]")[0] == text.split("[profile work]")[0]
    assert out.split("[profile other]")[1] == text.split("[profile other]")[1]


def test_a_repeated_section_cannot_override_the_new_values() -> None:
    text = "[a]\nx = 1\n\n[b]\ny = 2\n\n[a]\nx = 3\nz = 4\n"
    out = set_section(text, "a", {"x": "9"})
    assert section_options(out, "a") == {"x": "9", "z": "4"}
    assert section_options(set_section(text, "a", {"x": "9"}, replace=True), "a") == {"x": "9"}


def test_crlf_files_stay_crlf_and_a_file_without_final_newline_is_fine() -> None:
    out = set_section("[default]\r\nregion = eu-west-1\r\n", "alice", {"k": "v"})
    assert out == "[default]\r\nregion = eu-west-1\r\n\r\n[alice]\r\nk = v\r\n"
    assert set_section("[x]\na = 1", "x", {"a": "2"}) == "[x]\na = 2\n"
    assert set_section("", "alice", {"k": "v"}) == "[alice]\nk = v\n"


def test_secret_values_are_revealed_only_in_the_file_text() -> None:
    creds, config = profile_values("AKIAEXAMPLE", Secret("s3cr3t/+"), region="us-east-1", output="json",
                                   mfa_serial="arn:aws:iam::123456789012:mfa/alice")
    assert "s3cr3t" not in repr(creds)
    out = set_section("", "alice", creds)
    assert "aws_secret_access_key = s3cr3t/+" in out
    assert config == {"region": "us-east-1", "output": "json", "mfa_serial": "arn:aws:iam::123456789012:mfa/alice"}
    assert "mfa_serial" not in profile_values("AKIA", Secret("x"), region="us-east-1", output="json")[1]


def test_values_cannot_inject_lines() -> None:
    try:
        set_section("", "alice", {"region": "us-east-1\n[evil]"})
    except ValueError as err:
        assert "region" in str(err)
    else:
        raise AssertionError("a newline in a value must be refused")


def test_paths_honour_the_environment_variables() -> None:
    home = Path("/home/me")
    assert cli_paths({}, home) == aws_config.CliPaths(home / ".aws/credentials", home / ".aws/config")
    env = {"AWS_SHARED_CREDENTIALS_FILE": "~/x/creds", "AWS_CONFIG_FILE": "/etc/aws/conf"}
    assert cli_paths(env, home) == aws_config.CliPaths(home / "x/creds", Path("/etc/aws/conf"))


def test_validation_messages() -> None:
    assert validate_profile_name("alice") is None and validate_profile_name("a.b-c_d@e") is None
    assert validate_profile_name("")
    assert "no spaces" in (validate_profile_name("my profile") or "")
    assert validate_profile_name("x]") and validate_profile_name("a" * 129)
    assert validate_region("us-east-1", REGIONS) is None
    assert "Did you mean us-east-1" in (validate_region("us-est-1", REGIONS) or "")
    assert "aws-cn partition" in (validate_region("cn-north-1", REGIONS) or "")
    assert validate_region("cn-north-1", REGIONS, "aws-cn") is None
    assert validate_region("", REGIONS)
    assert validate_output("json") is None and validate_output("xml")


def test_names_and_options_are_read_back() -> None:
    assert section_names(CONFIG) == ["default", "profile work", "profile other"]
    assert has_section(CONFIG, "profile other") and not has_section(CONFIG, "other")
    assert section_options(CONFIG, "default") == {"region": "eu-west-1", "output": "json"}


_key = st.from_regex(r"[a-z_]{1,10}", fullmatch=True)
_value = st.from_regex(r"[A-Za-z0-9/+=._-]{0,20}", fullmatch=True)


@given(st.dictionaries(_key, _value, min_size=1, max_size=4), st.sampled_from(["default", "profile work", "new"]),
       st.booleans())
def test_any_edit_parses_and_leaves_other_sections_alone(values: dict[str, str], section: str,
                                                         replace: bool) -> None:
    out = set_section(CONFIG, section, values, replace=replace)
    parser = configparser.RawConfigParser()
    parser.read_string(out)
    for key, value in values.items():
        assert parser[section][key] == value
    before = configparser.RawConfigParser()
    before.read_string(CONFIG)
    for other in before.sections():
        if other != section:
            assert dict(parser[other]) == dict(before[other])
