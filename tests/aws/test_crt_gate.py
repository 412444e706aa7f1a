"""botocore is imported without awscrt unless a profile may use `aws login` (see aws/crt_gate.py). Whether botocore
got awscrt is decided once per process, so the import itself is tested in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iam_tui.aws.crt_gate import may_need_crt

CHILD = ("import json, sys; from iam_tui.aws.crt_gate import import_botocore; left_out = import_botocore(); "
         "import botocore.compat; print(json.dumps([left_out, botocore.compat.HAS_CRT, 'awscrt' in sys.modules]))")


def child(config: Path) -> list[bool]:
    env = {**os.environ, "AWS_CONFIG_FILE": str(config)}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True).stdout
    answer: list[bool] = json.loads(out)
    return answer


@pytest.mark.parametrize(("text", "needed"), [
    ("[profile dev]\nregion = eu-west-1\n", False),
    ("[default]\nregion = us-east-1\n[profile me]\nlogin_session = arn:aws:iam::123456789012:user/me\n", True),
    ("# login_session = in a comment still counts: the test is coarse on purpose\n", True),
])
def test_only_a_config_that_mentions_login_session_needs_awscrt(tmp_path: Path, text: str, needed: bool) -> None:
    config = tmp_path / "config"
    config.write_text(text)
    assert may_need_crt({"AWS_CONFIG_FILE": str(config)}, tmp_path) is needed


def test_no_config_file_needs_no_awscrt_and_an_unreadable_one_keeps_it(tmp_path: Path) -> None:
    assert may_need_crt({}, tmp_path) is False  # ~/.aws/config under an empty home
    assert may_need_crt({"AWS_CONFIG_FILE": str(tmp_path)}, tmp_path) is True  # a directory: cannot be read


def test_botocore_is_imported_without_awscrt_when_no_profile_needs_it(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile dev]\nregion = eu-west-1\n")
    assert child(config) == [True, False, False]


def test_botocore_keeps_awscrt_for_an_aws_login_profile(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile me]\nlogin_session = arn:aws:iam::123456789012:user/me\n")
    assert child(config) == [False, True, True]
