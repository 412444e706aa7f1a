"""The security scan: a fixed set of account-wide calls (never one per user), then the pure checks.

Calls, all at once: GetCallerIdentity and ListAccountAliases (once per session), GetAccountSummary,
ListVirtualMFADevices (assigned ones, for root's device), GetAccountPasswordPolicy, GetCredentialReport
(GenerateCredentialReport and polls only when there is none, or it expired), GetAccountAuthorizationDetails (1,000 a
page, read from its XML: core/authz_xml.py; the attached AWS managed policies' documents come with it, and
GetPolicy/GetPolicyVersion only for an attached policy the pages did not list),
IAM's ListOrganizationsFeatures (DescribeOrganization only when central root management is on),
account:GetContactInformation, account:GetAlternateContact, ListServerCertificates, and the enabled regions
(account:ListRegions, else ec2:DescribeRegions) then access-analyzer:ListAnalyzers in each, eight at a time.
Users the app itself changed are re-read directly, because the credential report can be up to four hours old.
The TUI's first scan may start while it connects (aws/early_scan.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from ..core.access_keys import is_long_term_key
from ..core.account_settings import AnalyzerCoverage
from ..core.authz import AuthorizationDetails, policy_document
from ..core.authz_xml import AuthzPages, read_page
from ..core.changes import Changed
from ..core.checks import run_checks
from ..core.credential_report import CredentialReport, parse_report
from ..core.scan_inputs import LiveUser, ScanInputs
from ..core.unavailable import Unavailable
from .account import AccountService
from .account_settings import (
    read_analyzers,
    read_contact_information,
    read_security_contact,
    read_server_certificates,
)
from .calls import AwsCaller
from .early_scan import EarlyScan, Progress
from .errors import AwsError
from .models import ScanResult
from .patience import Patience
from .readers import read_keys, read_login_profile, read_user_devices

T = TypeVar("T")

REPORT_TIMEOUT_S = 60.0
REPORT_FIRST_POLL_S = 0.1  # then twice as long each time, up to 2 s
REPORT_MAX_POLL_S = 2.0
REPORT_STATES_PENDING = {"STARTED", "INPROGRESS"}
REPORT_NOT_READY = frozenset({"ReportInProgress", "ReportNotPresent", "ReportExpired"})
POLICY_READS_AT_ONCE = 4
SCAN_INPUTS = 11  # what scan() gathers; progress counts up to it
ROOT_VIRTUAL_MFA_NAME = ":mfa/root-account-mfa-device"


class ScanService:
    def __init__(self, caller: AwsCaller, account: AccountService, patience: Patience | None = None) -> None:
        self.aws = caller
        self.account = account
        self.patience = patience or Patience()
        self.touched: set[str] = set()
        self._policy_documents: dict[tuple[str, str], dict[str, Any]] = {}
        self._early: EarlyScan | None = None

    def touch(self, user_name: str) -> None:
        """Remember that the app changed this user, so the next scan re-reads it directly."""
        self.touched.add(user_name)

    # --- inputs -------------------------------------------------------------------------------------------

    async def credential_report(self, timeout: float = REPORT_TIMEOUT_S) -> CredentialReport:
        """The account's credential report. AWS keeps one for four hours and makes a new one at most that often,
        so the one that exists is read first (one call); it is generated only when there is none or it expired."""
        try:
            return await self._read_report()
        except AwsError as err:
            if err.code not in REPORT_NOT_READY:
                raise

        async def generated() -> CredentialReport:
            try:
                state = (await self.aws.call("iam", "GenerateCredentialReport")).get("State")
            except AwsError as err:
                if err.code != "LimitExceeded":
                    raise
                return await self._existing_report(err)
            if state in REPORT_STATES_PENDING:
                raise AwsError("ReportInProgress", "AWS is still making the credential report.")
            return await self._read_report()

        polls = self.patience.paced(REPORT_FIRST_POLL_S, REPORT_MAX_POLL_S)
        try:
            return await polls.call(generated, REPORT_NOT_READY, timeout)
        except AwsError as err:
            if err.code not in REPORT_NOT_READY:
                raise
            raise AwsError("ReportInProgress", f"The credential report was not ready after {timeout:.0f} s.",
                           "Refresh in a minute.", action="iam:GetCredentialReport") from None

    async def _read_report(self) -> CredentialReport:
        data = await self.aws.call("iam", "GetCredentialReport")
        generated = data.get("GeneratedTime")
        if isinstance(generated, datetime) and generated.tzinfo is None:
            generated = generated.replace(tzinfo=UTC)
        # 10,000 users take ~0.2 s to parse: not on the event loop, where the UI would stall.
        return await asyncio.to_thread(parse_report, data["Content"], generated)

    async def _existing_report(self, refused: AwsError) -> CredentialReport:
        """AWS refused to generate a report: the last one (up to four hours old) still serves, if there is one."""
        try:
            return await self._read_report()
        except AwsError as err:
            if err.code in REPORT_NOT_READY:
                raise refused from None
            raise

    async def authorization_details(self) -> AuthorizationDetails:
        """Users, groups, roles and the documents of the managed policies attached to them, from one paged call:
        with ``AWSManagedPolicy`` in the filter AWS lists the AWS managed policies attached in the account (with
        their versions; the default one is kept), so no call per policy is needed."""
        pages = AuthzPages()
        await self.aws.read_pages("iam", "GetAccountAuthorizationDetails", partial(read_page, into=pages),
                                  Filter=["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"])
        users, groups, roles, documents = tuple(pages.users), tuple(pages.groups), tuple(pages.roles), pages.documents
        attached = AuthorizationDetails(users, groups, roles).attached_policy_arns()
        missing = sorted(arn for arn in attached if arn not in documents)
        try:
            documents.update(await self._policy_documents_of(missing))
        except AwsError as err:
            return AuthorizationDetails(users, groups, roles, documents, documents_error=err.unavailable())
        return AuthorizationDetails(users, groups, roles, documents)

    async def _policy_documents_of(self, arns: list[str]) -> dict[str, dict[str, Any]]:
        """The default version's document of attached policies the pages did not list (attached between two pages,
        say): GetPolicy then GetPolicyVersion each, at most ``POLICY_READS_AT_ONCE`` at a time, a version read
        once per session (a policy version never changes)."""
        limit = asyncio.Semaphore(POLICY_READS_AT_ONCE)

        async def read(arn: str) -> dict[str, Any]:
            async with limit:
                version = (await self.aws.call("iam", "GetPolicy", PolicyArn=arn))["Policy"]["DefaultVersionId"]
                cached = self._policy_documents.get((arn, version))
                if cached is not None:
                    return cached
                data = await self.aws.call("iam", "GetPolicyVersion", PolicyArn=arn, VersionId=version)
            document = policy_document(data["PolicyVersion"].get("Document"))
            self._policy_documents[(arn, version)] = document
            return document

        fetched = await asyncio.gather(*(read(arn) for arn in arns))
        return dict(zip(arns, fetched, strict=True))

    async def root_virtual_mfa(self) -> bool:
        """Whether a virtual MFA device is assigned to root: one account-wide list, never a call per user."""
        devices = (await self.aws.paginate("iam", "ListVirtualMFADevices", ("VirtualMFADevices",),
                                           AssignmentStatus="Assigned"))["VirtualMFADevices"]
        return any(str(d.get("SerialNumber", "")).endswith(ROOT_VIRTUAL_MFA_NAME)
                   or str((d.get("User") or {}).get("Arn", "")).endswith(":root") for d in devices)

    async def live_user(self, name: str) -> LiveUser:
        """Direct, current state of one user (used for users the app changed)."""
        try:
            user = (await self.aws.call("iam", "GetUser", UserName=name))["User"]
        except AwsError as err:
            if err.code == "NoSuchEntity":
                return LiveUser(name, "", exists=False)
            raise
        login, mfa, keys = await asyncio.gather(
            read_login_profile(self.aws, name), read_user_devices(self.aws, name), read_keys(self.aws, name))
        return LiveUser(name, user["Arn"], True, user.get("CreateDate"), login is not None, bool(mfa), tuple(keys))

    # --- the scan -------------------------------------------------------------------------------------------

    def start_early(self) -> None:
        """Start the first scan now, while connecting (see aws/early_scan.py): the next ``scan()`` takes it."""
        self.drop_early()
        self._early = EarlyScan(self._scan)
        self.aws.ctx.call_listeners.append(self._early.note_call)

    def drop_early(self) -> None:
        """Cancel the early scan (connecting failed)."""
        early = self._detach_early()
        if early is not None:
            early.task.cancel()

    def _take_early(self) -> EarlyScan | None:
        early = self._detach_early()
        if early is None or early.usable():
            return early
        early.task.cancel()
        return None

    def _detach_early(self) -> EarlyScan | None:
        early, self._early = self._early, None
        if early is not None:
            self.aws.ctx.call_listeners.remove(early.note_call)
        return early

    async def scan(self, progress: Progress | None = None) -> ScanResult:
        """Run every check. ``progress(done, total, what)`` is called as each input arrives."""
        early = self._take_early()
        if early is not None:
            return await early.result(progress)
        return await self._scan(progress)

    async def rescan(self, last: ScanResult | None, changed: Changed, progress: Progress | None = None) -> ScanResult:
        """After the app's own write: every check read again but the Access Analyzers (one ListAnalyzers per enabled
        region, 17 in a new account), which only a write that ``may_change_analyzers`` changes. They are read again
        too when the last scan could not read them all."""
        kept = last.inputs.analyzers if last is not None and last.inputs is not None else None
        if changed.may_change_analyzers or not isinstance(kept, AnalyzerCoverage) or not kept.read_whole:
            return await self.scan(progress)
        return await self._scan(progress, known_analyzers=kept)

    async def _scan(self, progress: Progress | None, *,
                    known_analyzers: AnalyzerCoverage | None = None) -> ScanResult:
        calls = 0
        done = 0

        def count(_service: str, _operation: str) -> None:
            nonlocal calls
            calls += 1

        started = time.perf_counter()
        self.aws.ctx.call_listeners.append(count)
        try:
            await self.aws.ready()
            # Who-am-I goes alongside the other reads, not before them: one round trip less.
            identity_read = asyncio.ensure_future(self.account.identity())

            async def organization() -> bool:
                identity = await asyncio.shield(identity_read)
                return await self.account.root_centrally_managed(identity.account_id)

            summary_read = asyncio.ensure_future(self.account.summary())

            async def root_virtual_mfa() -> bool:
                # Only asked when root has MFA at all: the list grows by a page per 1,000 users with virtual MFA.
                summary = await asyncio.shield(summary_read)
                return summary.root_mfa_enabled and await self.root_virtual_mfa()

            async def step(what: str, read: Callable[[], Awaitable[T]]) -> T | Unavailable:
                # ``read`` is called here rather than by the caller: a scan cancelled before its steps start (a
                # newer scan, quitting) then leaves no coroutine that was never awaited, which Python reports on
                # stderr when it is collected.
                nonlocal done
                value = await _or_unavailable(read())
                done += 1
                if progress is not None:
                    progress(done, SCAN_INPUTS, what)
                return value

            def analyzers_read() -> Awaitable[AnalyzerCoverage]:
                return read_analyzers(self.aws) if known_analyzers is None else _known(known_analyzers)

            # All at once, in two groups of at most six: asyncio.gather keeps each result's type up to six.
            ((summary, virtual, policy, report, authz, central),
             (live, contact, security, certificates, analyzers)) = await asyncio.gather(
                asyncio.gather(
                    step("account summary", lambda: summary_read),
                    step("root MFA device", root_virtual_mfa),
                    step("password policy", self.account.password_policy),
                    step("credential report", self.credential_report),
                    step("authorization details", self.authorization_details),
                    step("organization", organization),
                ),
                asyncio.gather(
                    step("users changed here", self._live_users),
                    step("contact details", lambda: read_contact_information(self.aws)),
                    step("security contact", lambda: read_security_contact(self.aws)),
                    step("server certificates", lambda: read_server_certificates(self.aws)),
                    step("access analyzer", analyzers_read),
                ),
            )
            identity = await identity_read  # raises when even GetCallerIdentity failed
        finally:
            self.aws.ctx.call_listeners.remove(count)
        inputs = ScanInputs(
            identity=identity.caller,
            now=datetime.now(UTC),
            summary=summary,
            password_policy=policy,
            report=report,
            authz=authz,
            root_centrally_managed=central is True,
            live_users=live if isinstance(live, dict) else {},
            root_virtual_mfa=virtual,
            caller_long_term_key=await self._signs_with_long_term_key(),
            contact_information=contact,
            security_contact=security,
            server_certificates=certificates,
            analyzers=analyzers,
        )
        results = await asyncio.to_thread(run_checks, inputs)
        return ScanResult(
            identity=identity,
            results=tuple(results),
            report_generated_at=report.generated_at if isinstance(report, CredentialReport) else None,
            api_calls=calls,
            seconds=time.perf_counter() - started,
            inputs=inputs,
        )

    async def reread_users(self, result: ScanResult, users: Iterable[str]) -> ScanResult:
        """``result`` with these users read again directly (the app changed their keys or MFA devices) and the
        checks run again on it: a few calls per user instead of the whole scan."""
        if result.inputs is None:
            return await self.scan()
        calls = 0

        def count(_service: str, _operation: str) -> None:
            nonlocal calls
            calls += 1

        started = time.perf_counter()
        names = sorted(set(users))
        self.touched.update(names)
        self.aws.ctx.call_listeners.append(count)
        try:
            states = await asyncio.gather(*(self.live_user(n) for n in names))
        finally:
            self.aws.ctx.call_listeners.remove(count)
        inputs = dataclasses.replace(result.inputs, now=datetime.now(UTC),
                                     live_users={**result.inputs.live_users, **dict(zip(names, states, strict=True))})
        results = await asyncio.to_thread(run_checks, inputs)
        return dataclasses.replace(result, results=tuple(results), inputs=inputs, api_calls=calls,
                                   seconds=time.perf_counter() - started)

    async def _signs_with_long_term_key(self) -> bool:
        try:
            return is_long_term_key(await asyncio.to_thread(self.aws.ctx.access_key_id))
        except Exception:
            return False

    async def _live_users(self) -> dict[str, LiveUser]:
        names = sorted(self.touched)
        states = await asyncio.gather(*(self.live_user(n) for n in names))
        return dict(zip(names, states, strict=True))


async def _known(value: T) -> T:
    return value


async def _or_unavailable(awaitable: Awaitable[T]) -> T | Unavailable:
    try:
        return await awaitable
    except AwsError as err:
        return err.unavailable()
