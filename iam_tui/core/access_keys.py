"""What the console asks before it creates an access key: the use case, with AWS's better alternative for each
(the console's "Access key best practices & alternatives" page), and the optional description, which the console
stores as a user tag whose key is the access key ID (so it follows the tag value rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .validation import validate_tag_value

DESCRIPTION_MAX = 256


@dataclass(frozen=True)
class UseCase:
    key: str
    label: str
    alternative: str


USE_CASES: tuple[UseCase, ...] = (
    UseCase("cli", "Command Line Interface (CLI)",
            "Better: `aws login` (AWS CLI 2.32+; `--remote` over SSH) or IAM Identity Center gives the CLI short-lived "
            "credentials; AWS CloudShell needs none."),
    UseCase("local-code", "Local code",
            "Better: an IDE with the AWS Toolkit signed in through IAM Identity Center, or `aws login` credentials "
            "that the SDKs read."),
    UseCase("aws-compute", "Application running on an AWS compute service",
            "Better: an IAM role (EC2 instance profile, ECS task role, Lambda execution role): no key to store or "
            "rotate."),
    UseCase("third-party", "Third-party service",
            "Better: a role the third party assumes (cross-account, with an external ID) instead of a key you hand "
            "out."),
    UseCase("outside-aws", "Application running outside AWS",
            "Better: IAM Roles Anywhere (X.509 certificates) issues temporary credentials to workloads outside AWS."),
    UseCase("other", "Other", "If a role or temporary credentials can do the job, prefer them over a long-term key."),
)


def use_case(key: str) -> UseCase:
    return next(u for u in USE_CASES if u.key == key)


def validate_description(text: str) -> str | None:
    """The description is optional; when given it must be a valid tag value (at most 256 characters)."""
    if len(text) > DESCRIPTION_MAX:
        return f"A description has at most {DESCRIPTION_MAX} characters ({len(text)} now)."
    problem = validate_tag_value(text)
    return problem.replace("Tag values", "A description") if problem else None


def last_use_text(when: datetime | None, service: str | None, region: str | None) -> str:
    if when is None:
        return "never"
    where = " ".join(x for x in (service, region) if x)
    return f"{when:%Y-%m-%d %H:%M} {where}".strip()


def is_long_term_key(access_key_id: str | None) -> bool:
    """AKIA… keys are long-term access keys; ASIA… are temporary (roles, SSO, `aws login`, CloudShell)."""
    return access_key_id is not None and access_key_id.startswith("AKIA")
