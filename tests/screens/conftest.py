"""The screens' tests run in an account with two enabled regions instead of AWS's seventeen.

Every scan reads IAM Access Analyzer in each enabled region, with a botocore client per region; at seventeen, that
was about a tenth of a screen test's CPU. The seventeen-region read and fix are tested in ``tests/aws`` (and the two
screen tests of the analyzers' fix set them back); the demo sandbox itself keeps all seventeen."""

from __future__ import annotations

import pytest

from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.sandbox.state import REGION

SCREEN_TEST_REGIONS = ("eu-west-1", REGION)


@pytest.fixture
def sandbox(sandbox: Sandbox) -> Sandbox:
    sandbox.state.regions = SCREEN_TEST_REGIONS
    return sandbox
