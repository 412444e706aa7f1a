"""The AWS CLI profiles that hold a key about to be deleted, and removing their sections afterwards: only those
sections (and iam-tui's own region/output companion in the config file) go, every other byte stays."""

from __future__ import annotations

import os
from pathlib import Path

from iam_tui.aws.cli_profile import demo_folder
from iam_tui.aws.key_profiles import HeldProfile, profiles_holding, remove_profiles
from iam_tui.aws.service import IamService
from iam_tui.core.aws_config import CliPaths

CREDENTIALS = """# keys\n[alice]\naws_access_key_id = {key}\naws_secret_access_key = s1\n\n[other]
aws_access_key_id = AKIAOTHER0000000000\naws_secret_access_key = s2\n"""
CONFIG = """[default]\nregion = us-east-1\n\n[profile alice]\nregion = us-east-1\noutput = json\n
[profile ci]\nregion = eu-west-1\naws_access_key_id = {key}\naws_secret_access_key = s3\n
[profile other]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = other\n"""


def demo_paths(service: IamService, key: str) -> CliPaths:
    folder = demo_folder(service.sandbox)
    paths = CliPaths(folder / "credentials", folder / "config")
    paths.credentials.write_text(CREDENTIALS.format(key=key))
    paths.config.write_text(CONFIG.format(key=key))
    os.chmod(paths.credentials, 0o400)
    return paths


async def test_profiles_holding_a_key_and_their_removal(service: IamService, tmp_path: Path) -> None:
    key = "AKIAALICE0000000000"
    paths = demo_paths(service, key)
    held = await profiles_holding(service, [key, "AKIANOBODY000000000"])
    assert held == [HeldProfile("alice", False, key), HeldProfile("ci", True, key)]
    said = await remove_profiles(service, held)
    assert "[alice] from" in said and "[profile alice] from" in said and "[profile ci] from" in said
    assert paths.credentials.read_text() == "# keys\n[other]\naws_access_key_id = AKIAOTHER0000000000\n" \
                                            "aws_secret_access_key = s2\n"
    assert paths.config.read_text() == (
        "[default]\nregion = us-east-1\n\n[profile other]\nregion = eu-west-1\n"
        "role_arn = arn:aws:iam::123456789012:role/x\nsource_profile = other\n")
    assert oct(paths.credentials.stat().st_mode & 0o777) == oct(0o400)  # the mode it had
    assert await profiles_holding(service, [key]) == []


async def test_a_companion_with_more_than_iam_tuis_settings_stays(service: IamService) -> None:
    key = "AKIAALICE0000000000"
    paths = demo_paths(service, key)
    paths.config.write_text("[profile alice]\nregion = us-east-1\nmfa_serial = arn:aws:iam::1:mfa/a\n")
    await remove_profiles(service, await profiles_holding(service, [key]))
    assert "[alice]" not in paths.credentials.read_text()
    assert paths.config.read_text() == "[profile alice]\nregion = us-east-1\nmfa_serial = arn:aws:iam::1:mfa/a\n"


async def test_only_what_still_holds_the_key_is_removed(service: IamService) -> None:
    key = "AKIAALICE0000000000"
    paths = demo_paths(service, key)
    held = await profiles_holding(service, [key])
    paths.credentials.write_text(CREDENTIALS.format(key="AKIANEWERKEY0000000"))  # changed since the review
    await remove_profiles(service, held)
    assert paths.credentials.read_text() == CREDENTIALS.format(key="AKIANEWERKEY0000000")
    assert "[profile ci]" not in paths.config.read_text() and "[profile alice]" in paths.config.read_text()
