from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Never let a test reach a real AWS account or the developer's own config.
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_SESSION_TOKEN"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ.pop("AWS_PROFILE", None)

from iam_tui.aws.sandbox import Propagation, Sandbox, start_sandbox
from iam_tui.aws.service import IamService
from iam_tui.aws.session import AwsContext, ConnectionSettings


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """The demo sandbox with IAM's propagation delays off; the tests of eventual consistency set their own."""
    box = start_sandbox(propagation=Propagation.off())
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def service(sandbox: Sandbox) -> IamService:
    ctx = AwsContext(sandbox.session(), ConnectionSettings(demo=True), source="demo sandbox")
    return IamService(ctx, sandbox)


@pytest.fixture
def admin(sandbox: Sandbox):
    """A plain IAM client (no fidelity rules) to arrange and inspect sandbox state."""
    return sandbox.plain_client("iam")
