"""Reads for the account-level checks: contact details, the security contact, server certificates stored in IAM,
and IAM Access Analyzer. One call each (plus pages), never one per user."""

from __future__ import annotations

import asyncio
from typing import Any

from ..core.account_settings import (
    AlternateContact,
    AnalyzerCoverage,
    ContactInformation,
    ServerCertificate,
)
from .calls import AwsCaller
from .errors import AwsError
from .reconcile import write

# Access Analyzer's external-access kinds (CIS 1.19 / Security Hub IAM.28); the unused-access ones are another
# (paid) feature and do not count.
EXTERNAL_ACCESS_TYPES = frozenset({"ACCOUNT", "ORGANIZATION"})
ENABLED_REGION_STATUSES = ("ENABLED", "ENABLED_BY_DEFAULT")
REGIONS_AT_ONCE = 8  # ListAnalyzers side by side, one per region


async def _unless_not_found(awaitable: Any) -> Any:
    try:
        return await awaitable
    except AwsError as err:
        if err.code in {"ResourceNotFoundException", "ResourceNotFound"}:
            return None
        raise


async def read_contact_information(aws: AwsCaller) -> ContactInformation | None:
    data = await _unless_not_found(aws.call("account", "GetContactInformation"))
    info = (data or {}).get("ContactInformation")
    if not info:
        return None
    return ContactInformation(info.get("FullName", ""), info.get("PhoneNumber", ""), info.get("CompanyName"),
                              info.get("CountryCode"))


async def read_security_contact(aws: AwsCaller) -> AlternateContact | None:
    data = await _unless_not_found(aws.call("account", "GetAlternateContact", AlternateContactType="SECURITY"))
    contact = (data or {}).get("AlternateContact")
    if not contact:
        return None
    return AlternateContact(contact.get("Name", ""), contact.get("EmailAddress", ""), contact.get("PhoneNumber", ""),
                            contact.get("Title"))


async def read_server_certificates(aws: AwsCaller) -> tuple[ServerCertificate, ...]:
    pages = await aws.paginate("iam", "ListServerCertificates", ("ServerCertificateMetadataList",))
    return tuple(ServerCertificate(c["ServerCertificateName"], c.get("Arn", ""), c.get("Expiration"))
                 for c in pages["ServerCertificateMetadataList"])


async def enabled_regions(aws: AwsCaller) -> tuple[str, ...]:
    """The regions enabled for the account: ``account:ListRegions`` (paged), or when that is denied or unavailable
    ``ec2:DescribeRegions``, which lists the enabled ones by default. Raises the first call's error when neither can
    be read."""
    try:
        pages = await aws.paginate("account", "ListRegions", ("Regions",),
                                   RegionOptStatusContains=list(ENABLED_REGION_STATUSES))
        return tuple(sorted(r["RegionName"] for r in pages["Regions"]))
    except AwsError as err:
        first = err
    try:
        described = await aws.call("ec2", "DescribeRegions")
    except AwsError:
        raise first from None
    return tuple(sorted(r["RegionName"] for r in described.get("Regions") or ()
                        if r.get("OptInStatus") in (None, "opt-in-not-required", "opted-in")))


async def _active_analyzers(aws: AwsCaller) -> tuple[str, ...]:
    pages = await aws.paginate("accessanalyzer", "ListAnalyzers", ("analyzers",))
    return tuple(a["name"] for a in pages["analyzers"]
                 if a.get("status") == "ACTIVE" and a.get("type") in EXTERNAL_ACCESS_TYPES)


async def read_analyzers(aws: AwsCaller) -> AnalyzerCoverage:
    """Active external-access analyzers in every enabled region (an analyzer sees only its own region): one
    ListAnalyzers per region, at most ``REGIONS_AT_ONCE`` at a time. A region whose read fails is named with why;
    when the regions cannot be listed, only the session's region is read and the coverage says why."""
    try:
        regions, regions_error = await enabled_regions(aws), None
    except AwsError as err:
        regions, regions_error = (aws.ctx.region,), err.unavailable().describe()
    limit = asyncio.Semaphore(REGIONS_AT_ONCE)

    async def read(region: str) -> tuple[str, ...] | str:
        async with limit:
            try:
                return await _active_analyzers(aws.in_region(region))
            except AwsError as err:
                return err.unavailable().describe()

    found = await asyncio.gather(*(read(region) for region in regions))
    active = {r: names for r, names in zip(regions, found, strict=True) if not isinstance(names, str)}
    unreadable = {r: why for r, why in zip(regions, found, strict=True) if isinstance(why, str)}
    return AnalyzerCoverage(active, unreadable, regions_error)


class AccountSettingsService:
    """The account-level changes the dashboard offers as fixes."""

    def __init__(self, caller: AwsCaller) -> None:
        self.aws = caller

    async def security_contact(self) -> AlternateContact | None:
        return await read_security_contact(self.aws)

    async def set_security_contact(self, contact: AlternateContact) -> None:
        """PutAlternateContact requires all four fields: one left empty is refused here, before anything is sent
        (an empty Title would be sent as one and refused by AWS)."""
        missing = [label for label, value in (("Name", contact.name), ("Title", contact.title),
                                              ("EmailAddress", contact.email), ("PhoneNumber", contact.phone))
                   if not (value or "").strip()]
        if missing:
            raise AwsError("InvalidParameter", f"The security contact needs {', '.join(missing)}: "
                           "account:PutAlternateContact requires name, title, email address and phone number.",
                           "Fill in every field.", action="account:PutAlternateContact")
        await write(self.aws, "PutAlternateContact", {"AlternateContactType": "SECURITY", "Name": contact.name,
                                                      "Title": contact.title, "EmailAddress": contact.email,
                                                      "PhoneNumber": contact.phone}, service="account")
