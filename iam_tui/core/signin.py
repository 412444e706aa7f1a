"""Console sign-in URLs (by account ID or alias)."""

from __future__ import annotations


def signin_domain(partition: str = "aws") -> str:
    return "signin.amazonaws.cn" if partition == "aws-cn" else "signin.aws.amazon.com"


def signin_url(account_id_or_alias: str, partition: str = "aws") -> str:
    return f"https://{account_id_or_alias}.{signin_domain(partition)}/console"
