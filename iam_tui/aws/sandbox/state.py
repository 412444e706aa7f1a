"""What the demo sandbox knows that moto does not: the root user's credentials and MFA, and which changes are still
propagating (IAM's eventual consistency, ``rules_propagation.py``)."""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ...core.secret import Secret

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"
ROOT_VIRTUAL_MFA_SERIAL = f"arn:aws:iam::{ACCOUNT_ID}:mfa/root-account-mfa-device"  # the console's name for it
# The regions AWS enables for every account, and some of those an account must opt in to (off in a new account).
REGIONS_ON = ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
              "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
              "us-east-1", "us-east-2", "us-west-1", "us-west-2")
REGIONS_OPT_IN = ("af-south-1", "ap-east-1", "ap-south-2", "eu-south-1", "il-central-1", "me-south-1")


def new_access_key_id() -> str:
    return "AKIA" + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))


def new_secret_key() -> Secret:
    alphabet = string.ascii_letters + string.digits + "+/"
    return Secret("".join(secrets.choice(alphabet) for _ in range(40)))


@dataclass
class RootKey:
    access_key_id: str
    secret: Secret
    created: datetime
    active: bool = True
    last_used: datetime | None = None
    last_used_service: str | None = None
    last_used_region: str | None = None


@dataclass
class StsSession:
    """Temporary credentials from GetSessionToken: whose they are, and whether an MFA code made them."""

    user_name: str
    user_arn: str
    user_id: str
    expires: datetime
    mfa: bool
    from_login: bool = False  # an aws login session (signin's OAuth2 token), not GetSessionToken's


def new_session_key_id() -> str:
    return "ASIA" + new_access_key_id()[4:]


@dataclass
class SandboxState:
    account_created: datetime
    root_password_last_used: datetime | None
    root_mfa_enabled: bool = False
    root_mfa_virtual: bool = False  # with root_mfa_enabled: the device is a virtual one (else hardware)
    root_keys: dict[str, RootKey] = field(default_factory=dict)
    report: tuple[datetime, bytes] | None = None  # the credential report AWS would hand out, and when it was made
    mfa_seeds: dict[str, Secret] = field(default_factory=dict)  # virtual MFA serial -> seed (rules_mfa)
    # IAM Access Analyzer, per region: region -> analyzer name -> analyzer (rules_account)
    analyzers: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    regions: tuple[str, ...] = REGIONS_ON  # enabled, in the order account:ListRegions lists them (rules_account)
    sessions: dict[str, StsSession] = field(default_factory=dict)  # by access key ID (rules_mfa_sessions)
    iam_writes: int = 0  # successful IAM changes so far, from any client: what the policy cache is checked against
    policy_cache: dict[str, tuple[int, list[dict[str, object]]]] = field(default_factory=dict)  # user -> documents

    @classmethod
    def brand_new_account(cls, now: datetime | None = None) -> SandboxState:
        """A fresh account whose owner signed in as root and created one access key to run the setup."""
        now = now or datetime.now(UTC)
        key = RootKey(new_access_key_id(), new_secret_key(), created=now - timedelta(minutes=10))
        return cls(
            account_created=now - timedelta(days=1),
            root_password_last_used=now - timedelta(minutes=20),
            root_keys={key.access_key_id: key},
        )

    @property
    def first_root_key(self) -> RootKey:
        return next(iter(self.root_keys.values()))


@dataclass
class Propagation:
    """Seconds until a change is visible everywhere; ``clock`` tells the time (monotonic seconds)."""

    new_entity: float = 1.0
    new_key: float = 4.0
    removed_dependent: float = 1.0
    new_login_profile: float = 1.5
    clock: Callable[[], float] = time.monotonic
    changed: dict[tuple[str, str], float] = field(default_factory=dict)  # (kind, name) -> when it changed

    @classmethod
    def off(cls) -> Propagation:
        return cls(0.0, 0.0, 0.0, 0.0)

    def mark(self, kind: str, name: str | None) -> None:
        if name:
            self.changed[(kind, name)] = self.clock()

    def settling(self, kind: str, name: str | None, delay: float) -> bool:
        """True while the change of ``kind`` to ``name`` is younger than ``delay`` seconds."""
        when = self.changed.get((kind, name or ""))
        return when is not None and self.clock() - when < delay
