"""Who is calling: parse the ARN that ``sts:GetCallerIdentity`` returns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class CallerKind(StrEnum):
    ROOT = "root"
    IAM_USER = "IAM user"
    ROLE = "role"
    FEDERATED = "federated user"
    UNKNOWN = "unknown"


_ARN = re.compile(r"^arn:(?P<partition>aws[\w-]*):(?P<service>iam|sts)::(?P<account>\d{12}):(?P<resource>.+)$")


@dataclass(frozen=True)
class CallerIdentity:
    account_id: str
    arn: str
    user_id: str
    kind: CallerKind
    partition: str
    name: str

    @property
    def is_root(self) -> bool:
        return self.kind is CallerKind.ROOT


def parse_caller(arn: str, account_id: str, user_id: str = "") -> CallerIdentity:
    match = _ARN.match(arn)
    if not match:
        return CallerIdentity(account_id, arn, user_id, CallerKind.UNKNOWN, "aws", arn)
    partition, resource = match["partition"], match["resource"]
    if resource == "root":
        kind, name = CallerKind.ROOT, "root"
    elif resource.startswith("user/"):
        kind, name = CallerKind.IAM_USER, resource.rsplit("/", 1)[-1]
    elif resource.startswith(("assumed-role/", "role/")):
        parts = resource.split("/")
        kind, name = CallerKind.ROLE, "/".join(parts[1:])
    elif resource.startswith("federated-user/"):
        kind, name = CallerKind.FEDERATED, resource.split("/", 1)[1]
    else:
        kind, name = CallerKind.UNKNOWN, resource
    return CallerIdentity(match["account"], arn, user_id, kind, partition, name)
