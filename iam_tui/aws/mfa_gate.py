"""Way 2 of step 5, an access key that MFA gates: what the plan needs to know (the user's MFA device and groups,
whether the policy exists and where it is attached), an MFA session from ``sts:GetSessionToken`` (kept in memory
only), and the two halves of the proof: the key alone is refused, the session works."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import datetime

import botocore.session

from ..core.aws_config import CliPaths
from ..core.fix_plan import FixPlan, FixProblem
from ..core.mfa_gate import SESSION_SECONDS, gate_plan, policy_arn
from ..core.secret import Secret
from . import mfa_profile
from .cli_profile import _profile_session
from .errors import AwsError
from .mfa_profile import Prompter
from .service import IamService
from .session import AwsContext

ORDINARY_CALL = ("iam", "GetAccountSummary")  # what "an ordinary call" is, for the proof


@dataclass(frozen=True)
class GateSetup:
    user: str
    account_id: str
    partition: str
    serial: str | None  # the user's first MFA device (None: the user has none)
    groups: tuple[str, ...]  # the user's groups
    policy_exists: bool
    attached_to: tuple[str, ...]  # groups the policy is attached to already

    def plan(self, group: str, members: tuple[str, ...]) -> FixPlan:
        if self.serial is None:
            raise FixProblem(f"{self.user} has no MFA device: assign one first (step 3), then come back.")
        return gate_plan(self.user, group, self.account_id, self.partition, policy_exists=self.policy_exists,
                         attached=group in self.attached_to, members=members)


@dataclass(frozen=True)
class MfaSession:
    """A GetSessionToken session: its service (signing with the temporary credentials) and when it ends."""

    service: IamService
    expires: datetime | None
    access_key_id: str = ""
    secret: Secret | None = None
    token: Secret | None = None

    def metadata(self) -> dict[str, str]:
        """botocore's form of the credentials (for a refreshable provider's first answer). Holds the secret."""
        return {"access_key": self.access_key_id, "secret_key": self.secret.reveal() if self.secret else "",
                "token": self.token.reveal() if self.token else "",
                "expiry_time": self.expires.isoformat() if self.expires else ""}


async def prepare(service: IamService, user: str) -> GateSetup:
    identity = await service.account.identity()
    account, partition = identity.caller.account_id, identity.caller.partition
    devices = await service.mfa.user_devices(user)
    groups = await service.aws.paginate("iam", "ListGroupsForUser", ("Groups",), UserName=user)
    arn = policy_arn(account, partition)
    try:
        await service.aws.call("iam", "GetPolicy", PolicyArn=arn)
        exists = True
    except AwsError as err:
        if err.code != "NoSuchEntity":
            raise
        exists = False
    attached: list[str] = []
    if exists:
        entities = await service.aws.paginate("iam", "ListEntitiesForPolicy", ("PolicyGroups",), PolicyArn=arn,
                                              EntityFilter="Group")
        attached = [g["GroupName"] for g in entities["PolicyGroups"]]
    return GateSetup(user, account, partition, devices[0].serial if devices else None,
                     tuple(g["GroupName"] for g in groups["Groups"]), exists, tuple(attached))


async def members(service: IamService, group: str) -> tuple[str, ...]:
    pages = await service.aws.paginate("iam", "GetGroup", ("Users",), GroupName=group)
    return tuple(u["UserName"] for u in pages["Users"])


def service_for_credentials(base: IamService, access_key_id: str, secret: Secret, token: str | None,
                            source: str) -> IamService:
    """A service that signs with the given credentials (same endpoint and region as ``base``), held in memory
    only. In the demo, the sandbox signs with them."""
    settings = dataclasses.replace(base.settings, profile=None)
    if base.sandbox is not None:
        return IamService(AwsContext(base.sandbox.session(access_key_id, secret), settings,
                                     source=f"{source} (demo sandbox)"), base.sandbox)
    session = botocore.session.Session()
    session.set_credentials(access_key_id, secret.reveal(), token)
    return IamService(AwsContext(session, settings, source=source))


async def mfa_session(key_service: IamService, serial: str, code: str,
                      duration: int = SESSION_SECONDS) -> MfaSession:
    """GetSessionToken with the code, signed by ``key_service`` (the long-term key). Raises AwsError (a wrong or
    reused code is AccessDenied)."""
    answer = await key_service.aws.call("sts", "GetSessionToken", SerialNumber=serial, TokenCode=code,
                                        DurationSeconds=duration)
    creds = answer["Credentials"]
    expires = creds.get("Expiration")
    session = service_for_credentials(key_service, creds["AccessKeyId"], Secret(creds["SecretAccessKey"]),
                                      creds.get("SessionToken"), "MFA session (GetSessionToken, in memory)")
    return MfaSession(session, expires if isinstance(expires, datetime) else None, creds["AccessKeyId"],
                      Secret(creds["SecretAccessKey"]), Secret(creds.get("SessionToken") or ""))


def handed_over(base: IamService, paths: CliPaths, key_profile: str, session: MfaSession,
                prompter: Prompter | None) -> IamService:
    """The service iam-tui goes on with as the user: on AWS, the key profile with the MFA-session provider, which
    starts from ``session`` and asks the code again when it runs out; in the demo, the session itself. Blocking."""
    if base.sandbox is not None or session.expires is None:
        return session.service
    botocore_session = _profile_session(paths, key_profile, demo=False)
    creator = functools.partial(botocore_session.create_client, endpoint_url=base.settings.endpoint_url)
    mfa_profile.install(botocore_session, prompter, creator, first=session.metadata())
    settings = dataclasses.replace(base.settings, profile=key_profile)
    return IamService(AwsContext(botocore_session, settings))


async def key_alone_refused(key_service: IamService) -> AwsError | None:
    """The key's ordinary call: the AccessDenied that proves the gate, or None when it was allowed (not gated).
    Other errors are raised."""
    try:
        await key_service.aws.call(*ORDINARY_CALL)
    except AwsError as err:
        if err.is_denied:
            return err
        raise
    return None


async def session_works(session: MfaSession, expected_arn: str) -> None:
    """The session signs in as the user and may make the ordinary call. Raises AwsError."""
    identity = await session.service.account.identity(refresh=True)
    if identity.caller.arn != expected_arn:
        raise AwsError("WrongIdentity", f"The session signs in as {identity.caller.arn}, not {expected_arn}.",
                       "Check the profile's key.")
    await session.service.aws.call(*ORDINARY_CALL)
