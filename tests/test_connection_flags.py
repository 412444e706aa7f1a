"""A wrong --endpoint-url or --region is refused at once, naming the value (exit 2, as for `check` errors)."""

from __future__ import annotations

import pytest

from iam_tui.__main__ import build_parser
from iam_tui.core.command_line import endpoint_url_problem, region_problem

REGIONS = {"aws": frozenset({"us-east-1", "eu-west-1"}), "aws-cn": frozenset({"cn-north-1"})}


@pytest.mark.parametrize("url", ["localhost:5000", "iam.amazonaws.com", "ftp://host", "http://", "http://h:port",
                                 ""])
def test_an_endpoint_that_is_not_a_url_is_named(url: str) -> None:
    assert f"{url!r} is not a URL" in (endpoint_url_problem(url) or "")


@pytest.mark.parametrize("url", ["http://localhost:5000", "https://iam.amazonaws.com", "http://127.0.0.1:9/"])
def test_urls_are_accepted(url: str) -> None:
    assert endpoint_url_problem(url) is None


def test_an_unknown_region_is_named_with_a_suggestion() -> None:
    assert region_problem("us-east-1", REGIONS) is None
    assert region_problem("cn-north-1", REGIONS) is None  # any partition: the credentials decide which
    problem = region_problem("us-est-1", REGIONS) or ""
    assert problem.startswith("unknown region 'us-est-1'") and "did you mean" in problem and "us-east-1" in problem
    assert "us-east-1" in (region_problem("xx-nowhere-9", REGIONS) or "")  # no close match: what works instead


@pytest.mark.parametrize("argv, needle", [
    (["check", "--region", "us-est-1"], "argument --region: unknown region 'us-est-1' (not one botocore knows); "
                                        "did you mean "),
    (["--region", "eu-wset-1"], "'eu-wset-1'"),
    (["check", "--endpoint-url", "localhost:5000"], "'localhost:5000' is not a URL"),
])
def test_the_command_line_refuses_them(argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 2 and needle in capsys.readouterr().err
