"""Console sign-in URLs (by account ID or alias), per partition."""

from __future__ import annotations

_SIGNIN_DOMAINS = {
    "aws": "signin.aws.amazon.com",
    "aws-cn": "signin.amazonaws.cn",
    "aws-us-gov": "signin.amazonaws-us-gov.com",
}


def signin_domain(partition: str = "aws") -> str:
    return _SIGNIN_DOMAINS.get(partition, _SIGNIN_DOMAINS["aws"])


def signin_url(account_id_or_alias: str, partition: str = "aws") -> str:
    return f"https://{account_id_or_alias}.{signin_domain(partition)}/console"
