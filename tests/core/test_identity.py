import pytest

from iam_tui.core.identity import CallerKind, parse_caller
from iam_tui.core.signin import signin_url


@pytest.mark.parametrize("arn, kind, name", [
    ("arn:aws:iam::123456789012:root", CallerKind.ROOT, "root"),
    ("arn:aws:iam::123456789012:user/admins/alice", CallerKind.IAM_USER, "alice"),
    ("arn:aws:sts::123456789012:assumed-role/Admin/bob@example.com", CallerKind.ROLE, "Admin/bob@example.com"),
    ("arn:aws:sts::123456789012:federated-user/carol", CallerKind.FEDERATED, "carol"),
    ("arn:aws-cn:iam::123456789012:root", CallerKind.ROOT, "root"),
    ("not-an-arn", CallerKind.UNKNOWN, "not-an-arn"),
])
def test_caller_kinds(arn: str, kind: CallerKind, name: str) -> None:
    caller = parse_caller(arn, "123456789012")
    assert caller.kind is kind and caller.name == name
    assert caller.is_root is (kind is CallerKind.ROOT)


def test_signin_urls() -> None:
    assert signin_url("123456789012") == "https://123456789012.signin.aws.amazon.com/console"
    assert signin_url("my-alias") == "https://my-alias.signin.aws.amazon.com/console"
    assert signin_url("my-alias", "aws-cn") == "https://my-alias.signin.amazonaws.cn/console"
    assert signin_url("123456789012", "aws-us-gov") == "https://123456789012.signin.amazonaws-us-gov.com/console"
